"""The Neo4j store against a real Neo4j 5.26: lossless, idempotent, updating, schema, injection-safe, read-only."""

from __future__ import annotations

import copy

import pytest
from neo4j.exceptions import ClientError

from graph.build import build_graph, graph_to_records
from graph.neo4j_store import schema_statements
from graph.stores import WriteRefused, run_adhoc
from loaders.demo import example_bundles
from loaders.records import BundleError, Record
from ontology.model import model as m

pytestmark = pytest.mark.neo4j
R = m.R
# The demo and two seed cases must load; further seed bundles are used when they load cleanly.
REQUIRED_BUNDLES = ("demo", "case3_tailai_irrigation", "case5_charity_project")


def records_key(records):
    """What a round trip must preserve: class, id, values and origin of every record."""
    return sorted((r.cls, r.id, repr(sorted(r.values.items())), r.file, r.line) for r in records)


def expected_key(bundle):
    return records_key(graph_to_records(build_graph(bundle)))


def _bundles():
    names = list(REQUIRED_BUNDLES)
    names += [n for n in example_bundles() if n not in names]
    return names


@pytest.fixture(params=_bundles())
def any_bundle(request, example):
    return example(request.param)  # every example bundle must load: a failure here is a real failure


@pytest.mark.parametrize("fresh", [None, False], ids=["create", "merge"])
def test_push_then_pull_is_lossless(empty_neo4j, any_bundle, fresh):
    report = empty_neo4j.push(any_bundle, batch_size=7, fresh=fresh)  # small batches: several per label
    assert empty_neo4j.last_push_mode == ("merge" if fresh is False else "create")
    assert report.nodes == len(any_bundle)
    assert records_key(graph_to_records(empty_neo4j.pull())) == expected_key(any_bundle)


def test_push_twice_changes_nothing(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo)
    counts, pulled = empty_neo4j.counts(), records_key(graph_to_records(empty_neo4j.pull()))
    empty_neo4j.push(demo)
    assert empty_neo4j.counts() == counts
    assert records_key(graph_to_records(empty_neo4j.pull())) == pulled
    g = build_graph(demo)
    assert sum(v for k, v in counts.items() if k in m.classes) == g.number_of_nodes()
    assert sum(v for k, v in counts.items() if k in set(m.R)) == g.number_of_edges()


def test_pushing_a_changed_bundle_updates_the_graph(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo)
    before = empty_neo4j.counts()
    changed = copy.deepcopy(demo)
    recs = changed.records
    recs["dist_gov"].values["led_by"] = ["city_gov"]  # was [city_gov, dist_party]: one edge removed
    recs["han_li"].values["name"] = "韩立（已调任）"  # a changed property
    recs["eco_branch"].values.pop("note")  # a removed property
    recs["as_town_deputy_a_env"].values["matters"] = ["m_eco"]  # one of two matter edges removed
    empty_neo4j.push(changed)
    assert records_key(graph_to_records(empty_neo4j.pull())) == expected_key(changed)
    after = empty_neo4j.counts()
    assert after[R.LED_BY] == before[R.LED_BY] - 1
    assert after[R.ON_MATTER] == before[R.ON_MATTER] - 1
    rows = empty_neo4j.run("MATCH (o:`Organization` {id: $id}) RETURN o.note AS note", {"id": "eco_branch"})
    assert rows == [{"note": None}]


def test_prune_removes_nodes_the_bundle_no_longer_holds(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo)
    smaller = copy.deepcopy(demo)
    for rid in ("a_li", "t15", "wang_xiu"):  # an action, a tenure and its person
        del smaller.records[rid]
    empty_neo4j.push(smaller)
    assert empty_neo4j.run("MATCH (n:`Person` {id: 'wang_xiu'}) RETURN n.id AS id")  # kept without prune
    empty_neo4j.push(smaller, prune=True)
    assert records_key(graph_to_records(empty_neo4j.pull())) == expected_key(smaller)


def test_id_constraints_exist_and_old_date_indexes_are_dropped(neo4j_store):
    # a database set up by an earlier version holds range indexes on date properties
    neo4j_store.run("CREATE INDEX `qz_Tenure_start` IF NOT EXISTS FOR (n:`Tenure`) ON (n.`start`)", write=True)
    neo4j_store.ensure_schema()
    neo4j_store.ensure_schema()  # idempotent
    constraints = {(c["labelsOrTypes"][0], tuple(c["properties"])) for c in neo4j_store.constraints()}
    for label in m.classes:
        assert (label, ("id",)) in constraints
    indexes = {(i["labelsOrTypes"][0], tuple(i["properties"])) for i in neo4j_store.indexes() if i["labelsOrTypes"]}
    dates = [(label, (f.key,)) for label, cdef in m.classes.items() for f in cdef.fields.values() if f.datatype == "date"]
    assert ("Tenure", ("start",)) in dates
    assert not set(dates) & indexes
    assert len(schema_statements()) == len(m.classes) + len(dates)


