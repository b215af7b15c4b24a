// precedents: which decisions established or rejected a reach basis, in which jurisdictions, in date order?
//
// Every Decision that a ReachRule of the basis names as ESTABLISHED_BY or REJECTED_BY, with
// the court and the jurisdiction it belongs to.
//
// @param basis string  territoriality, service_targeting, control or data_subject
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
MATCH (rule:ReachRule {basis: $basis})-[e:ESTABLISHED_BY|REJECTED_BY]->(dec:Decision)
OPTIONAL MATCH (dec)-[:DECIDED_BY]->(court:Authority)
OPTIONAL MATCH (court)-[:BELONGS_TO]->(j:Jurisdiction)
RETURN dec.date AS date, dec.key AS decision, dec.name AS decision_name,
       dec.citation AS citation, court.name AS court, j.key AS jurisdiction,
       CASE WHEN EXISTS { MATCH (rule)-[:ESTABLISHED_BY]->(dec) } THEN 'established'
            ELSE 'rejected' END AS stance,
       rule.key AS rule, rule.name AS rule_name, rule.effect AS effect
ORDER BY dec.date, dec.key, rule.key
