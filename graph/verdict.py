"""The verdict engine: trace an incident along the chain of authority and audit an accountability case.

Everything here is a pure function of the embedded graph; every result carries its evidence.
The rules are written out in docs/verdicts.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable, Mapping

import networkx as nx

from graph.index import R as _index_R, GraphIndex, in_force, index_for, overlaps
from ontology.model import model as m

__all__ = [
    "SCHEMA_VERSION",
    "VERDICTS",
    "Evidence",
    "DutyHit",
    "Verdict",
    "OmittedParty",
    "Finding",
    "Audit",
    "Trace",
    "trace",
    "audit",
    "review",
    "jurisdiction",
    "chain_of_authority",
    "prime",
]

SCHEMA_VERSION = "1.0"
VERDICTS = ("basis", "no_jurisdiction", "outside_tenure", "not_a_target", "exemption_review")
R = _index_R  # the fast namespace of relationship types (see graph/index.py)
RESPONSIBLE_ROLES = {"lead", "supervise", "enforce"}
LIMITED_ROLES = {"assist", "coordinate"}
SUPERVISION_ROLES = {"supervise", "enforce", "guide"}
LEADING_MODES = {"in_charge": "principal_leadership", "overall": "principal_leadership", "assist": "important_leadership"}
VILLAGE_KINDS = {"village_committee", "village_party_branch", "residents_committee"}
NOT_ACCOUNTABILITY_FAILURES = {"direct_violation", "minor_lapse"}
UPWARD = (R.UNIT_OF, R.VERTICALLY_MANAGED_BY, R.LED_BY, R.SUB_ORGANIZATION_OF, R.STATIONED_IN, R.GUIDED_BY)
DEGREE_RANK = {"principal_leadership": 3, "important_leadership": 2, "direct": 1, None: 0}
NO_VILLAGE_POWER = "village has no administrative enforcement power; no duty on the matter"


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Evidence:
    """One cited fact: a clause, 分工 entry, tenure, failure, decision, exemption claim or relation."""

    kind: str
    id: str | None
    summary: str
    citation: str = ""
    dates: str = ""
    origin: str = ""


@dataclass
class DutyHit:
    """A duty clause that applies to the incident, held by a body or unit."""

    clause: str
    body: str
    body_name: str
    role: str
    limited: bool
    evidence: Evidence
    matters: tuple[str, ...] = ()


@dataclass
class Verdict:
    """The verdict on one proposed target, with the evidence chain that explains it."""

    action: str
    verdict: str
    reason: str
    target_person: str | None = None
    target_person_name: str = ""
    target_post: str | None = None
    target_post_name: str = ""
    target_body: str | None = None
    target_body_name: str = ""
    responsibility_kinds: list[str] = field(default_factory=list)
    degree: str | None = None
    limited: bool = False
    missing_link: str | None = None
    held_at_conduct: list[dict[str, str]] = field(default_factory=list)
    exemption_grounds: list[str] = field(default_factory=list)
    claimed_kind: str | None = None
    claimed_degree: str | None = None
    sanction: str | None = None
    status: str | None = None
    causal_link: bool = True
    grassroots: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class OmittedParty:
    """Someone with a duty path to the matter during the conduct period who is not a target."""

    person: str
    person_name: str
    post: str
    post_name: str
    body: str
    body_name: str
    role: str  # "principal" or "in_charge"
    degree: str
    tenure: str
    later_posts: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Finding:
    """A case-level finding (omitted parties, grassroots share, organisation without individual …)."""

    kind: str
    flag: bool
    message: str
    subjects: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Audit:
    """The audit of one accountability case."""

    case: str
    case_title: str
    incident: str
    incident_title: str
    period: tuple[str, str]
    matters: list[str]
    verdicts: list[Verdict]
    omitted: list[OmittedParty]
    findings: list[Finding]
    grassroots_share: float
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def verdict_of(self, action: str) -> Verdict:
        return next(v for v in self.verdicts if v.action == action)

    def finding_kinds(self) -> set[str]:
        return {f.kind for f in self.findings if f.flag}


@dataclass
class Trace:
    """The responsibility map of an incident."""

    incident: str
    title: str
    place: str
    place_name: str
    period: tuple[str, str]
    matters: list[str]
    matter_closure: list[str]
    bodies: list[dict[str, Any]]
    people: list[dict[str, Any]]
    upward: list[dict[str, Any]]
    decisions: list[Evidence]
    failures: list[Evidence]
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------- context
@dataclass
class _Ctx:
    idx: GraphIndex
    incident: str
    matters: list[str]
    closure: frozenset[str]
    place: str
    places: frozenset[str]
    start: str
    end: str
    facts: _Facts  # the graph's, from _facts(idx)
    duty_cache: dict[str, tuple[list[DutyHit], list[str]]] = field(default_factory=dict)
    hits_cache: dict[str, tuple[list[DutyHit], list[DutyHit]]] = field(default_factory=dict)
    _candidates: list[str] | None = None
    _candidate_set: frozenset[str] | None = None
    _matters_up: tuple[frozenset[str], ...] | None = None

    def in_period(self, valid_from: str | None, valid_to: str | None) -> bool:
        return in_force(valid_from, valid_to, self.start, self.end)

    @property
    def candidates(self) -> list[str]:
        """:func:`_candidate_bodies`, computed once per trace or audit."""
        if self._candidates is None:
            self._candidates = self.idx.duty_bodies(self.closure, self.place)
        return self._candidates

    @property
    def matters_up(self) -> tuple[frozenset[str], ...]:
        """Each of the incident's own matters with its broader ones (:meth:`GraphIndex.matter_up`)."""
        if self._matters_up is None:
            self._matters_up = tuple(self.idx.matter_up(x) for x in self.matters)
        return self._matters_up

    @property
    def candidate_set(self) -> frozenset[str]:
        if self._candidate_set is None:
            self._candidate_set = frozenset(self.candidates)
        return self._candidate_set


