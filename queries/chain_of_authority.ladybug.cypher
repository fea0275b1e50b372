// variant of: chain_of_authority for ladybug (label(r) for type(r); TRAIL walks, as Neo4j's paths)
MATCH (x:`Post`|`Organization`|`OrganizationalUnit`)
WHERE x.id = $start
OPTIONAL MATCH (x)-[:`POST_IN`]->(pb)
WITH coalesce(pb.id, x.id) AS start_id
MATCH (s:`Organization`|`OrganizationalUnit`)
WHERE s.id = start_id
MATCH p = (s)-[:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`* TRAIL 0..30]->(b)
WITH b, min(length(p)) AS distance
MATCH (b)-[r:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`]->(up)
RETURN b.id AS from_body, b.name AS from_name, label(r) AS relation, up.id AS to_body, up.name AS to_name,
       distance + 1 AS depth
ORDER BY depth, from_body, relation, to_body
