// conflicts: which data does one jurisdiction compel while another's law blocks disclosure, on a day, and which channels resolve it?
//
// A conflict is a body of data that a compelling rule of one jurisdiction reaches while a
// blocking rule of another applies to it on the same day (matching as in `reach`). Two
// jurisdictions where one is part of the other (Belgium and the EU) do not conflict. The
// conflict is channelled when an instrument marked `channel` (an MLAT, a CLOUD Act
// agreement, the Budapest Convention) is in force with a party on each side: the
// jurisdiction itself, an order it is part of, or a part of it.
//
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column data string  Key of the data in conflict
// @column compelling string  The jurisdiction that compels disclosure
// @column compelling_rule string  Its ReachRule
// @column blocking string  The jurisdiction whose law blocks disclosure
// @column blocking_rule string  Its ReachRule
// @column channels string_set  Keys of the instruments that channel requests between the two sides
WITH $as_of AS t, $known_on AS k
MATCH pc = (d:Data)-[fc:STORED_IN|GENERATED_BY|HELD_BY|CONCERNS_SUBJECT_IN]->()
           -[:LOCATED_IN|OFFERED_IN|SUBSIDIARY_OF|INCORPORATED_IN*0..9]->()
           -[:PART_OF*0..1]->(hc:Jurisdiction)
           <-[:ENACTED_BY|PARTY]-(lc:Law)<-[:UNDER]-(rc:ReachRule)
WHERE rc.effect = 'compels' AND rc.basis = fc.basis
  AND (d.category = 'mixed' OR 'mixed' IN rc.categories OR d.category IN rc.categories)
  AND coalesce(rc.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(rc.valid_until, date('9999-12-31'))
  AND coalesce(lc.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(lc.in_force_until, date('9999-12-31'))
  AND coalesce(rc.known_from, date('0001-01-01')) <= k
  AND all(r IN relationships(pc) WHERE
          coalesce(r.valid_from, date('0001-01-01')) <= t
          AND t < coalesce(r.valid_until, date('9999-12-31'))
          AND coalesce(r.known_from, date('0001-01-01')) <= k)
WITH DISTINCT t, k, d, hc, rc
MATCH pb = (d)-[fb:STORED_IN|GENERATED_BY|HELD_BY|CONCERNS_SUBJECT_IN]->()
           -[:LOCATED_IN|OFFERED_IN|SUBSIDIARY_OF|INCORPORATED_IN*0..9]->()
           -[:PART_OF*0..1]->(hb:Jurisdiction)
           <-[:ENACTED_BY|PARTY]-(lb:Law)<-[:UNDER]-(rb:ReachRule)
WHERE rb.effect = 'blocks' AND rb.basis = fb.basis
  AND hb.key <> hc.key
  AND NOT EXISTS { MATCH (hc)-[:PART_OF]->(hb) }
  AND NOT EXISTS { MATCH (hb)-[:PART_OF]->(hc) }
  AND (d.category = 'mixed' OR 'mixed' IN rb.categories OR d.category IN rb.categories)
  AND coalesce(rb.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(rb.valid_until, date('9999-12-31'))
  AND coalesce(lb.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(lb.in_force_until, date('9999-12-31'))
  AND coalesce(rb.known_from, date('0001-01-01')) <= k
  AND all(r IN relationships(pb) WHERE
          coalesce(r.valid_from, date('0001-01-01')) <= t
          AND t < coalesce(r.valid_until, date('9999-12-31'))
          AND coalesce(r.known_from, date('0001-01-01')) <= k)
WITH DISTINCT t, k, d, hc, rc, hb, rb
OPTIONAL MATCH (hc)-[:PART_OF*0..1]-(a:Jurisdiction)<-[pa:PARTY]-(ch:Law)
               -[pz:PARTY]->(z:Jurisdiction)-[:PART_OF*0..1]-(hb)
WHERE ch.channel = true AND a.key <> z.key
  AND coalesce(ch.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(ch.in_force_until, date('9999-12-31'))
  AND coalesce(pa.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(pa.valid_until, date('9999-12-31'))
  AND coalesce(pz.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(pz.valid_until, date('9999-12-31'))
  AND coalesce(ch.known_from, date('0001-01-01')) <= k
RETURN d.key AS data, hc.key AS compelling, rc.key AS compelling_rule, hb.key AS blocking,
       rb.key AS blocking_rule, collect(DISTINCT ch.key) AS channels
ORDER BY data, compelling, compelling_rule, blocking, blocking_rule
