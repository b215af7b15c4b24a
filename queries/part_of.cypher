// part_of: which legal orders is a jurisdiction part of on a day?
//
// Follows PART_OF upwards through relationships that hold on the day (Belgium is part of
// the EU from 1958; Washington is part of the US).
//
// @param jurisdiction Jurisdiction  Jurisdiction key (any case)
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column parent string  Key of the order it is part of
// @column name string  Its name
// @column since date  First day of the membership, if recorded
WITH $as_of AS t, $known_on AS k
MATCH (j:Jurisdiction {key: $jurisdiction})-[m:PART_OF]->(o:Jurisdiction)
WHERE coalesce(m.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(m.valid_until, date('9999-12-31'))
  AND coalesce(m.known_from, date('0001-01-01')) <= k
RETURN o.key AS parent, o.name AS name, m.valid_from AS since
ORDER BY o.key
