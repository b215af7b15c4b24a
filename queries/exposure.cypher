// exposure: which jurisdictions' laws reach one body of data on a day, compelling or blocking disclosure?
//
// The same matching as `reach`, anchored on one Data node and open to every jurisdiction and
// both effects: `compels` rows say who can order disclosure, `blocks` rows say whose law
// forbids disclosure abroad without a channel. Pairs of the two from different jurisdictions
// are the conflicts (see `conflicts`, and `channels` for the instruments that resolve them).
//
// @param data string  Key of the Data node
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column jurisdiction string  The jurisdiction whose law it is
// @column effect string  compels or blocks
// @column basis string  The reach basis that matched
// @column rule string  Key of the ReachRule
// @column law string  Key of the Law the rule is under
// @column citation string  The law's official citation
// @column path_nodes nodes  The nodes of the matching path, from the data to the rule
// @column path_rels relationships  The relationships of the path, in order
WITH $as_of AS t, $known_on AS k
MATCH p = (d:Data {key: $data})-[first:STORED_IN|GENERATED_BY|HELD_BY|CONCERNS_SUBJECT_IN]->()
          -[:LOCATED_IN|OFFERED_IN|SUBSIDIARY_OF|INCORPORATED_IN*0..9]->()
          -[:PART_OF*0..1]->(home:Jurisdiction)
          <-[:ENACTED_BY|PARTY]-(law:Law)<-[:UNDER]-(rule:ReachRule)
WHERE rule.basis = first.basis
  AND (d.category = 'mixed' OR 'mixed' IN rule.categories OR d.category IN rule.categories)
  AND coalesce(rule.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(rule.valid_until, date('9999-12-31'))
  AND coalesce(law.in_force_from, date('0001-01-01')) <= t
  AND t < coalesce(law.in_force_until, date('9999-12-31'))
  AND coalesce(rule.known_from, date('0001-01-01')) <= k
  AND all(r IN relationships(p) WHERE
          coalesce(r.valid_from, date('0001-01-01')) <= t
          AND t < coalesce(r.valid_until, date('9999-12-31'))
          AND coalesce(r.known_from, date('0001-01-01')) <= k)
RETURN home.key AS jurisdiction, rule.effect AS effect, rule.basis AS basis, rule.key AS rule,
       law.key AS law, law.citation AS citation, nodes(p) AS path_nodes,
       relationships(p) AS path_rels
ORDER BY home.key, rule.effect, rule.key, law.key
