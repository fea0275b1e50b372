// name: jurisdiction_path
// purpose: The duty path from one party (a person, a post or a body) to an incident: the duty clauses
//   that apply to the incident and how the party is tied to them. A body holds them itself or
//   through an internal unit. A person, in a post held during the conduct period, is tied by
//   sitting in the unit that holds the duty (direct), by being the body's principal, or by a 分工
//   (分管 / 主持全面 / 协管) in force then that covers the body or one of the incident's matters.
//   No rows: no jurisdiction, or not in post during the period. Decisions and failures raise a
//   degree but are not duty paths; the verdict engine adds them.
// params: $incident (string) id of the incident
//   $party (string) id of a person, post, body or internal unit
// engines: neo4j, ladybug
// returns: party, person, person_name, post, post_name, body, body_name, clause, number, role,
//   limited, link, assignment, degree
MATCH (inc:`Incident` {id: $incident})
WITH inc, inc.conduct_date AS p_start, coalesce(inc.conduct_end, inc.conduct_date) AS p_end
// the incident's matters and every broader matter, and the line of divisions through its place (the
// place, those within it, those it lies within), as ids: a clause applies when one of its matters is
// in the first list and it covers a division of the second or, without a scope of its own, its body
// is located in one. Tests on lists per clause, not walks per clause. The place is named and
// carried, the walk down comes first: so LadybugDB walks from the place.
MATCH (inc)-[:`ON_MATTER`]->(:`Matter`)-[:`BROADER`*0..]->(mm:`Matter`)
WITH inc, p_start, p_end, collect(DISTINCT mm.id) AS matters
MATCH (inc)-[:`OCCURRED_IN`]->(pl:`Division`)
WITH inc, p_start, p_end, matters, pl
MATCH (pl)<-[:`WITHIN`*0..]-(down:`Division`)
WITH inc, p_start, p_end, matters, pl, collect(DISTINCT down.id) AS downs
MATCH (pl)-[:`WITHIN`*0..]->(up:`Division`)
WITH inc, p_start, p_end, matters, downs, collect(DISTINCT up.id) AS ups
WITH inc, p_start, p_end, matters, ups + downs AS line
MATCH (x:`Person`|`Post`|`Organization`|`OrganizationalUnit`)
WHERE x.id = $party
// a seat: a post held during the period by the person (or of the post); a body is its own seat.
// The tenures are reached from the party (held by it, or of it), not looked up by date: one walk
// from the party as a person, one as a post, each looked up by $party (a walk from `x` over two
// relationship types, LadybugDB starts from every tenure).
OPTIONAL MATCH (xp:`Person`)<-[:`HELD_BY`]-(t1:`Tenure`)
  WHERE xp.id = $party AND t1.start <= p_end AND (t1.`end` IS NULL OR t1.`end` > p_start)
OPTIONAL MATCH (xq:`Post`)<-[:`OF_POST`]-(t2:`Tenure`)
  WHERE xq.id = $party AND t2.start <= p_end AND (t2.`end` IS NULL OR t2.`end` > p_start)
WITH inc, p_start, p_end, matters, line, x, coalesce(t1.id, t2.id) AS tid
OPTIONAL MATCH (t:`Tenure`)
  WHERE t.id = tid
