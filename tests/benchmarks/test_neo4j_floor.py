"""The Neo4j floor probe creates exactly the shape it is given, on the real server (a behaviour
check; the rate it reports is a figure, not asserted)."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.neo4j_floor import run_floor, shape_of


@pytest.mark.parametrize("lookup", ["constraint", "internal"])
def test_floor_creates_the_shape_on_real_neo4j(neo4j_uri, lookup):
    from neo4j import GraphDatabase

    nodes = Counter({"FloorBody": 300, "FloorPost": 700})
    edges = Counter({("FLOOR_POST_IN", "FloorPost", "FloorBody"): 700, ("FLOOR_LED_BY", "FloorBody", "FloorBody"): 250})
    driver = GraphDatabase.driver(neo4j_uri, auth=None)
    try:
        [result] = run_floor(neo4j_uri, nodes, edges, rounds=1, lookup=lookup, batch=100, wipe=True)
        assert (result["nodes"], result["relationships"]) == (1000, 950)
        assert result["rows_per_s"] > 0 and result["total_s"] >= result["nodes_s"]
        with driver.session() as s:
            by_label = {r["l"]: r["c"] for r in s.run("MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c")}
            by_type = {r["t"]: r["c"] for r in s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")}
            wrong_ends = s.run("MATCH (a)-[:FLOOR_POST_IN]->(b) WHERE NOT (a:FloorPost AND b:FloorBody) RETURN count(*) AS c").single()["c"]
        assert by_label == {"FloorBody": 300, "FloorPost": 700}
        assert by_type == {"FLOOR_POST_IN": 700, "FLOOR_LED_BY": 250}
        assert wrong_ends == 0  # each relationship joins nodes of its source and target labels
    finally:
        with driver.session() as s:
            s.run("MATCH (n) DETACH DELETE n").consume()
            for r in list(s.run("SHOW CONSTRAINTS YIELD name, labelsOrTypes RETURN name, labelsOrTypes")):
                if any(label.startswith("Floor") for label in r["labelsOrTypes"]):
                    s.run(f"DROP CONSTRAINT `{r['name']}`").consume()
        driver.close()


def test_floor_refuses_a_database_that_holds_nodes(neo4j_uri):
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(neo4j_uri, auth=None)
    try:
        with driver.session() as s:
            s.run("MATCH (n) DETACH DELETE n").consume()
            s.run("CREATE (:FloorKeep {id: 'k1'}), (:FloorKeep {id: 'k2'})").consume()
        with pytest.raises(ValueError, match="holds 2 nodes"):
            run_floor(neo4j_uri, Counter({"FloorBody": 10}), Counter(), rounds=1)
        with driver.session() as s:  # nothing was deleted or created
            assert s.run("MATCH (n) RETURN collect(n.id) AS ids").single()["ids"] in (["k1", "k2"], ["k2", "k1"])
            assert not s.run("SHOW CONSTRAINTS YIELD labelsOrTypes WHERE 'FloorBody' IN labelsOrTypes RETURN 1").data()
    finally:
        with driver.session() as s:
            s.run("MATCH (n:FloorKeep) DELETE n").consume()
        driver.close()


def test_shape_of_a_bundle_counts_what_a_push_writes(tmp_path):
    from graph.stores import prepare
    from loaders.bundle import load_bundle
    from loaders.demo import DEMO_BUNDLE

    nodes, edges = shape_of(DEMO_BUNDLE)
    data = prepare(load_bundle(DEMO_BUNDLE, shacl=False))
    assert sum(nodes.values()) == data.node_count and sum(edges.values()) == data.edge_count
    assert nodes["Person"] == len(data.nodes["Person"])
