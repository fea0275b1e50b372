"""What the explorer draws: an incident's responsibility subgraph, coloured by verdict, as self-contained pyvis HTML."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import networkx as nx

from graph.build import LABEL
from graph.index import GraphIndex, index_for, overlaps
from graph.verdict import SUPERVISION_ROLES, Audit, Evidence, Verdict, chain_of_authority, jurisdiction, trace
from ontology.model import model as m

__all__ = [
    "PHYSICS_NODE_LIMIT",
    "VERDICT_KEYS",
    "VERDICT_STYLE",
    "CLASS_STYLE",
    "HOLDS",
    "HELD_DURING_CONDUCT",
    "HAS_DUTY",
    "APPLIES_TO",
    "ASSIGNMENT",
    "LegendItem",
    "legend_items",
    "evidence_text",
    "kind_of_role",
    "trace_subgraph",
    "network_html",
]

L, R = m.L, m.R

#: Above this many nodes the layout is precomputed and physics is switched off: vis.js took 87 s to settle
#: 2,000 nodes with physics on, 2 s with it off.
PHYSICS_NODE_LIMIT = 300

#: Verdict keys in legend order; ``omitted`` is a case finding, shown like a verdict on the person.
VERDICT_KEYS = ("basis", "no_jurisdiction", "outside_tenure", "not_a_target", "exemption_review", "omitted")

# Display-only relations: the subgraph collapses Tenure and LeadershipAssignment records (nodes in the
# ontology) into edges, which the ontology has no relationship type for.
HOLDS = "holds"  # person → post, a tenure overlapping the as-of date
HELD_DURING_CONDUCT = "held_during_conduct"  # person → post, a tenure overlapping the conduct period only
HAS_DUTY = "has_duty"  # body or unit → duty clause
APPLIES_TO = "applies_to"  # duty clause or decision → incident
ASSIGNMENT = "assignment"  # person or post → body, unit or incident, one 分工 entry


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a verdict colour or a node class shape."""

    key: str
    label: str
    colour: str
    shape: str = "dot"


VERDICT_STYLE: dict[str, tuple[str, str]] = {
    # key: (fill colour, legend text); colours distinguishable for the common colour-vision deficiencies
    "basis": ("#4caf50", "有依据 basis"),
    "no_jurisdiction": ("#e53935", "无管辖职责 no jurisdiction"),
    "outside_tenure": ("#fb8c00", "不在任 outside tenure"),
    "not_a_target": ("#9e9e9e", "非问责对象 not a target"),
    "exemption_review": ("#1e88e5", "需审查容错免责 exemption review"),
    "omitted": ("#8e24aa", "遗漏 omitted (duty path, not a target)"),
}
NEUTRAL_COLOUR = "#cfd8dc"

CLASS_STYLE: dict[str, tuple[str, str, str]] = {
    # class: (shape, fill when no verdict applies, legend text)
    L.Incident: ("star", "#fdd835", "事件 incident"),
    L.Organization: ("box", "#e3f2fd", "机关 body"),
    L.OrganizationalUnit: ("box", "#f1f8e9", "内设机构 unit"),
    L.Post: ("ellipse", "#eceff1", "职务 post"),
    L.Person: ("dot", NEUTRAL_COLOUR, "人员 person"),
    L.DutyClause: ("diamond", "#fff9c4", "职责条款 duty clause"),
    L.Decision: ("triangle", "#b3e5fc", "决策 decision"),
    L.Failure: ("triangleDown", "#ffccbc", "失职行为 failure"),
    L.AccountabilityCase: ("hexagon", "#d1c4e9", "问责案件 case"),
}
DEFAULT_CLASS_STYLE = ("dot", "#e0e0e0", "")

_RELATION_ZH = {
    R.UNIT_OF: "内设于",
    R.POST_IN: "职务属",
    R.LED_BY: "受领导",
    R.VERTICALLY_MANAGED_BY: "垂直管理",
    R.SUB_ORGANIZATION_OF: "下属于",
    R.STATIONED_IN: "派驻",
    R.GUIDED_BY: "受指导",
    R.BY_BODY: "责任单位",
    R.BY_PERSON: "责任人",
    R.ABOUT_INCIDENT: "涉及",
    R.DECIDED_BY: "决策机关",
    R.PARTICIPANT: "参与决策",
    R.TARGET_PERSON: "问责",
    R.TARGET_BODY: "问责",
    R.TARGET_POST: "拟问责职务",
    HOLDS: "任",
    HELD_DURING_CONDUCT: "行为期间任",
}


