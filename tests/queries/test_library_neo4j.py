"""Every library query on a real Neo4j agrees with the verdict engine computed in Python on the same bundle.

Rows are compared as sets of the facts they state (bodies, holders, clauses, persons …), never as
query strings; the bundles are the demo, the seed cases that load, and a demo variant with a duty gap
and an overlap.
"""

from __future__ import annotations

import pytest

from graph.index import in_force, index_for, overlaps
from graph.verdict import DEGREE_RANK, _context, _duties, _personal_link, audit, chain_of_authority, jurisdiction, trace
from ontology.model import model as m
from queries.registry import run

pytestmark = pytest.mark.neo4j
R = m.R
RESPONSIBLE = {"lead", "supervise", "enforce"}
BODY_LABELS = ("Organization", "OrganizationalUnit")


def _run_all(store, name, case, params_for):
    g = case[2]
    return [(p, run(name, p, store)) for p in params_for(name, g)]


# ---------------------------------------------------------------------------- incident queries
def test_responsibility_map_agrees_with_trace(case, neo4j_case, params_for):
    g = case[2]
    for params, rows in _run_all(neo4j_case, "responsibility_map", case, params_for):
        t = trace(g, params["incident"])
        assert {r["body"] for r in rows} == {b["body"] for b in t.bodies}, params
        for b in t.bodies:
            mine = [r for r in rows if r["body"] == b["body"]]
            assert sorted(mine[0]["roles"]) == b["roles"]
            assert (mine[0]["responsible"], mine[0]["limited"], mine[0]["level"]) == (b["responsible"], b["limited"], b["level"])
            holders = {(r["post"], r["person"]) for r in mine if r["link"] == "holder"}
            assert holders == {(h["post"], h["person"]) for h in b["holders"]}, b["body"]
            leaders = {r["record"] for r in mine if r["link"] not in (None, "holder")}
            assert leaders == {e["id"] for e in b["assignments"]}, b["body"]


def expected_paths(g, incident, party):
    """(person, post, body, clause) duty paths by the verdict engine, and its link per seat."""
    idx = index_for(g)
    ctx = _context(idx, incident)
    if idx.label(party) in BODY_LABELS:
        hits = _duties(ctx, party)[0] + [h for u in idx.units(party) for h in _duties(ctx, u)[0]]
        return {(None, None, h.body, h.clause) for h in hits}, {}
    if idx.label(party) == "Person":
        seats = [(party, idx.one(t, R.OF_POST)) for t in idx.tenure_ids_of_person(party)
                 if t in idx.holders(idx.one(t, R.OF_POST), ctx.start, ctx.end)]
    else:
        seats = [(idx.one(t, R.HELD_BY), party) for t in idx.holders(party, ctx.start, ctx.end)]
    paths, links = set(), {}
    for person, post in seats:
        link = _personal_link(ctx, person, post)
        links[(person, post)] = link
        paths |= {(person, post, h.body, h.clause) for h in link.hits}
    return paths, links


def test_jurisdiction_path_agrees_with_the_personal_link(case, neo4j_case, params_for):
    g = case[2]
    idx = index_for(g)
    for params, rows in _run_all(neo4j_case, "jurisdiction_path", case, params_for):
        incident, party = params["incident"], params["party"]
        expected, links = expected_paths(g, incident, party)
        got = {(r["person"], r["post"], r["body"], r["clause"]) for r in rows}
        assert got == expected, params
        # the degree that follows from the duty ties alone (decisions and failures are not paths)
        for seat, link in links.items():
            if link.hits and not any(e.kind in ("decision", "failure") for e in link.evidence):
                best = max(DEGREE_RANK[r["degree"]] for r in rows if (r["person"], r["post"]) == seat)
                assert best == DEGREE_RANK[link.degree], (params, seat)
        # and the public verdict: a basis cites only clauses on a path; no path, no basis
        label = idx.label(party)
        if label == "Post":
            continue  # jurisdiction() on a post looks at its first holder only
        v = jurisdiction(g, incident, party)
        cited = {e.id for e in v.evidence if e.kind == "clause"}
        if label in BODY_LABELS:
            assert (v.verdict == "basis") == bool(rows), params
            assert cited == {r["clause"] for r in rows}, params
        elif v.verdict in ("basis", "exemption_review"):
            assert cited and cited <= {r["clause"] for r in rows}, params
        if not rows:
            assert v.verdict not in ("basis", "exemption_review"), params


