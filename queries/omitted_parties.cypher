// name: omitted_parties
// purpose: Omitted upstream parties of an accountability case. Take every body or unit holding an
//   applicable lead, supervise or enforce duty (not an assisting item). Its principals during the
//   conduct period are listed, and so is every leader whose 分管 or 主持全面 分工 then covered it:
//   over the body itself, or, for leaders of its parent body, on one of the incident's matters.
//   Only those who are not targets of the case are returned. People who have since moved on are
//   named with their later posts.
// params: $case_id (string) id of the accountability case
// engines: neo4j, ladybug
// returns: person, person_name, post, post_name, body, body_name, role, degree, since, until,
//   later_posts
MATCH (cs:`AccountabilityCase` {id: $case_id})-[:`ABOUT_INCIDENT`]->(inc:`Incident`)
WITH cs, inc, inc.conduct_date AS p_start, coalesce(inc.conduct_end, inc.conduct_date) AS p_end
OPTIONAL MATCH (act:`AccountabilityAction`)-[:`IN_CASE`]->(cs), (act)-[:`TARGET_PERSON`]->(tp:`Person`)
WITH inc, p_start, p_end, collect(DISTINCT tp.id) AS targets
// the incident's matters and every broader matter (skos:broader, transitively), as ids
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(mm:`Matter`)
WITH inc, p_start, p_end, targets, collect(DISTINCT mm.id) AS matters
// the line of divisions through the place: the place, those within it, the divisions it lies within.
// The place is named and carried, the walk down comes first: so LadybugDB walks from the place.
MATCH (inc)-[:`OCCURRED_IN`]->(pl:`Division`)
WITH inc, p_start, p_end, targets, matters, pl
MATCH (pl)<-[:`WITHIN`*0..]-(down:`Division`)
WITH inc, p_start, p_end, targets, matters, pl, collect(DISTINCT down.id) AS downs
MATCH (pl)-[:`WITHIN`*0..]->(up:`Division`)
WITH inc, p_start, p_end, targets, matters, downs, collect(DISTINCT up.id) AS ups
WITH inc, p_start, p_end, targets, matters, ups + downs AS line
UNWIND line AS line_id
WITH DISTINCT inc, p_start, p_end, targets, matters, line, line_id
MATCH (d:`Division`)
WHERE d.id = line_id
// responsible duties are found from the divisions on that line, never from every clause on a matter:
// clauses on one of the matters covering the division, or without a scope of their own and held by a
// body located there (a clause's default scope is its body's division). The matter node is left
// unlabelled so the walk goes out from the division, not in from the matter.
OPTIONAL MATCH (d)<-[:`COVERS`]-(c1:`DutyClause`)-[:`ON_MATTER`]->(m1)
  WHERE m1.id IN matters
WITH inc, p_start, p_end, targets, line, d, matters, collect(c1.id) AS scoped
OPTIONAL MATCH (d)<-[:`LOCATED_IN`]-()<-[:`ASSIGNED_TO`]-(c2:`DutyClause`)-[:`ON_MATTER`]->(m2)
  WHERE m2.id IN matters
WITH inc, p_start, p_end, targets, line, scoped, collect(c2.id) AS held
UNWIND scoped + held AS clause_id
WITH DISTINCT inc, p_start, p_end, targets, line, clause_id, clause_id IN scoped AS by_scope
MATCH (c:`DutyClause`)
WHERE c.id = clause_id
  AND (by_scope OR NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) })
