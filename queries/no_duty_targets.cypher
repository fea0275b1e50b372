// name: no_duty_targets
// purpose: Targets of an accountability case without any duty path to its incident (verdict
//   no_jurisdiction). A body qualifies when neither it nor its units hold an applicable duty. A
//   person qualifies when no post they held during the conduct period ties them to one: not the
//   unit holding it, not the principal post, not a 分工 covering it. missing_link says whether
//   the body had no duty at all (duty) or had one that the person's 分工 did not cover (分工).
//   Targets out of office during the period, in a post that is not a leading-cadre post, or held
//   only for a direct violation or minor lapse get other verdicts and are left out.
// params: $case_id (string) id of the accountability case
// engines: neo4j, ladybug
// returns: action, target, target_name, posts, bodies, missing_link
MATCH (cs:`AccountabilityCase` {id: $case_id})-[:`ABOUT_INCIDENT`]->(inc:`Incident`)
WITH cs, inc, inc.conduct_date AS p_start, coalesce(inc.conduct_end, inc.conduct_date) AS p_end
// the incident's matters and every broader matter, as a list of ids: a clause applies on a matter when
// one of its own matters is in the list (tested from the clause, not walked to from the incident)
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(mm:`Matter`)
WITH cs, inc, p_start, p_end, collect(DISTINCT mm.id) AS matters
// the line of divisions through the place, as ids: the place, those within it and those it lies
// within (the shapes give an incident one place and at least one matter). A clause applies there
// when it covers one of them or, without a scope of its own, when its body is located in one (a
// clause's default scope is its body's division): a list test per clause, not a walk per clause.
// The place is named and carried, the walk down comes first: so LadybugDB walks from the place.
MATCH (inc)-[:`OCCURRED_IN`]->(pl:`Division`)
WITH cs, inc, p_start, p_end, matters, pl
MATCH (pl)<-[:`WITHIN`*0..]-(down:`Division`)
WITH cs, inc, p_start, p_end, matters, pl, collect(DISTINCT down.id) AS downs
MATCH (pl)-[:`WITHIN`*0..]->(up:`Division`)
WITH cs, inc, p_start, p_end, matters, downs, collect(DISTINCT up.id) AS ups
WITH cs, inc, p_start, p_end, matters, ups + downs AS line
MATCH (act:`AccountabilityAction`)-[:`IN_CASE`]->(cs)
OPTIONAL MATCH (act)-[:`TARGET_PERSON`]->(tp:`Person`)
OPTIONAL MATCH (act)-[:`TARGET_POST`]->(tq:`Post`)
OPTIONAL MATCH (act)-[:`TARGET_BODY`]->(tb)
// seats: for a person, the named post (else every post) held during the period; a body is its own.
// Optional nodes are tested by their id: LadybugDB misreads `tq IS NULL` inside OPTIONAL MATCH … WHERE.
OPTIONAL MATCH (t:`Tenure`)-[:`HELD_BY`]->(tp), (t)-[:`OF_POST`]->(q:`Post`)-[:`POST_IN`]->(qb)
  WHERE (tq.id IS NULL OR q.id = tq.id) AND t.start <= p_end AND (t.`end` IS NULL OR t.`end` > p_start)
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, CASE WHEN tp.id IS NULL THEN tb.id ELSE qb.id END AS seat_id
WHERE seat_id IS NOT NULL
  AND (tp.id IS NULL OR coalesce(q.leading, true) = true)
  AND (tp.id IS NULL
       OR NOT EXISTS { MATCH (tp)<-[:`BY_PERSON`]-(:`Failure`)-[:`ABOUT_INCIDENT`]->(inc) }
       OR EXISTS { MATCH (tp)<-[:`BY_PERSON`]-(f:`Failure`)-[:`ABOUT_INCIDENT`]->(inc)
                   WHERE NOT f.kind IN ['direct_violation', 'minor_lapse'] })
