"""Unit tests of the Cypher page's and the Neo4j store choice's logic in explorer.views, without Streamlit."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from explorer import views
from graph.build import LABEL
from loaders.demo import DEMO_BUNDLE
from ontology.model import model as m
from queries.registry import Param, Query, get

L = m.L


@pytest.fixture(scope="module")
def demo():
    return views.open_path(DEMO_BUNDLE, shacl=False)


@pytest.fixture(scope="module")
def store(demo):
    return views.store_for(views.StoreChoice(), demo)


@pytest.fixture
def no_neo4j_env(monkeypatch):
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(var, raising=False)


# -- the store choice ------------------------------------------------------------------------------------
def test_store_kinds_offer_neo4j():
    assert list(views.STORE_KINDS) == ["embedded", "neo4j"]


def test_neo4j_choice_defaults_come_from_neo4j_settings(monkeypatch, no_neo4j_env):
    c = views.StoreChoice(kind="neo4j")
    assert (c.uri, c.user, c.password) == ("bolt://127.0.0.1:7687", None, None)
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    c = views.StoreChoice(kind="neo4j")
    assert (c.uri, c.user, c.password) == ("bolt://db.example:7687", "neo4j", "s3cret")
    assert "s3cret" not in repr(c)
    assert views.StoreChoice().uri is None  # the embedded store has no connection


def test_with_connection_keeps_the_choice_until_a_field_changes(no_neo4j_env):
    c = views.StoreChoice(kind="neo4j")
    c.status = "Connected"
    assert views.with_connection(c, "bolt://127.0.0.1:7687", "", "") is c
    changed = views.with_connection(c, "bolt://other:7687", "neo4j", "pw")
    assert (changed.uri, changed.user, changed.password, changed.status) == ("bolt://other:7687", "neo4j", "pw", "")


def test_store_description(demo):
    assert views.store_description(views.StoreChoice(), demo) == f"embedded LadybugDB loaded with {demo.bundle.name}"
    assert views.store_description(views.StoreChoice(kind="neo4j", uri="bolt://h:7687", user="u"), None) == \
        "Neo4j at bolt://h:7687 as u"


def test_embedded_store_is_opened_once_per_bundle(demo, store):
    again = views.store_for(views.StoreChoice(), views.open_path(DEMO_BUNDLE, shacl=False))
    assert again._store is store._store and store.engine == "ladybug"


def test_uploaded_bundles_get_their_own_store(demo):
    from graph.api import Loaded

    copy = Loaded(views.open_path(DEMO_BUNDLE, shacl=False).bundle, demo.graph)
    copy.bundle = type(copy.bundle)(copy.bundle.name, "upload.yaml", dict(copy.bundle.records))  # no files on disk
    first = views.store_for(views.StoreChoice(), copy)
    assert views.store_for(views.StoreChoice(), copy)._store is first._store
    assert first._store is not views.store_for(views.StoreChoice(), demo)._store


def test_embedded_store_needs_a_bundle():
    with pytest.raises(views.StoreUnavailable, match="Load a bundle first"):
        views.store_for(views.StoreChoice(), None)


def test_neo4j_refuses_a_non_bolt_uri():
    with pytest.raises(views.StoreUnavailable, match="not a Bolt URI"):
        views.check_neo4j(views.StoreChoice(kind="neo4j", uri="http://127.0.0.1:7474"))


def test_unreachable_neo4j_fails_fast_with_a_clear_message():
    t0 = time.perf_counter()
    with pytest.raises(views.StoreUnavailable, match="cannot reach Neo4j at bolt://127.0.0.1:1"):
        views.check_neo4j(views.StoreChoice(kind="neo4j", uri="bolt://127.0.0.1:1"))
    assert time.perf_counter() - t0 < 10  # not the driver's 30 s of retries


# -- forms from the query headers ---------------------------------------------------------------------------
def test_param_classes_by_name():
    assert views.param_classes(get("jurisdiction_path").param("incident")) == (L.Incident,)
    assert views.param_classes(get("omitted_parties").param("case_id")) == (L.AccountabilityCase,)
    assert views.param_classes(get("body_duties").param("body")) == (L.Organization, L.OrganizationalUnit)
    assert views.param_classes(get("post_holders").param("post")) == (L.Post,)
    assert views.param_classes(get("leader_assignments").param("person")) == (L.Person,)
    assert views.param_classes(get("grassroots_share").param("threshold")) == ()
    assert views.param_classes(Param("note", "string", "free text")) == ()


def test_param_fields_select_ids_of_the_loaded_graph(demo):
    incident, party = views.param_fields(get("jurisdiction_path"), demo.graph)
    assert incident.kind == party.kind == "select"
    assert incident.default == "inc_coal" and incident.options["inc_coal"].endswith("(Incident, inc_coal)")
    classes = {demo.graph.nodes[n][LABEL] for n in party.options}
    assert classes == {L.Person, L.Post, L.Organization, L.OrganizationalUnit}
    assert party.options["li_jianguo"] == "李建国 (Person, li_jianguo)"


def test_param_fields_by_type(demo):
    case_id, threshold = views.param_fields(get("grassroots_share"), demo.graph)
    assert case_id.kind == "select" and case_id.default == "case_coal"
    assert (threshold.kind, threshold.default, threshold.required) == ("float", 0.5, False)
    (date,) = views.param_fields(get("duty_gaps"), demo.graph)
    assert date.kind == "date" and date.default == views.conduct_period(demo.graph, "inc_coal")[0]
    (date,) = views.param_fields(get("duty_gaps"))  # no graph: today
    assert date.default == dt.date.today()
    q = Query("t", "test", (Param("n", "integer", "count", 3), Param("flag", "boolean", "on?", True),
                            Param("ids", "string[]", "ids", ["a", "b"]), Param("incident", "string", "id")),
              ("neo4j",), {})
    fields = views.param_fields(q)  # no graph: the incident is typed in
    assert [(f.kind, f.default) for f in fields] == [("integer", 3), ("checkbox", True), ("text", "a, b"), ("text", "")]


def test_param_fields_fall_back_to_text_for_huge_choices(demo, monkeypatch):
    monkeypatch.setattr(views, "SELECT_LIMIT", 1)
    _, party = views.param_fields(get("jurisdiction_path"), demo.graph)
    assert party.kind == "text" and party.default == ""


def test_form_values_blank_text_is_not_given():
    fields = views.param_fields(get("grassroots_share"))
    assert views.form_values(fields, {"case_id": " case_coal ", "threshold": 0.3}) == {"case_id": "case_coal",
                                                                                          "threshold": 0.3}
    assert views.form_values(fields, {"case_id": "", "threshold": 0.5})["case_id"] is None


def test_query_choices_name_every_library_query():
    choices = views.query_choices("ladybug")
    assert "jurisdiction_path" in choices and choices["jurisdiction_path"].startswith("jurisdiction_path — ")
    assert views.default_query() in choices


# -- running ---------------------------------------------------------------------------------------------------
def test_run_library_jurisdiction_path(store):
    none = views.run_library(store, "jurisdiction_path", {"incident": "inc_coal", "party": "li_jianguo"})
    assert not none.error and none.rows == [] and "clause" in none.columns  # the header's columns
    found = views.run_library(store, "jurisdiction_path", {"incident": "inc_coal", "party": "wu_gang"})
    assert not found.error and "md_branch.4.1" in {r["clause"] for r in found.rows}
    assert found.title == "jurisdiction_path(incident=inc_coal, party=wu_gang)"


def test_run_library_reports_bad_parameters(store):
    result = views.run_library(store, "jurisdiction_path", {"incident": "inc_coal", "party": None})
    assert "missing $party" in result.error and not result.rows
    result = views.run_library(store, "grassroots_share", {"case_id": "case_coal", "threshold": "lots"})
    assert "$threshold (float)" in result.error


def test_run_free_reads(store):
    result = views.run_free(store, "MATCH (p:Person) RETURN p.name LIMIT 3")
    assert not result.error and len(result.rows) == 3 and result.columns == ["p.name"]


@pytest.mark.parametrize("text", ["CREATE (p:Person {id: 'x'})", "MATCH (n) DETACH DELETE n",
                                  "MATCH (p:Person) SET p.name = 'x'", "MERGE (p:Person {id: 'x'})"])
def test_run_free_refuses_writes(store, text):
    result = views.run_free(store, text)
    assert result.refused and result.error.startswith("Refused: the query writes")
    assert "--write" not in result.error  # the explorer offers no way to write
    assert views.run_free(store, "MATCH (p:Person {id: 'x'}) RETURN count(p) AS n").rows == [{"n": 0}]


def test_run_free_shows_database_errors(store):
    result = views.run_free(store, "MATCH (p:Person RETURN p")
    assert result.error and not result.refused
    assert views.run_free(store, "  ").error == "Type a Cypher query first."


# -- tables and graphs of results -------------------------------------------------------------------------
def test_table_rows_make_columns_arrow_safe():
    rows = views.table_rows([{"n": {"_LABEL": "Person", "id": "p1", "name": "甲"}, "xs": ["a", None], "v": 1},
                             {"n": None, "xs": [], "v": dt.date(2023, 1, 10)}])
    assert rows[0]["n"] == '{"id": "p1", "name": "甲"}'
    assert rows[0]["xs"] == "a, " and rows[1]["xs"] == ""
    assert rows[0]["v"] == "1" and rows[1]["v"] == "2023-01-10"


def test_result_ids_walks_nodes_and_lists():
    assert views.result_ids([{"a": "x", "b": ["y", "x"], "c": {"id": "z"}, "d": 2}]) == ["x", "y", "z"]


def test_result_subgraph(demo, store):
    rows = views.run_library(store, "jurisdiction_path", {"incident": "inc_coal", "party": "wu_gang"}).raw
    plain = views.result_subgraph(demo.graph, rows, bridges=False)
    assert {"wu_gang", "p_branch_team_leader", "eco_branch_team", "md_branch.4.1"} <= set(plain)
    assert all(plain.nodes[n][LABEL] != L.Tenure for n in plain)
    assert plain.has_edge("p_branch_team_leader", "eco_branch_team", key=m.R.POST_IN)
    bridged = views.result_subgraph(demo.graph, rows)
    tenures = [n for n in bridged if bridged.nodes[n][LABEL] == L.Tenure]
    assert tenures and all(bridged.has_edge(t, "wu_gang", key=m.R.HELD_BY) for t in tenures)
    assert views.result_subgraph(demo.graph, [{"name": "吴刚"}]).number_of_nodes() == 0


# -- a real Neo4j ---------------------------------------------------------------------------------------------
@pytest.mark.neo4j
def test_neo4j_check_pull_and_query(neo4j_uri, no_neo4j_env):
    from graph.neo4j_store import Neo4jStore
    from graph.stores import push_bundle
    from graph.verdict import audit

    with Neo4jStore(neo4j_uri) as s:  # the server is shared by the session: hold exactly the demo
        s.run("MATCH (n) DETACH DELETE n", write=True)
    choice = views.StoreChoice(kind="neo4j", uri=neo4j_uri)
    assert "holds 0 nodes" in views.check_neo4j(choice)
    with pytest.raises(views.StoreUnavailable, match="holds no Quanze graph"):
        views.pull_from_neo4j(choice)
    report = push_bundle(DEMO_BUNDLE, neo4j_uri)
    assert views.check_neo4j(choice) == f"Connected to {neo4j_uri}: the database holds {report.nodes:,} nodes."

    loaded = views.pull_from_neo4j(choice)
    assert len(loaded.bundle) == report.nodes and loaded.bundle.name == f"Neo4j {neo4j_uri}"
    li = [v for v in audit(loaded.graph, "case_coal").verdicts if v.target_person_name == "李建国"]
    assert li and li[0].verdict == "no_jurisdiction"
    assert views.summary_table(loaded)[-1]["records"] == loaded.graph.number_of_edges()

    store = views.store_for(choice, None)
    assert store.engine == "neo4j"
    found = views.run_library(store, "jurisdiction_path", {"incident": "inc_coal", "party": "wu_gang"})
    assert "md_branch.4.1" in {r["clause"] for r in found.rows}
    assert views.run_free(store, "CREATE (n:Person {id: 'x'})").refused