OPTIONAL MATCH (t)-[:`HELD_BY`]->(h:`Person`), (t)-[:`OF_POST`]->(q:`Post`)-[:`POST_IN`]->(qb)
WITH inc, p_start, p_end, matters, line, x, h, q, coalesce(qb.id, x.id) AS seat_id
MATCH (seat:`Organization`|`OrganizationalUnit`)
WHERE seat.id = seat_id
// the seat's own clauses and those of its internal units (the seat and its units as ids looked up
// again, instead of `*0..1`: LadybugDB walks that from every body)
OPTIONAL MATCH (u)-[:`UNIT_OF`]->(seat)
WITH inc, p_start, p_end, matters, line, x, h, q, seat, [seat.id] + collect(u.id) AS db_ids
UNWIND db_ids AS db_id
MATCH (db:`Organization`|`OrganizationalUnit`)
WHERE db.id = db_id
MATCH (c:`DutyClause`)-[:`ASSIGNED_TO`]->(db), (c)-[:`IN_MANDATE`]->(md:`Mandate`)
WHERE EXISTS { MATCH (c)-[:`ON_MATTER`]->(m:`Matter`) WHERE m.id IN matters }
  AND coalesce(c.valid_from, md.valid_from) <= p_end
  AND (coalesce(c.valid_to, md.valid_to) IS NULL OR coalesce(c.valid_to, md.valid_to) >= p_start)
  AND coalesce(c.list_category, '') <> 'withdrawn'
  AND (EXISTS { MATCH (c)-[:`COVERS`]->(cd:`Division`) WHERE cd.id IN line }
       OR (NOT EXISTS { MATCH (c)-[:`COVERS`]->(:`Division`) }
           AND EXISTS { MATCH (db)-[:`LOCATED_IN`]->(ld:`Division`) WHERE ld.id IN line }))
UNWIND ['body', 'unit_post', 'principal', 'assignment'] AS via
// a 分工 of the seat's post in force during the period, naming this person or nobody ...
OPTIONAL MATCH (a:`LeadershipAssignment`)-[:`OF_POST`]->(q)
  WHERE via = 'assignment' AND a.mode IN ['in_charge', 'overall', 'assist']
    AND a.valid_from <= p_end AND (a.valid_to IS NULL OR a.valid_to >= p_start)
    AND (NOT EXISTS { MATCH (a)-[:`HELD_BY`]->(:`Person`) } OR EXISTS { MATCH (a)-[:`HELD_BY`]->(h) })
// ... covering the clause's body, or meeting the clause on one of the incident's own matters (both
// reach a common broader matter). Two OPTIONAL MATCH clauses, not one pattern: within one
// pattern Neo4j would not let the two walks share a BROADER edge.
OPTIONAL MATCH (inc)-[:`ON_MATTER`]->(own:`Matter`)-[:`BROADER`*0..]->(:`Matter`)<-[:`ON_MATTER`]-(a)
OPTIONAL MATCH (own)-[:`BROADER`*0..]->(cm:`Matter`)<-[:`ON_MATTER`]-(c)
WITH x, h, q, seat, db, c, via, a, count(cm) AS meets
WHERE (via = 'body' AND h.id IS NULL)
   OR (via = 'unit_post' AND h.id IS NOT NULL AND db.id = seat.id AND EXISTS { MATCH (seat)-[:`UNIT_OF`]->(:`Organization`) })
   OR (via = 'principal' AND h.id IS NOT NULL AND q.principal = true)
   OR (via = 'assignment' AND a.id IS NOT NULL AND (meets > 0 OR EXISTS { MATCH (a)-[:`OVER_BODY`]->(db) }))
RETURN DISTINCT x.id AS party, h.id AS person, h.name AS person_name, q.id AS post, q.name AS post_name,
       db.id AS body, db.name AS body_name, c.id AS clause, c.number AS number, c.role AS role,
       (c.role IN ['assist', 'coordinate'] OR coalesce(c.list_category, '') = 'assisting') AS limited,
       CASE WHEN via = 'assignment' THEN a.mode
            WHEN via = 'body' AND db.id <> seat.id THEN 'unit'
            ELSE via END AS link,
       a.id AS assignment,
       CASE WHEN via = 'unit_post' THEN 'direct'
            WHEN via = 'principal' THEN 'principal_leadership'
            WHEN via = 'assignment' AND a.mode = 'assist' THEN 'important_leadership'
            WHEN via = 'assignment' THEN 'principal_leadership' END AS degree
ORDER BY person, post, body, clause, link
