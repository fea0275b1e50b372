"""The incident queries start from the incident and its place: on Neo4j, no step of theirs handles a
number of rows that grows with duties or tenures elsewhere in the graph.

The demo is pushed, then 1,000 duty clauses on the incident's own matter, scoped to a county off the
incident's line, and then 1,000 tenures of other people in the conduct period. The answers must not
change, and no operator of the query plan (Neo4j's PROFILE) may produce even half as many rows as were
added: a query that walked from the matter to every clause on it, or looked tenures up by date (the
previous texts did both), has an operator producing at least one row per added record.

The case queries (no_duty_targets, omitted_parties) are held to the same bound, with 1,000 分工 of the
far county's post in force during the period and on the incident's matter added too: their previous
texts walked from the matter to every clause on it, scanned every clause for the missing link, and
looked 分工 up by date.

The whole-graph report duty_overlaps reads every clause, but pairs them per division: with 300 bodies
added, each leading on the same matter in its own county under one region, no operator may produce
rows in proportion to the pairs of those clauses (the previous text paired every two clauses on a
matter: 44,850 here, 21 M on a matter at province scale). One clause then added at the region overlaps
each county's: 300 new rows, still from operators of a size proportional to the clauses.
"""

from __future__ import annotations

import pytest

from loaders.bundle import load_bundle
from loaders.demo import EXAMPLES_DIR
from queries.registry import get, rows_sorted, run

pytestmark = pytest.mark.neo4j
FAR = 1000

# Test fixtures only, written with the store's write mode; values travel as parameters.
_ADD_FAR_DUTIES = """
CREATE (d:`Division` {id: 'zz_far', name: '远县', level: 'county'})
CREATE (b:`Organization` {id: 'zz_far_body', name: '远县生态环境局'})-[:`LOCATED_IN`]->(d)
CREATE (md:`Mandate` {id: 'zz_far_md', valid_from: '2000-01-01'})
CREATE (:`Post` {id: 'zz_far_post', name: '局长', principal: true})-[:`POST_IN`]->(b)
WITH b, d, md
MATCH (m:`Matter` {id: $matter})
UNWIND range(1, $n) AS i
CREATE (c:`DutyClause` {id: 'zz_far_c' + i, role: 'lead', number: toString(i)})
CREATE (c)-[:`ON_MATTER`]->(m), (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md), (c)-[:`COVERS`]->(d)
"""
_ADD_FAR_ASSIGNMENTS = """
MATCH (q:`Post` {id: 'zz_far_post'}), (b:`Organization` {id: 'zz_far_body'}), (m:`Matter` {id: $matter})
UNWIND range(1, $n) AS i
CREATE (a:`LeadershipAssignment` {id: 'zz_far_a' + i, mode: 'in_charge', valid_from: $start})
CREATE (a)-[:`OF_POST`]->(q), (a)-[:`OVER_BODY`]->(b), (a)-[:`ON_MATTER`]->(m)
"""
_ADD_FAR_TENURES = """
MATCH (q:`Post` {id: 'zz_far_post'})
UNWIND range(1, $n) AS i
CREATE (p:`Person` {id: 'zz_far_p' + i, name: '远' + i})
CREATE (t:`Tenure` {id: 'zz_far_t' + i, start: $start})-[:`OF_POST`]->(q), (t)-[:`HELD_BY`]->(p)
"""


def _widest_step(store, name: str, params: dict, text: str | None = None) -> int:
    """The most rows any operator of the query's plan produced (PROFILE), planned afresh: a plan cached
    before records were added would hide how the planner treats the grown graph."""
    text = text or get(name).text("neo4j")
    with store.driver.session() as s:
        s.run("CALL db.clearQueryCaches()").consume()
        summary = s.run("PROFILE " + text, params).consume()
    widest, stack = 0, [summary.profile]
    while stack:
        op = stack.pop()
        widest = max(widest, op.get("rows", 0))
        stack.extend(op.get("children", []))
    return widest


@pytest.fixture
def demo_neo4j(neo4j_uri):
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    store.clear()
    store.ensure_schema()
    store.push(load_bundle(EXAMPLES_DIR / "demo", shacl=False))
    yield store
    store.clear()
    store.close()


TRACE = ("responsibility_map", {"incident": "inc_coal"})
PATHS = [("jurisdiction_path", {"incident": "inc_coal", "party": "han_li"}),
         ("jurisdiction_path", {"incident": "inc_coal", "party": "p_branch_deputy_enf"}),
         ("jurisdiction_path", {"incident": "inc_coal", "party": "eco_branch"})]


