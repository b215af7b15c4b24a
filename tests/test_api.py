"""The HTTP API over the real app and a real graph, on both stores: every read endpoint,
the read-only /cypher door, errors as problem+json, caching, CORS and request ids."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from tests.api_helpers import ROW_CAP, is_problem, settings_for

# -- entities -----------------------------------------------------------------------------


def test_an_entity_comes_with_its_properties_and_resolved_sources(client: TestClient) -> None:
    response = client.get("/entities/be-hvb-antwerpen-2017-11-15-skype")
    assert response.status_code == 200
    decision = response.json()
    assert decision["kind"] == "Decision"
    assert decision["properties"]["date"] == "2017-11-15"
    assert "search_text" not in decision["properties"]
    source = next(s for s in decision["sources"] if s["key"] == "src-judgment-antwerpen-2017-11-15")
    assert source["title"] and source["publisher"] and source["date"]


def test_an_entity_is_found_by_key_whatever_its_kind(client: TestClient) -> None:
    kinds = {
        key: client.get(f"/entities/{key}").json()["kind"]
        for key in ("BE", "skype-communications-sarl", "be-hof-van-cassatie", "skype")
    }
    assert kinds == {
        "BE": "Jurisdiction",
        "skype-communications-sarl": "Company",
        "be-hof-van-cassatie": "Authority",
        "skype": "Service",
    }


def test_an_unknown_key_is_a_404_problem(client: TestClient) -> None:
    body = is_problem(client.get("/entities/no-such-entity"), 404)
    assert "no-such-entity" in body["detail"]


def test_entities_of_a_kind_come_in_pages_with_a_total(client: TestClient) -> None:
    first = client.get("/entities", params={"kind": "Jurisdiction", "limit": 3}).json()
    second = client.get("/entities", params={"kind": "Jurisdiction", "limit": 3, "offset": 3})
    assert first["total"] >= 6 and len(first["items"]) == 3
    keys = [i["key"] for i in first["items"] + second.json()["items"]]
    assert keys == sorted(keys) and len(set(keys)) == 6


def test_entities_filter_on_declared_properties(client: TestClient) -> None:
    found = client.get("/entities", params={"kind": "Decision", "fine_currency": "EUR"}).json()
    assert "be-corr-mechelen-2016-10-27-skype" in [i["key"] for i in found["items"]]
    on_day = client.get("/entities", params={"kind": "Decision", "date": "2017-11-15"}).json()
    assert [i["key"] for i in on_day["items"]] == ["be-hvb-antwerpen-2017-11-15-skype"]
    citing = client.get(
        "/entities",
        params={"kind": "Decision", "sources": "src-judgment-antwerpen-2017-11-15"},
    ).json()
    assert citing["total"] >= 1


def test_entities_refuse_unknown_kinds_properties_and_bad_values(client: TestClient) -> None:
    assert "Company" in is_problem(client.get("/entities", params={"kind": "Nope"}), 400)["detail"]
    body = is_problem(client.get("/entities", params={"kind": "Company", "colour": "red"}), 400)
    assert "lei" in body["detail"]
    is_problem(client.get("/entities", params={"kind": "Decision", "date": "yesterday"}), 400)
    is_problem(client.get("/entities", params={"kind": "Decision", "fine_amount": "lots"}), 400)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "Company", "limit": 0},
        {"kind": "Company", "limit": 501},
        {"kind": "Company", "offset": -1},
    ],
    ids=["no-kind", "limit-0", "limit-501", "offset-negative"],
)
def test_bad_paging_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    is_problem(client.get("/entities", params=params), 422)


# -- search -------------------------------------------------------------------------------


def test_search_ignores_case_and_accents_and_ranks_exact_matches_first(
    client: TestClient,
) -> None:
    hits = client.get("/search", params={"q": "SKYPE"}).json()["items"]
    assert hits[0] == {"kind": "Service", "key": "skype", "name": "Skype", "match": "exact"}
    assert [h["match"] for h in hits] == sorted(
        (h["match"] for h in hits), key=["exact", "prefix", "word", "contains"].index
    )
    accented = client.get("/search", params={"q": "skype communications s.a r.l"}).json()
    assert "skype-communications-sarl" in [h["key"] for h in accented["items"]]
    folded = client.get("/search", params={"q": "Skype Communications S.À R.L."}).json()
    assert folded["items"][0]["key"] == "skype-communications-sarl"


def test_search_by_kind_and_limit(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "skype", "kind": "Company", "limit": 1}).json()
    assert [h["kind"] for h in answer["items"]] == ["Company"]
    everything = client.get("/search", params={"q": "skype", "limit": 1}).json()
    assert everything["truncated"] is True
    nothing = client.get("/search", params={"q": "zzzz-nothing-matches"}).json()
    assert nothing["items"] == [] and nothing["truncated"] is False


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101}]
)
def test_bad_search_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    is_problem(client.get("/search", params=params), 422)


def test_a_search_of_only_punctuation_is_400(client: TestClient) -> None:
    is_problem(client.get("/search", params={"q": "  "}), 400)


# -- neighbourhood --------------------------------------------------------------------------


def test_the_neighbourhood_holds_nodes_and_the_relationships_between_them(
    client: TestClient,
) -> None:
    answer = client.get("/entities/skype-communications-sarl/neighbourhood").json()
    keys = [n["key"] for n in answer["nodes"]]
    assert keys[0] == "skype-communications-sarl" and "LU" in keys
    assert {
        "type": "INCORPORATED_IN",
        "start": "skype-communications-sarl",
        "end": "LU",
    }.items() <= next(r for r in answer["relationships"] if r["type"] == "INCORPORATED_IN").items()
    for rel in answer["relationships"]:
        assert rel["start"] in keys and rel["end"] in keys
    deeper = client.get("/entities/skype-communications-sarl/neighbourhood", params={"depth": 2})
    assert len(deeper.json()["nodes"]) > len(keys)


def test_the_neighbourhood_is_bounded_and_says_so(client: TestClient) -> None:
    answer = client.get("/entities/BE/neighbourhood", params={"depth": 3, "limit": 5}).json()
    assert len(answer["nodes"]) == 5 and answer["truncated"] is True


@pytest.mark.parametrize("params", [{"depth": 0}, {"depth": 4}, {"limit": 0}, {"depth": "x"}])
def test_bad_neighbourhood_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    is_problem(client.get("/entities/BE/neighbourhood", params=params), 422)


def test_the_neighbourhood_of_an_unknown_key_is_404(client: TestClient) -> None:
    is_problem(client.get("/entities/nobody/neighbourhood"), 404)


# -- schema, health, stats -----------------------------------------------------------------


def test_schema_lists_kinds_relationships_and_properties(client: TestClient) -> None:
    schema = client.get("/schema").json()
    kinds = {k["name"]: k for k in schema["kinds"]}
    assert "Company" in kinds and "Decision" in kinds
    assert "lei" in [p["name"] for p in kinds["Company"]["properties"]]
    subsidiary = next(r for r in schema["relationships"] if r["name"] == "SUBSIDIARY_OF")
    assert subsidiary["pairs"] == [["Company", "Company"]] and subsidiary["temporal"]


def test_health_readiness_and_stats(client: TestClient, location: str) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["backend"] == ("neo4j" if "://" in location else "ladybug")
    stats = client.get("/stats").json()
    assert stats["nodes"]["Jurisdiction"] > 0 and stats["relationships"]["DECIDED_IN"] > 0


# -- caching, CORS, request ids -------------------------------------------------------------


def test_get_answers_carry_an_etag_and_a_matching_if_none_match_is_304(
    client: TestClient,
) -> None:
    first = client.get("/entities/BE")
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/entities/BE", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get("/schema", headers={"If-None-Match": f'"other", {tag}'}).status_code == 304
    assert client.get("/entities/BE", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_cors_allows_the_configured_origins_only(location: str) -> None:
    app = create_app(settings_for(location, cors_origins=["https://app.example.org"]))
    with TestClient(app) as browser:
        allowed = browser.get("/entities/BE", headers={"Origin": "https://app.example.org"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
        assert "ETag" in allowed.headers["access-control-expose-headers"]
        preflight = browser.options(
            "/cypher",
            headers={
                "Origin": "https://app.example.org",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert "POST" in preflight.headers["access-control-allow-methods"]
        other = browser.get("/entities/BE", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_without_cors_origins_there_are_no_cors_headers(client: TestClient) -> None:
    answer = client.get("/entities/BE", headers={"Origin": "https://app.example.org"})
    assert "access-control-allow-origin" not in answer.headers


def test_request_ids_come_back_and_reach_the_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("reachgraph.api")
    logger.addHandler(caplog.handler)
    try:
        given = client.get("/entities/BE", headers={"X-Request-ID": "trace-42"})
        made = client.get("/entities/nobody")
        bad = client.get("/healthz", headers={"X-Request-ID": "no spaces allowed"})
    finally:
        logger.removeHandler(caplog.handler)
    assert given.headers["x-request-id"] == "trace-42"
    assert len(made.headers["x-request-id"]) == 32
    assert bad.headers["x-request-id"] != "no spaces allowed"
    lines = {record.request_id: record.getMessage() for record in caplog.records}  # type: ignore[attr-defined]
    assert lines["trace-42"].startswith("GET /entities/BE 200")
    assert lines[made.headers["x-request-id"]].startswith("GET /entities/nobody 404")


def test_every_route_has_a_stable_operation_id_and_documents_problems(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()}
    assert {
        "getEntity",
        "listEntities",
        "getNeighbourhood",
        "search",
        "runCypher",
        "getSchema",
        "ingest",
        "healthz",
        "readyz",
        "stats",
    } <= set(operations)
    for op in operations.values():
        assert "application/problem+json" in op["responses"]["422"]["content"]


# -- the /cypher door -------------------------------------------------------------------------

#: Attempts to change the graph, the server, its files or its settings: each is refused on
#: both stores. `{out}` is a folder that must stay empty.
WRITES = {
    "create": "CREATE (n:Company {key: 'intruder', name: 'Intruder'})",
    "merge": "MERGE (n:Company {key: 'intruder'}) SET n.name = 'Intruder'",
    "set": "MATCH (n:Company) SET n.name = 'changed'",
    "set-map-param": "MATCH (n:Company {key: $key}) SET n += $props",
    "delete": "MATCH (n:Source) DELETE n",
    "detach-delete": "MATCH (n) DETACH DELETE n",
    "remove": "MATCH (n:Company) REMOVE n.description",
    "drop-table": "DROP TABLE Company",
    "drop-constraint": "DROP CONSTRAINT entity_key",
    "create-index": "CREATE INDEX intruder FOR (n:Company) ON (n.name)",
    "create-constraint": "CREATE CONSTRAINT intruder FOR (n:Company) REQUIRE n.name IS UNIQUE",
    "alter-table": "ALTER TABLE Company ADD intruder STRING",
    "load-csv": "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load-csv-url": "LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line",
    "call-write-procedure": "CALL db.createLabel('Intruder')",
    "call-admin-procedure": "CALL dbms.listConfig()",
    "call-apoc": "CALL apoc.create.node(['Intruder'], {key: 'x'})",
    "foreach-create": "FOREACH (i IN [1] | CREATE (:Company {key: 'f', name: 'f'}))",
    "unwind-create": "UNWIND [1, 2] AS i CREATE (:Company {key: 'u' + toString(i), name: 'u'})",
    "after-line-comment": "// just a read\nCREATE (:Company {key: 'c', name: 'c'})",
    "after-block-comment": "/* MATCH (n) RETURN n */ CREATE (:Company {key: 'c', name: 'c'})",
    "in-subquery": "MATCH (n:Company) CALL (n) { SET n.name = 'sub' } RETURN count(n)",
    "in-old-subquery": "CALL { CREATE (:Company {key: 's', name: 's'}) } RETURN 1",
    "second-statement": "MATCH (n:Company) RETURN n.key; MATCH (m:Company) DETACH DELETE m",
    "commit-then-create": "COMMIT; CREATE (:Company {key: 'm', name: 'm'})",
    "begin": "BEGIN TRANSACTION",
    "copy-from": "COPY Company FROM '/etc/hostname'",
    "copy-to": "COPY (MATCH (n:Company) RETURN n.key) TO '{out}/companies.csv'",
    "load-from": "LOAD FROM '/etc/passwd' RETURN *",
    "load-from-in-query": "MATCH (n:Company) WITH n LIMIT 1 LOAD FROM '/etc/passwd' RETURN *",
    "export-database": "EXPORT DATABASE '{out}/export'",
    "import-database": "IMPORT DATABASE '{out}/export'",
    "attach": "ATTACH '{out}/other.lbug' AS other (dbtype lbug)",
    "use": "USE system SHOW USERS",
    "install-extension": "INSTALL fts",
    "load-extension": "LOAD EXTENSION fts",
    "change-setting": "CALL threads = 1",
    "checkpoint": "CHECKPOINT",
    "create-user": "CREATE USER intruder SET PASSWORD 'intruder-password'",
    "create-database": "CREATE DATABASE intruder",
    "show-settings": "SHOW SETTINGS",
    "terminate-transactions": "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "create-macro": "CREATE MACRO intruder(x) AS x + 1",
}


def snapshot(client: TestClient) -> tuple[str, Any]:
    return client.get("/readyz").json()["data_version"], client.get("/stats").json()


@pytest.mark.parametrize("attempt", list(WRITES.values()), ids=list(WRITES))
def test_the_cypher_door_refuses_every_write(
    client: TestClient, attempt: str, tmp_path: Path
) -> None:
    before = snapshot(client)
    query = attempt.replace("{out}", str(tmp_path))
    params = {"key": "skype-communications-sarl", "props": {"name": "changed"}}
    response = client.post("/cypher", json={"query": query, "params": params})
    body = is_problem(response, response.status_code)
    assert 400 <= response.status_code < 500 and body["detail"]
    assert snapshot(client) == before
    assert list(tmp_path.iterdir()) == []
    name = client.get("/entities/skype-communications-sarl").json()["name"]
    assert name == "Skype Communications S.à r.l."


@pytest.mark.parametrize(
    "query",
    [
        "RETURN 'CREATE (n)' AS text",
        "MATCH (n:Company) // then DETACH DELETE n\nRETURN count(n) AS n",
        "MATCH (n:Company) WHERE n.name CONTAINS 'SET' OR n.key = 'set' RETURN n.key",
        "MATCH (n:Decision) RETURN n.date AS day ORDER BY day LIMIT 1",
    ],
    ids=["keyword-in-string", "keyword-in-comment", "keyword-as-value", "dates"],
)
def test_reads_that_mention_write_words_run(client: TestClient, query: str) -> None:
    response = client.post("/cypher", json={"query": query})
    assert response.status_code == 200, response.text


def test_a_read_returns_columns_rows_and_parameters(client: TestClient) -> None:
    answer = client.post(
        "/cypher",
        json={
            "query": "MATCH (d:Decision {key: $key}) RETURN d.key AS key, d.date AS day, d",
            "params": {"key": "be-hvb-antwerpen-2017-11-15-skype"},
        },
    ).json()
    assert answer["columns"] == ["key", "day", "d"] and answer["truncated"] is False
    key, day, node = answer["rows"][0]
    assert (key, day) == ("be-hvb-antwerpen-2017-11-15-skype", "2017-11-15")
    assert node["_kind"] == "Decision" and node["key"] == key


def test_the_stores_own_introspection_runs(client: TestClient, location: str) -> None:
    neo4j = "://" in location
    query = (
        "CALL db.labels() YIELD label RETURN label" if neo4j else "CALL show_tables() RETURN name"
    )
    rows = client.post("/cypher", json={"query": query}).json()["rows"]
    assert ["Company"] in rows


def test_the_row_cap_truncates_and_a_lower_one_can_be_asked(client: TestClient) -> None:
    query = {"query": "MATCH (n:Source) RETURN n.key"}
    capped = client.post("/cypher", json=query).json()
    assert len(capped["rows"]) == ROW_CAP and capped["truncated"] is True
    lower = client.post("/cypher", json={**query, "row_cap": 3}).json()
    assert len(lower["rows"]) == 3 and lower["truncated"] is True
    higher = client.post("/cypher", json={**query, "row_cap": 10 * ROW_CAP}).json()
    assert len(higher["rows"]) == ROW_CAP
    whole = client.post("/cypher", json={"query": "RETURN 1 AS one", "row_cap": 1}).json()
    assert whole == {"columns": ["one"], "rows": [[1]], "truncated": False}


def test_a_query_past_its_time_limit_is_cancelled_with_a_408_problem(client: TestClient) -> None:
    slow = "MATCH (a), (b), (c), (d) WHERE a.key + b.key + c.key + d.key <> '' RETURN count(*)"
    body = is_problem(client.post("/cypher", json={"query": slow, "timeout": 0.5}), 408)
    assert "time limit" in body["detail"]


def test_a_syntax_error_is_a_400_with_the_stores_message(client: TestClient) -> None:
    body = is_problem(client.post("/cypher", json={"query": "MATCH (n:Company RETURN n"}), 400)
    assert "RETURN" in body["detail"] or "line" in body["detail"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"query": ""},
        {"query": 42},
        {"query": "RETURN 1", "params": [1, 2]},
        {"query": "RETURN 1", "timeout": 0},
        {"query": "RETURN 1", "timeout": "soon"},
        {"query": "RETURN 1", "row_cap": 0},
        {"query": "RETURN 1", "row_cap": 1.5},
    ],
    ids=[
        "empty",
        "blank",
        "number",
        "params-list",
        "timeout-0",
        "timeout-text",
        "cap-0",
        "cap-float",
    ],
)
def test_bad_cypher_requests_are_422(client: TestClient, payload: dict[str, Any]) -> None:
    is_problem(client.post("/cypher", json=payload), 422)


def test_a_missing_parameter_is_an_error_on_neo4j_and_null_on_ladybug(
    client: TestClient, location: str
) -> None:
    response = client.post("/cypher", json={"query": "RETURN $missing AS x"})
    if "://" in location:
        assert "missing" in is_problem(response, 400)["detail"]
    else:
        assert response.json()["rows"] == [[None]]


def test_a_skip_that_crashes_ladybugdb_is_refused_there(client: TestClient, location: str) -> None:
    query = "UNWIND range(1, 10) AS x RETURN x ORDER BY x SKIP 50000 LIMIT 1"
    response = client.post("/cypher", json={"query": query})
    if "://" in location:
        assert response.json()["rows"] == []
    else:
        assert "SKIP" in is_problem(response, 403)["detail"]
    assert client.get("/healthz").status_code == 200
    far = client.get("/entities", params={"kind": "Company", "offset": 1_000_000})
    assert far.json()["items"] == [] and far.json()["total"] > 0
