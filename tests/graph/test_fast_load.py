"""The fast embedded load: the networkx graph built from the columnar reader's columns is the graph
build_graph makes of the records, bad input fails the same way, and priming changes no answer and
leaves none of what it primes (tables, clause, body, post and 分工 facts) for a first trace, audit,
chain or jurisdiction check to build."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from graph.api import open_graph
from graph.build import build_graph, build_graph_from_columns
from graph.index import index_for
from graph.verdict import _facts, audit, chain_of_authority, jurisdiction, prime, trace
from loaders.bundle import load_bundle
from loaders.columnar import load_columnar
from loaders.demo import example_bundles
from loaders.records import BundleError


def _assert_identical(g, ref) -> None:
    """Same nodes in the same order with the same attribute items in the same order; same adjacency
    in both directions, neighbour by neighbour and type by type, in the same order."""
    assert list(g._node) == list(ref._node)
    for nid, attrs in ref._node.items():
        assert list(g._node[nid].items()) == list(attrs.items()), nid
        assert list(g._succ[nid].items()) == list(ref._succ[nid].items()), nid
        assert list(g._pred[nid].items()) == list(ref._pred[nid].items()), nid
    assert list(g.edges(keys=True, data=True)) == list(ref.edges(keys=True, data=True))


@pytest.mark.parametrize("name", sorted(example_bundles()))
def test_examples_build_the_same_graph_from_columns(name):
    path = example_bundles()[name]
    _assert_identical(build_graph_from_columns(load_columnar(path)), build_graph(load_bundle(path, shacl=False)))


def test_county_builds_the_same_graph_from_columns(county_dir):
    g = open_graph(county_dir, shacl=False)
    _assert_identical(g, build_graph(load_bundle(county_dir, shacl=False)))
    assert g.number_of_nodes() > 5000


def test_bad_bundle_fails_as_the_record_loader_does(county_dir, tmp_path):
    d = tmp_path / "bad"
    shutil.copytree(county_dir, d)
    lines = (d / "tenures.csv").read_text(encoding="utf-8").split("\n")
    row = lines[1].split(",")
    row[lines[0].split(",").index("start")] = "2020-13-01"
    lines[1] = ",".join(row)
    (d / "tenures.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BundleError) as fast:
        open_graph(d, shacl=False, prime=True)
    with pytest.raises(BundleError) as records:
        load_bundle(d, shacl=False)
    assert fast.value.problems == records.value.problems
    assert {(Path(p.file).name, p.line, p.field) for p in fast.value.problems} == {("tenures.csv", 2, "start")}
    assert "bad date '2020-13-01'" in str(fast.value)


def _answers(g, every: int = 1) -> dict:
    idx = index_for(g)
    incidents = idx.by_label.get("Incident", [])
    bodies = idx.by_label.get("Organization", []) + idx.by_label.get("OrganizationalUnit", [])
    posts = idx.by_label.get("Post", [])
    return {
        "traces": [trace(g, i).to_dict() for i in incidents],
        "audits": [audit(g, c).to_dict() for c in idx.by_label.get("AccountabilityCase", [])],
        "chains": [chain_of_authority(g, b) for b in bodies[::every]],
        "paths": [asdict(jurisdiction(g, i, p)) for i in incidents[::max(1, len(incidents) // 5)] for p in posts[::every]],
    }


def _sizes(g) -> dict[str, int]:
    idx = index_for(g)
    f = _facts(idx)
    tables = ("_tenure_spans", "_assignment_rows", "_clause_rows", "_body_clauses", "_duty_bodies", "_div_children")
    return {**{t: len(getattr(idx, t) or ()) for t in tables}, "div_up": len(idx._div_up), "matter_up": len(idx._matter_up),
            "clause": len(f.clause), "static": sum(1 for _, st in f.clause.values() if st is not None),
            "post": len(f.post), "body": len(f.body), "assignment": len(f.assignment), "body_rows": len(f.body_rows),
            "evidence": sum(1 for k in f.evidence if k[0] == "assignment")}


@pytest.mark.parametrize("name", sorted(example_bundles()))
def test_priming_changes_no_answer_and_leaves_nothing_to_build(name):
    path = example_bundles()[name]
    lazy = open_graph(path, shacl=False)
    primed = open_graph(path, shacl=False, prime=True)
    before = _sizes(primed)
    assert before["post"] == len(index_for(primed).by_label.get("Post", [])) > 0
    assert before["static"] == before["clause"] == len(index_for(primed).by_label.get("DutyClause", []))
    assert before["div_up"] == len(index_for(primed).by_label["Division"]) and before["_tenure_spans"] > 0
    assert _answers(primed) == _answers(lazy)
    assert _sizes(primed) == before  # every trace, audit, chain and path found its facts already built


def test_county_priming_changes_no_answer(county_dir):
    lazy = open_graph(county_dir, shacl=False)
    primed = open_graph(county_dir, shacl=False)
    counts = prime(primed)
    idx = index_for(primed)
    assert counts == {"clauses": len(idx.by_label["DutyClause"]), "posts": len(idx.by_label["Post"]),
                      "bodies": len(idx.by_label["Organization"]) + len(idx.by_label["OrganizationalUnit"]),
                      "assignments": len(idx.by_label["LeadershipAssignment"])}
    before = _sizes(primed)
    assert _answers(primed, every=25) == _answers(lazy, every=25)
    assert _sizes(primed) == before