def test_chain_of_authority_agrees(case, neo4j_case, params_for):
    g = case[2]
    for params, rows in _run_all(neo4j_case, "chain_of_authority", case, params_for):
        expected = [(r["from"], r["relation"], r["to"], int(r["depth"])) for r in chain_of_authority(g, params["start"])]
        got = [(r["from_body"], r["relation"], r["to_body"], r["depth"]) for r in rows]
        assert sorted(got) == sorted(expected), params


# ---------------------------------------------------------------------------- people, posts and bodies
def test_post_holders_agree(case, neo4j_case, params_for):
    idx = index_for(case[2])
    for params, rows in _run_all(neo4j_case, "post_holders", case, params_for):
        d = params["date"]
        expected = {(idx.one(t, R.HELD_BY), t) for t in idx.holders(params["post"], d, d)}
        assert {(r["person"], r["tenure"]) for r in rows} == expected, params


def test_body_duties_agree(case, neo4j_case, params_for):
    idx = index_for(case[2])
    for params, rows in _run_all(neo4j_case, "body_duties", case, params_for):
        expected = set()
        for holder in [params["body"], *idx.units(params["body"])]:
            for c in idx.clauses_of(holder):
                vf, vt = idx.clause_validity(c)
                expected.add((holder, c, idx.attr(c, "number"), idx.attr(c, "role"), vf, vt,
                              tuple(sorted(idx.many(c, R.ON_MATTER))), tuple(sorted(idx.many(c, R.COVERS)))))
        got = {(r["holder"], r["clause"], r["number"], r["role"], r["valid_from"], r["valid_to"],
                tuple(sorted(r["matters"])), tuple(sorted(r["scope"]))) for r in rows}
        assert got == expected, params


def test_leader_assignments_agree(case, neo4j_case, params_for):
    idx = index_for(case[2])
    for params, rows in _run_all(neo4j_case, "leader_assignments", case, params_for):
        person, d = params["person"], params["date"]
        posts = {idx.one(t, R.OF_POST) for t in idx.tenure_ids_of_person(person)
                 if overlaps(idx.attr(t, "start"), idx.attr(t, "end"), d, d)}
        expected = {(post, a, idx.attr(a, "mode"), tuple(sorted(idx.many(a, R.OVER_BODY))), tuple(sorted(idx.many(a, R.ON_MATTER))))
                    for post in posts for a in idx.assignments(post, person, d, d)}
        got = {(r["post"], r["assignment"], r["mode"], tuple(sorted(r["bodies"])), tuple(sorted(r["matters"]))) for r in rows}
        assert got == expected, params


# ---------------------------------------------------------------------------- case findings
def test_omitted_parties_agree_with_the_audit(case, neo4j_case, params_for):
    idx = index_for(case[2])
    for params, rows in _run_all(neo4j_case, "omitted_parties", case, params_for):
        a = audit(case[2], params["case_id"])
        assert {r["person"] for r in rows} == {o.person for o in a.omitted}, params
        tuples = {(r["person"], r["post"], r["body"], r["role"]) for r in rows}
        for o in a.omitted:
            assert (o.person, o.post, o.body, o.role) in tuples, (params, o.person)
        end = a.period[1]
        for r in rows:
            later = {idx.one(t, R.OF_POST) for t in idx.tenure_ids_of_person(r["person"]) if (idx.attr(t, "start") or "") > end}
            assert set(r["later_posts"]) == later, r


