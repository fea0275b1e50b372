// name: body_duties
// purpose: All duty clauses of a body and of its internal units, with their citations (mandate title,
//   number, document number) and the validity that applies (the clause's own, else its mandate's).
// params: $body (string) id of a body or internal unit
// engines: neo4j, ladybug
// returns: holder, holder_name, clause, number, text, role, list_category, power_types, matters,
//   scope, mandate, mandate_title, mandate_source, valid_from, valid_to
MATCH (b:`Organization`|`OrganizationalUnit`)
WHERE b.id = $body
MATCH (hb)-[:`UNIT_OF`*0..1]->(b)
MATCH (c:`DutyClause`)-[:`ASSIGNED_TO`]->(hb), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
OPTIONAL MATCH (c)-[:`ON_MATTER`]->(mt:`Matter`)
WITH hb, c, md, collect(DISTINCT mt.id) AS matters
OPTIONAL MATCH (c)-[:`COVERS`]->(s:`Division`)
WITH hb, c, md, matters, collect(DISTINCT s.id) AS scope
RETURN hb.id AS holder, hb.name AS holder_name, c.id AS clause, c.number AS number, c.text AS text,
       c.role AS role, c.list_category AS list_category, c.power_types AS power_types, matters, scope,
       md.id AS mandate, md.title AS mandate_title, md.source AS mandate_source,
       coalesce(c.valid_from, md.valid_from) AS valid_from, coalesce(c.valid_to, md.valid_to) AS valid_to
ORDER BY holder, mandate, clause
