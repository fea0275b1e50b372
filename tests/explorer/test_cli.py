"""The CLI is thin over the library: exit codes, stderr for errors, nothing written on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app
from loaders.demo import DEMO_BUNDLE

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
