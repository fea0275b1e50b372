// name: duty_overlaps
// purpose: Matters with several responsible bodies (交叉): two different bodies (a unit counts as its
//   parent body) hold clauses with the same lead, supervise or enforce role on the same matter,
//   in force on the date, whose scopes meet (one lies within the other; a clause without a scope
//   covers its body's own division). One row per pair of clauses.
// params: $date (date) the day asked about, YYYY-MM-DD
// engines: neo4j, ladybug
// returns: matter, matter_name, role, body_a, body_a_name, clause_a, body_b, body_b_name, clause_b
MATCH (m:`Matter`)<-[:`ON_MATTER`]-(c1:`DutyClause`)-[:`IN_MANDATE`]->(md1:`Mandate`)
MATCH (m)<-[:`ON_MATTER`]-(c2:`DutyClause`)-[:`IN_MANDATE`]->(md2:`Mandate`)
WHERE c1.id < c2.id AND c1.role = c2.role AND c1.role IN ['lead', 'supervise', 'enforce']
  AND NOT coalesce(c1.list_category, '') IN ['withdrawn', 'assisting']
  AND NOT coalesce(c2.list_category, '') IN ['withdrawn', 'assisting']
  AND coalesce(c1.valid_from, md1.valid_from) <= $date
  AND (coalesce(c1.valid_to, md1.valid_to) IS NULL OR coalesce(c1.valid_to, md1.valid_to) >= $date)
  AND coalesce(c2.valid_from, md2.valid_from) <= $date
  AND (coalesce(c2.valid_to, md2.valid_to) IS NULL OR coalesce(c2.valid_to, md2.valid_to) >= $date)
MATCH (c1)-[:`ASSIGNED_TO`]->(b1), (c2)-[:`ASSIGNED_TO`]->(b2)
MATCH (b1)-[:`UNIT_OF`*0..1]->(top1), (b2)-[:`UNIT_OF`*0..1]->(top2)
WHERE top1.id <> top2.id
  AND NOT EXISTS { MATCH (top1)-[:`UNIT_OF`]->(:`Organization`) }
  AND NOT EXISTS { MATCH (top2)-[:`UNIT_OF`]->(:`Organization`) }
// each clause's scope: its COVERS divisions, else its body's own division
OPTIONAL MATCH (c1)-[:`COVERS`]->(s1:`Division`)
WITH m, c1, c2, b1, b2, collect(s1.id) AS scope1
OPTIONAL MATCH (b1)-[:`LOCATED_IN`]->(h1:`Division`)
WITH m, c1, c2, b1, b2, CASE WHEN size(scope1) = 0 THEN [h1.id] ELSE scope1 END AS scope1
OPTIONAL MATCH (c2)-[:`COVERS`]->(s2:`Division`)
WITH m, c1, c2, b1, b2, scope1, collect(s2.id) AS scope2
OPTIONAL MATCH (b2)-[:`LOCATED_IN`]->(h2:`Division`)
WITH m, c1, c2, b1, b2, scope1, CASE WHEN size(scope2) = 0 THEN [h2.id] ELSE scope2 END AS scope2
UNWIND scope1 AS x1
UNWIND scope2 AS x2
MATCH (d1:`Division` {id: x1}), (d2:`Division` {id: x2})
WHERE EXISTS { MATCH (d1)-[:`WITHIN`*0..]->(d2) } OR EXISTS { MATCH (d2)-[:`WITHIN`*0..]->(d1) }
RETURN DISTINCT m.id AS matter, m.name AS matter_name, c1.role AS role,
       b1.id AS body_a, b1.name AS body_a_name, c1.id AS clause_a,
       b2.id AS body_b, b2.name AS body_b_name, c2.id AS clause_b
ORDER BY matter, clause_a, clause_b
