// name: grassroots_share
// purpose: The share of a case's targets at township level or below (基层). A person counts by the
//   body of the post they held during the conduct period (the named post, else any post); a body
//   counts by itself; an internal unit counts by its parent body. above_threshold flags a share
//   over $threshold. The verdict engine raises the finding only when upstream parties are also
//   omitted (see omitted_parties).
// params: $case_id (string) id of the accountability case
//   $threshold (float, default 0.5) share above which the case "asks down, not up"
// engines: neo4j, ladybug
// returns: case_id, targets, grassroots_targets, share, above_threshold, grassroots_actions
MATCH (cs:`AccountabilityCase` {id: $case_id})-[:`ABOUT_INCIDENT`]->(inc:`Incident`)
WITH cs, inc.conduct_date AS p_start, coalesce(inc.conduct_end, inc.conduct_date) AS p_end
OPTIONAL MATCH (act:`AccountabilityAction`)-[:`IN_CASE`]->(cs)
OPTIONAL MATCH (act)-[:`TARGET_PERSON`]->(tp:`Person`)
OPTIONAL MATCH (act)-[:`TARGET_POST`]->(tq:`Post`)
OPTIONAL MATCH (act)-[:`TARGET_BODY`]->(tb)
OPTIONAL MATCH (t:`Tenure`)-[:`HELD_BY`]->(tp), (t)-[:`OF_POST`]->(q:`Post`)-[:`POST_IN`]->(qb)
  WHERE (tq.id IS NULL OR q.id = tq.id) AND t.start <= p_end AND (t.`end` IS NULL OR t.`end` > p_start)
WITH act, CASE WHEN tp.id IS NULL THEN tb.id ELSE qb.id END AS body_id
// the level of the body's division; a unit takes its parent body's
// (the body itself or a body it is a unit of, as ids looked up again: LadybugDB walks `*0..1` from
// every body)
OPTIONAL MATCH (b:`Organization`|`OrganizationalUnit`)
  WHERE b.id = body_id
OPTIONAL MATCH (b)-[:`UNIT_OF`]->(par)
WITH act, b, [b.id] + collect(par.id) AS top_ids
UNWIND top_ids AS top_id
OPTIONAL MATCH (top:`Organization`|`OrganizationalUnit`)-[:`LOCATED_IN`]->(d:`Division`)
  WHERE top.id = top_id AND NOT EXISTS { MATCH (top)-[:`UNIT_OF`]->(:`Organization`) }
// township, village: the DivisionLevel concepts with qz:grassroots true
WITH act, count(CASE WHEN d.level IN ['township', 'village'] THEN 1 END) > 0 AS grassroots
WITH count(act) AS targets, count(CASE WHEN grassroots THEN 1 END) AS grassroots_targets,
     collect(CASE WHEN grassroots THEN act.id END) AS grassroots_actions
RETURN $case_id AS case_id, targets, grassroots_targets,
       CASE WHEN targets = 0 THEN 0.0 ELSE round(1.0 * grassroots_targets / targets, 3) END AS share,
       targets > 0 AND 1.0 * grassroots_targets / targets > $threshold AS above_threshold,
       grassroots_actions
