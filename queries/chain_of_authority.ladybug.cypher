// variant of: chain_of_authority for ladybug (label(r) for type(r); the bodies above are found by
//   shortest paths (LadybugDB's SHORTEST takes a lower bound of 1, so the start joins them as
//   distance 0); a walk over every trail took minutes at province scale)
MATCH (x:`Post`|`Organization`|`OrganizationalUnit`)
WHERE x.id = $start
OPTIONAL MATCH (x)-[:`POST_IN`]->(pb)
WITH coalesce(pb.id, x.id) AS start_id
MATCH (s:`Organization`|`OrganizationalUnit`)
WHERE s.id = start_id
// every other body reached, at its shortest distance; then the start itself at distance 0
OPTIONAL MATCH p = (s)-[:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`* SHORTEST 1..30]->(far)
WHERE far.id <> s.id
WITH s.id AS first_id, collect(far.id) AS far_ids, collect(length(p)) AS far_distances
WITH list_concat([first_id], far_ids) AS ids, list_concat([0], far_distances) AS distances
UNWIND range(1, size(ids)) AS k  // LadybugDB's lists count from 1
WITH ids[k] AS body_id, distances[k] AS distance
WHERE body_id IS NOT NULL
MATCH (b:`Organization`|`OrganizationalUnit`)
WHERE b.id = body_id
MATCH (b)-[r:`UNIT_OF`|`VERTICALLY_MANAGED_BY`|`LED_BY`|`SUB_ORGANIZATION_OF`|`STATIONED_IN`|`GUIDED_BY`]->(up)
RETURN b.id AS from_body, b.name AS from_name, label(r) AS relation, up.id AS to_body, up.name AS to_name,
       distance + 1 AS depth
ORDER BY depth, from_body, relation, to_body