def test_unique_id_constraint_is_enforced(empty_neo4j):
    empty_neo4j.run("CREATE (:`Person` {id: 'p1', name: '甲'})", write=True)
    with pytest.raises(ClientError, match="already exists"):
        empty_neo4j.run("CREATE (:`Person` {id: 'p1', name: '乙'})", write=True)


HOSTILE = "'}) DETACH DELETE n //\n` MATCH (x) DETACH DELETE x; \"$rows\" {id: 1}"


def test_values_are_never_formatted_into_cypher(empty_neo4j, example):
    demo = copy.deepcopy(example("demo"))
    demo.records["han_li"].values["name"] = HOSTILE
    demo.records["eco_branch"].values["note"] = HOSTILE
    demo.records["m_coal"].values["aliases"] = [HOSTILE, "散煤"]
    empty_neo4j.push(demo)
    empty_neo4j.push(demo)
    assert records_key(graph_to_records(empty_neo4j.pull())) == expected_key(demo)
    rows = empty_neo4j.run("MATCH (p:`Person`) WHERE p.name = $name RETURN p.id AS id", {"name": HOSTILE})
    assert rows == [{"id": "han_li"}]


def test_a_bad_bundle_writes_nothing(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo)
    before = empty_neo4j.counts()
    bad = copy.deepcopy(demo)
    bad.records["han_li"].values["name"] = "改名"
    bad.records["t02"].values["post"] = "p_missing"  # a dangling reference, found late in the records
    bad.records["x1"] = Record("Person", "x1", {"name": "新人", "nickname": "x"})
    with pytest.raises(BundleError) as err:
        empty_neo4j.push(bad)
    assert {p.field for p in err.value.problems} >= {"nickname"}
    assert empty_neo4j.counts() == before
    assert empty_neo4j.run("MATCH (p:`Person` {id: 'han_li'}) RETURN p.name AS n") == [{"n": "韩立"}]


def test_read_transactions_refuse_writes(empty_neo4j, example):
    empty_neo4j.push(example("demo"))
    with pytest.raises(ClientError) as err:
        empty_neo4j.run("MATCH (n:`Person` {id: 'han_li'}) DETACH DELETE n")
    assert "AccessMode" in str(err.value.code)
    # a write the text guard does not see (hidden in a procedure call) still fails in the database
    with pytest.raises(ClientError):
        empty_neo4j.run("CALL db.createLabel('Sneaky')")
    with pytest.raises(WriteRefused):
        run_adhoc("match (n) detach delete n", empty_neo4j)
    assert empty_neo4j.run("MATCH (n:`Person` {id: 'han_li'}) RETURN count(n) AS n") == [{"n": 1}]
    rows = run_adhoc("MATCH (n:`Person` {id: $id}) SET n.note = 'x' RETURN n.id AS id", empty_neo4j, {"id": "han_li"}, write=True)
    assert rows == [{"id": "han_li"}]


def test_pull_reads_only_the_ontology(empty_neo4j, example):
    empty_neo4j.push(example("demo"))
    empty_neo4j.run("CREATE (:`Scratch` {id: 'zz'})-[:`SCRIBBLE`]->(:`Scratch` {id: 'yy'})", write=True)
    g = empty_neo4j.pull()
    assert "zz" not in g and g.number_of_nodes() == len(example("demo"))


