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
// responsible duties that apply: on the incident's matters or a broader one, in force, covering the place
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(c:`DutyClause`)
WITH DISTINCT inc, p_start, p_end, targets, c
MATCH (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
WHERE c.role IN ['lead', 'supervise', 'enforce']
  AND NOT coalesce(c.list_category, '') IN ['withdrawn', 'assisting']
  AND coalesce(c.valid_from, md.valid_from) <= p_end
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
  AND (EXISTS { MATCH (inc)-[:`OCCURRED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`COVERS`]-(c) }
       OR EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`OCCURRED_IN`]-(inc) }
       OR (NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) }
           AND (EXISTS { MATCH (inc)-[:`OCCURRED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`LOCATED_IN`]-(b) }
                OR EXISTS { MATCH (b)-[:`LOCATED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`OCCURRED_IN`]-(inc) })))
// the body a unit belongs to (a body is its own top)
MATCH (b)-[:`UNIT_OF`*0..1]->(top)
WHERE NOT EXISTS { MATCH (top)-[:`UNIT_OF`]->(:`Organization`) }
UNWIND ['principal', 'in_charge'] AS role
OPTIONAL MATCH (pq:`Post`)-[:`POST_IN`]->(b)
  WHERE role = 'principal' AND pq.principal = true AND coalesce(pq.leading, true) = true
OPTIONAL MATCH (a:`LeadershipAssignment`)-[:`OF_POST`]->(aq:`Post`)
  WHERE role = 'in_charge' AND a.mode IN ['in_charge', 'overall']
    AND a.valid_from <= p_end AND (a.valid_to IS NULL OR a.valid_to >= p_start)
    AND (EXISTS { MATCH (a)-[:`OVER_BODY`]->(b) } OR EXISTS { MATCH (aq)-[:`POST_IN`]->(top) })
// a leader of the parent body counts when the 分工 meets the clause on one of the incident's own
// matters (see jurisdiction_path for why these are two OPTIONAL MATCH clauses)
OPTIONAL MATCH (inc)-[:`ON_MATTER`]->(own:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(a)
OPTIONAL MATCH (own)-[:`BROADER`*0..]->(cm:`Matter`)<-[:`ON_MATTER`]-(c)
WITH p_start, p_end, targets, b, role, pq, a, aq, count(cm) AS meets
WHERE pq.id IS NOT NULL
   OR (a.id IS NOT NULL AND (meets > 0 OR EXISTS { MATCH (a)-[:`OVER_BODY`]->(b) }))
WITH p_start, p_end, targets, b, role, a, coalesce(pq.id, aq.id) AS post_id
// the holders of that post during the period (for a 分工 naming someone, only that person)
MATCH (t:`Tenure`)-[:`OF_POST`]->(q:`Post`), (t)-[:`HELD_BY`]->(h:`Person`)
WHERE q.id = post_id AND t.start <= p_end AND (t.`end` IS NULL OR t.`end` > p_start)
  AND NOT h.id IN targets
  AND (a.id IS NULL OR NOT EXISTS { MATCH (a)-[:`HELD_BY`]->(:`Person`) } OR EXISTS { MATCH (a)-[:`HELD_BY`]->(h) })
OPTIONAL MATCH (lt:`Tenure`)-[:`HELD_BY`]->(h), (lt)-[:`OF_POST`]->(lq:`Post`)
  WHERE lt.start > p_end
RETURN h.id AS person, h.name AS person_name, q.id AS post, q.name AS post_name, b.id AS body,
       b.name AS body_name, role, 'principal_leadership' AS degree, t.start AS since, t.`end` AS until,
       collect(DISTINCT lq.id) AS later_posts
ORDER BY body, role DESC, person
