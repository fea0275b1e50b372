"""RDF (Turtle, JSON-LD) and GraphML exports round-trip; SHACL catches integrity violations."""

from __future__ import annotations

import copy
import json

import networkx as nx
import pytest

from graph.build import build_graph, graph_to_records, read_graphml, write_graphml
from graph.rdf import parse, rdf_to_records, records_to_rdf, serialize, validate_records


def _canon(records):
    out = {}
    for r in records:
        vals = {k: (sorted(v) if isinstance(v, list) else v) for k, v in r.values.items()}
        out[r.id] = (r.cls, vals, r.origin)
    return out


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_rdf_round_trip_is_lossless(demo_bundle, fmt):
    text = serialize(records_to_rdf(demo_bundle), fmt)
    back = rdf_to_records(parse(text, fmt))
    assert _canon(back) == _canon(demo_bundle)
    if fmt == "jsonld":
        assert json.loads(text)  # valid JSON


def test_turtle_uses_the_ontology_terms(demo_bundle):
    text = serialize(records_to_rdf(demo_bundle), "ttl")
    assert "qz:DutyClause" in text and "qz:assignedTo" in text and "qz:DutyRole-enforce" in text


def test_graph_round_trip_and_graphml(demo_bundle, tmp_path):
    g = build_graph(demo_bundle)
    assert _canon(graph_to_records(g)) == _canon(demo_bundle)
    path = tmp_path / "demo.graphml"
    write_graphml(g, str(path))
    h = read_graphml(str(path))
    assert nx.utils.edges_equal(sorted(g.edges(keys=True)), sorted(h.edges(keys=True)))
    assert _canon(graph_to_records(h)) == _canon(demo_bundle)


def test_shacl_conforms_on_demo(demo_bundle):
    assert validate_records(list(demo_bundle)) == []


def _bypass(demo_bundle, rid, **values):
    """Records edited after loading, as a buggy writer might produce them: SHACL is the second net."""
    recs = copy.deepcopy(list(demo_bundle))
    for r in recs:
        if r.id == rid:
            r.values.update(values)
    return recs


def test_shacl_rejects_village_enforcement_duty(demo_bundle):
    recs = _bypass(demo_bundle, "md_town_list.p12", assigned_to="village_committee", role="enforce")
    problems = validate_records(recs)
    assert any("enforcement power" in p.message for p in problems), problems


def test_shacl_rejects_overlapping_tenures(demo_bundle):
    recs = _bypass(demo_bundle, "t04", start="2023-01-01")  # 郑海 would overlap 韩立 on the same post
    problems = validate_records(recs)
    assert any("overlapping tenures" in p.message for p in problems), problems


def test_shacl_rejects_tenure_ending_before_start(demo_bundle):
    recs = _bypass(demo_bundle, "t02", end="2018-01-01")
    problems = validate_records(recs)
    assert any(p.field == "start" and "after its end" in p.message for p in problems), problems
    assert problems[0].file.endswith("tenures.csv")


def test_shacl_requires_cited_sources(demo_bundle):
    recs = copy.deepcopy(list(demo_bundle))
    for r in recs:
        if r.id == "md_nr":
            del r.values["source"]
        if r.id == "md_nr.3.6":
            del r.values["number"]
    problems = validate_records(recs)
    msgs = {(p.field, p.message) for p in problems}
    assert ("source", "SHACL: every mandate cites its source") in msgs
    assert ("number", "SHACL: every duty cites its clause number") in msgs


def test_shacl_rejects_action_without_target(demo_bundle):
    recs = copy.deepcopy(list(demo_bundle))
    for r in recs:
        if r.id == "a_li":
            del r.values["target_person"], r.values["target_post"]
    assert any(p.field == "(shape)" for p in validate_records(recs))