def test_push_bundle_and_pull_graph_library_functions(empty_neo4j, neo4j_uri, tmp_path, example):
    from graph.stores import pull_graph, push_bundle
    from loaders.demo import DEMO_BUNDLE

    seen = []
    report = push_bundle(DEMO_BUNDLE, uri=neo4j_uri, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert report.nodes == len(example("demo")) and report.rows_per_second > 0
    assert seen[-1][0] == "edges" and seen[-1][1] == seen[-1][2] == report.edges
    out = tmp_path / "pulled.graphml"
    g = pull_graph(uri=neo4j_uri, out=out)
    assert out.exists() and g.number_of_nodes() == report.nodes
    from graph.build import read_graphml

    assert records_key(graph_to_records(read_graphml(str(out)))) == expected_key(example("demo"))


# ---------------------------------------------------------------------------- fresh load (CREATE) and merge
def _pulled(store):
    return records_key(graph_to_records(store.pull()))


@pytest.mark.parametrize("name", REQUIRED_BUNDLES)
def test_fresh_load_gives_the_same_graph_as_the_merge_push(empty_neo4j, example, name):
    bundle = example(name)
    report = empty_neo4j.push(bundle, batch_size=5)  # an empty database: the CREATE path, many batches
    assert empty_neo4j.last_push_mode == "create"
    created, created_counts = _pulled(empty_neo4j), empty_neo4j.counts()
    assert report.nodes == len(bundle) and report.edges == build_graph(bundle).number_of_edges()
    empty_neo4j.clear()
    empty_neo4j.push(bundle, batch_size=5, fresh=False)
    assert empty_neo4j.last_push_mode == "merge"
    assert _pulled(empty_neo4j) == created == expected_key(bundle)
    assert empty_neo4j.counts() == created_counts


def test_fresh_load_one_worker_and_many_are_equal(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo, workers=1)
    one = _pulled(empty_neo4j), empty_neo4j.counts()
    empty_neo4j.clear()
    empty_neo4j.push(demo, workers=4, batch_size=3)
    assert (_pulled(empty_neo4j), empty_neo4j.counts()) == one


def test_repush_after_a_fresh_load_merges_and_changes_nothing(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.push(demo)
    assert empty_neo4j.last_push_mode == "create"
    counts, pulled = empty_neo4j.counts(), _pulled(empty_neo4j)
    empty_neo4j.push(demo)
    assert empty_neo4j.last_push_mode == "merge"
    assert empty_neo4j.counts() == counts and _pulled(empty_neo4j) == pulled
    changed = copy.deepcopy(demo)
    changed.records["dist_gov"].values["led_by"] = ["city_gov"]
    empty_neo4j.push(changed)
    assert empty_neo4j.last_push_mode == "merge"
    assert _pulled(empty_neo4j) == expected_key(changed)


def test_fresh_load_is_chosen_only_when_no_input_node_exists(empty_neo4j, example):
    demo = example("demo")
    other = [Record("Division", "zz_city", {"name": "新城", "level": "city"}),
             Record("Division", "zz_county", {"name": "新县", "level": "county", "within": "zz_city"})]
    empty_neo4j.push(demo)
    empty_neo4j.push(other)  # its label is in use, but none of its ids: still a fresh load
    assert empty_neo4j.last_push_mode == "create"
    both = empty_neo4j.pull()
    assert both.number_of_nodes() == len(demo) + 2
    assert both.number_of_edges() == build_graph(demo).number_of_edges() + 1
    assert both.has_edge("zz_county", "zz_city")
    # one node of the input already there (another label's nodes do not count): merge
    empty_neo4j.clear()
    empty_neo4j.run("CREATE (:`Person` {id: 'm_coal'})", write=True)  # m_coal is a Matter in the demo
    empty_neo4j.push(demo)
    assert empty_neo4j.last_push_mode == "create"
    empty_neo4j.clear()
    empty_neo4j.run("CREATE (:`Person` {id: 'han_li', name: '旧'})", write=True)
    empty_neo4j.push(demo)
    assert empty_neo4j.last_push_mode == "merge"
    assert _pulled(empty_neo4j) == expected_key(demo)


def test_fresh_load_with_prune_and_progress(empty_neo4j, example):
    demo = example("demo")
    empty_neo4j.run("CREATE (:`Person` {id: 'stray', name: '多余'})", write=True)
    seen = []
    report = empty_neo4j.push(demo, prune=True, batch_size=4, progress=lambda *a: seen.append(a))
    assert empty_neo4j.last_push_mode == "create"
    assert _pulled(empty_neo4j) == expected_key(demo)
    nodes = [done for stage, done, total in seen if stage == "nodes"]
    edges = [done for stage, done, total in seen if stage == "edges"]
    assert nodes == sorted(nodes) and nodes[-1] == report.nodes
    assert edges == sorted(edges) and edges[-1] == report.edges


def test_input_edges_are_unique_so_create_matches_merge():
    # CREATE writes one relationship per input edge, MERGE one per distinct edge: they agree because no
    # class has two reference fields of the same relationship type (prepare() dedups within a field)
    for cdef in m.classes.values():
        types = [f.rel_type for f in cdef.fields.values() if f.kind == "ref"]
        assert len(types) == len(set(types)), cdef
