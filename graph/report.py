"""Audit and trace reports an investigator can file: JSON, Markdown and self-contained HTML."""

from __future__ import annotations

import html
import json
from typing import Any

from graph.verdict import Audit, Evidence, Finding, Trace
from ontology.model import model as m

__all__ = ["audit_json", "audit_markdown", "audit_html", "trace_json", "trace_markdown", "VERDICT_LABELS", "review_markdown"]

VERDICT_LABELS = {
    "basis": "有依据 basis",
    "no_jurisdiction": "无管辖职责 no jurisdiction",
    "outside_tenure": "不在任 outside tenure",
    "not_a_target": "非问责对象 not an accountability target",
    "exemption_review": "需审查容错免责 exemption review",
}


def _label(scheme: str, notation: str | None) -> str:
    if not notation:
        return ""
    c = m.concepts[scheme].get(notation)
    return f"{c.label_zh} ({notation})" if c else notation


def audit_json(a: Audit) -> str:
    """The stable JSON schema (``schema_version``), documented in README.md."""
    return json.dumps(a.to_dict(), ensure_ascii=False, indent=2)


def trace_json(t: Trace) -> str:
    return json.dumps(t.to_dict(), ensure_ascii=False, indent=2)


def _cite(e: Evidence) -> str:
    parts = [e.summary]
    if e.citation:
        parts.append(f"— {e.citation}")
    if e.dates:
        parts.append(f"[{e.dates}]")
    if e.origin:
        parts.append(f"({e.origin})")
    return " ".join(parts)


