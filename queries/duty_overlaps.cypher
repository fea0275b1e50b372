// name: duty_overlaps
// purpose: Matters with several responsible bodies (交叉): two different bodies (a unit counts as its
//   parent body) hold clauses with the same lead, supervise or enforce role on the same matter,
//   in force on the date, whose scopes meet (one lies within the other; a clause without a scope
//   covers its body's own division). One row per pair of clauses.
//   Pairs are found per division, not by testing every two clauses on a matter: each clause is listed
//   under every division on its scopes' line up (its scopes and the divisions above them), and paired
//   with the clauses scoped at that division. The work follows the size of the answer: at province
//   scale 17,071 pairs in 1.3 s on Neo4j and 0.8-1.0 s on LadybugDB (pairwise, more than 4.5 minutes).
// params: $date (date) the day asked about, YYYY-MM-DD
// engines: neo4j, ladybug
// returns: matter, matter_name, role, body_a, body_a_name, clause_a, body_b, body_b_name, clause_b
MATCH (m:`Matter`)<-[:`ON_MATTER`]-(c:`DutyClause`)-[:`IN_MANDATE`]->(md:`Mandate`)
WHERE c.role IN ['lead', 'supervise', 'enforce']
  AND NOT coalesce(c.list_category, '') IN ['withdrawn', 'assisting']
  AND coalesce(c.valid_from, md.valid_from) <= $date
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= $date)
MATCH (c)-[:`ASSIGNED_TO`]->(b)
OPTIONAL MATCH (c)-[:`COVERS`]->(s:`Division`)
WITH m, c, b, collect(s.id) AS scope
OPTIONAL MATCH (b)-[:`LOCATED_IN`]->(h:`Division`)
WITH m, c, CASE WHEN size(scope) = 0 THEN [h.id] ELSE scope END AS scope
// the line up from each scope; 'here' = the clauses scoped at a division, 'under' = all on its line
UNWIND scope AS x
MATCH (:`Division` {id: x})-[:`WITHIN`*0..]->(a:`Division`)
WITH m, c.role AS role, a.id AS a, c.id AS cl, a.id IN scope AS at
WITH m, role, a, collect(DISTINCT CASE WHEN at THEN cl END) AS here, collect(DISTINCT cl) AS under
UNWIND here AS p
UNWIND under AS q
WITH m, role, p, q WHERE p <> q
WITH DISTINCT m, role, CASE WHEN p < q THEN p ELSE q END AS ca, CASE WHEN p < q THEN q ELSE p END AS cb
// two different bodies (a unit counts as its parent); one lookup per WITH: LadybugDB plans two
// lookups in one MATCH as a product of all clauses, and a UNIT_OF*0..1 walk from every body
MATCH (c1:`DutyClause` {id: ca})-[:`ASSIGNED_TO`]->(b1)
OPTIONAL MATCH (b1)-[:`UNIT_OF`]->(p1)
WITH m, role, c1, b1, p1, cb WHERE NOT EXISTS { MATCH (p1)-[:`UNIT_OF`]->(:`Organization`) }
MATCH (c2:`DutyClause` {id: cb})-[:`ASSIGNED_TO`]->(b2)
OPTIONAL MATCH (b2)-[:`UNIT_OF`]->(p2)
WITH m, role, c1, b1, p1, c2, b2, p2 WHERE NOT EXISTS { MATCH (p2)-[:`UNIT_OF`]->(:`Organization`) }
  AND coalesce(p1.id, b1.id) <> coalesce(p2.id, b2.id)
RETURN m.id AS matter, m.name AS matter_name, role,
       b1.id AS body_a, b1.name AS body_a_name, c1.id AS clause_a,
       b2.id AS body_b, b2.name AS body_b_name, c2.id AS clause_b
ORDER BY matter, clause_a, clause_b
