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
// the walk starts at the incident and its place (as graph.index.GraphIndex.duty_bodies does): only
// clauses scoped to a division on the place's line are looked at, never every clause on a matter.
// the incident's matters and every broader matter (skos:broader, transitively)
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(mm:`Matter`)
WITH inc, p_start, p_end, collect(DISTINCT mm.id) AS matters
// the line of divisions through the place: the place, those within it, the divisions it lies within.
// The place is named and carried, the walk down comes first: so LadybugDB walks from the place.
MATCH (inc)-[:`OCCURRED_IN`]->(pl:`Division`)
WITH p_start, p_end, matters, pl
MATCH (pl)<-[:`WITHIN`*0..]-(down:`Division`)
WITH p_start, p_end, matters, pl, collect(DISTINCT down.id) AS downs
MATCH (pl)-[:`WITHIN`*0..]->(up:`Division`)
WITH p_start, p_end, matters, downs, collect(DISTINCT up.id) AS ups
UNWIND ups + downs AS line_id
WITH DISTINCT p_start, p_end, matters, line_id
MATCH (d:`Division`)
WHERE d.id = line_id
// clauses on one of the matters scoped there: covering the division, or without a scope of their own
// and held by a body located there (a clause's default scope is its body's division). The matter
// node is left unlabelled so the walk goes out from the division, not in from the matter.
OPTIONAL MATCH (d)<-[:`COVERS`]-(c1:`DutyClause`)-[:`ON_MATTER`]->(m1)
  WHERE m1.id IN matters
WITH p_start, p_end, matters, d, collect(c1.id) AS scoped
OPTIONAL MATCH (d)<-[:`LOCATED_IN`]-()<-[:`ASSIGNED_TO`]-(c2:`DutyClause`)-[:`ON_MATTER`]->(m2)
  WHERE m2.id IN matters
WITH p_start, p_end, scoped, collect(c2.id) AS held
UNWIND scoped + held AS clause_id
WITH DISTINCT p_start, p_end, clause_id, clause_id IN scoped AS by_scope
MATCH (c:`DutyClause`)
WHERE c.id = clause_id
// a clause found through its body's division applies there only without a scope of its own
  AND (by_scope OR NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) })
MATCH (c)-[:`ASSIGNED_TO`]->(b), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
// in force during the period: the clause's own validity, else its mandate's
WHERE coalesce(c.valid_from, md.valid_from) <= p_end
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
  AND coalesce(c.list_category, '') <> 'withdrawn'
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