class _Facts:
    """What the engine derives from the graph alone (no incident, no dates), kept once per graph in
    the index's memo: the same clause, post, tenure, 分工 entry or person is looked at by many traces
    and audits. Nothing here is modified once built: values are tuples, frozensets and frozen
    Evidence, or dicts and lists that callers copy (holder rows) or only read (chain rows, the
    index's decision and failure tables) before anything is handed out."""

    __slots__ = ("clause", "post", "body", "assignment", "decisions", "failures", "holder_row", "body_rows", "chain", "evidence")

    def __init__(self) -> None:
        # clause -> (matters on, None) until it meets an incident's matters, then
        # (matters on, (number, valid from, valid to, scope, list category, role, sorted matters, evidence))
        self.clause: dict[str, tuple[frozenset[str], tuple[Any, ...] | None]] = {}
        self.post: dict[str, tuple[str, str, bool]] = {}  # see _post_facts
        self.body: dict[str, tuple[str, Any, Any]] = {}  # body -> (name, kind, division level)
        # 分工 entry -> (mode, bodies it covers, matters it names)
        self.assignment: dict[str, tuple[Any, frozenset[str], frozenset[str]]] = {}
        self.decisions: Mapping[str, list[str]] = {}  # person -> decisions taken part in (set by _facts)
        self.failures: Mapping[str, list[str]] = {}  # person -> failures recorded against the person
        self.holder_row: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # tenure -> fixed row part, evidence
        self.body_rows: dict[str, tuple[tuple[str, tuple[tuple[str, Any, Any, Any], ...]], ...]] = {}  # body -> posts' tenures
        self.chain: dict[str, tuple[dict[str, str], ...]] = {}  # body -> chain_of_authority rows (never handed out)
        # (kind, id[, principal]) -> the Evidence of a tenure, 分工 entry or post relation
        self.evidence: dict[tuple[Any, ...], Evidence] = {}


def _facts(idx: GraphIndex) -> _Facts:
    hit = idx.memo.get(("verdict_facts",))
    if hit is None:
        hit = idx.memo[("verdict_facts",)] = _Facts()
        # the few decisions and failures, by person: one table each, instead of a lookup per holder
        hit.decisions = idx.back_table(R.PARTICIPANT, "Decision")
        hit.failures = idx.back_table(R.BY_PERSON, "Failure")
    return hit


def _context(idx: GraphIndex, incident: str) -> _Ctx:
    if incident not in idx.nodes or idx.label(incident) != "Incident":
        raise KeyError(f"no incident with id {incident!r}")
    matters = sorted(idx.many(incident, R.ON_MATTER))
    closure = frozenset().union(*(idx.matter_up(x) for x in matters)) if matters else frozenset()
    place = idx.one(incident, R.OCCURRED_IN) or ""
    start = idx.attr(incident, "conduct_date")
    end = idx.attr(incident, "conduct_end") or start
    places = frozenset(idx.division_up(place)) if place else frozenset()
    return _Ctx(idx, incident, matters, closure, place, places, start, end, _facts(idx))


def _span(a: str | None, b: str | None) -> str:
    return f"{a or '…'} – {b or ''}".strip()


def _clause_evidence(idx: GraphIndex, clause: str) -> Evidence:
    mandate = idx.one(clause, R.IN_MANDATE)
    vf, vt = idx.clause_validity(clause)
    title = idx.attr(mandate, "title", "") if mandate else ""
    source = idx.attr(mandate, "source", "") if mandate else ""
    number = idx.attr(clause, "number", "")
    return Evidence(
        kind="clause",
        id=clause,
        summary=f"{idx.name(idx.one(clause, R.ASSIGNED_TO))}: {idx.attr(clause, 'text', '')} [{idx.attr(clause, 'role')}]",
        citation=f"《{title}》{number}" + (f"({source})" if source else ""),
        dates=_span(vf, vt),
        origin=idx.attr(clause, "origin", ""),
    )


def _tenure_evidence(idx: GraphIndex, tenure: str, person: str | None = None, post: str | None = None) -> Evidence:
    """The tenure's evidence, kept once per graph (a tenure is cited by every trace over its holder).
    ``person`` and ``post``, when the caller has them from the tenure table, are the tenure's own
    HELD_BY and OF_POST, so they need not be looked up."""
    known = _facts(idx).evidence
    key = ("tenure", tenure)
    hit = known.get(key)
    if hit is None:
        if post is None:
            person, post = idx.one(tenure, R.HELD_BY), idx.one(tenure, R.OF_POST)
        hit = known[key] = _tenure_evidence_uncached(idx, tenure, person, post)
    return hit


def _tenure_evidence_uncached(idx: GraphIndex, tenure: str, person: str | None, post: str | None) -> Evidence:
    return Evidence(
        kind="tenure",
        id=tenure,
        summary=f"{idx.name(person)} 任 {idx.name(post)}",
        citation=idx.attr(tenure, "source", "") or "",
        dates=_span(idx.attr(tenure, "start"), idx.attr(tenure, "end")),
        origin=idx.attr(tenure, "origin", ""),
    )


def _assignment_evidence(idx: GraphIndex, a: str) -> Evidence:
    known = _facts(idx).evidence
    key = ("assignment", a)
    hit = known.get(key)
    if hit is None:
        hit = known[key] = _assignment_evidence_uncached(idx, a)
    return hit


def _assignment_evidence_uncached(idx: GraphIndex, a: str) -> Evidence:
    mode = idx.attr(a, "mode")
    covers = [idx.name(b) for b in idx.many(a, R.OVER_BODY)] + [idx.name(x) for x in idx.many(a, R.ON_MATTER)]
    who = idx.one(a, R.HELD_BY)
    return Evidence(
        kind="assignment",
        id=a,
        summary=f"{idx.name(who) or idx.name(idx.one(a, R.OF_POST))} {m.concept('AssignmentMode', mode).label_zh} {'、'.join(covers)}",
        citation=idx.attr(a, "source", "") or "",
        dates=_span(idx.attr(a, "valid_from"), idx.attr(a, "valid_to")),
        origin=idx.attr(a, "origin", ""),
    )


def _simple_evidence(idx: GraphIndex, nid: str, kind: str) -> Evidence:
    a = idx.nodes[nid]
    return Evidence(
        kind=kind,
        id=nid,
        summary=a.get("description") or a.get("title") or a.get("note") or nid,
        citation=a.get("source", "") or "",
        dates=a.get("date", "") or "",
        origin=a.get("origin", ""),
    )


def _evidence_dict(e: Evidence) -> dict[str, Any]:
    """``asdict(e)`` for one Evidence: its fields are flat strings, so the generic recursive deep copy
    (a third of a trace's time) is not needed for the same dict."""
    return {"kind": e.kind, "id": e.id, "summary": e.summary, "citation": e.citation, "dates": e.dates, "origin": e.origin}


