"""The embedded LadybugDB store: the Neo4j store's guarantees without a server."""

from __future__ import annotations

import copy

import pytest

from graph.build import build_graph, graph_to_records
from graph.embedded_store import EmbeddedStore, rel_pairs
from graph.stores import WriteRefused, open_store, run_adhoc
from loaders.demo import DEMO_BUNDLE
from loaders.records import BundleError, Record
from ontology.model import model as m

R = m.R


def records_key(records):
    return sorted((r.cls, r.id, repr(sorted(r.values.items())), r.file, r.line) for r in records)


def expected_key(bundle):
    return records_key(graph_to_records(build_graph(bundle)))


@pytest.mark.parametrize("name", ["demo", "case3_tailai_irrigation", "case5_charity_project"])
def test_push_then_pull_is_lossless(embedded_store, example, name):
    bundle = example(name)
    assert embedded_store.push(bundle).nodes == len(bundle)
    assert records_key(graph_to_records(embedded_store.pull())) == expected_key(bundle)


def test_schema_has_a_table_per_class_and_multi_pair_rel_tables(embedded_store):
    tables = embedded_store.tables()
    assert {label for label in m.classes} <= {t for t, kind in tables.items() if kind == "NODE"}
    assert set(m.R) <= {t for t, kind in tables.items() if kind == "REL"}
    # ON_MATTER joins clauses, 分工, decisions and incidents to matters
    assert {s for s, _ in rel_pairs()[R.ON_MATTER]} == {"DutyClause", "LeadershipAssignment", "Decision", "Incident"}


def test_push_twice_and_update(embedded_store, example):
    demo = example("demo")
    embedded_store.push(demo)
    counts = embedded_store.counts()
    embedded_store.push(demo)
    assert embedded_store.counts() == counts
    changed = copy.deepcopy(demo)
    changed.records["dist_gov"].values["led_by"] = ["city_gov"]
    changed.records["han_li"].values["name"] = "韩立（已调任）"
    changed.records["eco_branch"].values.pop("note")
    embedded_store.push(changed)
    assert records_key(graph_to_records(embedded_store.pull())) == expected_key(changed)
    assert embedded_store.counts()[R.LED_BY] == counts[R.LED_BY] - 1


def test_partial_push_keeps_the_rest(embedded_store, example):
    demo = example("demo")
    embedded_store.push(demo)
    part = [copy.deepcopy(demo.records[i]) for i in ("han_li", "d_prov")]
    part[0].values["name"] = "韩立二"
    embedded_store.push(part)
    g = embedded_store.pull()
    assert g.number_of_nodes() == len(demo) and g.nodes["han_li"]["name"] == "韩立二"


def test_a_bad_push_writes_nothing(embedded_store, example):
    demo = example("demo")
    embedded_store.push(demo)
    before = embedded_store.counts()
    bad = copy.deepcopy(demo)
    bad.records["x1"] = Record("Person", "x1", {"name": "新人", "birthday": "2000-01-01"})
    with pytest.raises(BundleError):
        embedded_store.push(bad)
    assert embedded_store.counts() == before


def test_reads_are_read_only(embedded_store, example):
    embedded_store.push(example("demo"))
    with pytest.raises(RuntimeError, match="read-only"):
        embedded_store.run("MATCH (n:`Person` {id: 'han_li'}) DETACH DELETE n")
    with pytest.raises(ValueError, match="one statement"):
        embedded_store.run("MATCH (n) RETURN n.id; COMMIT")
    with pytest.raises(WriteRefused):
        run_adhoc("MATCH (n:`Person`) DELETE n", embedded_store)
    assert embedded_store.run("MATCH (n:`Person` {id: 'han_li'}) RETURN n.name AS name") == [{"name": "韩立"}]
    # the store still works after a refused statement
    assert run_adhoc("MATCH (n:`Person` {id: $id}) SET n.note = 'x' RETURN n.note AS note", embedded_store,
                     {"id": "han_li"}, write=True) == [{"note": "x"}]


def test_open_store_loads_a_bundle():
    with open_store("embedded", bundle=DEMO_BUNDLE) as store:
        assert store.engine == "ladybug"
        assert store.run("MATCH (i:`Incident`) RETURN i.id AS id") == [{"id": "inc_coal"}]


def test_on_disk_database(tmp_path, example):
    path = tmp_path / "graph.lbug"
    with EmbeddedStore(path) as store:
        store.push(example("demo"))
    with EmbeddedStore(path) as store:
        assert records_key(graph_to_records(store.pull())) == expected_key(example("demo"))
