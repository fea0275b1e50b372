// name: duty_gaps
// purpose: Matters with no responsible body on a date (职责空白): no lead, supervise or enforce clause
//   in force then, on the matter or a broader one, that is not withdrawn or only assisting.
//   other_roles and other_bodies show what does exist (assisting, guiding, approving duties).
// params: $date (date) the day asked about, YYYY-MM-DD
// engines: neo4j, ladybug
// returns: matter, matter_name, other_roles, other_bodies
MATCH (m:`Matter`)
WHERE NOT EXISTS {
  MATCH (m)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(c:`DutyClause`)-[:`IN_MANDATE`]->(md:`Mandate`)
  WHERE c.role IN ['lead', 'supervise', 'enforce']
    AND NOT coalesce(c.list_category, '') IN ['withdrawn', 'assisting']
    AND coalesce(c.valid_from, md.valid_from) <= $date
    AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= $date)
}
OPTIONAL MATCH (m)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(c:`DutyClause`)-[:`IN_MANDATE`]->(md:`Mandate`)
  WHERE coalesce(c.valid_from, md.valid_from) <= $date
    AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= $date)
    AND coalesce(c.list_category, '') <> 'withdrawn'
OPTIONAL MATCH (c)-[:`ASSIGNED_TO`]->(b)
RETURN m.id AS matter, m.name AS matter_name, collect(DISTINCT c.role) AS other_roles,
       collect(DISTINCT b.id) AS other_bodies
ORDER BY matter
