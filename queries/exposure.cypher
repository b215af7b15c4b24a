// exposure: which jurisdictions' laws reach one body of data on a day, compelling or blocking disclosure?
//
// The same lookup as `reach` (on the derived REACHES), anchored on one Data node, for every
// jurisdiction's own law and both effects: `compels` rows say who can order disclosure,
// `blocks` rows say whose law forbids disclosure abroad and how strongly (absolute,
// unless_channel, qualified). Pairs of the two from different jurisdictions that share a
// category are the conflicts (see `conflicts`, and `channels` for the instruments between).
//
// @param data Data  Key of the Data node
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @param standing REACHES.standing[] = enacted,asserted,established  Standings to include, comma-separated, or all
// @column jurisdiction string  The jurisdiction whose law it is
// @column effect string  compels or blocks
// @column strength string  For blocks: absolute, unless_channel or qualified
// @column bases string_list  The bases that hold
// @column categories string_list  The data's categories the rule reaches
// @column categories_not_reached string_list  The data's categories it does not reach
// @column rule string  Key of the ReachRule
// @column law string  Key of the Law the rule is under
// @column citation string  The law's official citation
// @column standing string  enacted, asserted, established or rejected, on the day
// @column decided_by string  The law, decision or request that gives the standing
// @column decided_on date  The day it took effect
// @column decision_citation string  Its ECLI, docket or citation
// @column court string  The court, for a decision
// @column valid_from date  First day of the span this answer holds over (empty: open)
// @column valid_until date  Day after its last (empty: open)
// @column valid_from_at_least boolean  valid_from is only the first evidence of a fact on the paths: the answer holds at least since then
// @column unconfirmed boolean  The day is before the first evidence of such a fact: the answer may hold, but no source shows it
// @column paths paths  One path per basis, from the data to the rule
WITH $as_of AS t, $known_on AS k
MATCH (j:Jurisdiction)-[x:REACHES]->(d:Data {key: $data})
WHERE x.law_of = j.key AND x.standing IN $standing
  AND coalesce(x.valid_from, date('0001-01-01')) <= t
  AND (x.valid_until IS NULL OR t < x.valid_until)
  AND coalesce(x.known_from, date('0001-01-01')) <= k
  AND (x.known_until IS NULL OR k < x.known_until)
RETURN j.key AS jurisdiction, x.effect AS effect, x.strength AS strength, x.bases AS bases,
       x.categories AS categories, x.categories_not_reached AS categories_not_reached,
       x.rule AS rule, x.law AS law, x.citation AS citation, x.standing AS standing,
       x.decided_by AS decided_by, x.decided_on AS decided_on,
       x.decision_citation AS decision_citation, x.court AS court, x.valid_from AS valid_from,
       x.valid_until AS valid_until, x.valid_from_at_least AS valid_from_at_least,
       x.unconfirmed AS unconfirmed, x.paths AS paths
ORDER BY jurisdiction, effect, rule, law