def test_incident_queries_do_not_walk_duties_or_tenures_elsewhere(demo_neo4j):
    store = demo_neo4j
    asks = [TRACE, *PATHS]
    before = {(n, tuple(p.items())): rows_sorted(run(n, p, store)) for n, p in asks}
    assert all(before.values())  # the demo answers each of them
    assert max(_widest_step(store, n, p) for n, p in asks) < FAR // 2
    store.run(_ADD_FAR_DUTIES, {"matter": "m_coal", "n": FAR}, write=True)
    assert store.run("MATCH (:`Matter` {id: 'm_coal'})<-[:`ON_MATTER`]-(c:`DutyClause`) RETURN count(c) AS n")[0]["n"] > FAR
    for name, p in asks:
        assert rows_sorted(run(name, p, store)) == before[(name, tuple(p.items()))], (name, p)
        assert _widest_step(store, name, p) < FAR // 2, (name, p)
    store.run(_ADD_FAR_TENURES, {"n": FAR, "start": "2022-01-01"}, write=True)
    for name, p in PATHS:
        assert rows_sorted(run(name, p, store)) == before[(name, tuple(p.items()))], (name, p)
        assert _widest_step(store, name, p) < FAR // 2, (name, p)


CASES = [("no_duty_targets", {"case_id": "case_coal"}), ("omitted_parties", {"case_id": "case_coal"})]


def test_case_queries_do_not_walk_duties_tenures_or_assignments_elsewhere(demo_neo4j):
    store = demo_neo4j
    before = {name: rows_sorted(run(name, p, store)) for name, p in CASES}
    assert all(before.values())  # the demo answers each of them
    assert max(_widest_step(store, n, p) for n, p in CASES) < FAR // 2
    store.run(_ADD_FAR_DUTIES, {"matter": "m_coal", "n": FAR}, write=True)
    store.run(_ADD_FAR_ASSIGNMENTS, {"matter": "m_coal", "n": FAR, "start": "2000-01-01"}, write=True)
    store.run(_ADD_FAR_TENURES, {"n": FAR, "start": "2022-01-01"}, write=True)
    assert store.run("MATCH (:`Post` {id: 'zz_far_post'})<-[:`OF_POST`]-(a:`LeadershipAssignment`) RETURN count(a) AS n")[0]["n"] == FAR
    for name, p in CASES:
        assert rows_sorted(run(name, p, store)) == before[name], (name, p)
        assert _widest_step(store, name, p) < FAR // 2, (name, p)


OVERLAPS = 300
_ADD_COUNTIES = """
CREATE (r:`Division` {id: 'zz_region', name: '远市', level: 'city'})
CREATE (md:`Mandate` {id: 'zz_county_md', valid_from: '2000-01-01'})
WITH r, md
MATCH (m:`Matter` {id: $matter})
UNWIND range(1, $n) AS i
CREATE (d:`Division` {id: 'zz_county' + i, name: '远县' + i, level: 'county'})-[:`WITHIN`]->(r)
CREATE (b:`Organization` {id: 'zz_county_body' + i, name: '远县' + i + '生态环境局'})-[:`LOCATED_IN`]->(d)
CREATE (c:`DutyClause` {id: 'zz_county_c' + i, role: 'lead', number: '1'})
CREATE (c)-[:`ON_MATTER`]->(m), (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md), (c)-[:`COVERS`]->(d)
"""
_ADD_REGION_CLAUSE = """
MATCH (r:`Division` {id: 'zz_region'}), (md:`Mandate` {id: 'zz_county_md'}), (m:`Matter` {id: $matter})
CREATE (b:`Organization` {id: 'zz_region_body', name: '远市生态环境局'})-[:`LOCATED_IN`]->(r)
CREATE (c:`DutyClause` {id: 'zz_region_c', role: 'lead', number: '1'})
CREATE (c)-[:`ON_MATTER`]->(m), (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md)
"""


def test_duty_overlaps_work_follows_the_answer_not_the_pairs_of_clauses(demo_neo4j):
    store, day = demo_neo4j, {"date": "2024-06-01"}
    before = run("duty_overlaps", day, store)
    store.run(_ADD_COUNTIES, {"matter": "m_coal", "n": OVERLAPS}, write=True)
    # disjoint counties: no new overlap, and no operator near the 44,850 pairs of their clauses
    assert rows_sorted(run("duty_overlaps", day, store)) == rows_sorted(before)
    assert _widest_step(store, "duty_overlaps", day) < 3 * OVERLAPS
    store.run(_ADD_REGION_CLAUSE, {"matter": "m_coal"}, write=True)
    rows = run("duty_overlaps", day, store)

    def pairs(rs):
        return {(r["matter"], r["role"], r["body_a"], r["clause_a"], r["body_b"], r["clause_b"]) for r in rs}

    added = pairs(rows) - pairs(before)
    assert added == {("m_coal", "lead", f"zz_county_body{i}", f"zz_county_c{i}", "zz_region_body", "zz_region_c")
                     for i in range(1, OVERLAPS + 1)}
    assert len(rows) == len(before) + OVERLAPS
    assert _widest_step(store, "duty_overlaps", day) < 3 * OVERLAPS
