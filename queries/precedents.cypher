// precedents: which decisions established or rejected a reach basis, in which jurisdictions, in date order?
//
// Every Decision that a ReachRule with the basis among its bases names as ESTABLISHED_BY or
// REJECTED_BY, with the court and the jurisdiction it belongs to, and how it links to other
// decisions: the reference it answers (a judgment of the Court of Justice on a national
// court's preliminary reference) and the holdings it follows.
//
// @param basis ReachRule.bases  territoriality, presence, service_targeting, control or data_subject
// @column date date  Date of the decision
// @column decision string  Key of the Decision
// @column decision_name string  Its name
// @column citation string  ECLI, reporter citation or docket
// @column court string  Name of the court
// @column jurisdiction string  The court's jurisdiction
// @column stance string  established or rejected
// @column rule string  Key of the ReachRule
// @column rule_name string  Its name
// @column effect string  compels or blocks
// @column answers string  The referring decision it answers, if any
// @column follows string_set  Decisions whose holding it follows
MATCH (rule:ReachRule)-[e:ESTABLISHED_BY|REJECTED_BY]->(dec:Decision)
WHERE $basis IN rule.bases
OPTIONAL MATCH (dec)-[:DECIDED_BY]->(court:Authority)
OPTIONAL MATCH (court)-[:BELONGS_TO]->(j:Jurisdiction)
OPTIONAL MATCH (dec)-[:ANSWERS]->(referring:Decision)
OPTIONAL MATCH (dec)-[:FOLLOWS]->(followed:Decision)
RETURN dec.date AS date, dec.key AS decision, dec.name AS decision_name,
       dec.citation AS citation, court.name AS court, j.key AS jurisdiction,
       CASE WHEN EXISTS { MATCH (rule)-[:ESTABLISHED_BY]->(dec) } THEN 'established'
            ELSE 'rejected' END AS stance,
       rule.key AS rule, rule.name AS rule_name, rule.effect AS effect,
       referring.key AS answers, collect(DISTINCT followed.key) AS follows
ORDER BY date, decision, rule
