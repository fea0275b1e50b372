// name: leader_assignments
// purpose: The 分工 (division of duties among leaders) of a person on a date: for every post the person
//   held that day, the entries in force then that name the person or nobody. Mode is overall
//   (主持全面), in_charge (分管), assist (协管) or liaison (联系).
// params: $person (string) id of the person
//   $date (date) the day asked about, YYYY-MM-DD
// engines: neo4j, ladybug
// returns: person, person_name, post, post_name, assignment, mode, bodies, body_names, matters,
//   matter_names, valid_from, valid_to, source, text
MATCH (h:`Person` {id: $person})<-[:`HELD_BY`]-(t:`Tenure`)-[:`OF_POST`]->(q:`Post`)
WHERE t.start <= $date AND (t.`end` IS NULL OR t.`end` > $date)
MATCH (a:`LeadershipAssignment`)-[:`OF_POST`]->(q)
WHERE a.valid_from <= $date AND (a.valid_to IS NULL OR a.valid_to >= $date)
  AND (NOT EXISTS { MATCH (a)-[:`HELD_BY`]->(:`Person`) } OR EXISTS { MATCH (a)-[:`HELD_BY`]->(h) })
OPTIONAL MATCH (a)-[:`OVER_BODY`]->(ob)
WITH h, q, a, collect(DISTINCT ob.id) AS bodies, collect(DISTINCT ob.name) AS body_names
OPTIONAL MATCH (a)-[:`ON_MATTER`]->(mt:`Matter`)
WITH h, q, a, bodies, body_names, collect(DISTINCT mt.id) AS matters, collect(DISTINCT mt.name) AS matter_names
RETURN h.id AS person, h.name AS person_name, q.id AS post, q.name AS post_name, a.id AS assignment,
       a.mode AS mode, bodies, body_names, matters, matter_names, a.valid_from AS valid_from,
       a.valid_to AS valid_to, a.source AS source, a.text AS text
ORDER BY post, assignment
