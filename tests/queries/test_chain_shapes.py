"""chain_of_authority on shapes the example bundles lack: a cycle of authority, parallel edges to the
same body, a body with nothing above it, and a post as the start. Both engines (Neo4j's walk and
LadybugDB's shortest-path variant) must give what the verdict engine gives: every upward edge out of
every body reached, at the depth of its shortest distance."""

from __future__ import annotations

import pytest

from graph.build import build_graph
from graph.verdict import chain_of_authority
from loaders.bundle import load_bundle
from queries.registry import run

BUNDLE = """
divisions:
  - {id: d_p, name: 甲省, level: province}
  - {id: d_c, name: 乙市, level: city, within: d_p}
bodies:
  - {id: b_dept, name: 乙市某局, kind: department, located_in: d_c, led_by: [b_gov], guided_by: [b_prov]}
  - {id: b_gov, name: 乙市人民政府, kind: government, located_in: d_c, led_by: [b_party]}
  - {id: b_party, name: 中共乙市委员会, kind: party_committee, located_in: d_c, guided_by: [b_dept]}
  - {id: b_prov, name: 甲省某厅, kind: department, located_in: d_p}
  - {id: b_branch, name: 乙市某局分局, kind: branch_office, located_in: d_c, sub_organization_of: b_dept, vertically_managed_by: b_dept}
  - {id: b_alone, name: 乙市某中心, kind: public_institution, located_in: d_c}
units:
  - {id: u_team, name: 执法队, kind: internal_unit, unit_of: b_branch}
posts:
  - {id: p_lead, name: 执法队队长, post_in: u_team, principal: true, leading: true}
"""
STARTS = ["b_dept", "b_gov", "b_party", "b_prov", "b_branch", "b_alone", "u_team", "p_lead"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = tmp_path_factory.mktemp("chain") / "bundle.yaml"
    path.write_text(BUNDLE, encoding="utf-8")
    return load_bundle(path, shacl=False)


@pytest.fixture(scope="module")
def graph(bundle):
    return build_graph(bundle)


def _expected(graph, start):
    return sorted((r["from"], r["relation"], r["to"], int(r["depth"])) for r in chain_of_authority(graph, start))


def _rows(rows):
    return sorted((r["from_body"], r["relation"], r["to_body"], int(r["depth"])) for r in rows)


def test_the_shapes_are_there(graph):
    rows = _expected(graph, "p_lead")
    # the cycle dept -> gov -> party -> dept is walked once; the branch's two edges both appear
    assert ("b_party", "GUIDED_BY", "b_dept", 5) in rows
    assert {("b_branch", "SUB_ORGANIZATION_OF", "b_dept", 2), ("b_branch", "VERTICALLY_MANAGED_BY", "b_dept", 2)} <= set(rows)
    assert not any(r[0] == "b_dept" and r[3] != 3 for r in rows)  # met at its shortest distance only
    assert _expected(graph, "b_alone") == []


def test_ladybug_variant_gives_the_engines_chain(bundle, graph):
    from graph.embedded_store import EmbeddedStore

    store = EmbeddedStore()
    store.ensure_schema()
    store.push(bundle)
    try:
        for start in STARTS:
            assert _rows(run("chain_of_authority", {"start": start}, store)) == _expected(graph, start), start
    finally:
        store.close()


@pytest.mark.neo4j
def test_neo4j_gives_the_engines_chain(bundle, graph, neo4j_uri):
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    try:
        store.run("MATCH (n) DETACH DELETE n", write=True)
        store.ensure_schema()
        store.push(bundle)
        for start in STARTS:
            assert _rows(run("chain_of_authority", {"start": start}, store)) == _expected(graph, start), start
    finally:
        store.close()
