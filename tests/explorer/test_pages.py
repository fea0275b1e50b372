"""Smoke tests of every explorer page with Streamlit's AppTest (no browser): each renders without exceptions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.launch import BUNDLE_ENV
from loaders.demo import DEMO_BUNDLE

APP = str(Path(__file__).resolve().parents[2] / "explorer" / "app.py")
TIMEOUT = 120  # the first run validates the demo with SHACL; later runs hit the cache


def start(monkeypatch: pytest.MonkeyPatch, bundle: Path | str | None = DEMO_BUNDLE) -> AppTest:
    if bundle is None:
        monkeypatch.delenv(BUNDLE_ENV, raising=False)
    else:
        monkeypatch.setenv(BUNDLE_ENV, str(bundle))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, *columns: str):
    """The first st.dataframe holding all these columns (display-only dataframes carry no key in AppTest)."""
    for d in at.dataframe:
        if set(columns) <= set(d.value.columns):
            return d.value
    raise AssertionError(f"no dataframe with columns {columns}")


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error", "info", "warning", "code")
                     for e in at.get(kind))


def test_load_page_picks_an_example(monkeypatch):
    at = start(monkeypatch, bundle=None)
    assert at.title[0].value.startswith("Load")
    assert any("No bundle loaded" in c.value for c in at.sidebar.get("caption"))
    at.selectbox(key="load_example").set_value("demo")
    at.button(key="load_example_button").click().run()
    assert not at.exception
    assert "云溪区售煤点污染问责（示例）" in at.success[0].value
    summary = frame_with(at, "section", "class", "records")
    assert "Incident" in set(summary["class"])
    assert at.radio(key="store_kind").value == "embedded"


def test_load_page_shows_validation_errors_with_file_and_line(monkeypatch, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bundle: {name: 坏}\ndivisions:\n  - {id: d1, name: 甲市, level: city}\n"
        "bodies:\n  - {id: b1, name: 乙局, kind: nonsense, located_in: d1}\n",
        encoding="utf-8",
    )
    at = start(monkeypatch, bundle=bad)
    assert "problem(s); nothing was loaded" in at.error[0].value
    listing = at.code[0].value
    assert "bad.yaml:5: kind:" in listing
    assert any(loc.endswith("bad.yaml:5") for loc in frame_with(at, "location", "field", "message")["location"])


def test_pages_ask_for_a_bundle_first(monkeypatch):
    at = start(monkeypatch, bundle=None)
    for page in ("trace", "audit", "bodies", "cypher"):
        open_page(at, page)
        assert at.info[0].value == "Load a bundle first."


def test_trace_page(monkeypatch):
    at = open_page(start(monkeypatch), "trace")
    assert at.title[0].value.startswith("Incident trace")
    assert at.selectbox(key="trace_incident").value == "inc_coal"
    assert at.selectbox(key="trace_case_inc_coal").value == "case_coal"  # coloured by the case by default
    frames = at.get("iframe")
    assert len(frames) == 1 and "vis.Network" in frames[0].proto.srcdoc
    targets = at.table[0].value
    row = targets[targets["name"] == "李建国"].iloc[0]
    assert row["verdict"] == "无管辖职责 no jurisdiction"
    assert "无管辖职责 no jurisdiction" in texts(at)  # the legend

    at.date_input(key="trace_as_of_inc_coal").set_value(dt.date(2023, 10, 1)).run()
    assert not at.exception
    assert any("outside the conduct period" in c.value for c in at.caption)

    at.multiselect(key="trace_kinds").set_value(["execution"]).run()
    at.multiselect(key="trace_expand").set_value(["li_jianguo"]).run()
    assert not at.exception
    assert "t14" in at.get("iframe")[0].proto.srcdoc  # the expanded tenure record

    at.multiselect(key="trace_expand").set_value([])
    at.selectbox(key="trace_case_inc_coal").set_value("").run()
    assert not at.exception
    assert len(at.table) == 0  # no case: no targets table, only the duty paths
    everyone = frame_with(at, "name", "verdict", "target")
    assert "李建国" not in set(everyone["name"])


def test_audit_page(monkeypatch):
    at = open_page(start(monkeypatch), "audit")
    assert at.selectbox(key="audit_case").value == "case_coal"
    verdicts = frame_with(at, "action", "target", "verdict")
    li = verdicts[verdicts["target"] == "李建国"].iloc[0]
    assert li["verdict"] == "无管辖职责 no jurisdiction"
    assert "tenures.csv:15" in li["evidence"]
    assert set(verdicts["verdict"]) >= {"有依据 basis", "不在任 outside tenure"}
    findings = frame_with(at, "flag", "finding")
    assert {"omitted", "grassroots_share"} <= set(findings["finding"])
    assert len(frame_with(at, "person", "later posts")) == 4
    assert {b.label for b in at.get("download_button")} == {"HTML", "Markdown", "JSON"}
    assert any("李建国" in e.label for e in at.expander)


def test_body_browser_page(monkeypatch):
    at = open_page(start(monkeypatch), "bodies")
    at.selectbox(key="body_choice").set_value("eco_branch").run()
    assert not at.exception
    assert "垂直管理" in texts(at)
    clauses = frame_with(at, "number", "text")
    assert "第三条（二）" in set(clauses["number"])
    tenures = frame_with(at, "person", "start", "end")
    assert {"韩立", "郑海"} <= set(tenures["person"])
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) >= 1 or any(
        e.type in ("arrow_vega_lite_chart", "vega_lite_chart") for e in at.main
    )
    assignments = frame_with(at, "mode", "covers")
    assert "杨帆" in set(assignments["person"])
    assert len(frame_with(at, "depth", "relation")) >= 1


# -- Cypher page ---------------------------------------------------------------------------------------
def run_library(at: AppTest, query: str, **values: str) -> AppTest:
    """Pick a library query, fill its form's select boxes and press Run."""
    at.selectbox(key="cypher_query").set_value(query).run()
    assert not at.exception, [e.value for e in at.exception]
    for name, value in values.items():
        at.selectbox(key=f"cypher_{query}_{name}").set_value(value)
    at.button(key=f"cypher_run_{query}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_free(at: AppTest, text: str) -> AppTest:
    at.text_area(key="cypher_free_text").set_value(text)
    at.button(key="cypher_free_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_cypher_page_forms_from_the_query_headers(monkeypatch):
    at = open_page(start(monkeypatch), "cypher")
    assert at.title[0].value.startswith("Cypher")
    assert any("embedded LadybugDB" in c.value for c in at.caption)
    at.selectbox(key="cypher_query").set_value("jurisdiction_path").run()
    # ids of the loaded graph fill the select boxes of parameters that name records
    assert at.selectbox(key="cypher_jurisdiction_path_incident").value == "inc_coal"
    assert "李建国 (Person, li_jianguo)" in at.selectbox(key="cypher_jurisdiction_path_party").options
    at.selectbox(key="cypher_query").set_value("grassroots_share").run()
    assert at.number_input(key="cypher_grassroots_share_threshold").value == 0.5  # the header's default
    at.selectbox(key="cypher_query").set_value("duty_gaps").run()
    assert at.date_input(key="cypher_duty_gaps_date").value is not None
    # reading only: no control anywhere on the page lets a query write
    assert not at.toggle and not any("write" in c.label.lower() for c in at.checkbox)


def test_cypher_page_runs_jurisdiction_path(monkeypatch):
    at = open_page(start(monkeypatch), "cypher")
    run_library(at, "jurisdiction_path", incident="inc_coal", party="li_jianguo")
    assert "No rows returned." in [i.value for i in at.info]  # the village secretary: no duty path
    assert any("0 row(s)" in m.value for m in at.markdown)
    empty = frame_with(at, "party", "clause")
    assert len(empty) == 0  # the header's columns, no rows

    run_library(at, "jurisdiction_path", incident="inc_coal", party="wu_gang")
    rows = frame_with(at, "party", "clause")
    assert "md_branch.4.1" in set(rows["clause"])
    assert set(rows["person_name"]) == {"吴刚"}
    frames = at.get("iframe")
    assert len(frames) == 1 and "vis.Network" in frames[0].proto.srcdoc and "wu_gang" in frames[0].proto.srcdoc


def test_cypher_page_free_query_is_read_only(monkeypatch):
    at = open_page(start(monkeypatch), "cypher")
    run_free(at, "MATCH (p:Person) RETURN p.name LIMIT 3")
    names = frame_with(at, "p.name")
    assert len(names) == 3 and not at.error
    run_free(at, "CREATE (p:Person {id: 'intruder', name: '闯入者'}) RETURN p")
    assert at.error and "CREATE" in at.error[0].value and "Refused" in at.error[0].value
    run_free(at, "MATCH (p:Person {id: 'intruder'}) RETURN count(p) AS n")
    assert list(frame_with(at, "n")["n"]) == [0]  # nothing was written


def test_load_page_neo4j_connection_error_is_clear(monkeypatch):
    at = start(monkeypatch)
    at.radio(key="store_kind").set_value("neo4j").run()
    assert not at.exception
    at.text_input(key="store_uri").set_value("bolt://127.0.0.1:1").run()
    at.button(key="store_connect").click().run()
    assert not at.exception
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in at.error[0].value
    at.text_input(key="store_uri").set_value("http://127.0.0.1:7474").run()
    at.button(key="store_connect").click().run()
    assert "not a Bolt URI" in at.error[0].value


@pytest.mark.neo4j
def test_load_page_neo4j_connect_and_pull(monkeypatch, neo4j_uri):
    from graph.neo4j_store import Neo4jStore
    from graph.stores import push_bundle

    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    with Neo4jStore(neo4j_uri) as store:  # the server is shared by the session: hold exactly the demo
        store.run("MATCH (n) DETACH DELETE n", write=True)
    push_bundle(DEMO_BUNDLE, neo4j_uri)

    at = start(monkeypatch, bundle=None)
    at.radio(key="store_kind").set_value("neo4j").run()
    at.text_input(key="store_uri").set_value(neo4j_uri).run()
    at.button(key="store_connect").click().run()
    assert not at.exception and not at.error
    assert any(s.value.startswith(f"Connected to {neo4j_uri}") for s in at.success)
    at.button(key="store_pull").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Current bundle: **Neo4j" in s.value for s in at.success)
    assert "Incident" in set(frame_with(at, "section", "class", "records")["class"])

    open_page(at, "trace")
    targets = at.table[0].value
    assert targets[targets["name"] == "李建国"].iloc[0]["verdict"] == "无管辖职责 no jurisdiction"

    open_page(at, "cypher")
    assert any(f"Neo4j at {neo4j_uri}" in c.value for c in at.caption)
    run_library(at, "jurisdiction_path", incident="inc_coal", party="wu_gang")
    assert "md_branch.4.1" in set(frame_with(at, "party", "clause")["clause"])
    run_free(at, "MERGE (n:Person {id: 'x'}) RETURN n")
    assert "MERGE" in at.error[0].value