def test_no_duty_targets_agree_with_the_audit(case, neo4j_case, params_for):
    for params, rows in _run_all(neo4j_case, "no_duty_targets", case, params_for):
        a = audit(case[2], params["case_id"])
        expected = {(v.action, v.missing_link) for v in a.verdicts if v.verdict == "no_jurisdiction"}
        assert {(r["action"], r["missing_link"]) for r in rows} == expected, params


def test_grassroots_share_agrees_with_the_audit(case, neo4j_case, params_for):
    for params, rows in _run_all(neo4j_case, "grassroots_share", case, params_for):
        a = audit(case[2], params["case_id"])
        (row,) = rows
        assert row["targets"] == len(a.verdicts)
        assert set(row["grassroots_actions"]) == {v.action for v in a.verdicts if v.grassroots}, params
        assert row["share"] == pytest.approx(a.grassroots_share, abs=1e-9)
        assert row["above_threshold"] == (a.grassroots_share > params.get("threshold", 0.5))


# ---------------------------------------------------------------------------- mandate coverage
def _responsible_clause(idx, c, day):
    vf, vt = idx.clause_validity(c)
    cat = idx.attr(c, "list_category")
    return in_force(vf, vt, day, day) and cat != "withdrawn", (idx.attr(c, "role") in RESPONSIBLE and cat != "assisting")


def expected_gaps(g, day):
    idx = index_for(g)
    out = set()
    for matter in idx.by_label.get("Matter", []):
        covered, roles, bodies = False, set(), set()
        for mm in idx.matter_up(matter):
            for c in idx.back(mm, R.ON_MATTER):
                if idx.label(c) != "DutyClause":
                    continue
                live, responsible = _responsible_clause(idx, c, day)
                if live:
                    covered |= responsible
                    roles.add(idx.attr(c, "role"))
                    bodies.add(idx.one(c, R.ASSIGNED_TO))
        if not covered:
            out.add((matter, tuple(sorted(roles)), tuple(sorted(bodies))))
    return out


def expected_overlaps(g, day):
    idx = index_for(g)

    def scope(c):
        return idx.many(c, R.COVERS) or [idx.body_division(idx.one(c, R.ASSIGNED_TO))]

    out = set()
    for matter in idx.by_label.get("Matter", []):
        clauses = sorted(c for c in idx.back(matter, R.ON_MATTER) if idx.label(c) == "DutyClause"
                         and all(_responsible_clause(idx, c, day)))
        for i, c1 in enumerate(clauses):
            for c2 in clauses[i + 1:]:
                b1, b2 = idx.one(c1, R.ASSIGNED_TO), idx.one(c2, R.ASSIGNED_TO)
                if idx.attr(c1, "role") != idx.attr(c2, "role") or idx.top_body(b1) == idx.top_body(b2):
                    continue
                if any(s1 in idx.division_up(s2) or s2 in idx.division_up(s1) for s1 in scope(c1) for s2 in scope(c2)):
                    out.add((matter, idx.attr(c1, "role"), b1, c1, b2, c2))
    return out


def test_duty_gaps_agree(case, neo4j_case, params_for):
    for params, rows in _run_all(neo4j_case, "duty_gaps", case, params_for):
        got = {(r["matter"], tuple(sorted(r["other_roles"])), tuple(sorted(r["other_bodies"]))) for r in rows}
        assert got == expected_gaps(case[2], params["date"]), params
        if case[0] == "demo_with_gaps":
            assert {"m_orphan", "m_noise"} <= {r["matter"] for r in rows}


def test_duty_overlaps_agree(case, neo4j_case, params_for):
    for params, rows in _run_all(neo4j_case, "duty_overlaps", case, params_for):
        got = {(r["matter"], r["role"], r["body_a"], r["clause_a"], r["body_b"], r["clause_b"]) for r in rows}
        assert got == expected_overlaps(case[2], params["date"]), params
        if case[0] == "demo_with_gaps":
            assert ("m_rural_env", "lead", "dist_nr", "md_nr.3.9", "town", "md_town_list.b05") in {
                (r["matter"], r["role"], r["body_a"], r["clause_a"], r["body_b"], r["clause_b"]) for r in rows}
