"""The compact graph gives the verdict engine the same answers as the networkx graph."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.compact import CompactGraph, CompactIndex, load_compact
from graph.index import GraphIndex, index_for
from graph.verdict import audit, chain_of_authority, jurisdiction, review, trace
from loaders.bundle import load_bundle
from loaders.demo import example_bundles
from loaders.records import BundleError


def _pair(path: Path):
    return load_compact(path), build_graph(load_bundle(path, shacl=False).records.values())


def _same_index(cg: CompactGraph, g) -> None:
    ci, ni = index_for(cg), index_for(g)
    assert isinstance(ci, CompactIndex) and isinstance(ci, GraphIndex)
    assert list(ci.nodes) == list(ni.nodes)
    assert len(ci.nodes) == len(ni.nodes)
    for nid, attrs in ni.nodes.items():
        assert nid in ci.nodes
        assert dict(ci.nodes[nid]) == attrs, nid
        assert dict(ci.out[nid]) == dict(ni.out[nid]), nid
        assert dict(ci.inc[nid]) == dict(ni.inc[nid]), nid
    assert "no-such-node" not in ci.nodes
    assert dict(ci.out["no-such-node"]) == {}
    for label, ids in ni.by_label.items():
        assert ci.by_label[label] == ids
        assert ci.by_label.get(label) == ids


def _bodies_and_parties(ni) -> list[str]:
    out = []
    for label in ("Organization", "OrganizationalUnit", "Post", "Person"):
        out += ni.by_label.get(label, [])
    return out


def _same_results(cg: CompactGraph, g, *, every_party: bool) -> None:
    ni = index_for(g)
    incidents = ni.by_label.get("Incident", [])
    for inc in incidents:
        assert trace(cg, inc).to_dict() == trace(g, inc).to_dict(), inc
    for case in ni.by_label.get("AccountabilityCase", []):
        assert audit(cg, case).to_dict() == audit(g, case).to_dict(), case
    parties = _bodies_and_parties(ni)
    if not every_party:
        parties = parties[:: max(1, len(parties) // 150)]
    for body in ni.by_label.get("Organization", []) + ni.by_label.get("OrganizationalUnit", []) + ni.by_label.get("Post", []):
        assert chain_of_authority(cg, body) == chain_of_authority(g, body), body
    for inc in incidents[:: max(1, len(incidents) // 10)]:
        for party in parties:
            assert asdict(jurisdiction(cg, inc, party)) == asdict(jurisdiction(g, inc, party)), (inc, party)
    assert [asdict(f) for f in review(cg)] == [asdict(f) for f in review(g)]


@pytest.mark.parametrize("name", sorted(example_bundles()))
def test_examples_same_index_and_verdicts(name):
    cg, g = _pair(example_bundles()[name])
    _same_index(cg, g)
    _same_results(cg, g, every_party=True)


def test_county_same_index(county_dir):
    cg, g = _pair(county_dir)
    _same_index(cg, g)


def test_county_same_verdicts(county_dir):
    cg, g = _pair(county_dir)
    _same_results(cg, g, every_party=False)


def test_duty_table_matches_the_networkx_index(county_dir):
    cg, g = _pair(county_dir)
    ci, ni = index_for(cg), index_for(g)
    matters = ni.by_label["Matter"]
    for div in ni.by_label["Division"][::7]:
        for i in range(0, len(matters), 5):
            assert ci.duty_bodies(matters[i:i + 5], div) == ni.duty_bodies(matters[i:i + 5], div), (div, i)
    assert ci.duty_bodies(matters, "") == []


def test_tenure_assignment_and_clause_tables_match(county_dir):
    # the networkx index builds these tables whole, from the nodes' own edges; the compact one fills
    # them per key from its adjacency views: both must list the same rows in the same order
    cg, g = _pair(county_dir)
    ci, ni = index_for(cg), index_for(g)
    periods = [("2010-01-01", "2030-12-31"), ("2019-06-01", "2019-06-01"), ("2023-03-15", "2024-02-01")]
    posts = ni.by_label["Post"]
    assert any(ni.holdings(p, *periods[0]) for p in posts)
    for post in posts:
        for period in periods:
            assert ni.holdings(post, *period) == ci.holdings(post, *period), (post, period)
            assert ni.holders(post, *period) == [t for t, _ in ni.holdings(post, *period)]
            assert ni.assignments(post, None, *period) == ci.assignments(post, None, *period), (post, period)
    for body in ni.by_label["Organization"] + ni.by_label["OrganizationalUnit"]:
        assert ni.clauses_of(body) == ci.clauses_of(body) == sorted(ni.back(body, "ASSIGNED_TO")), body
        assert ni.posts_of(body) == ci.posts_of(body) == sorted(ni.back(body, "POST_IN")), body
    for clause in ni.by_label["DutyClause"]:
        assert ni.clause_matters(clause) == ci.clause_matters(clause) == ni.many(clause, "ON_MATTER"), clause
        assert ni.clause_scope(clause) == ci.clause_scope(clause), clause
        assert ni.clause_validity(clause) == ci.clause_validity(clause), clause
    # a tenure's holder is its HELD_BY person; a tenure row sits under its OF_POST post, in start order
    for post in posts[::5]:
        rows = ni.holdings(post, *periods[0])
        assert all(ni.one(t, "HELD_BY") == person and ni.one(t, "OF_POST") == post for t, person in rows)
        starts = [ni.attr(t, "start") or "" for t, _ in rows]
        assert starts == sorted(starts)


def test_bad_bundle_raises_like_the_record_loader(tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "bundle.yaml").write_text("csv:\n  people: people.csv\n  tenures: tenures.csv\n", encoding="utf-8")
    (d / "people.csv").write_text("id,name\np1,甲\np1,乙\n", encoding="utf-8")
    (d / "tenures.csv").write_text("id,person,post,start\nt1,p1,nopost,2020-02-30\n", encoding="utf-8")
    with pytest.raises(BundleError) as e1:
        load_compact(d)
    with pytest.raises(BundleError) as e2:
        load_bundle(d, shacl=False)
    assert e1.value.problems == e2.value.problems


def test_index_for_returns_the_compact_index(county_dir):
    cg = load_compact(county_dir)
    assert index_for(cg) is cg._quanze_index
    assert cg.memory_bytes() > 0
