// name: post_holders
// purpose: Who held a post on a date (终身问责: the holder at the time answers, wherever they are now).
//   A tenure counts from its start up to, but not including, its end (the day the holder left).
// params: $post (string) id of the post
//   $date (date) the day asked about, YYYY-MM-DD
// engines: neo4j, ladybug
// returns: post, post_name, body, body_name, person, person_name, tenure, since, until, source
MATCH (t:`Tenure`)-[:`OF_POST`]->(q:`Post` {id: $post}), (t)-[:`HELD_BY`]->(h:`Person`)
WHERE t.start <= $date AND (t.`end` IS NULL OR t.`end` > $date)
OPTIONAL MATCH (q)-[:`POST_IN`]->(b)
RETURN q.id AS post, q.name AS post_name, b.id AS body, b.name AS body_name,
       h.id AS person, h.name AS person_name, t.id AS tenure, t.start AS since, t.`end` AS until,
       t.source AS source
ORDER BY since, person