def legend_items() -> list[LegendItem]:
    """Verdict colours, then the shapes of the node classes the trace shows.

    Examples
    --------
    >>> [i.key for i in legend_items()][:3]
    ['basis', 'no_jurisdiction', 'outside_tenure']
    """
    items = [LegendItem(k, text, colour) for k, (colour, text) in VERDICT_STYLE.items()]
    items.append(LegendItem("none", "无结论 context (no verdict)", NEUTRAL_COLOUR))
    items += [LegendItem(cls, text, colour, shape) for cls, (shape, colour, text) in CLASS_STYLE.items()]
    return items


def kind_of_role(role: str | None) -> str:
    """The responsibility kind a duty role gives (docs/verdicts.md): supervision or execution."""
    return "supervision" if role in SUPERVISION_ROLES else "execution"


def evidence_text(e: Evidence | Mapping[str, Any]) -> str:
    """One evidence item as a line: ``kind: summary — citation [dates] (file:line)``.

    Examples
    --------
    >>> evidence_text({"kind": "tenure", "summary": "甲 任 乙", "citation": "任免通知", "dates": "2020 –", "origin": "t.csv:2"})
    'tenure: 甲 任 乙 — 任免通知 [2020 –] (t.csv:2)'
    """
    d = e if isinstance(e, Mapping) else e.__dict__
    text = f"{d.get('kind', '')}: {d.get('summary', '')}"
    if d.get("citation"):
        text += f" — {d['citation']}"
    if d.get("dates"):
        text += f" [{d['dates']}]"
    if d.get("origin"):
        text += f" ({d['origin']})"
    return text


