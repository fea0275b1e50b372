// name: chain_of_authority
// purpose: The chain of authority above a body, or above the body of a post. Every upward edge
//   (unit of, vertical management, led by, sub-organisation of, stationed in, guided by) out of
//   each body reached, with the depth at which it is met (1 = the edges out of the start).
// params: $start (string) id of a body, internal unit or post
// engines: neo4j, ladybug
// variants: ladybug (type(r) there is label(r); shortest paths there instead of a walk over every trail)
// returns: from_body, from_name, relation, to_body, to_name, depth
MATCH (x:`Post`|`Organization`|`OrganizationalUnit`)
WHERE x.id = $start
OPTIONAL MATCH (x)-[:`POST_IN`]->(pb)
WITH coalesce(pb.id, x.id) AS start_id
MATCH (s:`Organization`|`OrganizationalUnit`)
WHERE s.id = start_id
// every body reached, at its shortest distance (a body is expanded once, at the depth first met)
MATCH p = (s)-[:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`*0..30]->(b)
WITH b, min(length(p)) AS distance
MATCH (b)-[r:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`]->(up)
RETURN b.id AS from_body, b.name AS from_name, type(r) AS relation, up.id AS to_body, up.name AS to_name,
       distance + 1 AS depth
ORDER BY depth, from_body, relation, to_body
