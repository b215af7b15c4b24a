// control_chain: who controls a company on a day, up to the ultimate parent, and where is each incorporated?
//
// Walks SUBSIDIARY_OF from the company upwards, through relationships that hold on the day
// and are known on known_on. The company itself is depth 0. `ultimate` marks a company with
// no parent on that day. A company incorporated in several places gives several rows.
//
// @param company Company  Key of the Company
// @param as_of date = today  The day the answer is true on
// @param known_on date = 9999-12-31  Count only facts whose sources were published by this day
// @column depth integer  Steps from the company (0 is the company itself)
// @column company string  Key of the controlling company
// @column name string  Its name
// @column incorporated_in string  Where it is incorporated on the day (empty if not recorded)
// @column ultimate boolean  True for the top of the chain
// @column path_nodes nodes  The chain from the company to this one
// @column path_rels relationships  The SUBSIDIARY_OF relationships of the chain
WITH $as_of AS t, $known_on AS k
MATCH p = (c:Company {key: $company})-[:SUBSIDIARY_OF*0..10]->(parent)
WHERE all(r IN relationships(p) WHERE
          coalesce(r.valid_from, date('0001-01-01')) <= t
          AND t < coalesce(r.valid_until, date('9999-12-31'))
          AND coalesce(r.known_from, date('0001-01-01')) <= k)
OPTIONAL MATCH (parent)-[s:SUBSIDIARY_OF]->(owner:Company)
WHERE coalesce(s.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(s.valid_until, date('9999-12-31'))
  AND coalesce(s.known_from, date('0001-01-01')) <= k
WITH t, k, p, parent, count(owner) = 0 AS ultimate
OPTIONAL MATCH (parent)-[i:INCORPORATED_IN]->(x:Jurisdiction)
WHERE coalesce(i.valid_from, date('0001-01-01')) <= t
  AND t < coalesce(i.valid_until, date('9999-12-31'))
  AND coalesce(i.known_from, date('0001-01-01')) <= k
RETURN size(relationships(p)) AS depth, parent.key AS company, parent.name AS name,
       x.key AS incorporated_in, ultimate, nodes(p) AS path_nodes, relationships(p) AS path_rels
ORDER BY depth, company, incorporated_in