# ---------------------------------------------------------------------------- subgraph
def _iso(value: str | dt.date | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


class _Builder:
    """Accumulates display nodes and edges; the first verdict set on a node wins unless forced."""

    def __init__(self, idx: GraphIndex):
        self.idx = idx
        self.sub = nx.MultiDiGraph()

    def node(self, nid: str, *, verdict: str | None = None, lines: Iterable[str] = (), caption: str | None = None,
             force: bool = False, **extra: Any) -> None:
        idx = self.idx
        lines = list(lines)
        if nid not in self.sub:
            cls = idx.label(nid) if nid in idx.nodes else "Unknown"
            head = f"{idx.name(nid)} [{cls} {nid}]"
            self.sub.add_node(nid, **{LABEL: cls, "id": nid, "group": cls, "caption": caption or _caption(idx, nid),
                                      "verdict": None, "title": head, "lines": [], "target": False})
            lines = _default_lines(idx, nid, cls, bool(lines)) + lines
        a = self.sub.nodes[nid]
        if verdict is not None and (a["verdict"] is None or force):
            a["verdict"] = verdict
        for line in lines:
            if line and line not in a["lines"]:
                a["lines"].append(line)
        a.update(extra)

    def edge(self, u: str, v: str, relation: str, *, label: str = "", title: str = "", key: str | None = None,
             dashes: bool = False) -> None:
        if u not in self.sub or v not in self.sub:
            return
        k = key or relation
        if self.sub.has_edge(u, v, k):
            return
        self.sub.add_edge(u, v, key=k, relation=relation, label=label, title=title or label, dashes=dashes)

    def finish(self) -> nx.MultiDiGraph:
        for _, a in self.sub.nodes(data=True):
            a["title"] = "\n".join([a["title"], *a.pop("lines")])
        return self.sub


def _caption(idx: GraphIndex, nid: str) -> str:
    a = idx.nodes.get(nid, {})
    if a.get(LABEL) == L.DutyClause:
        return str(a.get("number") or nid)
    return a.get("name") or a.get("title") or a.get("number") or nid


def _verdict_lines(v: Verdict) -> list[str]:
    label = VERDICT_STYLE[v.verdict][1]
    lines = [f"— {v.action}: {label}", f"理由 reason: {v.reason}"]
    if v.sanction:
        lines.append(f"拟处理 proposed: {m.concept('Sanction', v.sanction).label_zh} ({v.status or 'status unstated'})")
    if v.exemption_grounds:
        lines.append("容错免责情形 exemption grounds: " + "、".join(m.concept("ExemptionGround", x).label_zh for x in v.exemption_grounds))
    lines += [evidence_text(e) for e in v.evidence]
    return lines


def trace_subgraph(
    g: nx.MultiDiGraph,
    incident: str,
    *,
    as_of: str | dt.date | None = None,
    audit: Audit | None = None,
    kinds: Iterable[str] | None = None,
    expand: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """The part of the graph an investigator looks at for one incident, ready for :func:`network_html`.

    Shows the bodies and units with an applicable duty (and their units), their posts, who held each post
    on ``as_of`` (default: the conduct date), the 分工 entries in force then, the duty clauses, the
    incident's failures and decisions, the chain of authority upward and, given an ``audit``, the case's
    targets and omitted parties. People with a duty path during the conduct period stay visible when
    ``as_of`` is later (终身问责), linked by a dashed ``held_during_conduct`` edge. ``kinds`` keeps only
    duties of those responsibility kinds (decision, execution, supervision); ``expand`` adds the full
    graph's neighbours of those nodes.

    Node attributes: ``label`` (class), ``caption``, ``verdict`` (one of :data:`VERDICT_KEYS` or None),
    ``title`` (hover text with the evidence), ``group``, ``target`` (a target of the audited case).
    Edge attributes: ``relation``, ``label``, ``title``, ``dashes``.

    Examples
    --------
    >>> from graph.api import open_bundle
    >>> from graph.verdict import audit
    >>> from loaders.demo import DEMO_BUNDLE
    >>> g = open_bundle(DEMO_BUNDLE, shacl=False).graph
    >>> sub = trace_subgraph(g, "inc_coal", audit=audit(g, "case_coal"))
    >>> sub.nodes["li_jianguo"]["verdict"], sub.nodes["han_li"]["verdict"]
    ('no_jurisdiction', 'omitted')
    """
    idx = index_for(g)
    t = trace(g, incident)
    start, end = t.period
    day = _iso(as_of) or start
    wanted = set(kinds) if kinds is not None else None
    b = _Builder(idx)

    b.node(incident, lines=[
        f"行为期间 conduct period: {start} – {end}",
        f"地点 place: {t.place_name}",
        "事项 matters: " + "、".join(idx.name(x) for x in t.matters),
        f"后果 consequence: {idx.attr(incident, 'consequence') or '—'}",
        f"({idx.attr(incident, 'origin', '')})",
    ])

    # -- bodies with an applicable duty, their clauses and units --------------------------
    duty_people: dict[str, list[dict[str, Any]]] = {p["person"]: p["roles"] for p in t.people}
    shown_bodies: list[str] = []
    for body in t.bodies:
        duties = [d for d in body["duties"] if wanted is None or kind_of_role(_clause_role(idx, d["id"])) in wanted]
        if not duties:
            continue
        bid = body["body"]
        shown_bodies.append(bid)
        tag = "responsible" if body["responsible"] else ("limited: assisting duty only" if body["limited"] else "upstream / guidance")
        lines = [f"{idx.attr(bid, 'kind')} · {body['level']} · {tag}", "职责 duties:"]
        lines += [evidence_text(d) for d in duties]
        lines += [f"不适用 not applicable: {r}" for r in body["not_applicable"]]
        b.node(bid, verdict="basis" if body["responsible"] or body["limited"] else None, lines=lines)
        for d in duties:
            role = _clause_role(idx, d["id"])
            role_zh = m.concept("DutyRole", role).label_zh if role else ""
            b.node(d["id"], lines=[evidence_text(d), f"职责类型 kind: {kind_of_role(role)}"])
            b.edge(bid, d["id"], HAS_DUTY, label=role_zh, title=f"{d['citation']} [{role}]")
            matters = [idx.name(x) for x in idx.many(d["id"], R.ON_MATTER)]
            b.edge(d["id"], incident, APPLIES_TO, label="、".join(matters), title=d["citation"])
    for bid in list(shown_bodies):
        top = idx.top_body(bid)
        for unit in [top, *idx.units(top)]:
            if unit not in shown_bodies:
                b.node(unit)
                shown_bodies.append(unit)
        for unit in idx.units(top):
            b.edge(unit, top, R.UNIT_OF, label=_RELATION_ZH[R.UNIT_OF])

    # -- the case: targets, their posts and bodies --------------------------------------
    targets: dict[str, list[Verdict]] = {}
    upward_from: list[str] = []  # target bodies outside the trace, whose chain upward the trace lacks
    omitted = {o.person: o for o in audit.omitted} if audit is not None else {}
    if audit is not None:
        b.node(audit.case, lines=[f"{audit.case_title}", f"基层占比 grassroots share: {audit.grassroots_share:.0%}"]
               + [f"{'⚑ ' if f.flag else ''}{f.kind}: {f.message}" for f in audit.findings])
        b.edge(audit.case, incident, R.ABOUT_INCIDENT, label=_RELATION_ZH[R.ABOUT_INCIDENT])
        for v in audit.verdicts:
            who = v.target_person or v.target_body
            if not who:
                continue
            targets.setdefault(who, []).append(v)
            b.node(who, verdict=v.verdict, force=len(targets[who]) == 1, lines=_verdict_lines(v), target=True)
            sanction = m.concept("Sanction", v.sanction).label_zh if v.sanction else ""
            rel = R.TARGET_PERSON if v.target_person else R.TARGET_BODY
            b.edge(audit.case, who, rel, key=v.action, label=f"{v.action} {sanction}".strip(), title=f"{v.action}: {v.reason}")
            body = v.target_body
            if v.target_post:
                b.node(v.target_post)
                body = idx.one(v.target_post, R.POST_IN)
                b.edge(who, v.target_post, R.TARGET_POST, label=_RELATION_ZH[R.TARGET_POST], dashes=True)
            if body:
                if body not in shown_bodies:
                    # a body the trace does not show (no applicable duty, or filtered out): its own duty test
                    bv = jurisdiction(g, incident, body)
                    b.node(body, verdict=bv.verdict, lines=[f"{VERDICT_STYLE[bv.verdict][1]}: {bv.reason}"])
                    shown_bodies.append(body)
                    upward_from.append(body)
                if v.target_post:
                    b.edge(v.target_post, body, R.POST_IN, label="")

    # -- posts and who held them on the as-of date -----------------------------------------
    shown_posts: list[str] = []
    for body in shown_bodies:
        for post in idx.posts_of(body):
            shown_posts.append(post)
            b.node(post)
            b.edge(post, body, R.POST_IN, label="")
    for post in [n for n, a in b.sub.nodes(data=True) if a[LABEL] == L.Post and n not in shown_posts]:
        shown_posts.append(post)
    for post in shown_posts:
        for tenure in idx.holders(post, day, day):
            _holder(b, idx, tenure, HOLDS, start, end, duty_people, targets, omitted)

    # -- people who answer for the conduct period, kept visible whatever the as-of date --
    conduct_people = set(duty_people) | set(omitted) | {p for p in targets if idx.label(p) == L.Person}
    for person in sorted(conduct_people):
        for tenure in idx.tenure_ids_of_person(person):
            post = idx.one(tenure, R.OF_POST)
            if not overlaps(idx.attr(tenure, "start"), idx.attr(tenure, "end"), start, end):
                continue
            relevant = post in shown_posts or person in omitted and omitted[person].post == post
            if not relevant or (person in b.sub and b.sub.has_edge(person, post, HOLDS)):
                continue
            if post not in b.sub:
                b.node(post)
                body = idx.one(post, R.POST_IN)
                b.node(body)
                b.edge(post, body, R.POST_IN, label="")
            now = overlaps(idx.attr(tenure, "start"), idx.attr(tenure, "end"), day, day)
            _holder(b, idx, tenure, HOLDS if now else HELD_DURING_CONDUCT, start, end, duty_people, targets, omitted)

    # -- 分工 in force on the as-of date --------------------------------------------------
    assignments: set[str] = set()
    for body in shown_bodies:
        assignments.update(idx.assignments_over(body, day, day))
    for post in shown_posts:
        assignments.update(idx.assignments(post, None, day, day))
    closure = set(t.matter_closure)
    for a in sorted(assignments):
        _assignment(b, idx, a, incident, closure, day, start, end, duty_people, targets, omitted)

    # -- failures and decisions of the incident --------------------------------------------
    for f in t.failures:
        b.node(f.id, lines=[evidence_text(f), f"类型 kind: {idx.attr(f.id, 'kind')}",
                            f"因果关系 causal: {idx.attr(f.id, 'causal', True)}"])
        b.edge(f.id, incident, R.ABOUT_INCIDENT, label=_RELATION_ZH[R.ABOUT_INCIDENT])
        for rel in (R.BY_BODY, R.BY_PERSON):
            who = idx.one(f.id, rel)
            if who and (who in b.sub or rel == R.BY_BODY):
                b.node(who)
                b.edge(f.id, who, rel, label=_RELATION_ZH[rel])
    if wanted is None or "decision" in wanted:
        for d in t.decisions:
            documented = idx.attr(d.id, "documented", True)
            b.node(d.id, lines=[evidence_text(d), "有书面记录 documented" if documented is not False
                                else "⚑ 无书面记录 undocumented decision"])
            b.edge(d.id, incident, APPLIES_TO, label="决策")
            for body in idx.many(d.id, R.DECIDED_BY):
                b.node(body)
                b.edge(d.id, body, R.DECIDED_BY, label=_RELATION_ZH[R.DECIDED_BY])
            for person in idx.many(d.id, R.PARTICIPANT):
                b.node(person, verdict=_person_verdict(person, duty_people, targets, omitted))
                b.edge(person, d.id, R.PARTICIPANT, label=_RELATION_ZH[R.PARTICIPANT])

    # -- the chain of authority upward from the bodies shown ------------------------------
    rows = list(t.upward)
    for body in upward_from:
        rows += [dict(r, supervisory_duty=[]) for r in chain_of_authority(g, body)]
    for row in rows:
        if row["from"] not in b.sub:
            continue
        lines = [f"上级 upward from {idx.name(row['from'])} ({row['relation']})"]
        lines += ["监管职责 supervisory duty: " + evidence_text(d) for d in row["supervisory_duty"]]
        b.node(row["to"], lines=lines)
        b.edge(row["from"], row["to"], row["relation"], label=_RELATION_ZH.get(row["relation"], row["relation"]))

    # -- neighbours asked for ---------------------------------------------------------------
    for nid in expand:
        if nid not in idx.nodes:
            continue
        b.node(nid)
        for _, nb, rel in g.out_edges(nid, keys=True):
            b.node(nb)
            b.edge(nid, nb, rel, label=_RELATION_ZH.get(rel, rel))
        for nb, _, rel in g.in_edges(nid, keys=True):
            b.node(nb)
            b.edge(nb, nid, rel, label=_RELATION_ZH.get(rel, rel))

    sub = b.finish()
    sub.graph.update(incident=incident, as_of=day, period=(start, end), case=audit.case if audit else None)
    return sub


def _clause_role(idx: GraphIndex, clause: str | None) -> str | None:
    return idx.attr(clause, "role") if clause and clause in idx.nodes else None


def _body_lines(idx: GraphIndex, body: str) -> list[str]:
    div = idx.body_division(body)
    return [f"{idx.attr(body, 'kind') or ''} · {idx.name(div)}", idx.attr(body, "note") or ""]


def _post_lines(idx: GraphIndex, post: str) -> list[str]:
    tags = ["主要负责人 principal" if idx.attr(post, "principal") else "",
            "领导职务 leading" if idx.attr(post, "leading", True) else "非领导职务 not a leading post",
            idx.attr(post, "rank") or ""]
    lines = [" · ".join(x for x in tags if x), "任职 tenures:"]
    for t in idx.tenures_of_post(post):
        if idx.label(t) == L.Tenure:
            lines.append(f"  {idx.name(idx.one(t, R.HELD_BY))} {idx.attr(t, 'start') or '…'} – {idx.attr(t, 'end') or ''}"
                         f" ({idx.attr(t, 'origin', '')})")
    return lines


def _generic_lines(idx: GraphIndex, nid: str) -> list[str]:
    a = idx.nodes.get(nid, {})
    return [f"{k}: {v}" for k, v in a.items() if k not in (LABEL, "id", "name") and v not in (None, "", [])]


def _person_lines(idx: GraphIndex, person: str) -> list[str]:
    lines = ["任职 tenures:"]
    for t in idx.tenure_ids_of_person(person):
        lines.append(f"  {idx.name(idx.one(t, R.OF_POST))} {idx.attr(t, 'start') or '…'} – {idx.attr(t, 'end') or ''}"
                     f" — {idx.attr(t, 'source') or ''} ({idx.attr(t, 'origin', '')})")
    return lines


def _default_lines(idx: GraphIndex, nid: str, cls: str, has_own: bool) -> list[str]:
    """Hover lines every node of a class gets; records without their own evidence show their fields."""
    if nid not in idx.nodes:
        return []
    if cls in (L.Organization, L.OrganizationalUnit):
        return _body_lines(idx, nid)
    if cls == L.Post:
        return _post_lines(idx, nid)
    if cls == L.Person:
        return _person_lines(idx, nid)
    return [] if has_own else _generic_lines(idx, nid)


def _person_verdict(person: str, duty_people: Mapping[str, Any], targets: Mapping[str, list[Verdict]],
                    omitted: Mapping[str, Any]) -> str | None:
    if person in targets:
        return targets[person][0].verdict
    if person in omitted:
        return "omitted"
    if person in duty_people:
        return "basis"
    return None


def _holder(b: _Builder, idx: GraphIndex, tenure: str, relation: str, start: str, end: str,
            duty_people: Mapping[str, list[dict[str, Any]]], targets: Mapping[str, list[Verdict]],
            omitted: Mapping[str, Any]) -> None:
    person, post = idx.one(tenure, R.HELD_BY), idx.one(tenure, R.OF_POST)
    if not person or not post:
        return
    t_start, t_end = idx.attr(tenure, "start"), idx.attr(tenure, "end")
    in_conduct = overlaps(t_start, t_end, start, end)
    verdict = _person_verdict(person, duty_people, targets, omitted)
    lines = []
    if person in omitted:
        o = omitted[person]
        lines.append(f"⚑ 遗漏 omitted: {o.post_name} ({o.body_name}), {o.role}, "
                     f"{m.concept('ResponsibilityDegree', o.degree).label_zh}, held {o.tenure}")
        if o.later_posts:
            lines.append("后任 later posts: " + "、".join(o.later_posts))
        lines += [evidence_text(e) for e in o.evidence]
    for row in duty_people.get(person, []):
        degree = m.concept("ResponsibilityDegree", row["degree"]).label_zh if row["degree"] else "—"
        lines.append(f"行为期间 during conduct: {row['post_name']} → {degree} {', '.join(row['kinds'])}")
    body = idx.one(post, R.POST_IN)
    if verdict is None and not in_conduct and body and _body_has_duty(b, body):
        # holds the post now but not when the failure happened: liability stayed with the earlier holder
        verdict = "outside_tenure"
        lines.append(f"不在任 did not hold {idx.name(post)} during the conduct period {start} – {end}")
    b.node(person, verdict=verdict, lines=lines)
    dates = f"{t_start or '…'} – {t_end or ''}"
    label = f"{_RELATION_ZH[relation]} {dates}"
    b.edge(person, post, relation, label=label, title=f"{idx.name(person)} {label} — {idx.attr(tenure, 'source') or ''} "
           f"({idx.attr(tenure, 'origin', '')})", dashes=relation == HELD_DURING_CONDUCT)


def _body_has_duty(b: _Builder, body: str) -> bool:
    top = b.idx.top_body(body)
    return any(b.sub.has_node(x) and b.sub.nodes[x]["verdict"] == "basis" for x in (body, top))


def _assignment(b: _Builder, idx: GraphIndex, a: str, incident: str, closure: set[str], day: str, start: str, end: str,
                duty_people: Mapping[str, list[dict[str, Any]]], targets: Mapping[str, list[Verdict]],
                omitted: Mapping[str, Any]) -> None:
    post = idx.one(a, R.OF_POST)
    named = idx.one(a, R.HELD_BY)
    covered = [x for x in idx.many(a, R.OVER_BODY) if x in b.sub]
    on_incident = bool(set(idx.many(a, R.ON_MATTER)) & closure)
    if not post or not (covered or on_incident):
        return
    if post not in b.sub:
        b.node(post)
        body = idx.one(post, R.POST_IN)
        if body:
            b.node(body)
            b.edge(post, body, R.POST_IN, label="")
        for tenure in idx.holders(post, day, day):
            _holder(b, idx, tenure, HOLDS, start, end, duty_people, targets, omitted)
    source = named if named in b.sub else post
    mode = idx.attr(a, "mode")
    mode_zh = m.concept("AssignmentMode", mode).label_zh if mode else ""
    cite = idx.attr(a, "source") or a
    text = (f"分工 {a}: {idx.name(named) or idx.name(post)} {mode_zh} "
            + "、".join([idx.name(x) for x in idx.many(a, R.OVER_BODY)] + [idx.name(x) for x in idx.many(a, R.ON_MATTER)])
            + f" — {cite} [{idx.attr(a, 'valid_from') or '…'} – {idx.attr(a, 'valid_to') or ''}] ({idx.attr(a, 'origin', '')})")
    label = f"{mode_zh} · {cite}"
    for target in covered + ([incident] if on_incident else []):
        b.edge(source, target, ASSIGNMENT, key=f"{ASSIGNMENT}:{a}", label=label, title=text, dashes=mode == "liaison")
    if named and named in b.sub:
        b.node(named, lines=[text])


# ---------------------------------------------------------------------------- HTML
_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
    re.IGNORECASE | re.DOTALL,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)

_EXTRA_CSS = """
<style>
  body { margin: 0; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif; }
  #mynetwork { float: none !important; border: 0 !important; }
  /* vis.js shows plain-text titles; keep the evidence lines apart and readable */
  div.vis-tooltip { white-space: pre-wrap !important; max-width: 46em; font-size: 12px; line-height: 1.35;
                    font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif !important; }
  #quanze-legend { position: absolute; top: 6px; left: 6px; background: rgba(255,255,255,.92); border: 1px solid #ccc;
                   border-radius: 4px; padding: 4px 8px; font-size: 12px; line-height: 1.5; z-index: 5; }
  #quanze-legend span.sw { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: middle;
                           border: 1px solid #555; border-radius: 2px; }
</style>
"""


def _display_label(a: Mapping[str, Any], nid: str) -> str:
    return str(a.get("caption") or a.get("name") or a.get("number") or a.get("title") or nid)


def _hover(a: Mapping[str, Any], nid: str) -> str:
    if "caption" in a:  # built by trace_subgraph: the title already holds the evidence
        return str(a.get("title") or nid)
    # a node straight from graph/build.py: its fields are the evidence
    lines = [f"{_display_label(a, nid)} [{a.get(LABEL, '')} {nid}]"]
    lines += [f"{k}: {v}" for k, v in a.items() if k not in (LABEL, "id") and v not in (None, "", [])]
    return "\n".join(lines)


def _grid_positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A cheap deterministic layout for graphs too large for physics: one band of rows per node class."""
    by_class: dict[str, list[str]] = {}
    for nid, a in g.nodes(data=True):
        by_class.setdefault(str(a.get(LABEL, "")), []).append(nid)
    pos, y, step, width = {}, 0.0, 90.0, 40
    for cls in sorted(by_class):
        members = sorted(by_class[cls], key=str)
        for i, nid in enumerate(members):
            pos[nid] = ((i % width) * step * 1.6, y + (i // width) * step)
        y += ((len(members) - 1) // width + 2) * step
    return pos


def _legend_html(g: nx.MultiDiGraph) -> str:
    verdicts = {a.get("verdict") for _, a in g.nodes(data=True)} - {None}
    if verdicts:
        items = [i for i in legend_items() if i.key in verdicts or i.key == "none"]
    else:
        present = {a.get(LABEL) for _, a in g.nodes(data=True)}
        items = [i for i in legend_items() if i.key in present]
    rows = "".join(
        f"<div><span class='sw' style='background:{i.colour}'></span>{html_lib.escape(i.label)}</div>" for i in items
    )
    return f"<div id='quanze-legend'>{rows}</div>"


def network_html(g: nx.MultiDiGraph, *, physics: bool | None = None, height: str = "750px", legend: bool = True) -> str:
    """A self-contained interactive HTML page (pyvis, vis.js inlined, no remote resources) of any graph
    from :func:`trace_subgraph` or ``graph.build.build_graph``.

    Physics is on for small graphs and off above :data:`PHYSICS_NODE_LIMIT` nodes, where positions are
    precomputed instead.

    Examples
    --------
    >>> g = nx.MultiDiGraph(); g.add_node("p1", label=L.Person, name="甲")
    >>> page = network_html(g)
    >>> "vis.Network" in page and "https://cdn" not in page
    True
    """
    from pyvis.network import Network

    n = g.number_of_nodes()
    if physics is None:
        physics = n <= PHYSICS_NODE_LIMIT
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", notebook=False)
    pos = {} if physics else _grid_positions(g)
    nodes, ids = [], []
    for nid, a in g.nodes(data=True):
        cls = a.get(LABEL, "")
        shape, fill, _ = CLASS_STYLE.get(cls, DEFAULT_CLASS_STYLE)
        verdict = a.get("verdict")
        if verdict in VERDICT_STYLE:
            fill = VERDICT_STYLE[verdict][0]
        target = bool(a.get("target"))
        node = {
            "id": str(nid),
            "label": _display_label(a, nid),
            "title": _hover(a, nid),
            "shape": shape,
            "group": a.get("group") or cls,
            # hover and selection keep the verdict colour: only the border darkens
            "color": {"background": fill, "border": "#212121" if target else "#607d8b",
                      "highlight": {"background": fill, "border": "#000000"},
                      "hover": {"background": fill, "border": "#000000"}},
            "borderWidth": 4 if target else 1,
            "size": 22 if cls in (L.Person, L.Incident) else 16,
            # large fonts: vis.js stops drawing labels once the fitted zoom shrinks them below ~5 px
            "font": {"size": 22 if cls in (L.Person, L.Incident, L.Organization) else 18},
            # kept on the vis.js node so the page and tests can read the verdict back from the browser
            "verdict": verdict,
            "cls": cls,
        }
        if nid in pos:
            node["x"], node["y"] = pos[nid]
        nodes.append(node)
        ids.append(str(nid))
    edges = []
    for u, v, k, a in g.edges(keys=True, data=True):
        relation = a.get("relation") or a.get("type") or k
        edge = {"from": str(u), "to": str(v), "arrows": "to", "label": str(a.get("label", relation) or ""),
                "title": str(a.get("title") or a.get("label") or relation), "dashes": bool(a.get("dashes")),
                "relation": str(relation), "font": {"size": 14, "align": "middle"}, "color": {"color": "#90a4ae"}}
        if not physics:
            edge["smooth"] = False  # straight edges: curved ones cost layout time on large graphs
        edges.append(edge)
    # Filled in directly: Network.add_node/add_edge scan lists per call, quadratic on large graphs.
    net.nodes, net.edges, net.node_ids = nodes, edges, ids
    net.node_map = {x["id"]: x for x in nodes}
    net.options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.015, "springLength": 90,
                                 "springConstant": 0.08, "avoidOverlap": 0.2},
            "stabilization": {"enabled": physics, "iterations": 400},
        },
        "layout": {"improvedLayout": physics},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "multiselect": True},
        "edges": {"smooth": {"enabled": physics, "type": "dynamic"}},
        "nodes": {"font": {"face": "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"}},
    }
    page = net.generate_html(notebook=False)
    # The template pulls Bootstrap from a CDN whatever cdn_resources says; nothing here needs it.
    page = _REMOTE_TAG.sub("", page)
    page = _EMPTY_HEADING.sub("", page)
    page = page.replace("</head>", _EXTRA_CSS + "</head>", 1)
    if legend:
        page = page.replace('<div id="mynetwork"', _legend_html(g) + '<div id="mynetwork"', 1)
    return page
