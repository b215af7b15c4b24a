// reach: which data does the law of a jurisdiction reach on a day, on which basis, and why?
//
// A rule counts when it compels disclosure, is valid on the day, sits under a law in force
// that day, and that law is the jurisdiction's own, a law of an order it is part of (EU law
// for Belgium), or a treaty it is a party to. The rule reaches data when a path from the data
// matches the rule's basis (the relationship the path starts with carries the basis):
//   territoriality     Data -STORED_IN-> DataCenter -LOCATED_IN-> place
//   service_targeting  Data -GENERATED_BY-> Service -OFFERED_IN-> place
//   control            Data -HELD_BY-> Company -SUBSIDIARY_OF*0..8-> Company -INCORPORATED_IN-> place
//   data_subject       Data -CONCERNS_SUBJECT_IN-> place
// and the place is the law's jurisdiction or part of it. Every relationship on the path must
// hold on the day (valid_from <= as_of < valid_until) and be known on known_on (its earliest
// source published by then). Data of category `mixed`, or rules covering `mixed`, match any
// category. One row per matching path.
//
// @param jurisdiction string  Jurisdiction key: ISO 3166 code or EU, e.g. BE
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column data string  Key of the data reached
// @column data_name string  Its name
// @column category string  Its category
// @column basis string  The reach basis that matched
// @column rule string  Key of the ReachRule
// @column law string  Key of the Law the rule is under
// @column citation string  The law's official citation
// @column law_of string  The jurisdiction whose law it is (the asked one, or one it is part of)
// @column path_nodes nodes  The nodes of the matching path, from the data to the rule
// @column path_rels relationships  The relationships of the path, in order
WITH $as_of AS t, $known_on AS k
MATCH (j:Jurisdiction {key: $jurisdiction})
MATCH p = (d:Data)-[first:STORED_IN|GENERATED_BY|HELD_BY|CONCERNS_SUBJECT_IN]->()
          -[:LOCATED_IN|OFFERED_IN|SUBSIDIARY_OF|INCORPORATED_IN*0..9]->()
          -[:PART_OF*0..1]->(home:Jurisdiction)
          <-[:ENACTED_BY|PARTY]-(law:Law)<-[:UNDER]-(rule:ReachRule)
WHERE rule.effect = 'compels'
  AND rule.basis = first.basis
  AND (home.key = j.key
       OR EXISTS { MATCH (j)-[m:PART_OF]->(home)
                   WHERE coalesce(m.valid_from, date('0001-01-01')) <= t
                     AND t < coalesce(m.valid_until, date('9999-12-31')) })
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
RETURN d.key AS data, d.name AS data_name, d.category AS category, rule.basis AS basis,
       rule.key AS rule, law.key AS law, law.citation AS citation, home.key AS law_of,
       nodes(p) AS path_nodes, relationships(p) AS path_rels
ORDER BY d.key, rule.key, law.key, home.key
