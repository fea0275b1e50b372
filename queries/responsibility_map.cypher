// name: responsibility_map
// purpose: The responsibility map of an incident. Every body or internal unit holding a duty clause
//   that applies to it (on one of its matters or a broader one, in force during the conduct period,
//   covering the place, not withdrawn), with the people who held the body's posts during the
//   period and the leaders whose 分工 covered the body. One row per body and person. A body whose
//   posts nobody held during the period has a row without a person.
// params: $incident (string) id of the incident
// engines: neo4j, ladybug
// returns: body, body_name, level, roles, responsible, limited, link, person, person_name, post,
//   post_name, since, until, record
MATCH (inc:`Incident` {id: $incident})
WITH inc, inc.conduct_date AS p_start, coalesce(inc.conduct_end, inc.conduct_date) AS p_end
// clauses on the incident's matters or a broader matter (skos:broader, transitively)
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(c:`DutyClause`)
WITH DISTINCT inc, p_start, p_end, c
MATCH (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
// in force during the period: the clause's own validity, else its mandate's
WHERE coalesce(c.valid_from, md.valid_from) <= p_end
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
  AND coalesce(c.list_category, '') <> 'withdrawn'
  // place: the incident's place lies within the clause's scope (default: the body's own division), or
  // the scope lies within the place (an incident spread over a whole township)
  AND (EXISTS { MATCH (inc)-[:`OCCURRED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`COVERS`]-(c) }
       OR EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`OCCURRED_IN`]-(inc) }
       OR (NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) }
           AND (EXISTS { MATCH (inc)-[:`OCCURRED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`LOCATED_IN`]-(b) }
                OR EXISTS { MATCH (b)-[:`LOCATED_IN`]->(:`Division`)-[:`WITHIN`*0..]->(:`Division`)<-[:`OCCURRED_IN`]-(inc) })))
WITH p_start, p_end, b,
     collect(DISTINCT c.role) AS roles,
     count(CASE WHEN c.role IN ['lead', 'supervise', 'enforce'] THEN 1 END) AS n_responsible,
     count(CASE WHEN c.role IN ['assist', 'coordinate'] OR coalesce(c.list_category, '') = 'assisting' THEN NULL ELSE 1 END) AS n_full
OPTIONAL MATCH (b)-[:`LOCATED_IN`]->(bd:`Division`)
WITH p_start, p_end, b, bd, roles, n_responsible > 0 AND n_full > 0 AS responsible, n_full = 0 AS limited
// two kinds of people stand behind a body: its post holders and the leaders whose 分工 covers it
UNWIND ['holder', 'assignment'] AS via
OPTIONAL MATCH (t:`Tenure`)-[:`OF_POST`]->(hq:`Post`)-[:`POST_IN`]->(b), (t)-[:`HELD_BY`]->(h:`Person`)
  WHERE via = 'holder' AND t.start <= p_end AND (t.`end` IS NULL OR t.`end` > p_start)
OPTIONAL MATCH (a:`LeadershipAssignment`)-[:`OVER_BODY`]->(b), (a)-[:`OF_POST`]->(aq:`Post`)
  WHERE via = 'assignment' AND a.valid_from <= p_end AND (a.valid_to IS NULL OR a.valid_to >= p_start)
OPTIONAL MATCH (a)-[:`HELD_BY`]->(ah:`Person`)
WITH b, bd, roles, responsible, limited, via, t, h, hq, a, aq, ah
WHERE via = 'holder' OR a.id IS NOT NULL
RETURN b.id AS body, b.name AS body_name, bd.level AS level, roles, responsible, limited,
       CASE WHEN via = 'assignment' THEN a.mode WHEN t.id IS NULL THEN NULL ELSE 'holder' END AS link,
       coalesce(h.id, ah.id) AS person, coalesce(h.name, ah.name) AS person_name,
       coalesce(hq.id, aq.id) AS post, coalesce(hq.name, aq.name) AS post_name,
       coalesce(t.start, a.valid_from) AS since, coalesce(t.`end`, a.valid_to) AS until,
       coalesce(t.id, a.id) AS record
ORDER BY body, link, person
