"""Warming a store: every library query planned, then run on ids drawn from the bundle.

The point of warming (the first questions after a load are not the slow ones) is a timing and is
reported by the benchmark; these tests check what warming does and that it fails loudly.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from loaders.bundle import load_bundle
from ontology.model import model as m
from queries.registry import PARAM_TYPES, RECORD_PARAMS, WARM_SOURCES, QueryError, _PLACEHOLDER, list_queries, warm, warm_samples

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture(scope="module")
def demo():
    return load_bundle(DEMO)


def test_every_required_parameter_has_a_source_in_the_ontology():
    assert set(_PLACEHOLDER) == set(PARAM_TYPES)  # every declared type can be planned
    for param, (cls, field_name) in WARM_SOURCES.items():
        assert cls in m.classes, param
        assert field_name == "id" or field_name in m.classes[cls].fields, (param, field_name)
    for q in list_queries():
        for p in q.params:
            assert not p.required or p.name in WARM_SOURCES, f"{q.name}: ${p.name} has nothing to warm it with"


def test_samples_are_drawn_from_the_bundle_seeded_and_without_the_excluded(demo):
    people = {r.id for r in demo.of("Person")}
    a = warm_samples(demo, per_param=4, seed=3)
    assert a == warm_samples(demo, per_param=4, seed=3)
    assert len(a["person"]) == 4 and set(a["person"]) <= people
    assert a["incident"] == ["inc_coal"] and a["date"] == [demo.records["inc_coal"].values["conduct_date"]]
    b = warm_samples(demo, per_param=100, exclude=a["person"] + ["inc_coal"])
    assert set(b["person"]) == people - set(a["person"])
    assert b["incident"] == [] and b["date"] == []  # the only incident was excluded


def _check(report, engine, samples, per_query):
    names = [q.name for q in list_queries() if engine in q.engines]
    assert list(report.planned) == names
    for q in list_queries():
        required = [p.name for p in q.params if p.required]
        if engine not in q.engines or any(not samples.get(p) for p in required) or not RECORD_PARAMS & set(required):
            assert q.name not in report.calls
        else:
            assert report.calls[q.name] == min([per_query] + [len(samples[p]) for p in required]), q.name
    assert report.seconds > 0 and f"warmed {len(names)} queries" in str(report)
    # the whole-graph reports are planned, not run; the per-record questions are run
    assert {"duty_gaps", "duty_overlaps"} <= set(report.planned) and not {"duty_gaps", "duty_overlaps"} & set(report.calls)
    assert {"responsibility_map", "no_duty_targets", "post_holders"} <= set(report.calls)


def test_warm_plans_every_query_and_runs_each_on_the_samples_on_ladybug(demo):
    from graph.embedded_store import EmbeddedStore
    from graph.stores import prepare

    with EmbeddedStore() as store:
        store.ensure_schema()
        store.push(prepare(demo))
        samples = warm_samples(demo, per_param=3)
        _check(warm(store, samples, per_query=2), "ladybug", samples, 2)
        # without samples it only plans
        only = warm(store)
        assert list(only.planned) == [q.name for q in list_queries() if "ladybug" in q.engines] and only.calls == {}


@pytest.mark.neo4j
def test_warm_on_a_real_neo4j(demo, neo4j_uri):
    from graph.neo4j_store import Neo4jStore

    with Neo4jStore(neo4j_uri) as store:
        store.run("MATCH (n) DETACH DELETE n", write=True)
        store.ensure_schema()
        store.push(demo)
        samples = warm_samples(demo, per_param=3)
        _check(warm(store, samples, per_query=3), "neo4j", samples, 3)
        store.run("MATCH (n) DETACH DELETE n", write=True)


def test_a_query_that_does_not_plan_is_named(tmp_path, demo):
    from graph.embedded_store import EmbeddedStore
    from graph.stores import prepare

    (tmp_path / "broken.cypher").write_text(textwrap.dedent("""\
        // name: broken
        // purpose: A query whose text no engine accepts.
        // params: $incident (string) id of the incident
        // engines: neo4j, ladybug
        // returns: x
        MATCH (i:`Incident` {id: $incident}) RETURN i.id AS x ORDER BY BY x
        """), encoding="utf-8")
    with EmbeddedStore() as store:
        store.ensure_schema()
        store.push(prepare(demo))
        with pytest.raises(QueryError, match=r"query 'broken' \(.*broken\.cypher\) does not plan on ladybug"):
            warm(store, warm_samples(demo), folder=tmp_path)
