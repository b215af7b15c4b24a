// reach: which data does the law of a jurisdiction reach on a day, on which bases, with what standing, and why?
//
// A lookup on the derived REACHES relationships (ingest/derive.py; docs/model.md says how
// they are derived from the curated graph): a rule of the jurisdiction's law, of an order it
// is part of on the day (EU law for Belgium), or of a treaty it is a party to, reaches a body
// of data when every basis of the rule has a path from the data to that jurisdiction on the
// day, and the rule covers one of the data's categories:
//   territoriality     Data -STORED_IN-> DataCenter -LOCATED_IN-> place
//   presence           Data -HELD_BY-> Company -HAS_PRESENCE_IN-> place (or a company of its
//                      group, for a rule with `group`)
//   service_targeting  Data -GENERATED_BY-> Service -OFFERED_IN-> place
//   control            Data -HELD_BY-> Company -SUBSIDIARY_OF*-> Company -INCORPORATED_IN-> place
//   data_subject       Data -CONCERNS_SUBJECT_IN-> place
// where the place is the jurisdiction or part of it. Every relationship on the paths holds on
// the day and is known on known_on. The standing says who says so: enacted (a law in force
// states it), asserted (an authority claimed it in a request, undecided), established (a
// court held it), rejected (a court rejected it; left out unless asked for). One row per
// rule and data; `paths` holds one path per basis, from the data to the rule.
//
// @param jurisdiction Jurisdiction  Jurisdiction key: ISO 3166 code or EU, e.g. BE (any case)
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @param standing REACHES.standing[] = enacted,asserted,established  Standings to include, comma-separated, or all
// @column data string  Key of the data reached
// @column data_name string  Its name
// @column categories string_list  The data's categories the rule reaches
// @column categories_not_reached string_list  The data's categories it does not reach
// @column bases string_list  The bases that hold (all of the rule's)
// @column rule string  Key of the ReachRule
// @column law string  Key of the Law the rule is under
// @column citation string  The law's official citation
// @column law_of string  The jurisdiction whose law it is (the asked one, or one it is part of)
// @column standing string  enacted, asserted, established or rejected, on the day
// @column decided_by string  The law, decision or request that gives the standing
// @column decided_on date  The day it took effect
// @column decision_citation string  Its ECLI, docket or citation
// @column court string  The court, for a decision
// @column valid_from date  First day of the span this answer holds over (empty: open)
// @column valid_until date  Day after its last (empty: open)
// @column valid_from_at_least boolean  valid_from is only the first evidence of a fact on the paths: the answer holds at least since then
// @column unconfirmed boolean  The day is before the first evidence of such a fact: the answer may hold, but no source shows it
// @column paths paths  One path per basis, from the data to the rule, with sentences and sources
WITH $as_of AS t, $known_on AS k
MATCH (j:Jurisdiction {key: $jurisdiction})-[x:REACHES]->(d:Data)
WHERE x.effect = 'compels' AND x.standing IN $standing
  AND coalesce(x.valid_from, date('0001-01-01')) <= t
  AND (x.valid_until IS NULL OR t < x.valid_until)
  AND coalesce(x.known_from, date('0001-01-01')) <= k
  AND (x.known_until IS NULL OR k < x.known_until)
RETURN d.key AS data, d.name AS data_name, x.categories AS categories,
       x.categories_not_reached AS categories_not_reached, x.bases AS bases, x.rule AS rule,
       x.law AS law, x.citation AS citation, x.law_of AS law_of, x.standing AS standing,
       x.decided_by AS decided_by, x.decided_on AS decided_on,
       x.decision_citation AS decision_citation, x.court AS court, x.valid_from AS valid_from,
       x.valid_until AS valid_until, x.valid_from_at_least AS valid_from_at_least,
       x.unconfirmed AS unconfirmed, x.paths AS paths
ORDER BY data, rule, law, law_of
