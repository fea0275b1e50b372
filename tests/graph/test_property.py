"""Property: random valid bundles load, validate and export (RDF, GraphML, graph) without loss."""

from __future__ import annotations

import datetime as dt
import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.build import build_graph, graph_to_records, read_graphml, write_graphml
from graph.rdf import parse, rdf_to_records, records_to_rdf, serialize
from loaders.bundle import load_bundle
from ontology.model import model as m

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x62FF), min_size=1, max_size=8)
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
ROLES = st.sampled_from(sorted(m.concepts["DutyRole"]))
BODY_KINDS = st.sampled_from(["department", "government", "township", "branch_office", "party_committee"])


@st.composite
def bundles(draw):
    n_div = draw(st.integers(1, 4))
    divisions = [{"id": f"d{i}", "name": draw(CJK), "level": ["province", "city", "county", "township"][i % 4]}
                 for i in range(n_div)]
    for i in range(1, n_div):
        divisions[i]["within"] = f"d{draw(st.integers(0, i - 1))}"
    n_mat = draw(st.integers(1, 4))
    matters = [{"id": f"m{i}", "name": draw(CJK), "aliases": draw(st.lists(CJK, max_size=2, unique=True))} for i in range(n_mat)]
    for i in range(1, n_mat):
        if draw(st.booleans()):
            matters[i]["broader"] = [f"m{draw(st.integers(0, i - 1))}"]
    n_body = draw(st.integers(1, 4))
    bodies = [{"id": f"b{i}", "name": draw(CJK), "kind": draw(BODY_KINDS), "located_in": f"d{draw(st.integers(0, n_div - 1))}"}
              for i in range(n_body)]
    for i in range(1, n_body):
        if draw(st.booleans()):
            bodies[i]["led_by"] = [f"b{draw(st.integers(0, i - 1))}"]
    posts = [{"id": f"p{i}", "name": draw(CJK), "post_in": f"b{i % n_body}", "principal": draw(st.booleans())}
             for i in range(draw(st.integers(1, 5)))]
    people = [{"id": f"x{i}", "name": draw(CJK)} for i in range(draw(st.integers(1, 5)))]
    tenures = []
    for p in posts:
        start = draw(DATES)
        for k in range(draw(st.integers(0, 3))):  # successive, non-overlapping tenures
            length = dt.timedelta(days=draw(st.integers(1, 2000)))
            end = start + length
            t = {"id": f"t_{p['id']}_{k}", "person": f"x{draw(st.integers(0, len(people) - 1))}", "post": p["id"],
                 "start": start.isoformat()}
            if k < 2 or draw(st.booleans()):
                t["end"] = end.isoformat()
            tenures.append(t)
            if "end" not in t:
                break
            start = end
    valid_from = draw(DATES)
    clauses = [{"id": f"c{i}", "number": f"第三条（{i + 1}）", "text": draw(CJK), "assigned_to": f"b{i % n_body}",
                "matters": [f"m{draw(st.integers(0, n_mat - 1))}"], "role": draw(ROLES)} for i in range(draw(st.integers(0, 4)))]
    mandate = {"id": "md0", "title": draw(CJK), "kind": "sanding", "valid_from": valid_from.isoformat(),
               "source": draw(CJK), "clauses": clauses}
    return {"bundle": {"name": "随机"}, "divisions": divisions, "matters": matters, "bodies": bodies, "posts": posts,
            "people": people, "tenures": tenures, "mandates": [mandate]}


def _canon(records):
    return {r.id: (r.cls, {k: (sorted(v) if isinstance(v, list) else v) for k, v in r.values.items()}) for r in records}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=bundles())
def test_random_valid_bundles_round_trip(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("b")
    path = d / "bundle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    bundle = load_bundle(path, shacl=False)
    expected = sum(len(v) for k, v in data.items() if k != "bundle") + sum(len(md["clauses"]) for md in data["mandates"])
    assert len(bundle) == expected
    want = _canon(bundle)
    for fmt in ("ttl", "jsonld"):
        assert _canon(rdf_to_records(parse(serialize(records_to_rdf(bundle), fmt), fmt))) == want
    g = build_graph(bundle)
    assert _canon(graph_to_records(g)) == want
    write_graphml(g, str(d / "g.graphml"))
    assert _canon(graph_to_records(read_graphml(str(d / "g.graphml")))) == want


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=bundles())
def test_random_valid_bundles_pass_shacl(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("s") / "bundle.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # JSON is YAML too
    assert load_bundle(path, shacl=True)
