// conflicts: which data does one jurisdiction compel while another's law blocks disclosure, on a day, and which channels are there?
//
// A conflict is a body of data that a compelling rule of one jurisdiction reaches while a
// blocking rule of another applies to it on the same day, for at least one category both
// cover (lookups on the derived REACHES, as `exposure`). Two jurisdictions where one is part
// of the other (Belgium and the EU) do not conflict. The channels are instruments marked
// `channel` (an MLAT, a CLOUD Act agreement, the Budapest Convention) in force with a party
// on each side: the jurisdiction itself, an order it is part of, or a part of it; a territory
// counts only where the instrument was extended to it. Whether a channel lifts the bar
// depends on the blocking rule's strength: unless_channel yields to one, absolute and
// qualified do not by themselves.
//
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @param standing REACHES.standing[] = enacted,asserted,established  Standings to include, comma-separated, or all
// @column data string  Key of the data in conflict
// @column compelling string  The jurisdiction that compels disclosure
// @column compelling_rule string  Its ReachRule
// @column compelled_categories string_list  The data's categories it compels
// @column blocking string  The jurisdiction whose law blocks disclosure
// @column blocking_rule string  Its ReachRule
// @column blocked_categories string_list  The data's categories it blocks
// @column strength string  How strongly it blocks: absolute, unless_channel or qualified
// @column unconfirmed boolean  The day is before the first evidence of a fact on either side's paths (one that holds "at least since" a day)
// @column channels string_set  Keys of the instruments that channel requests between the two sides
WITH $as_of AS t, $known_on AS k
MATCH (hc:Jurisdiction)-[c:REACHES]->(d:Data)<-[b:REACHES]-(hb:Jurisdiction)
WHERE c.effect = 'compels' AND b.effect = 'blocks'
  AND c.law_of = hc.key AND b.law_of = hb.key AND hc.key <> hb.key
  AND c.standing IN $standing AND b.standing IN $standing
  AND coalesce(c.valid_from, date('0001-01-01')) <= t
  AND (c.valid_until IS NULL OR t < c.valid_until)
  AND coalesce(c.known_from, date('0001-01-01')) <= k
  AND (c.known_until IS NULL OR k < c.known_until)
  AND coalesce(b.valid_from, date('0001-01-01')) <= t
  AND (b.valid_until IS NULL OR t < b.valid_until)
  AND coalesce(b.known_from, date('0001-01-01')) <= k
  AND (b.known_until IS NULL OR k < b.known_until)
  AND any(cat IN c.categories WHERE cat IN b.categories)
  AND NOT EXISTS { MATCH (hc)-[:PART_OF]->(hb) }
  AND NOT EXISTS { MATCH (hb)-[:PART_OF]->(hc) }
WITH t, k, d, hc, c.rule AS compelling_rule, c.categories AS compelled, hb,
     b.rule AS blocking_rule, b.categories AS blocked, b.strength AS strength,
     min(CASE WHEN c.unconfirmed OR b.unconfirmed THEN 1 ELSE 0 END) = 1 AS unconfirmed
// The channels depend on the two sides only: looked up once for each pair of
// jurisdictions in conflict, not once for each conflict.
WITH t, k, hc, hb,
     collect({data: d.key, compelling_rule: compelling_rule, compelled: compelled,
              blocking_rule: blocking_rule, blocked: blocked, strength: strength,
              unconfirmed: unconfirmed}) AS found
OPTIONAL MATCH route = (hc)-[:PART_OF*0..1]-(a:Jurisdiction)<-[:PARTY]-(ch:Law)
               -[:PARTY]->(z:Jurisdiction)-[:PART_OF*0..1]-(hb)
WHERE ch.channel = true AND a.key <> z.key
  AND coalesce(ch.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(ch.in_force_until, date('9999-12-31'))
  AND coalesce(ch.known_from, date('0001-01-01')) <= k
// Every membership and party on the way must hold on the day (the UK left the EU on
// 2020-02-01). Tested after the OPTIONAL MATCH: LadybugDB drops every route when the test is
// in its WHERE.
WITH hc, hb, found,
     collect(DISTINCT CASE WHEN all(r IN relationships(route)
                                    WHERE coalesce(r.valid_from, date('0001-01-01')) <= t
                                      AND (r.valid_until IS NULL OR t < r.valid_until))
                           THEN ch.key END) AS channels
UNWIND found AS x
RETURN x.data AS data, hc.key AS compelling, x.compelling_rule AS compelling_rule,
       x.compelled AS compelled_categories, hb.key AS blocking, x.blocking_rule AS blocking_rule,
       x.blocked AS blocked_categories, x.strength AS strength, x.unconfirmed AS unconfirmed,
       channels
ORDER BY data, compelling, compelling_rule, blocking, blocking_rule
