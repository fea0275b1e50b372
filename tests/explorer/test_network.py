"""The explorer's library without a browser: the trace subgraph, its HTML, and the page view models."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from explorer import views
from explorer.launch import streamlit_command
from explorer.network import (
    APPLIES_TO,
    ASSIGNMENT,
    HELD_DURING_CONDUCT,
    HOLDS,
    PHYSICS_NODE_LIMIT,
    VERDICT_KEYS,
    VERDICT_STYLE,
    legend_items,
    network_html,
    trace_subgraph,
)
from graph.api import export, open_bundle
from graph.verdict import audit
from loaders.demo import DEMO_BUNDLE
from loaders.records import BundleError
from ontology.model import model as m

L, R = m.L, m.R
REMOTE_RESOURCE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo():
    return open_bundle(DEMO_BUNDLE, shacl=False)


@pytest.fixture(scope="module")
def g(demo):
    return demo.graph


@pytest.fixture(scope="module")
def coal_audit(g):
    return audit(g, "case_coal")


@pytest.fixture(scope="module")
def sub(g, coal_audit):
    return trace_subgraph(g, "inc_coal", audit=coal_audit)


def holds(sub: nx.MultiDiGraph, person: str, post: str, relation: str = HOLDS) -> bool:
    return sub.has_edge(person, post, relation)


def vis_nodes(page: str) -> dict[str, dict]:
    """The node list pyvis wrote into the page, by id."""
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL)
    assert match, "no vis.DataSet of nodes in the page"
    return {n["id"]: n for n in json.loads(match.group(1))}


def vis_options(page: str) -> dict:
    match = re.search(r"var options = (\{.*?\});\s*\n", page, re.DOTALL)
    assert match, "no options object in the page"
    return json.loads(match.group(1))


# ---------------------------------------------------------------------------- trace subgraph
def test_village_secretary_has_no_jurisdiction(sub):
    node = sub.nodes["li_jianguo"]
    assert node["verdict"] == "no_jurisdiction"
    assert node["target"] is True
    assert "village has no administrative enforcement power" in node["title"]
    assert "tenures.csv:15" in node["title"]  # the evidence cites its file:line
    assert sub.nodes["village_branch"]["verdict"] == "no_jurisdiction"
    assert holds(sub, "li_jianguo", "p_village_secretary")


def test_outside_tenure_target_is_present(sub):
    node = sub.nodes["zheng_hai"]
    assert node["verdict"] == "outside_tenure"
    assert node["target"] is True
    assert sub.has_edge("zheng_hai", "p_branch_deputy_enf", R.TARGET_POST)
    assert not holds(sub, "zheng_hai", "p_branch_deputy_enf")  # he arrived after the conduct period
    assert "韩立" in node["title"]  # the evidence names who held the post then


def test_omitted_people_are_coloured_omitted(sub, coal_audit):
    assert coal_audit.omitted
    page = network_html(sub)
    nodes = vis_nodes(page)
    for o in coal_audit.omitted:
        assert sub.nodes[o.person]["verdict"] == "omitted", o.person_name
        assert nodes[o.person]["color"]["background"] == VERDICT_STYLE["omitted"][0]
    assert nodes["li_jianguo"]["color"]["background"] == VERDICT_STYLE["no_jurisdiction"][0]
    assert nodes["zheng_hai"]["color"]["background"] == VERDICT_STYLE["outside_tenure"][0]


def test_every_case_target_is_coloured_by_its_audit_verdict(sub, coal_audit):
    for v in coal_audit.verdicts:
        assert sub.nodes[v.target_person]["verdict"] == v.verdict, v.action
    assert sub.graph["case"] == "case_coal"


def test_as_of_changes_who_holds_each_post(g, coal_audit):
    at_conduct = trace_subgraph(g, "inc_coal", audit=coal_audit)
    assert at_conduct.graph["as_of"] == "2023-01-10"  # default: the conduct date
    assert holds(at_conduct, "han_li", "p_branch_deputy_enf")
    assert not holds(at_conduct, "zheng_hai", "p_branch_deputy_enf")

    later = trace_subgraph(g, "inc_coal", audit=coal_audit, as_of=dt.date(2023, 10, 1))
    assert holds(later, "zheng_hai", "p_branch_deputy_enf")
    assert not holds(later, "han_li", "p_branch_deputy_enf")
    # liability stays with the holder at the time (终身问责): still shown, dashed, with his later post
    assert holds(later, "han_li", "p_branch_deputy_enf", HELD_DURING_CONDUCT)
    assert holds(later, "han_li", "p_city_eco_law_chief")
    assert later.nodes["han_li"]["verdict"] == "omitted"


def test_as_of_changes_the_assignments_in_force(g):
    at_conduct = trace_subgraph(g, "inc_coal")
    later = trace_subgraph(g, "inc_coal", as_of="2023-10-01")
    keys_then = {k for _, _, k in at_conduct.edges(keys=True) if k.startswith(ASSIGNMENT)}
    keys_later = {k for _, _, k in later.edges(keys=True) if k.startswith(ASSIGNMENT)}
    assert f"{ASSIGNMENT}:as_branch_deputy_han" in keys_then - keys_later
    assert f"{ASSIGNMENT}:as_branch_deputy_zheng" in keys_later - keys_then


def test_trace_without_a_case_uses_duty_paths(g):
    plain = trace_subgraph(g, "inc_coal")
    assert plain.graph["case"] is None
    assert "li_jianguo" not in plain  # not on any duty path, and no case names him
    assert plain.nodes["han_li"]["verdict"] == "basis"
    assert plain.nodes["eco_branch"]["verdict"] == "basis"
    assert plain.nodes["ma_chao"]["verdict"] is None  # holds a town post, no 分工 on the matter then
    later = trace_subgraph(g, "inc_coal", as_of="2023-10-01")
    # holds the post now, but not when the failure happened
    assert later.nodes["zheng_hai"]["verdict"] == "outside_tenure"


def test_duties_and_assignments_name_their_source(sub):
    assert sub.nodes["md_branch.3.2"]["caption"] == "第三条（二）"
    assert sub.has_edge("md_branch.3.2", "inc_coal", APPLIES_TO)
    assert "临环发〔2019〕20号" in sub.nodes["md_branch.3.2"]["title"]
    labels = [a["label"] for _, _, k, a in sub.edges(keys=True, data=True) if k == f"{ASSIGNMENT}:as_branch_deputy_han"]
    assert labels and all("分管" in x and "云溪分局领导班子分工（2019年5月）" in x for x in labels)
    edge = sub.get_edge_data("han_li", "p_branch_deputy_enf", HOLDS)
    assert "2019-05-10" in edge["label"] and "tenures.csv:3" in edge["title"]


def test_trace_shows_failures_and_the_chain_upward(sub):
    assert {"f_branch", "f_nr", "f_town"} <= set(sub)
    assert sub.has_edge("f_branch", "wu_gang", R.BY_PERSON)
    assert sub.has_edge("eco_branch", "city_eco", R.VERTICALLY_MANAGED_BY)
    assert sub.has_edge("village_branch", "town", R.LED_BY)


def test_kind_filter_keeps_only_those_duties(g, coal_audit):
    execution = trace_subgraph(g, "inc_coal", audit=coal_audit, kinds=["execution"])
    assert "md_town_list.p12" in execution  # an assisting item: execution
    assert "md_branch.3.1" not in execution  # supervise: supervision
    assert "li_jianguo" in execution  # the case's targets stay visible whatever the filter
    supervision = trace_subgraph(g, "inc_coal", kinds=["supervision"])
    assert "md_branch.3.1" in supervision and "md_town_list.p12" not in supervision


def test_expand_adds_neighbours(g, coal_audit):
    base = trace_subgraph(g, "inc_coal", audit=coal_audit)
    grown = trace_subgraph(g, "inc_coal", audit=coal_audit, expand=["li_jianguo"])
    assert "t14" not in base and "t14" in grown  # the tenure record behind his post
    assert grown.has_edge("t14", "li_jianguo", R.HELD_BY)
    assert "a_li" in grown


def test_node_attributes(sub):
    for n, a in sub.nodes(data=True):
        assert a["verdict"] in (*VERDICT_KEYS, None), n
        assert a["title"] and a["group"] and a["label"], n


def test_unknown_incident_raises(g):
    with pytest.raises(KeyError):
        trace_subgraph(g, "no_such_incident")


# ---------------------------------------------------------------------------- HTML
def test_html_is_self_contained(sub):
    page = network_html(sub)
    assert not REMOTE_RESOURCE.search(page), REMOTE_RESOURCE.search(page).group(0)
    assert "cdn.jsdelivr.net" not in page and "cdnjs.cloudflare.com" not in page
    assert "vis.Network" in page and "<style>" in page
    assert "quanze-legend" in page


def test_physics_on_for_small_graphs(sub):
    assert sub.number_of_nodes() <= PHYSICS_NODE_LIMIT
    assert vis_options(network_html(sub))["physics"]["enabled"] is True
    assert vis_options(network_html(sub, physics=False))["physics"]["enabled"] is False


def test_physics_off_for_a_2000_node_graph():
    big = nx.MultiDiGraph()
    classes = [L.Person, L.Post, L.Organization, L.Tenure]
    for i in range(2000):
        big.add_node(f"n{i}", label=classes[i % 4], id=f"n{i}", name=f"节点{i}")
    for i in range(1, 2000):
        big.add_edge(f"n{i}", f"n{i // 3}", key=R.POST_IN, type=R.POST_IN)
    started = time.monotonic()
    page = network_html(big)
    assert time.monotonic() - started < 30
    options = vis_options(page)
    assert options["physics"]["enabled"] is False
    assert options["layout"]["improvedLayout"] is False
    nodes = vis_nodes(page)
    assert len(nodes) == 2000
    assert all("x" in n and "y" in n for n in nodes.values())  # positions precomputed instead
    assert not REMOTE_RESOURCE.search(page)


def test_network_html_accepts_the_whole_built_graph(g, demo, tmp_path):
    page = network_html(g)
    nodes = vis_nodes(page)
    assert len(nodes) == g.number_of_nodes()
    assert nodes["li_jianguo"]["label"] == "李建国"
    assert "conduct_date: 2023-01-10" in nodes["inc_coal"]["title"]
    out = tmp_path / "demo.html"
    export(demo, "html", out)  # the CLI's `quanze export … --format html`
    assert not REMOTE_RESOURCE.search(out.read_text(encoding="utf-8"))


def test_legend_covers_every_verdict():
    keys = [i.key for i in legend_items()]
    assert set(VERDICT_KEYS) | {"none"} <= set(keys)
    assert all(i.colour.startswith("#") for i in legend_items())


# ---------------------------------------------------------------------------- view models
def test_audit_rows_show_the_village_secretary_without_jurisdiction(coal_audit):
    rows = {r["target"]: r for r in views.verdict_rows(coal_audit)}
    assert rows["李建国"]["verdict"] == "无管辖职责 no jurisdiction"
    assert rows["郑海"]["verdict"] == "不在任 outside tenure"
    assert "tenures.csv:15" in rows["李建国"]["evidence"]
    assert {r["person"] for r in views.omitted_rows(coal_audit)} == {o.person_name for o in coal_audit.omitted}
    findings = views.finding_rows(coal_audit)
    assert {"omitted", "grassroots_share"} <= {f["finding"] for f in findings}
    assert findings[0]["flag"] == "⚑"


def test_downloads_in_three_formats(coal_audit):
    files = {d["label"]: d for d in views.downloads(coal_audit)}
    assert set(files) == {"HTML", "Markdown", "JSON"}
    assert json.loads(files["JSON"]["data"])["case"] == "case_coal"
    assert "李建国" in files["Markdown"]["data"] and files["HTML"]["data"].startswith("<!DOCTYPE html>")


def test_subgraph_rows_list_verdicts(sub):
    rows = {r["id"]: r for r in views.subgraph_rows(sub)}
    assert rows["li_jianguo"]["verdict"] == "无管辖职责 no jurisdiction" and rows["li_jianguo"]["target"] == "✔"
    assert rows["han_li"]["verdict"].startswith("遗漏 omitted")


def test_choices(g):
    assert list(views.incident_choices(g)) == ["inc_coal"]
    assert views.cases_of_incident(g, "inc_coal") == ["case_coal"]
    assert views.conduct_period(g, "inc_coal") == (dt.date(2023, 1, 10), dt.date(2023, 3, 20))
    bodies = views.body_choices(g)
    assert "eco_branch" in bodies and "eco_branch_team" in bodies
    assert list(bodies).index("eco_branch_team") == list(bodies).index("eco_branch") + 1  # units follow their body
    assert set(views.kind_choices()) == {"decision", "execution", "supervision"}
    assert "li_jianguo" in views.node_choices(g)


def test_body_profile(g):
    clauses = views.clause_rows(g, "eco_branch")
    assert {c["number"] for c in clauses} == {"第三条（一）", "第三条（二）", "第四条（一）环境执法大队"}
    assert all(c["origin"].startswith("examples/demo/bundle.yaml:") or "bundle.yaml:" in c["origin"] for c in clauses)
    assert [u["id"] for u in views.unit_rows(g, "eco_branch")] == ["eco_branch_team"]
    assert {p["id"] for p in views.post_rows(g, "eco_branch")} >= {"p_branch_director", "p_branch_team_leader"}
    assignments = views.assignment_rows(g, "eco_branch")
    assert {a["person"] for a in assignments} >= {"周明远", "韩立", "郑海", "杨帆"}
    assert any(a["from outside"] == "✔" and a["person"] == "杨帆" for a in assignments)
    assert views.chain_rows(g, "eco_branch")[0] == {"depth": "1", "from": "临江市生态环境局云溪分局",
                                                     "relation": R.VERTICALLY_MANAGED_BY, "to": "临江市生态环境局"}
    facts = views.body_facts(g, "eco_branch")
    assert "垂直管理" in facts["note"]


def test_tenure_timeline(g):
    rows = views.tenure_rows(g, "eco_branch", today=dt.date(2024, 6, 30))
    deputy = [r for r in rows if r["post_id"] == "p_branch_deputy_enf"]
    assert [(r["person"], r["start"], r["end"], r["bar_end"], r["current"]) for r in deputy] == [
        ("韩立", "2019-05-10", "2023-09-15", "2023-09-15", False),
        ("郑海", "2023-09-15", "", "2024-06-30", True),
    ]
    spec = views.timeline_spec(rows)
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x2"]["field"] == "bar_end"
    assert len(spec["data"]["values"]) == len(rows)


# ---------------------------------------------------------------------------- loading uploads
def _zip_folder(folder: Path, prefix: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"{prefix}/{p.name}")
    return buf.getvalue()


def test_upload_a_zipped_bundle_folder():
    loaded = views.open_upload("demo.zip", _zip_folder(DEMO_BUNDLE, "demo"), shacl=False)
    assert loaded.graph.nodes["li_jianguo"]["name"] == "李建国"
    origin = loaded.graph.nodes["t14"]["origin"]
    assert origin == "demo.zip/demo/tenures.csv:15"  # cites the upload, not a temporary folder
    assert audit(loaded.graph, "case_coal").verdict_of("a_li").verdict == "no_jurisdiction"


def test_upload_errors_are_located_in_the_uploaded_file():
    bad = "bundle: {name: 坏}\ndivisions:\n  - {id: d1, name: 甲市, level: city}\nbodies:\n  - {id: b1, name: 乙局, kind: nonsense, located_in: d1}\n"
    with pytest.raises(BundleError) as err:
        views.open_upload("bad.yaml", bad.encode("utf-8"), shacl=False)
    rows = views.problem_rows(err.value)
    assert rows and all(r["location"].startswith("bad.yaml:") for r in rows)
    assert any(r["location"] == "bad.yaml:5" and r["field"] == "kind" for r in rows)


def test_upload_rejects_unsafe_or_foreign_files():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../evil/bundle.yaml", "bundle: {name: x}\n")
    with pytest.raises(ValueError, match="unsafe"):
        views.open_upload("evil.zip", buf.getvalue())
    with pytest.raises(ValueError):
        views.open_upload("notes.txt", b"hello")
    with pytest.raises(ValueError):
        views.open_upload("broken.zip", b"not a zip")


def test_open_path_is_cached(demo):
    first = views.open_path(DEMO_BUNDLE, shacl=False)
    assert views.open_path(DEMO_BUNDLE, shacl=False) is first


def test_store_choice_defaults_to_the_embedded_graph():
    assert views.StoreChoice().kind == "embedded"
    assert "embedded" in views.STORE_KINDS


def test_launch_command_is_local_and_headless():
    cmd = streamlit_command(DEMO_BUNDLE, port=8599)
    joined = " ".join(cmd)
    assert "--server.headless true" in joined
    assert "--browser.gatherUsageStats false" in joined
    assert "--server.address 127.0.0.1" in joined and "--server.port 8599" in joined
    assert cmd[-2:] == ["--bundle", str(DEMO_BUNDLE)]
    assert cmd[4].endswith("explorer/app.py")


def test_session_starts_with_the_bundle_given_on_the_command_line(tmp_path):
    state: dict = {}
    views.init_session(state, ["--bundle", str(DEMO_BUNDLE)], {})
    assert state["loaded"].bundle.name == "云溪区售煤点污染问责（示例）"
    assert state["bundle_source"] == str(DEMO_BUNDLE) and state["load_problems"] == []
    assert state["store"] == views.StoreChoice()
    views.init_session(state, [], {})  # idempotent: a second page run keeps what the first loaded
    assert state["loaded"] is not None

    bad = tmp_path / "bad.yaml"
    bad.write_text("bundle: {name: 坏}\nbodies:\n  - {id: b1, name: 乙局}\n", encoding="utf-8")
    failed: dict = {}
    views.init_session(failed, [], {"QUANZE_EXPLORER_BUNDLE": str(bad)})
    assert failed["loaded"] is None and failed["problem_source"] == str(bad)
    assert failed["load_problems"] and all(r["location"].split(":")[0].endswith("bad.yaml") for r in failed["load_problems"])

    empty: dict = {}
    views.init_session(empty, [], {})
    assert empty["loaded"] is None and empty["load_problems"] == []