# ---------------------------------------------------------------------------- duties
def _duties(ctx: _Ctx, body: str) -> tuple[list[DutyHit], list[str]]:
    """Applicable duty clauses of one body or unit, and why other clauses on the matter do not apply.

    Memoised per trace or audit: every holder of every post asks again for their body's and its
    units' duties. Callers get fresh lists (some extend them); the hits themselves are shared and
    never modified.
    """
    hit = ctx.duty_cache.get(body)
    if hit is None:
        hit = ctx.duty_cache[body] = _duties_uncached(ctx, body)
    return list(hit[0]), list(hit[1])


def _clause_static(idx: GraphIndex, clause: str, on: frozenset[str]) -> tuple[Any, ...]:
    """(number, valid from, valid to, scope, list category, role, sorted matters, evidence) of a clause."""
    vf, vt = idx.clause_validity(clause)
    return (idx.attr(clause, "number", clause), vf, vt, tuple(idx.clause_scope(clause)), idx.attr(clause, "list_category"),
            idx.attr(clause, "role"), tuple(sorted(on)), _clause_evidence(idx, clause))


def _duties_uncached(ctx: _Ctx, body: str) -> tuple[list[DutyHit], list[str]]:
    idx = ctx.idx
    known = ctx.facts.clause
    closure = ctx.closure
    hits, rejected = [], []
    body_name = None
    for clause in idx.clauses_of(body):
        fact = known.get(clause)
        if fact is None:
            fact = known[clause] = (frozenset(idx.clause_matters(clause)), None)
        on, static = fact
        if on.isdisjoint(closure):
            continue
        if static is None:  # the rest of what the checks below read, once per clause
            static = _clause_static(idx, clause, on)
            known[clause] = (on, static)
        number, vf, vt, scope, category, role, matters, evidence = static
        if not ctx.in_period(vf, vt):
            when = f"valid until {vt}" if vt and vt < ctx.start else f"in force only from {vf}"
            rejected.append(f"clause {number} ({clause}) is {when}, outside the conduct period {ctx.start}–{ctx.end}")
            continue
        # the place lies within the scope, or (an incident spread over a township) the scope lies within the place
        if not any(s in ctx.places or ctx.place in idx.division_up(s) for s in scope):
            rejected.append(
                f"clause {number} ({clause}) covers {'、'.join(idx.name(s) for s in scope)}, not {idx.name(ctx.place)}"
            )
            continue
        if category == "withdrawn":
            rejected.append(f"item {number} ({clause}) was taken back by the department (上级部门收回事项)")
            continue
        limited = role in LIMITED_ROLES or category == "assisting"
        if body_name is None:
            body_name = idx.name(body)
        hits.append(DutyHit(clause, body, body_name, role, limited, evidence, matters))
    return hits, rejected


def _candidate_bodies(ctx: _Ctx) -> list[str]:
    """Bodies and units holding some clause on the incident's matters whose scope contains the place or
    lies within it (before the time and withdrawal checks).

    A body whose every clause on the matters is scoped elsewhere has no applicable duty (see the scope
    test in :func:`_duties`), and both callers skip bodies without one, so leaving them out changes
    no result.
    """
    return list(ctx.candidates)


def _decisions(ctx: _Ctx) -> list[str]:
    """Decisions on the incident's matters taken before the conduct ended by a body whose area holds the
    place (or lies within it): a county's meeting is no evidence about another county's incident."""
    idx = ctx.idx
    found = set()
    for matter in ctx.closure:
        for d in idx.back_of(matter, R.ON_MATTER, "Decision"):
            if (idx.attr(d, "date") or "") > ctx.end:
                continue
            body = idx.one(d, R.DECIDED_BY)
            area = idx.body_division(idx.top_body(body)) if body else None
            if area is None or area in ctx.places or ctx.place in idx.division_up(area):
                found.add(d)
    return sorted(found)


def _not_applicable_evidence(ctx: _Ctx, body: str) -> list[Evidence]:
    """The body's clauses on the matter that do not apply (expired, out of scope, withdrawn), cited so a
    'no jurisdiction' shows the document it was checked against."""
    idx = ctx.idx
    out = []
    for clause in (c for b in (body, *idx.units(body)) for c in idx.clauses_of(b)):
        if set(idx.many(clause, R.ON_MATTER)) & ctx.closure:
            out.append(replace(_clause_evidence(idx, clause), kind="clause_not_applicable"))
    return out


def _no_duty_reason(ctx: _Ctx, body: str, rejected: list[str]) -> str:
    idx = ctx.idx
    kind = idx.attr(body, "kind")
    matters = "、".join(idx.name(x) for x in ctx.matters)
    if kind in VILLAGE_KINDS:
        reason = NO_VILLAGE_POWER
        return reason + (f" ({'; '.join(rejected)})" if rejected else "")
    if rejected:
        return "; ".join(rejected)
    own = sorted({idx.name(x) for c in idx.clauses_of(body) for x in idx.many(c, R.ON_MATTER)})
    base = f"no mandate clause of {idx.name(body)} covers {matters} or a broader matter"
    return base + (f" (its clauses cover: {'、'.join(own)})" if own else " (no duty clauses recorded)")


# ---------------------------------------------------------------------------- people
@dataclass
class _Link:
    degree: str | None
    kinds: set[str]
    evidence: list[Evidence]
    hits: list[DutyHit]
    exemption: list[str]


def _same_matter(ctx: _Ctx, assigned: Iterable[str], clause_matters: Iterable[str]) -> bool:
    """Whether a 分工's matters and a clause's matters meet on one of the incident's own matters.

    A 分工 on 土地 must not cover an air-pollution clause just because the incident has both matters.
    """
    return any(not up.isdisjoint(assigned) and not up.isdisjoint(clause_matters) for up in ctx.matters_up)


def _kinds_of(hits: Iterable[DutyHit]) -> set[str]:
    return {"supervision" if h.role in SUPERVISION_ROLES else "execution" for h in hits}


def _stronger(a: str | None, b: str | None) -> str | None:
    return a if DEGREE_RANK[a] >= DEGREE_RANK[b] else b


def _post_facts(idx: GraphIndex, post: str, body: str | None = None) -> tuple[str, str, bool]:
    """(body, top body, principal?) of a post: the same in every trace and audit that asks, so kept
    once per graph. ``body``, when given, is the post's POST_IN body, which the caller has already
    looked up."""
    known = _facts(idx).post
    hit = known.get(post)
    if hit is None:
        if body is None:
            body = idx.one(post, R.POST_IN)
        hit = known[post] = (body, idx.top_body(body), bool(idx.attr(post, "principal")))
    return hit


