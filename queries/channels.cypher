// channels: which instruments channel requests between two jurisdictions on a day?
//
// An instrument marked `channel` (an MLAT, a CLOUD Act agreement, the Budapest Convention,
// the European Investigation Order) in force on the day, with a party on each side: the
// jurisdiction itself, an order it is part of, or a part of it.
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
MATCH (ja:Jurisdiction {key: $a})-[:PART_OF*0..1]-(x:Jurisdiction)<-[px:PARTY]-(ch:Law)
      -[py:PARTY]->(y:Jurisdiction)-[:PART_OF*0..1]-(jb:Jurisdiction {key: $b})
WHERE ch.channel = true AND x.key <> y.key
  AND coalesce(ch.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(ch.in_force_until, date('9999-12-31'))
  AND coalesce(px.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(px.valid_until, date('9999-12-31'))
  AND coalesce(py.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(py.valid_until, date('9999-12-31'))
  AND coalesce(ch.known_from, date('0001-01-01')) <= k
RETURN DISTINCT ch.key AS channel, ch.name AS name, ch.citation AS citation,
       x.key AS party_a, y.key AS party_b
ORDER BY channel, party_a, party_b
