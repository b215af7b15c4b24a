// dispute_story: the story of a dispute - the request, who made it, who refused, every decision up the appeal hierarchy, fines and outcome.
//
// Give the key of a Proceeding or of the DataRequest it is about. One row per decision, in
// date order, with the request's facts repeated on each row (a request with no decision yet
// gives one row with empty decision columns). `appeal_of` and `appeal_effect` say which
// lower decision a decision affirms, reverses or vacates.
//
// @param key string  Key of a Proceeding or a DataRequest
// @column request string  Key of the DataRequest
// @column request_name string  Its name
// @column request_date date  When it was made
// @column request_kind string  order, warrant, production order, ...
// @column status string  complied, refused, partly, pending or moot
// @column issued_by string  Name of the authority that made it
// @column addressed_to string  Name of the company it was addressed to
// @column proceeding string  Key of the Proceeding
// @column docket string  Its docket number
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
// @column sources string_list  Sources of the decision
MATCH (pr:Proceeding)-[:ABOUT]->(req:DataRequest)
WHERE pr.key = $key OR req.key = $key
OPTIONAL MATCH (req)-[:ISSUED_BY]->(issuer:Authority)
OPTIONAL MATCH (req)-[:ADDRESSED_TO]->(addressee:Company)
OPTIONAL MATCH (dec:Decision)-[:DECIDED_IN]->(pr)
OPTIONAL MATCH (dec)-[:DECIDED_BY]->(court:Authority)
OPTIONAL MATCH (dec)-[ap:APPEAL_OF]->(lower:Decision)
RETURN req.key AS request, req.name AS request_name, req.date AS request_date,
       req.request_kind AS request_kind, req.status AS status, issuer.name AS issued_by,
       addressee.name AS addressed_to, pr.key AS proceeding, pr.docket AS docket,
       dec.key AS decision, dec.date AS date, court.name AS court, court.level AS level,
       dec.citation AS citation, dec.outcome AS outcome, dec.fine_amount AS fine_amount,
       dec.fine_currency AS fine_currency, dec.holding AS holding, lower.key AS appeal_of,
       ap.effect AS appeal_effect, dec.sources AS sources
ORDER BY date, decision, appeal_of, request