def _relation_evidence(idx: GraphIndex, post: str, body: str, principal: bool) -> Evidence:
    """The post's relation to its body, as evidence: the unit post that carries a duty out, or the
    body's principal post (kept once per graph; most posts never need either)."""
    known = _facts(idx).evidence
    key = ("relation", post, principal)
    hit = known.get(key)
    if hit is None:
        summary = f"{idx.name(post)} 是 {idx.name(body)} 主要负责人" if principal else f"{idx.name(post)} 属 {idx.name(body)}(承担该职责的内设机构)"
        hit = known[key] = Evidence("relation", post, summary)
    return hit


def _assignment_facts(ctx: _Ctx, a: str) -> tuple[Any, frozenset[str], frozenset[str]]:
    """(mode, bodies covered, matters named) of a 分工 entry."""
    hit = ctx.facts.assignment.get(a)
    return hit if hit is not None else _assignment_facts_of(ctx.idx, ctx.facts, a)


def _assignment_facts_of(idx: GraphIndex, facts: _Facts, a: str) -> tuple[Any, frozenset[str], frozenset[str]]:
    hit = facts.assignment[a] = (idx.attr(a, "mode"), frozenset(idx.many(a, R.OVER_BODY)), frozenset(idx.many(a, R.ON_MATTER)))
    return hit


def _person_facts(ctx: _Ctx, person: str) -> tuple[list[str], list[str]]:
    """(decisions the person took part in, failures recorded against the person), in node order
    (:meth:`GraphIndex.back_of`); the lists are the index's own and must not be modified."""
    return ctx.facts.decisions.get(person, ()), ctx.facts.failures.get(person, ())


def _personal_link(ctx: _Ctx, person: str, post: str, body: str | None = None) -> _Link:
    """How a person in a post is tied to the incident's duties (see docs/verdicts.md); ``body`` when the
    caller knows the post's body (a post is in exactly one)."""
    idx = ctx.idx
    body, top, principal = ctx.facts.post.get(post) or _post_facts(idx, post, body)
    cached = ctx.hits_cache.get(body)
    if cached is None:  # the same for every holder of every post of the body
        body_hits, _ = _duties(ctx, body)
        # a unit outside the candidate bodies has no applicable clause (see _candidate_bodies)
        candidates = ctx.candidate_set
        unit_hits = [h for u in idx.units(top) if u in candidates for h in _duties(ctx, u)[0]] if body == top else []
        cached = ctx.hits_cache[body] = (body_hits, body_hits + unit_hits)
    body_hits, all_hits = cached
    degree: str | None = None
    kinds: set[str] = set()
    evidence: list[Evidence] = []
    used: list[DutyHit] = []
    if body != top and body_hits:  # a post inside the unit that holds the duty
        degree = "direct"
        kinds.add("execution")  # the unit carries the duty out; supervising it is its leaders' part
        used += body_hits
        evidence.append(_relation_evidence(idx, post, body, False))
    if principal and all_hits:
        degree = _stronger("principal_leadership", degree)
        kinds |= _kinds_of(all_hits)
        used += all_hits
        evidence.append(_relation_evidence(idx, post, body, True))
    for a in idx.assignments(post, person, ctx.start, ctx.end):
        mode, covered_bodies, assigned_matters = _assignment_facts(ctx, a)
        if mode not in LEADING_MODES:
            continue
        covered = [h for h in all_hits if h.body in covered_bodies or _same_matter(ctx, assigned_matters, h.matters)]
        if covered:
            degree = _stronger(LEADING_MODES[mode], degree)
            kinds |= _kinds_of(covered)
            used += covered
            evidence.append(_assignment_evidence(idx, a))
    exemption = []
    decisions, failures = _person_facts(ctx, person)
    for d in decisions:
        if not set(idx.many(d, R.ON_MATTER)) & ctx.closure:
            continue
        if (idx.attr(d, "date") or "") > ctx.end:
            continue
        kinds.add("decision")
        degree = _stronger("important_leadership", degree)
        evidence.append(_simple_evidence(idx, d, "decision"))
        if idx.attr(d, "documented") is False:
            exemption.append("undocumented_decision")
    for f in failures:
        if idx.one(f, R.ABOUT_INCIDENT) == ctx.incident and idx.attr(f, "causal", True) and all_hits:
            degree = _stronger("direct", degree)
            kinds.add("execution")
            evidence.append(_simple_evidence(idx, f, "failure"))
    seen, uniq = set(), []
    for h in used:
        if h.clause not in seen:
            seen.add(h.clause)
            uniq.append(h)
    return _Link(degree, kinds, evidence, uniq, exemption)


def _who_covers(ctx: _Ctx, hits: list[DutyHit]) -> list[str]:
    idx = ctx.idx
    names = []
    for h in hits:
        for a in idx.assignments_over(h.body, ctx.start, ctx.end):
            if idx.attr(a, "mode") in LEADING_MODES:
                who = idx.one(a, R.HELD_BY)
                names.append(f"{idx.name(who)}({a})")
    return sorted(set(names))


# ---------------------------------------------------------------------------- trace
def chain_of_authority(g: nx.MultiDiGraph, start: str) -> list[dict[str, str]]:
    """Bodies above a body (or the body of a post), following unit-of, vertical management, leadership,
    sub-organisation, stationed-in and guidance edges; one row per edge, nearest first.

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> from graph.build import build_graph
    >>> g = build_graph(load_bundle(DEMO_BUNDLE, shacl=False))
    >>> [(r["from"], r["relation"], r["to"]) for r in chain_of_authority(g, "eco_branch")]
    [('eco_branch', 'VERTICALLY_MANAGED_BY', 'city_eco'), ('eco_branch', 'SUB_ORGANIZATION_OF', 'city_eco'), ('city_eco', 'LED_BY', 'city_gov')]
    """
    return [dict(row) for row in _chain_cached(index_for(g), start)]


def _chain_cached(idx: GraphIndex, start: str) -> tuple[dict[str, str], ...]:
    """:func:`chain_of_authority`'s rows, kept once per graph (a trace asks for the chain above each of
    its bodies, and they share most of it); callers copy a row before handing it out."""
    known = _facts(idx).chain
    hit = known.get(start)
    if hit is None:
        hit = known[start] = tuple(_chain_rows(idx, start))
    return hit


