// channels: which instruments channel requests between two jurisdictions on a day?
//
// An instrument marked `channel` (an MLAT, a CLOUD Act agreement, the Budapest Convention,
// the European Investigation Order) in force on the day, with a party on each side: the
// jurisdiction itself, an order it is part of, or a part of it, on the day.
//
// @param a Jurisdiction  One jurisdiction's key (any case)
// @param b Jurisdiction  The other's
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column channel string  Key of the instrument
// @column name string  Its name
// @column citation string  Its citation
// @column party_a string  The party on a's side
// @column party_b string  The party on b's side
WITH $as_of AS t, $known_on AS k
MATCH route = (ja:Jurisdiction {key: $a})-[:PART_OF*0..1]-(x:Jurisdiction)<-[:PARTY]-(ch:Law)
      -[:PARTY]->(y:Jurisdiction)-[:PART_OF*0..1]-(jb:Jurisdiction {key: $b})
WHERE ch.channel = true AND x.key <> y.key
  AND coalesce(ch.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(ch.in_force_until, date('9999-12-31'))
  AND coalesce(ch.known_from, date('0001-01-01')) <= k
  // every membership and party on the way holds on the day (the UK is no EU member in 2023)
  AND all(r IN relationships(route) WHERE coalesce(r.valid_from, date('0001-01-01')) <= t
                                      AND (r.valid_until IS NULL OR t < r.valid_until))
RETURN DISTINCT ch.key AS channel, ch.name AS name, ch.citation AS citation,
       x.key AS party_a, y.key AS party_b
ORDER BY channel, party_a, party_b
