"""The CLI is thin over the library: exit codes, stderr for errors, nothing written on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app
from loaders.demo import DEMO_BUNDLE
from queries.registry import list_queries

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def bad_bundle(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("divisions:\n  - {id: d1, name: 甲市, level: metropolis}\n", encoding="utf-8")
    return p


def test_validate_ok_and_bad(bad_bundle):
    ok = run("validate", DEMO_BUNDLE)
    assert ok.exit_code == 0 and "valid (112 records)" in ok.stdout
    bad = run("validate", bad_bundle)
    assert bad.exit_code == 2
    assert "bad.yaml:2: level: unknown DivisionLevel 'metropolis'" in bad.stderr
    assert bad.stdout == ""


def test_load_prints_summary():
    r = run("load", DEMO_BUNDLE, "--no-shacl")
    assert r.exit_code == 0
    assert re.search(r"tenures\s+│\s+Tenure\s+│\s+17", r.stdout)


@pytest.mark.parametrize("fmt,probe", [("ttl", "qz:DutyClause"), ("jsonld", '"@context"'), ("graphml", "<graphml"), ("html", "vis-network")])
def test_export_formats(tmp_path, fmt, probe):
    out = tmp_path / f"demo.{fmt}"
    r = run("export", DEMO_BUNDLE, "--format", fmt, "-o", out)
    assert r.exit_code == 0, r.stderr
    assert probe in out.read_text(encoding="utf-8")


def test_export_bad_bundle_writes_nothing(tmp_path, bad_bundle):
    out = tmp_path / "out.ttl"
    r = run("export", bad_bundle, "--format", "ttl", "-o", out)
    assert r.exit_code == 2 and not out.exists() and list(tmp_path.iterdir()) == [bad_bundle]


def test_export_unknown_format(tmp_path):
    r = run("export", DEMO_BUNDLE, "--format", "xml", "-o", tmp_path / "x")
    assert r.exit_code == 2 and "unknown format" in r.stderr


def test_demo_prints_verdicts():
    r = run("demo")
    assert r.exit_code == 0
    assert "李建国 → no_jurisdiction: village has no administrative enforcement power" in r.stdout
    assert "郑海 → outside_tenure" in r.stdout and "韩立" in r.stdout


def test_audit_json_schema(tmp_path):
    out = tmp_path / "a.json"
    r = run("audit", DEMO_BUNDLE, "case_coal", "--format", "json", "-o", out)
    assert r.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0"
    assert set(data) >= {"case", "incident", "period", "verdicts", "omitted", "findings", "grassroots_share"}
    v = next(v for v in data["verdicts"] if v["action"] == "a_li")
    assert v["verdict"] == "no_jurisdiction" and v["evidence"][0]["kind"] == "tenure"


@pytest.mark.parametrize("fmt,probe", [("md", "## Omitted parties"), ("html", "<table>")])
def test_audit_reports(fmt, probe):
    r = run("audit", DEMO_BUNDLE, "case_coal", "--format", fmt)
    assert r.exit_code == 0 and probe in r.stdout and "李建国" in r.stdout


def test_audit_unknown_case():
    r = run("audit", DEMO_BUNDLE, "nope")
    assert r.exit_code == 2 and "no accountability case with id 'nope'" in r.stderr


def test_trace_markdown_and_json():
    md = run("trace", DEMO_BUNDLE, "inc_coal")
    assert md.exit_code == 0 and "临江市生态环境局云溪分局" in md.stdout and "VERTICALLY_MANAGED_BY" in md.stdout
    js = run("trace", DEMO_BUNDLE, "inc_coal", "--format", "json")
    assert json.loads(js.stdout)["incident"] == "inc_coal"


def test_schema_lists_sections():
    r = run("schema")
    assert r.exit_code == 0 and "clauses" in r.stdout and "DutyRole" in r.stdout


def _commands(typer_app, prefix=""):
    import typer.main

    group = typer.main.get_command(typer_app)
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            out += [f"{name} {sub}" for sub in cmd.commands]
        else:
            out.append(name)
    return sorted(out)


def test_every_command_has_help_with_an_example_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in _commands(app):
        r = run(*cmd.split(), "--help")
        assert r.exit_code == 0 and "Example:" in r.stdout, f"{cmd}: help lacks an example"
        assert f"quanze {cmd}" in readme, f"README.md does not document 'quanze {cmd}'"


def test_ingest_corpus_document_into_a_loadable_part(tmp_path):
    import os

    corpus = ROOT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpus missing at {corpus}")
        pytest.skip("../shared/corpus is not present")
    part = tmp_path / "part.yaml"
    r = run("ingest", corpus / "A07_anyi_xian_ziranziyuanju_sanding.txt", "--kind", "sanding", "--body", "anyi_nr", "-o", part)
    assert r.exit_code == 0, r.stderr
    assert "extracted: 4 duty clauses" in r.stderr
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(
        "divisions: [{id: d_anyi, name: 安义县, level: county}]\n"
        "bodies: [{id: anyi_nr, name: 安义县自然资源局, kind: department, located_in: d_anyi}]\n"
        "include: [part.yaml]\n", encoding="utf-8")
    v = run("validate", bundle)
    assert v.exit_code == 0, v.stderr


def test_ingest_missing_file(tmp_path):
    r = run("ingest", tmp_path / "nope.txt", "--body", "b", "-o", tmp_path / "p.yaml")
    assert r.exit_code == 2 and "file not found" in r.stderr and not (tmp_path / "p.yaml").exists()


def test_query_list_and_run_on_embedded_store():
    listed = run("query", "--list")
    assert listed.exit_code == 0 and "jurisdiction_path" in listed.stdout
    r = run("query", "jurisdiction_path", "-p", "incident=inc_coal", "-p", "party=wu_gang", "--bundle", DEMO_BUNDLE, "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows and {row["clause"] for row in rows} >= {"md_branch.4.1"}
    none = run("query", "jurisdiction_path", "-p", "incident=inc_coal", "-p", "party=li_jianguo", "--bundle", DEMO_BUNDLE, "--format", "json")
    assert none.exit_code == 0 and json.loads(none.stdout) == []


def test_query_errors():
    assert run("query", "no_such_query", "--bundle", DEMO_BUNDLE).exit_code == 2
    r = run("query", "jurisdiction_path", "-p", "incident=inc_coal", "--bundle", DEMO_BUNDLE)
    assert r.exit_code == 2 and "party" in r.stderr
    r = run("query", "jurisdiction_path", "-p", "incident=inc_coal", "-p", "party=x")
    assert r.exit_code == 2 and "--bundle" in r.stderr


def test_cypher_is_read_only_unless_write():
    r = run("cypher", "MATCH (n:Person) DETACH DELETE n", "--bundle", DEMO_BUNDLE)
    assert r.exit_code == 2 and "refused" in r.stderr
    ok = run("cypher", "MATCH (p:Person) WHERE p.id = $who RETURN p.name AS name", "-p", "who=han_li", "--bundle", DEMO_BUNDLE, "--format", "json")
    assert ok.exit_code == 0 and json.loads(ok.stdout) == [{"name": "韩立"}]


@pytest.mark.neo4j
def test_neo4j_push_pull_round_trip(neo4j_uri, tmp_path, bad_bundle):
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_uri) as d:
        d.execute_query("MATCH (n) DETACH DELETE n")
        bad = run("neo4j", "push", bad_bundle, "--uri", neo4j_uri)
        assert bad.exit_code == 2 and "nothing was written" in bad.stderr
        assert d.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"] == 0
        r = run("neo4j", "push", DEMO_BUNDLE, "--uri", neo4j_uri)
        assert r.exit_code == 0, r.stderr
        assert "pushed 112 nodes and 195 relationships" in r.stdout
        n_queries = len([q for q in list_queries() if "neo4j" in q.engines])
        assert re.search(rf"warmed {n_queries} queries: planned each, then \d+ calls", r.stdout), r.stdout
        again = run("neo4j", "push", DEMO_BUNDLE, "--uri", neo4j_uri, "--no-warm")
        assert again.exit_code == 0 and "pushed 112 nodes" in again.stdout and "warmed" not in again.stdout
        # after a restart: warm the data the server already holds
        w = run("neo4j", "warm", "--bundle", DEMO_BUNDLE, "--uri", neo4j_uri, "--per-query", "2")
        assert w.exit_code == 0 and re.search(rf"warmed {n_queries} queries: planned each, then [1-9]\d* calls", w.stdout), w.stderr
        plan_only = run("neo4j", "warm", "--uri", neo4j_uri)
        assert plan_only.exit_code == 0 and f"warmed {n_queries} queries: planned each, then 0 calls" in plan_only.stdout
        bad_warm = run("neo4j", "warm", "--bundle", bad_bundle, "--uri", neo4j_uri)
        assert bad_warm.exit_code == 2 and "nothing was asked" in bad_warm.stderr
        out = tmp_path / "pulled.ttl"
        p = run("neo4j", "pull", "-o", out, "--uri", neo4j_uri)
        assert p.exit_code == 0 and "112 nodes" in p.stdout
        q = run("query", "omitted_parties", "-p", "case_id=case_coal", "--store", "neo4j", "--uri", neo4j_uri, "--format", "json")
        assert q.exit_code == 0 and {row["person"] for row in json.loads(q.stdout)} == {"han_li", "zhou_mingyuan", "feng_lei", "yang_fan"}
        d.execute_query("MATCH (n) DETACH DELETE n")
    from graph.rdf import parse, rdf_to_records
    assert len(rdf_to_records(parse(out.read_text(encoding="utf-8"), "ttl"))) == 112


def test_compact_graph_and_fast_load_give_the_same_trace_and_audit():
    for cmd in (("trace", DEMO_BUNDLE, "inc_coal"), ("audit", DEMO_BUNDLE, "case_coal")):
        plain = run(*cmd, "--format", "json")
        assert plain.exit_code == 0, plain.stderr
        for flag in ("--compact", "--no-shacl"):
            other = run(*cmd, "--format", "json", flag)
            assert other.exit_code == 0, other.stderr
            assert json.loads(other.stdout) == json.loads(plain.stdout), flag


@pytest.mark.parametrize("flag", ["--compact", "--no-shacl"])
def test_compact_and_fast_load_bad_bundle_names_the_problem(bad_bundle, flag):
    r = run("trace", bad_bundle, "inc_x", flag)
    assert r.exit_code == 2 and "nothing was loaded" in r.stderr
    assert re.search(r"bad\.yaml:2: level: .*metropolis", r.stderr), r.stderr


def test_bench_passes_its_budget_on(tmp_path, monkeypatch):
    """``quanze bench --budget`` stops each query kind once that many seconds of calls are timed."""
    import benchmarks.bench as bench

    monkeypatch.setattr(bench, "DEFAULT_DATA", tmp_path / "data")
    out = tmp_path / "bench.json"
    r = run("bench", "--scale", "county", "--store", "networkx", "--incidents", "20", "--budget", "0.000001", "-o", out)
    assert r.exit_code == 0, r.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["meta"]["budget_s_per_query_kind"] == 0.000001
    latency = result["scales"]["county"]["stores"]["networkx"]["latency_ms"]
    assert latency["trace"]["requested"] == 20 and latency["trace"]["n"] == 1  # stopped after the first call
    assert "county" in r.stdout and "networkx" in r.stdout