def _chain_rows(idx: GraphIndex, start: str) -> list[dict[str, str]]:
    if start in idx.nodes and idx.label(start) == "Post":
        start = idx.one(start, R.POST_IN)
    rows, seen, frontier, depth = [], {start}, [start], 0
    while frontier:
        depth += 1
        nxt = []
        for body in frontier:
            out = idx.out[body]
            for rel in UPWARD:
                for up in out.get(rel, ()):
                    rows.append({"from": body, "relation": rel, "to": up, "to_name": idx.name(up), "depth": str(depth)})
                    if up not in seen:
                        seen.add(up)
                        nxt.append(up)
        frontier = nxt
    return rows


def _holder_rows(ctx: _Ctx, body: str) -> list[dict[str, Any]]:
    idx = ctx.idx
    rows = []
    facts = ctx.facts
    posts = facts.body_rows.get(body)
    if posts is None:
        posts = _body_rows(idx, facts, body)
    fixed_rows = facts.holder_row
    p_start, p_end = ctx.start, ctx.end
    for post, tenures in posts:
        for t, person, start, end in tenures:
            if not overlaps(start, end, p_start, p_end):
                continue
            link = _personal_link(ctx, person, post, body)
            fixed = fixed_rows.get(t)
            if fixed is None:  # what does not depend on the incident, once per tenure (a tenure has one post)
                fixed = fixed_rows[t] = _fixed_holder_row(idx, t, post, person, start, end)
            row = fixed[0].copy()
            row["degree"] = link.degree
            row["kinds"] = sorted(link.kinds)
            row["evidence"] = [fixed[1].copy(), *[_evidence_dict(e) for e in link.evidence]]
            rows.append(row)
    return rows


def _body_rows(idx: GraphIndex, facts: _Facts, body: str) -> tuple[tuple[str, tuple[tuple[str, Any, Any, Any], ...]], ...]:
    """The body's posts and their tenures (tenure, holder, start, end), once per body."""
    rows = facts.body_rows[body] = tuple((post, idx.tenure_rows(post)) for post in idx.posts_of(body))
    return rows