// a lead, supervise or enforce duty (not an assisting item) in force during the period; one found
// through its body's division only for a body located on the line
MATCH (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
WHERE c.role IN ['lead', 'supervise', 'enforce']
  AND NOT coalesce(c.list_category, '') IN ['withdrawn', 'assisting']
  AND coalesce(c.valid_from, md.valid_from) <= p_end
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
  AND (by_scope OR EXISTS { MATCH (b)-[:`LOCATED_IN`]->(bd:`Division`) WHERE bd.id IN line })
// the body a unit belongs to (a body is its own top): the body and what it is a unit of, as ids
// looked up again instead of `*0..1` (LadybugDB walks that from every body)
OPTIONAL MATCH (b)-[:`UNIT_OF`]->(par)
WITH inc, p_start, p_end, targets, c, b, [b.id] + collect(par.id) AS top_ids
UNWIND top_ids AS top_id
MATCH (top:`Organization`|`OrganizationalUnit`)
WHERE top.id = top_id AND NOT EXISTS { MATCH (top)-[:`UNIT_OF`]->(:`Organization`) }
// its principal posts, and the 分管 / 主持全面 分工 in force then, reached from the body: those over
// it, and those of a post of its parent body
UNWIND ['principal', 'over_body', 'parent_post'] AS via
OPTIONAL MATCH (pq:`Post`)-[:`POST_IN`]->(b)
  WHERE via = 'principal' AND pq.principal = true AND coalesce(pq.leading, true) = true
OPTIONAL MATCH (b)<-[:`OVER_BODY`]-(a1:`LeadershipAssignment`)-[:`OF_POST`]->(aq1:`Post`)
  WHERE via = 'over_body' AND a1.mode IN ['in_charge', 'overall']
    AND a1.valid_from <= p_end AND (a1.valid_to IS NULL OR a1.valid_to >= p_start)
OPTIONAL MATCH (top)<-[:`POST_IN`]-(aq2:`Post`)<-[:`OF_POST`]-(a2:`LeadershipAssignment`)
  WHERE via = 'parent_post' AND a2.mode IN ['in_charge', 'overall']
    AND a2.valid_from <= p_end AND (a2.valid_to IS NULL OR a2.valid_to >= p_start)
WITH inc, p_start, p_end, targets, c, b, via, pq, coalesce(a1.id, a2.id) AS a_id, coalesce(aq1.id, aq2.id) AS aq_id
WHERE via = 'principal' OR a_id IS NOT NULL
OPTIONAL MATCH (a:`LeadershipAssignment`)
  WHERE a.id = a_id
WITH inc, p_start, p_end, targets, c, b, CASE WHEN via = 'principal' THEN 'principal' ELSE 'in_charge' END AS role,
     pq, a, aq_id
// a leader of the parent body counts when the 分工 meets the clause on one of the incident's own
// matters (see jurisdiction_path for why these are two OPTIONAL MATCH clauses)
OPTIONAL MATCH (inc)-[:`ON_MATTER`]->(own:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(a)
OPTIONAL MATCH (own)-[:`BROADER`*0..]->(cm:`Matter`)<-[:`ON_MATTER`]-(c)
WITH p_start, p_end, targets, b, role, pq, a, aq_id, count(cm) AS meets
WHERE pq.id IS NOT NULL
   OR (a.id IS NOT NULL AND (meets > 0 OR EXISTS { MATCH (a)-[:`OVER_BODY`]->(b) }))
WITH p_start, p_end, targets, b, role, a, coalesce(pq.id, aq_id) AS post_id
// the holders of that post during the period (for a 分工 naming someone, only that person). The
// targets are checked on coalesce(h.id, ''), not h.id: a bare test of a person's id lets Neo4j start
// from a scan of the Person id index, and right after a load, before the index is sampled again, it
// takes that scan for a few rows (tests/queries/test_anchoring.py caught it).
MATCH (q:`Post`)  // looked up first: LadybugDB otherwise starts from every tenure
WHERE q.id = post_id
MATCH (t:`Tenure`)-[:`OF_POST`]->(q), (t)-[:`HELD_BY`]->(h:`Person`)
WHERE t.start <= p_end AND (t.`end` IS NULL OR t.`end` > p_start)
  AND NOT coalesce(h.id, '') IN targets
  AND (a.id IS NULL OR NOT EXISTS { MATCH (a)-[:`HELD_BY`]->(:`Person`) } OR EXISTS { MATCH (a)-[:`HELD_BY`]->(h) })
OPTIONAL MATCH (lt:`Tenure`)-[:`HELD_BY`]->(h), (lt)-[:`OF_POST`]->(lq:`Post`)
  WHERE lt.start > p_end
RETURN h.id AS person, h.name AS person_name, q.id AS post, q.name AS post_name, b.id AS body,
       b.name AS body_name, role, 'principal_leadership' AS degree, t.start AS since, t.`end` AS until,
       collect(DISTINCT lq.id) AS later_posts
ORDER BY body, role DESC, person
