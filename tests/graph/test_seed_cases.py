"""The engine's computed verdicts equal what the seeds' reviewers concluded (examples/*/expected.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graph.api import open_bundle
from graph.verdict import audit, review
from loaders.demo import EXAMPLES_DIR

EXPECTED = sorted(EXAMPLES_DIR.glob("*/expected.yaml"))


def test_all_nine_seed_cases_are_present():
    names = {p.parent.name for p in EXPECTED} | {"demo"}
    assert len(names) >= 9, sorted(names)


@pytest.fixture(scope="module", params=EXPECTED, ids=[p.parent.name for p in EXPECTED])
def case(request):
    exp = yaml.safe_load(Path(request.param).read_text(encoding="utf-8"))
    loaded = open_bundle(request.param.parent)
    cases = exp["case"] if isinstance(exp["case"], list) else [exp["case"]]
    return exp, loaded, {c: audit(loaded.graph, c) for c in cases}


def test_verdicts(case):
    exp, _, audits = case
    got = {v.action: v.verdict for a in audits.values() for v in a.verdicts}
    for action, verdict in (exp.get("verdicts") or {}).items():
        assert got.get(action) == verdict, f"{action}: engine says {got.get(action)}, reviewers {verdict}\n{exp.get('note', '')}"


def test_limited_basis(case):
    exp, _, audits = case
    verdicts = {v.action: v for a in audits.values() for v in a.verdicts}
    for action in exp.get("limited") or []:
        assert verdicts[action].limited, action


def test_omitted(case):
    exp, _, audits = case
    omitted = {o.person for a in audits.values() for o in a.omitted}
    for person in exp.get("omitted_include") or []:
        assert person in omitted, f"{person} should be flagged as omitted; got {sorted(omitted)}"
    for person in exp.get("omitted_exclude") or []:
        assert person not in omitted, f"{person} must not be flagged as omitted"


def test_findings(case):
    exp, loaded, audits = case
    kinds = {k for a in audits.values() for k in a.finding_kinds()}
    if "grassroots_share" in kinds:
        kinds.add("grassroots_share_flag")
    kinds |= {f.kind for f in review(loaded.graph)}
    for finding in exp.get("findings") or []:
        assert finding in kinds, f"expected finding {finding}; got {sorted(kinds)}"


def test_exemption_grounds(case):
    exp, _, audits = case
    verdicts = {v.action: v for a in audits.values() for v in a.verdicts}
    for action, grounds in (exp.get("exemption_grounds") or {}).items():
        assert set(grounds) <= set(verdicts[action].exemption_grounds), (action, verdicts[action].exemption_grounds)