def _fixed_holder_row(idx: GraphIndex, t: str, post: str, person: str | None, start: str | None, end: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The part of a holder row that does not depend on the incident, and its tenure evidence as a
    dict (callers copy both)."""
    pa = idx.nodes[post]
    row = {
        "post": post,
        "post_name": idx.name(post),
        "principal": bool(pa.get("principal")),
        "leading": bool(pa.get("leading", True)),
        "person": person,
        "person_name": idx.name(person),
        "tenure": _span(start, end),
    }
    return row, _evidence_dict(_tenure_evidence(idx, t, person, post))


def _body_facts(ctx: _Ctx, body: str) -> tuple[str, Any, Any]:
    hit = ctx.facts.body.get(body)
    return hit if hit is not None else _body_facts_of(ctx.idx, ctx.facts, body)


def _body_facts_of(idx: GraphIndex, facts: _Facts, body: str) -> tuple[str, Any, Any]:
    hit = facts.body[body] = (idx.name(body), idx.attr(body, "kind"), idx.division_level(idx.body_division(body)))
    return hit


def trace(g: nx.MultiDiGraph, incident: str) -> Trace:
    """The responsibility map of an incident: bodies with duties, holders during the conduct period,
    leaders in charge, the chain upward, decisions and failures.

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> from graph.build import build_graph
    >>> t = trace(build_graph(load_bundle(DEMO_BUNDLE, shacl=False)), "inc_coal")
    >>> sorted(b["body"] for b in t.bodies if b["responsible"])
    ['dist_nr', 'eco_branch', 'eco_branch_team', 'nr_enforcement']
    """
    idx = index_for(g)
    ctx = _context(idx, incident)
    bodies, people = [], {}
    for body in _candidate_bodies(ctx):
        hits, rejected = _duties(ctx, body)
        if not hits:
            continue
        roles = sorted({h.role for h in hits})
        holders = _holder_rows(ctx, body)
        in_charge = []
        for a in idx.assignments_over(body, ctx.start, ctx.end):
            mode = _assignment_facts(ctx, a)[0]
            if mode in LEADING_MODES or mode == "liaison":
                in_charge.append(_evidence_dict(_assignment_evidence(idx, a)))
        name, kind, level = _body_facts(ctx, body)
        bodies.append(
            {
                "body": body,
                "name": name,
                "kind": kind,
                "level": level,
                "roles": roles,
                "responsible": bool(set(roles) & RESPONSIBLE_ROLES and any(not h.limited for h in hits)),
                "limited": all(h.limited for h in hits),
                "duties": [_evidence_dict(h.evidence) for h in hits],
                "not_applicable": rejected,
                "holders": holders,
                "assignments": in_charge,
            }
        )
        for row in holders:
            if row["degree"]:
                people.setdefault(row["person"], []).append({"body": body, **{k: row[k] for k in ("post", "post_name", "degree", "kinds")}})
    upward, seen = [], set()
    for b in bodies:
        for row in _chain_cached(idx, b["body"]):
            key = (row["from"], row["relation"], row["to"])
            if key in seen:
                continue
            seen.add(key)
            up_hits, _ = _duties(ctx, row["to"])
            row = dict(row, supervisory_duty=[_evidence_dict(h.evidence) for h in up_hits if h.role in SUPERVISION_ROLES | {"lead"}])
            upward.append(row)
    decisions = [_simple_evidence(idx, d, "decision") for d in _decisions(ctx)]
    failures = [_simple_evidence(idx, f, "failure") for f in sorted(idx.back(incident, R.ABOUT_INCIDENT)) if idx.label(f) == "Failure"]
    return Trace(
        incident=incident,
        title=idx.name(incident),
        place=ctx.place,
        place_name=idx.name(ctx.place),
        period=(ctx.start, ctx.end),
        matters=ctx.matters,
        matter_closure=sorted(ctx.closure),
        bodies=bodies,
        people=[{"person": p, "person_name": idx.name(p), "roles": rows} for p, rows in sorted(people.items())],
        upward=upward,
        decisions=decisions,
        failures=failures,
    )


# ---------------------------------------------------------------------------- audit
def _target_of(idx: GraphIndex, action: str) -> tuple[str | None, str | None, str | None]:
    return idx.one(action, R.TARGET_PERSON), idx.one(action, R.TARGET_POST), idx.one(action, R.TARGET_BODY)


def _person_verdict(ctx: _Ctx, v: Verdict, person: str, post: str | None) -> None:
    idx = ctx.idx
    if post is not None and not v.target_body:
        v.target_body, v.target_body_name = idx.one(post, R.POST_IN), idx.name(idx.one(post, R.POST_IN))
    tenures = [t for t in idx.tenure_ids_of_person(person)]
    in_period = [t for t in tenures if t in idx.holders(idx.one(t, R.OF_POST), ctx.start, ctx.end)]
    if post is not None:
        match = [t for t in in_period if idx.one(t, R.OF_POST) == post]
        if not match:
            holders = idx.holders(post, ctx.start, ctx.end)
            v.verdict, v.held_at_conduct = "outside_tenure", [
                {"person": idx.one(t, R.HELD_BY), "name": idx.name(idx.one(t, R.HELD_BY)), "tenure": t,
                 "dates": _span(idx.attr(t, "start"), idx.attr(t, "end"))}
                for t in holders
            ]
            own = [t for t in tenures if idx.one(t, R.OF_POST) == post]
            who = "、".join(h["name"] for h in v.held_at_conduct) or "nobody recorded"
            v.reason = (
                f"{idx.name(person)} did not hold {idx.name(post)} during the conduct period {ctx.start}–{ctx.end}"
                + (f" (held it {', '.join(_span(idx.attr(t, 'start'), idx.attr(t, 'end')) for t in own)})" if own else "")
                + f"; it was held by {who}"
            )
            v.evidence += [_tenure_evidence(idx, t) for t in own + holders]
            return
        posts = [post]
    else:
        if not in_period:
            v.verdict = "outside_tenure"
            v.reason = f"{idx.name(person)} held no recorded post during the conduct period {ctx.start}–{ctx.end}"
            v.evidence += [_tenure_evidence(idx, t) for t in tenures]
            return
        posts = sorted({idx.one(t, R.OF_POST) for t in in_period})
    # try each post held during the period; the strongest link decides
    best: tuple[str, _Link] | None = None
    for p in posts:
        link = _personal_link(ctx, person, p)
        if best is None or DEGREE_RANK[link.degree] > DEGREE_RANK[best[1].degree]:
            best = (p, link)
    assert best is not None
    post, link = best
    v.target_post, v.target_post_name = post, idx.name(post)
    tenure_ev = [_tenure_evidence(idx, t) for t in in_period if idx.one(t, R.OF_POST) == post]
    body = idx.one(post, R.POST_IN)
    v.target_body = v.target_body or body
    v.target_body_name = idx.name(v.target_body)
    v.grassroots = idx.is_grassroots(idx.top_body(body))
    if not idx.attr(post, "leading", True):
        v.verdict = "not_a_target"
        v.reason = f"{idx.name(post)} is not a leading-cadre post: accountability applies to party organisations and leading cadres"
        v.evidence += tenure_ev
        return
    own_failures = [f for f in idx.back(person, R.BY_PERSON) if idx.one(f, R.ABOUT_INCIDENT) == ctx.incident]
    if own_failures and all(idx.attr(f, "kind") in NOT_ACCOUNTABILITY_FAILURES for f in own_failures):
        v.verdict = "not_a_target"
        v.reason = "the conduct recorded is a direct violation or a minor lapse: handled under discipline rules, not as accountability"
        v.evidence += tenure_ev + [_simple_evidence(idx, f, "failure") for f in own_failures]
        return
    v.evidence += tenure_ev
    if not link.hits or link.degree is None:
        top = idx.top_body(body)
        hits, rejected = _duties(ctx, body)
        unit_hits = [h for u in idx.units(top) for h in _duties(ctx, u)[0]]
        if hits or unit_hits:
            covering = _who_covers(ctx, hits + unit_hits)
            v.verdict = "no_jurisdiction"
            v.missing_link = "分工"
            v.reason = (
                f"{idx.name(top)} has the duty, but {idx.name(person)}'s 分工 during the conduct period did not cover it"
                + (f"; it was covered by {'、'.join(covering)}" if covering else "")
            )
            v.evidence += [h.evidence for h in hits + unit_hits]
            v.evidence += [_assignment_evidence(idx, a) for a in idx.assignments(post, person, ctx.start, ctx.end)]
        else:
            v.verdict = "no_jurisdiction"
            v.missing_link = "duty"
            v.reason = _no_duty_reason(ctx, body, rejected)
            v.evidence += _not_applicable_evidence(ctx, body)
        return
    v.degree = link.degree
    v.responsibility_kinds = sorted(link.kinds)
    v.limited = all(h.limited for h in link.hits)
    v.evidence += [h.evidence for h in link.hits] + link.evidence
    v.exemption_grounds = sorted(set(link.exemption))
    v.verdict = "basis"
    deg = m.concept("ResponsibilityDegree", link.degree).label_zh
    v.reason = f"{idx.name(person)} held {idx.name(post)} during the conduct period; {deg} on " + "、".join(
        f"{h.body_name} {idx.attr(h.clause, 'number')}" for h in link.hits
    )
    if v.limited:
        v.reason += "; limited to an assisting duty (配合/协助履职事项): answers for the assisting act only"


def _body_verdict(ctx: _Ctx, v: Verdict, body: str) -> None:
    idx = ctx.idx
    v.target_body_name = idx.name(body)
    v.grassroots = idx.is_grassroots(idx.top_body(body))
    hits, rejected = _duties(ctx, body)
    hits += [h for u in idx.units(body) for h in _duties(ctx, u)[0]]
    if not hits:
        v.verdict, v.missing_link, v.reason = "no_jurisdiction", "duty", _no_duty_reason(ctx, body, rejected)
        v.evidence += _not_applicable_evidence(ctx, body)
        return
    v.verdict = "basis"
    v.responsibility_kinds = sorted(_kinds_of(hits))
    v.limited = all(h.limited for h in hits)
    v.evidence += [h.evidence for h in hits]
    v.reason = f"{idx.name(body)} holds " + "、".join(idx.attr(h.clause, "number") for h in hits)


def _causal(ctx: _Ctx, v: Verdict) -> bool:
    idx = ctx.idx
    bodies = set()
    if v.target_body:
        top = idx.top_body(v.target_body)
        bodies = {v.target_body, top, *idx.units(top)}
    for f in idx.back(ctx.incident, R.ABOUT_INCIDENT):
        if idx.label(f) != "Failure" or not idx.attr(f, "causal", True):
            continue
        if idx.one(f, R.BY_PERSON) == v.target_person and v.target_person or idx.one(f, R.BY_BODY) in bodies:
            return True
    return any(e.kind == "decision" for e in v.evidence)


def jurisdiction(g: nx.MultiDiGraph, incident: str, party: str) -> Verdict:
    """Whether one person, post or body has a duty path to an incident (a verdict without a case)."""
    idx = index_for(g)
    ctx = _context(idx, incident)
    v = Verdict(action="", verdict="", reason="")
    label = idx.label(party)
    if label == "Person":
        v.target_person, v.target_person_name = party, idx.name(party)
        _person_verdict(ctx, v, party, None)
    elif label == "Post":
        holders = idx.holders(party, ctx.start, ctx.end)
        if not holders:
            v.verdict, v.reason = "outside_tenure", f"nobody held {idx.name(party)} during the conduct period"
        else:
            person = idx.one(holders[0], R.HELD_BY)
            v.target_person, v.target_person_name = person, idx.name(person)
            _person_verdict(ctx, v, person, party)
    elif label in ("Organization", "OrganizationalUnit"):
        v.target_body = party
        _body_verdict(ctx, v, party)
    else:
        raise KeyError(f"{party!r} is a {label}, not a person, post or body")
    return v


def _omitted(ctx: _Ctx, targets: set[str]) -> list[OmittedParty]:
    idx = ctx.idx
    out: dict[str, OmittedParty] = {}

    def add(person: str, post: str, body: str, role: str, degree: str, tenure: str, ev: list[Evidence]) -> None:
        if person in targets or person in out:
            return
        later = [
            f"{idx.name(idx.one(t, R.OF_POST))}({_span(idx.attr(t, 'start'), idx.attr(t, 'end'))})"
            for t in idx.tenure_ids_of_person(person)
            if (idx.attr(t, "start") or "") > ctx.end
        ]
        out[person] = OmittedParty(person, idx.name(person), post, idx.name(post), body, idx.name(body), role, degree,
                                   _span(idx.attr(tenure, "start"), idx.attr(tenure, "end")), later, ev)

    for body in _candidate_bodies(ctx):
        hits, _ = _duties(ctx, body)
        hits = [h for h in hits if h.role in RESPONSIBLE_ROLES and not h.limited]
        if not hits:
            continue
        duty_ev = [h.evidence for h in hits]
        for post in idx.posts_of(body):
            if idx.attr(post, "principal") and idx.attr(post, "leading", True):
                for t in idx.holders(post, ctx.start, ctx.end):
                    add(idx.one(t, R.HELD_BY), post, body, "principal", "principal_leadership", t, duty_ev + [_tenure_evidence(idx, t)])
        top = idx.top_body(body)
        assignments = set(idx.assignments_over(body, ctx.start, ctx.end))
        for post in idx.posts_of(top):
            for a in idx.assignments(post, None, ctx.start, ctx.end):
                if any(_same_matter(ctx, idx.many(a, R.ON_MATTER), h.matters) for h in hits):
                    assignments.add(a)
        for a in sorted(assignments):
            mode = idx.attr(a, "mode")
            if mode not in ("in_charge", "overall"):
                continue
            post = idx.one(a, R.OF_POST)
            named = idx.one(a, R.HELD_BY)
            for t in idx.holders(post, ctx.start, ctx.end):
                person = idx.one(t, R.HELD_BY)
                if named and named != person:
                    continue
                add(person, post, body, "in_charge", LEADING_MODES[mode], t,
                    duty_ev + [_assignment_evidence(idx, a), _tenure_evidence(idx, t)])
    return sorted(out.values(), key=lambda o: (o.body, o.role != "principal", o.person))


def audit(g: nx.MultiDiGraph, case: str, *, grassroots_threshold: float = 0.5) -> Audit:
    """Check every action of a case and the case as a whole; see docs/verdicts.md for the rules.

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> from graph.build import build_graph
    >>> a = audit(build_graph(load_bundle(DEMO_BUNDLE, shacl=False)), "case_coal")
    >>> a.verdict_of("a_li").verdict
    'no_jurisdiction'
    """
    idx = index_for(g)
    if case not in idx.nodes or idx.label(case) != "AccountabilityCase":
        raise KeyError(f"no accountability case with id {case!r}")
    incident = idx.one(case, R.ABOUT_INCIDENT)
    ctx = _context(idx, incident)
    verdicts = []
    for action in sorted(idx.back(case, R.IN_CASE)):
        person, post, body = _target_of(idx, action)
        v = Verdict(
            action=action, verdict="", reason="",
            target_person=person, target_person_name=idx.name(person),
            target_post=post, target_post_name=idx.name(post),
            target_body=body, target_body_name=idx.name(body),
            claimed_kind=idx.attr(action, "responsibility_kind"), claimed_degree=idx.attr(action, "degree"),
            sanction=idx.attr(action, "sanction"), status=idx.attr(action, "status"),
        )
        if person:
            _person_verdict(ctx, v, person, post)
        else:
            _body_verdict(ctx, v, body)
        claims = [c for c in idx.back(action, R.FOR_ACTION) if idx.label(c) == "ExemptionClaim"]
        for c in claims:
            v.exemption_grounds = sorted(set(v.exemption_grounds) | set(idx.attr(c, "grounds") or []))
            v.evidence.append(_simple_evidence(idx, c, "exemption"))
        if v.verdict == "basis" and v.exemption_grounds:
            v.verdict = "exemption_review"
            labels = "、".join(m.concept("ExemptionGround", x).label_zh for x in v.exemption_grounds)
            v.reason += f"; exemption grounds to examine: {labels}"
        v.causal_link = _causal(ctx, v)
        verdicts.append(v)
    targets = {v.target_person for v in verdicts if v.target_person}
    omitted = _omitted(ctx, targets)
    findings = _findings(ctx, verdicts, omitted, grassroots_threshold)
    counted = [v for v in verdicts if v.verdict != "not_a_target" or v.target_person]
    share = sum(v.grassroots for v in counted) / len(counted) if counted else 0.0
    return Audit(
        case=case, case_title=idx.name(case), incident=incident, incident_title=idx.name(incident),
        period=(ctx.start, ctx.end), matters=ctx.matters, verdicts=verdicts, omitted=omitted,
        findings=findings, grassroots_share=round(share, 3),
    )


def _findings(ctx: _Ctx, verdicts: list[Verdict], omitted: list[OmittedParty], threshold: float) -> list[Finding]:
    idx = ctx.idx
    out = []
    if omitted:
        out.append(Finding("omitted", True,
                           f"{len(omitted)} people with a duty path during the conduct period are not targets (examine whether they should answer): "
                           + "、".join(f"{o.person_name}({o.post_name})" for o in omitted),
                           [o.person for o in omitted]))
    persons_by_body: dict[str, set[str]] = {}
    for v in verdicts:
        if v.target_person and v.target_body:
            persons_by_body.setdefault(idx.top_body(v.target_body), set()).add(v.target_person)
    for v in verdicts:
        if v.target_body and not v.target_person and not persons_by_body.get(idx.top_body(v.target_body)):
            out.append(Finding("organisation_without_individual", True,
                               f"{v.target_body_name} is held accountable but no individual of it is", [v.target_body]))
    people = [v for v in verdicts]
    share = sum(v.grassroots for v in people) / len(people) if people else 0.0
    # "asks down, not up": only omissions above the grassroots count, not the township's own principals
    upstream = [o for o in omitted if not idx.is_grassroots(idx.top_body(o.body))]
    flagged = share > threshold and bool(upstream)
    out.append(Finding("grassroots_share", flagged,
                       f"{share:.0%} of targets are at township level or below (threshold {threshold:.0%})"
                       + (f"; upstream parties with the duty are omitted ({'、'.join(o.person_name for o in upstream)}): "
                          "the proposal asks down, not up" if flagged else ""),
                       [v.action for v in people if v.grassroots]))
    for v in verdicts:
        if not v.causal_link and v.verdict not in ("not_a_target", "outside_tenure"):
            out.append(Finding("no_causal_link", True,
                               f"{v.target_person_name or v.target_body_name}: no failure or decision links this target to the incident",
                               [v.action]))
    for d in _decisions(ctx):
        if idx.attr(d, "documented") is False:
            out.append(Finding("undocumented_decision", True,
                               f"decision {idx.name(d)} ({idx.attr(d, 'date')}) left no written record",
                               [d], [_simple_evidence(idx, d, "decision")]))
    return out


def review(g: nx.MultiDiGraph, *, spread: int = 3) -> list[Finding]:
    """Cross-case consistency: actions on the same matters with the same claimed degree whose sanction
    severities differ by ``spread`` levels or more."""
    idx = index_for(g)
    groups: dict[tuple, list[tuple[str, str, int]]] = {}
    for action in idx.by_label.get("AccountabilityAction", []):
        sev = m.sanction_severity(idx.attr(action, "sanction"))
        case = idx.one(action, R.IN_CASE)
        incident = idx.one(case, R.ABOUT_INCIDENT) if case else None
        if sev is None or incident is None:
            continue
        key = (tuple(sorted(idx.many(incident, R.ON_MATTER))), idx.attr(action, "degree"))
        groups.setdefault(key, []).append((case, action, sev))
    out = []
    for (matters, degree), rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        cases = {c for c, _, _ in rows}
        lo, hi = min(r[2] for r in rows), max(r[2] for r in rows)
        if len(cases) > 1 and hi - lo >= spread:
            detail = "; ".join(
                f"{idx.name(c)}: {idx.name(idx.one(a, R.TARGET_PERSON) or idx.one(a, R.TARGET_BODY))} "
                f"{m.concept('Sanction', idx.attr(a, 'sanction')).label_zh}"
                for c, a, _ in sorted(rows)
            )
            out.append(Finding("inconsistent_sanctions", True,
                               f"same matter ({'、'.join(idx.name(x) for x in matters)}), degree {degree or 'unstated'}: "
                               f"severity {lo}–{hi} across {len(cases)} cases — {detail}",
                               sorted(a for _, a, _ in rows)))
    return out


# ---------------------------------------------------------------------------- priming
def prime(g: nx.MultiDiGraph) -> dict[str, int]:
    """Build now, for the whole graph, what traces, audits and jurisdiction checks otherwise build on
    first use and keep once per graph: the index's tables and closures
    (:meth:`graph.index.GraphIndex.build_tables`), every clause's facts and citation, every body's
    facts and posts with their tenures, every post's facts, every 分工 entry's facts and citation.
    Returns how many clauses, bodies, posts and 分工 entries were primed.

    Left to first use: a tenure's holder row and citation (186 k at province) and the chain above a
    body. Priming them too cost 2.5–4 s more at province for a first-pass trace p95 of 2.3–3.3 ms
    instead of 2.9–3.2 ms, within the machine's noise (benchmarks/README.md).

    It changes no answer, only when the work is done: at province scale 5.2–5.8 s, after which the
    first trace of an incident takes 2.5–3.5 ms p95 in the benchmark instead of 4.3–8.8 ms. Meant for
    the networkx graph; on the compact graph it would materialise what that graph exists to avoid.

    Examples
    --------
    >>> from graph.api import open_graph
    >>> from loaders.demo import DEMO_BUNDLE
    >>> counts = prime(open_graph(DEMO_BUNDLE, shacl=False))
    >>> counts["posts"] > 0 and counts["clauses"] > 0
    True
    """
    idx = index_for(g)
    facts = _facts(idx)
    by_label = idx.by_label
    idx.build_tables()
    for clause in by_label.get("DutyClause", ()):
        fact = facts.clause.get(clause)
        if fact is None or fact[1] is None:
            on = fact[0] if fact is not None else frozenset(idx.clause_matters(clause))
            facts.clause[clause] = (on, _clause_static(idx, clause, on))
    bodies = posts = 0
    for label in ("Organization", "OrganizationalUnit"):
        for body in by_label.get(label, ()):
            bodies += 1
            if body not in facts.body:
                _body_facts_of(idx, facts, body)
            # its clauses are in build_tables' clause table; posts_of (in _body_rows) fills its
            # incoming adjacency, which units() reads
            rows = facts.body_rows.get(body)
            for post, _ in rows if rows is not None else _body_rows(idx, facts, body):
                posts += 1
                _post_facts(idx, post, body)
    assignments = 0
    for a in by_label.get("LeadershipAssignment", ()):
        assignments += 1
        if a not in facts.assignment:
            _assignment_facts_of(idx, facts, a)
        _assignment_evidence(idx, a)
    return {"clauses": len(by_label.get("DutyClause", ())), "bodies": bodies, "posts": posts, "assignments": assignments}