def audit_markdown(a: Audit) -> str:
    """An audit report in Markdown: one section per target with its evidence, then the case findings."""
    lines = [
        f"# 问责精准性审查 Audit: {a.case_title}",
        "",
        f"- Case `{a.case}` — incident `{a.incident}` {a.incident_title}",
        f"- Conduct period: {a.period[0]} – {a.period[1]}",
        f"- Grassroots share of targets: {a.grassroots_share:.0%}",
        "",
        "| action | target | post | verdict | degree | kinds | reason |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in a.verdicts:
        lines.append(
            f"| {v.action} | {v.target_person_name or v.target_body_name} | {v.target_post_name} | "
            f"{VERDICT_LABELS[v.verdict]} | {_label('ResponsibilityDegree', v.degree)} | "
            f"{', '.join(v.responsibility_kinds)} | {v.reason.replace('|', '/')} |"
        )
    lines += ["", "## Evidence per target", ""]
    for v in a.verdicts:
        lines.append(f"### {v.action}: {v.target_person_name or v.target_body_name} — {VERDICT_LABELS[v.verdict]}")
        lines.append("")
        lines.append(v.reason)
        if v.claimed_degree or v.claimed_kind or v.sanction:
            lines.append(
                f"\nProposed: {_label('ResponsibilityKind', v.claimed_kind)} {_label('ResponsibilityDegree', v.claimed_degree)} "
                f"{_label('Sanction', v.sanction)} ({v.status or 'status unstated'})"
            )
        if v.exemption_grounds:
            lines.append("\nExemption grounds: " + "、".join(_label("ExemptionGround", g) for g in v.exemption_grounds))
        lines.append("")
        for e in v.evidence:
            lines.append(f"- **{e.kind}** {_cite(e)}")
        lines.append("")
    lines += ["## Omitted parties", ""]
    if not a.omitted:
        lines.append("None found.")
    for o in a.omitted:
        later = f"; later: {'、'.join(o.later_posts)}" if o.later_posts else ""
        lines.append(f"- {o.person_name} — {o.post_name} ({o.body_name}), {o.role}, {_label('ResponsibilityDegree', o.degree)}, held {o.tenure}{later}")
        for e in o.evidence:
            lines.append(f"  - {e.kind}: {_cite(e)}")
    lines += ["", "## Findings", ""]
    for f in a.findings:
        lines.append(f"- {'⚑ ' if f.flag else ''}**{f.kind}**: {f.message}")
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 6px;vertical-align:top}
th{background:#eee}.v-basis{background:#e3f4e3}.v-no_jurisdiction{background:#fde2e2}
.v-outside_tenure{background:#fff1d6}.v-not_a_target{background:#eee}.v-exemption_review{background:#e2ecfd}
.flag{color:#b00;font-weight:bold}small{color:#666}
"""


def audit_html(a: Audit) -> str:
    """A self-contained HTML report (no external resources)."""
    e = html.escape
    rows = "".join(
        f"<tr class='v-{v.verdict}'><td>{e(v.action)}</td><td>{e(v.target_person_name or v.target_body_name)}</td>"
        f"<td>{e(v.target_post_name)}</td><td>{e(VERDICT_LABELS[v.verdict])}</td>"
        f"<td>{e(_label('ResponsibilityDegree', v.degree))}</td><td>{e(v.reason)}"
        + "<ul>" + "".join(f"<li><b>{e(ev.kind)}</b> {e(_cite(ev))}</li>" for ev in v.evidence) + "</ul></td></tr>"
        for v in a.verdicts
    )
    omitted = "".join(
        f"<li>{e(o.person_name)} — {e(o.post_name)} ({e(o.body_name)}), {e(o.role)}, held {e(o.tenure)}"
        + (f"; later: {e('、'.join(o.later_posts))}" if o.later_posts else "") + "</li>"
        for o in a.omitted
    ) or "<li>None found.</li>"
    findings = "".join(
        f"<li class='{'flag' if f.flag else ''}'>{e(f.kind)}: {e(f.message)}</li>" for f in a.findings
    )
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>Audit {e(a.case)}</title><style>{_CSS}</style></head><body>"
        f"<h1>问责精准性审查 Audit: {e(a.case_title)}</h1>"
        f"<p>Case <code>{e(a.case)}</code>, incident <code>{e(a.incident)}</code> {e(a.incident_title)}; "
        f"conduct period {e(a.period[0])} – {e(a.period[1])}; grassroots share {a.grassroots_share:.0%}</p>"
        "<table><tr><th>action</th><th>target</th><th>post</th><th>verdict</th><th>degree</th><th>reason and evidence</th></tr>"
        f"{rows}</table><h2>Omitted parties</h2><ul>{omitted}</ul><h2>Findings</h2><ul>{findings}</ul>"
        f"<p><small>schema {e(a.schema_version)}</small></p></body></html>"
    )


def trace_markdown(t: Trace) -> str:
    """The responsibility map as Markdown."""
    lines = [
        f"# 责任链 Trace: {t.title}",
        "",
        f"- Incident `{t.incident}` at {t.place_name}; conduct period {t.period[0]} – {t.period[1]}",
        f"- Matters: {', '.join(t.matters)} (with broader: {', '.join(t.matter_closure)})",
        "",
    ]
    for b in t.bodies:
        tag = "responsible" if b["responsible"] else ("limited (assisting)" if b["limited"] else "upstream/guidance")
        lines.append(f"## {b['name']} (`{b['body']}`, {b['kind']}, {b['level']}) — {', '.join(b['roles'])} — {tag}")
        for d in b["duties"]:
            lines.append(f"- duty: {d['citation']} {d['summary']} [{d['dates']}]")
        for r in b["not_applicable"]:
            lines.append(f"- not applicable: {r}")
        for h in b["holders"]:
            deg = _label("ResponsibilityDegree", h["degree"]) or "—"
            lines.append(f"- {h['post_name']}: {h['person_name']} ({h['tenure']}) → {deg} {', '.join(h['kinds'])}")
        for a in b["assignments"]:
            lines.append(f"- 分工: {a['summary']} [{a['dates']}] — {a['citation']}")
        lines.append("")
    if t.upward:
        lines += ["## Chain of authority upward", ""]
        for u in t.upward:
            sup = f" — supervisory duty: {'; '.join(d['citation'] for d in u['supervisory_duty'])}" if u["supervisory_duty"] else ""
            lines.append(f"- {u['from']} —{u['relation']}→ {u['to_name']} (`{u['to']}`){sup}")
        lines.append("")
    if t.failures:
        lines += ["## Failures (execution)", ""] + [f"- {_cite(f)}" for f in t.failures] + [""]
    if t.decisions:
        lines += ["## Decisions (decision responsibility)", ""] + [f"- {_cite(d)}" for d in t.decisions] + [""]
    return "\n".join(lines)


def review_markdown(findings: list[Finding]) -> str:
    if not findings:
        return "No inconsistent sanctions across cases.\n"
    return "\n".join(f"- ⚑ **{f.kind}**: {f.message}" for f in findings) + "\n"


def as_plain(obj: Any) -> Any:  # pragma: no cover - convenience for callers
    return json.loads(json.dumps(obj, default=lambda o: o.__dict__, ensure_ascii=False))
