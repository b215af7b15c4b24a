// request_volumes: how many government requests for user data did providers report, by jurisdiction or by company, over a period, and how many did they answer?
//
// The rows of the providers' transparency reports (RequestVolume, loaded by
// `reachgraph import-transparency`) whose reporting period overlaps [from, until), for one
// requesting jurisdiction and/or one reporting company (`any` for all). The figures are the
// providers' own, with the compilers' caveats: `estimated` where the provider published
// "<10" (shown as 5.5), `halved_from_yearly` where a yearly figure was split into two
// half-years; an empty figure was not published, which is not 0. US National Security
// Letters and FISA orders are not included.
//
// @param jurisdiction Jurisdiction = any  Code of the requesting jurisdiction (any case), or any
// @param company Company = any  Key of the reporting Company (google-llc), or any
// @param from date = 0001-01-01  Count periods that end after this day
// @param until date = 9999-12-31  Count periods that start before this day (exclusive)
// @param known_on date = 9999-12-31  Count only figures whose sources were published by this day
// @column jurisdiction string  Code of the requesting jurisdiction
// @column jurisdiction_name string  Its name
// @column company string  Key of the Company that reported
// @column company_name string  Its name
// @column period_start date  First day of the reporting period
// @column period_end date  First day after it
// @column requests float  Requests for user data received
// @column disclosed_requests float  Requests where some data was disclosed (empty: not published)
// @column disclosure_rate float  Their share, 0 to 1 (empty: not published)
// @column accounts float  Users or accounts specified (empty: not published)
// @column estimated boolean  A "<10" published by the provider, shown as 5.5
// @column halved_from_yearly boolean  Half of a yearly figure
// @column volume string  Key of the RequestVolume
// @column sources string_list  The provider's report, then the compilation it was read in
MATCH (v:RequestVolume)-[:FROM_AUTHORITIES_OF]->(j:Jurisdiction),
      (v)-[:REPORTED_BY]->(c:Company)
WHERE ($jurisdiction = 'any' OR j.key = $jurisdiction)
  AND ($company = 'any' OR c.key = $company)
  AND v.period_start < $until AND $from < v.period_end
  AND coalesce(v.known_from, date('0001-01-01')) <= $known_on
RETURN j.key AS jurisdiction, j.name AS jurisdiction_name, c.key AS company,
       c.name AS company_name, v.period_start AS period_start, v.period_end AS period_end,
       v.requests AS requests, v.disclosed_requests AS disclosed_requests,
       v.disclosure_rate AS disclosure_rate, v.accounts AS accounts,
       v.estimated AS estimated, v.halved_from_yearly AS halved_from_yearly,
       v.key AS volume, v.sources AS sources
ORDER BY jurisdiction, company, period_start