MATCH (seat:`Organization`|`OrganizationalUnit`)
WHERE seat.id = seat_id
// the seat's parent body (a body is its own): the seat and what it is a unit of, as ids looked up
// again, here and below, instead of `*0..1` (LadybugDB walks that from every body)
OPTIONAL MATCH (seat)-[:`UNIT_OF`]->(par)
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, [seat.id] + collect(par.id) AS top_ids
UNWIND top_ids AS top_id
MATCH (top:`Organization`|`OrganizationalUnit`)
WHERE top.id = top_id AND NOT EXISTS { MATCH (top)-[:`UNIT_OF`]->(:`Organization`) }
// applicable clauses of the seat and of its units
OPTIONAL MATCH (u)-[:`UNIT_OF`]->(seat)
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, top, [seat.id] + collect(u.id) AS db_ids
UNWIND db_ids AS db_id
MATCH (db:`Organization`|`OrganizationalUnit`)
WHERE db.id = db_id
OPTIONAL MATCH (c:`DutyClause`)-[:`ASSIGNED_TO`]->(db), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
  WHERE EXISTS { MATCH (c)-[:`ON_MATTER`]->(m:`Matter`) WHERE m.id IN matters }
    AND coalesce(c.valid_from, md.valid_from) <= p_end
    AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
    AND coalesce(c.list_category, '') <> 'withdrawn'
    AND (EXISTS { MATCH (c)-[:`COVERS`]->(cd:`Division`) WHERE cd.id IN line }
         OR (NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) }
             AND EXISTS { MATCH (db)-[:`LOCATED_IN`]->(ld:`Division`) WHERE ld.id IN line }))
// the ties of jurisdiction_path: the body itself, the unit post, the principal post, a 分工
UNWIND ['body', 'unit_post', 'principal', 'assignment'] AS via
OPTIONAL MATCH (a:`LeadershipAssignment`)-[:`OF_POST`]->(q)
  WHERE via = 'assignment' AND c.id IS NOT NULL AND a.mode IN ['in_charge', 'overall', 'assist']
    AND a.valid_from <= p_end AND (a.valid_to IS NULL OR a.valid_to >= p_start)
    AND (NOT EXISTS { MATCH (a)-[:`HELD_BY`]->(:`Person`) } OR EXISTS { MATCH (a)-[:`HELD_BY`]->(tp) })
OPTIONAL MATCH (inc)-[:`ON_MATTER`]->(own:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(a)
OPTIONAL MATCH (own)-[:`BROADER`*0..]->(cm:`Matter`)<-[:`ON_MATTER`]-(c)
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, top, db, c, via, a, count(cm) AS meets
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, top,
     (via = 'body' AND tp.id IS NULL AND c.id IS NOT NULL)
     OR (via = 'unit_post' AND tp.id IS NOT NULL AND c.id IS NOT NULL AND db.id = seat.id AND top.id <> seat.id)
     OR (via = 'principal' AND tp.id IS NOT NULL AND c.id IS NOT NULL AND q.principal = true)
     OR (via = 'assignment' AND a.id IS NOT NULL AND (meets > 0 OR EXISTS { MATCH (a)-[:`OVER_BODY`]->(db) }))
     AS linked
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, top, count(CASE WHEN linked THEN 1 END) AS paths
// for missing_link: does the seat's body, or any unit of its parent body, hold an applicable duty?
// Walked from the parent body inward: itself (only when it is the seat) and its units.
OPTIONAL MATCH (top)<-[:`UNIT_OF`]-(u2)
WITH inc, p_start, p_end, matters, line, act, tp, tb, q, seat, top, paths, [top.id] + collect(u2.id) AS db2_ids
UNWIND db2_ids AS db2_id
MATCH (db2:`Organization`|`OrganizationalUnit`)
WHERE db2.id = db2_id
OPTIONAL MATCH (c2:`DutyClause`)-[:`ASSIGNED_TO`]->(db2), (c2)-[:`IN_MANDATE`]->(md2:`Mandate`)
  WHERE tp.id IS NOT NULL AND (db2.id = seat.id OR db2.id <> top.id)
    AND EXISTS { MATCH (c2)-[:`ON_MATTER`]->(m2:`Matter`) WHERE m2.id IN matters }
    AND coalesce(c2.valid_from, md2.valid_from) <= p_end
    AND (coalesce(c2.valid_to, md2.valid_to) IS NULL OR coalesce(c2.valid_to, md2.valid_to) >= p_start)
    AND coalesce(c2.list_category, '') <> 'withdrawn'
    AND (EXISTS { MATCH (c2)-[:`COVERS`]->(cd:`Division`) WHERE cd.id IN line }
         OR (NOT EXISTS { MATCH (c2)-[:`COVERS`]->(:`Division`) }
             AND EXISTS { MATCH (db2)-[:`LOCATED_IN`]->(ld:`Division`) WHERE ld.id IN line }))
WITH act, tp, tb, q, seat, paths, count(c2) AS duties
WITH act, tp, tb, collect(q.id) AS posts, collect(seat.id) AS bodies, sum(paths) AS all_paths,
     sum(duties) AS all_duties
WHERE all_paths = 0
RETURN act.id AS action, coalesce(tp.id, tb.id) AS target, coalesce(tp.name, tb.name) AS target_name,
       posts, bodies, CASE WHEN all_duties > 0 THEN '分工' ELSE 'duty' END AS missing_link
ORDER BY action
