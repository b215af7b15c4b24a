// dispute_story: the story of a dispute - what it is about, the request, who made it, every decision up the appeal hierarchy and through references, fines and outcome.
//
// Give the key of a Proceeding, or of what a proceeding is about (a DataRequest, a Law, a
// Company or a Service). One row per decision, in date order, with the proceeding's and the
// request's facts repeated on each row (a proceeding with no decision yet gives one row with
// empty decision columns; one about a law or a company has empty request columns).
// `appeal_of` and `appeal_effect` say which lower decision a decision affirms, reverses or
// vacates; `refers_to` names the court a decision referred questions to, `answered_by` the
// judgment that answered them, `answers` the reference a judgment answers, `follows` the
// earlier holdings it applies.
//
// @param key Entity  Key of a Proceeding, or of a DataRequest, Law, Company or Service it is about
// @column proceeding string  Key of the Proceeding
// @column docket string  Its docket number
// @column about string_set  Keys of what it is about
// @column request string  Key of the DataRequest
// @column request_name string  Its name
// @column request_date date  When it was made
// @column request_kind string  order, warrant, production order, ...
// @column status string  complied, refused, partly, pending or moot
// @column issued_by string  Name of the authority that made it
// @column addressed_to string  Name of the company it was addressed to
// @column decision string  Key of the Decision
// @column date date  Date of the decision
// @column court string  Name of the court
// @column level string  The court's rung: first_instance, appeal, supreme, ...
// @column citation string  ECLI, reporter citation or docket of the decision
// @column outcome string  The outcome in brief
// @column fine_amount float  Fine imposed or upheld, if any
// @column fine_currency string  Its currency
// @column holding string  The holding, in the project's words
// @column appeal_of string  Key of the decision it rules on, on appeal
// @column appeal_effect string  affirms, reverses, vacates, ...
// @column refers_to string  Key of the court it referred questions to
// @column answered_by string  Key of the judgment that answered its reference
// @column answers string  Key of the referring decision it answers
// @column follows string_set  Keys of decisions whose holding it follows
// @column sources string_list  Sources of the decision
MATCH (pr:Proceeding)
OPTIONAL MATCH (pr)-[:ABOUT]->(subject)
WITH pr, collect(subject.key) AS about
WHERE pr.key = $key OR $key IN about
OPTIONAL MATCH (pr)-[:ABOUT]->(req:DataRequest)
OPTIONAL MATCH (req)-[:ISSUED_BY]->(issuer:Authority)
OPTIONAL MATCH (req)-[:ADDRESSED_TO]->(addressee:Company)
OPTIONAL MATCH (dec:Decision)-[:DECIDED_IN]->(pr)
OPTIONAL MATCH (dec)-[:DECIDED_BY]->(court:Authority)
OPTIONAL MATCH (dec)-[ap:APPEAL_OF]->(lower:Decision)
OPTIONAL MATCH (dec)-[:REFERS_TO]->(referred:Authority)
OPTIONAL MATCH (answer:Decision)-[:ANSWERS]->(dec)
OPTIONAL MATCH (dec)-[:ANSWERS]->(answered:Decision)
OPTIONAL MATCH (dec)-[:FOLLOWS]->(followed:Decision)
RETURN pr.key AS proceeding, pr.docket AS docket, about, req.key AS request,
       req.name AS request_name, req.date AS request_date, req.request_kind AS request_kind,
       req.status AS status, issuer.name AS issued_by, addressee.name AS addressed_to,
       dec.key AS decision, dec.date AS date, court.name AS court, court.level AS level,
       dec.citation AS citation, dec.outcome AS outcome, dec.fine_amount AS fine_amount,
       dec.fine_currency AS fine_currency, dec.holding AS holding, lower.key AS appeal_of,
       ap.effect AS appeal_effect, referred.key AS refers_to, answer.key AS answered_by,
       answered.key AS answers, collect(DISTINCT followed.key) AS follows,
       dec.sources AS sources
ORDER BY date, decision, appeal_of, request, proceeding
