"""Bad HTTP input: malformed dates, 1 MB parameters, unknown codes and keys, injection strings,
negative and huge limits and depths to every GET route with parameters, and bad bodies and
content types to the POST routes, on both stores (the bundled dataset).

Pass: no answer is a 5xx; an invalid input is a 4xx problem+json; no invalid input is answered
200 with an empty list. A few inputs are valid though odd (an injection string as the value of
a filter or a search): they may be answered 200, and then a filter's answer must be empty
and a search's must hold only entities that contain the text, rather than the whole graph.
Every case goes into hostile.FIGURES for the table at the end of the run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from reachgraph.graph.schema import fold
from reachgraph.queries import catalog
from tests.api_helpers import ROW_CAP, settings_for
from tests.security.hostile import FIGURES

#: A large parameter: about the most a URL can carry through httpx (64 KiB; an HTTP server
#: refuses a long request head itself), where bodies carry 1 MB.
BIG = "x" * 60_000
MB = "x" * 2**20
INJECTIONS = {
    "quote": "BE'",
    "or-1-1": "' OR 1=1",
    "or-1-1-double": '" OR "1"="1',
    "detach-delete": "}) MATCH (n) DETACH DELETE n //",
    "union": "x' RETURN 1 UNION MATCH (n) RETURN n //",
    "param": "$jurisdiction",
    "nul": "BE\x00",
    "newline": "BE\nMATCH (n) DETACH DELETE n",
    "look-alike": "\uff22\uff25",  # fullwidth BE
}
BAD_DATES = {
    "feb-30": "2017-02-30",
    "year-0": "0000-01-01",
    "year-10000": "10000-01-01",
    "negative": "-0001-01-01",
    "month-13": "2017-13-01",
    "word": "yesterday",
    "iso-time": "2017-01-01T00:00:00Z",
    "big": BIG,
    "injection": "2017-01-01' OR 1=1",
}
#: Valid values of each parameter that names something, from the bundled dataset.
VALID = {
    "jurisdiction": "BE",
    "a": "BE",
    "b": "US",
    "data": "skype-user-data-be-2012",
    "company": "skype-communications-sarl",
    "key": "skype-communications-sarl",
    "basis": "territoriality",
}
HUGE = str(10**30)


@dataclass
class Request:
    id: str
    method: str
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    body: bytes | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: valid though odd: may be a 200, whose answer must then be empty (`empty` says where)
    valid: bool = False


def _question_cases() -> list[Request]:
    cases = []
    for query in catalog().values():
        required = {p.name: VALID.get(p.name, "x") for p in query.params if p.default is None}
        url = f"/questions/{query.name}"
        for param in query.params:
            base = f"{query.name}-{param.name}"
            if param.type == "date":
                bad = BAD_DATES
            elif param.type == "integer":
                bad = {"negative": "-1", "huge": HUGE, "word": "many"}
            else:
                bad = {**INJECTIONS, "big": BIG, "unknown": "no-such-thing", "blank": " "}
            for name, value in bad.items():
                cases.append(
                    Request(f"q-{base}-{name}", "GET", url, {**required, param.name: value})
                )
            if param.default is None:
                missing = {k: v for k, v in required.items() if k != param.name}
                cases.append(Request(f"q-{base}-missing", "GET", url, missing))
    return cases


def _path_cases(route: str, what: str) -> list[Request]:
    cases = [
        Request(f"{route}-{name}", "GET", f"/{route}/{value}")
        for name, value in {**INJECTIONS, "big": BIG, "unknown": "no-such-thing"}.items()
        if "\n" not in value and "\x00" not in value
    ]
    cases += [Request(f"{route}-%00", "GET", f"/{route}/{what}%00")]
    for param in ("as_of", "known_on"):
        cases += [
            Request(f"{route}-{param}-{name}", "GET", f"/{route}/{what}", {param: value})
            for name, value in BAD_DATES.items()
        ]
    cases += [
        Request(f"{route}-standing-{name}", "GET", f"/{route}/{what}", {"standing": value})
        for name, value in {"bogus": "bogus", "or": "' OR 1=1", "big": BIG, "comma": ","}.items()
    ]
    return cases


def _entity_cases() -> list[Request]:
    page = "/entities"
    cases = [
        Request("entities-no-kind", "GET", page),
        Request("entities-kind-bogus", "GET", page, {"kind": "Bogus"}),
        Request("entities-kind-injection", "GET", page, {"kind": "Company) DETACH DELETE (n"}),
        Request("entities-kind-big", "GET", page, {"kind": BIG}),
        Request("entities-unknown-filter", "GET", page, {"kind": "Company", "bogus": "x"}),
        Request("entities-filter-big-name", "GET", page, {"kind": "Company", BIG: "x"}),
        Request("entities-bad-date-filter", "GET", page, {"kind": "Source", "date": "2017-02-30"}),
        Request("entities-year-0-filter", "GET", page, {"kind": "Source", "date": "0000-01-01"}),
        Request("entities-bad-bool-filter", "GET", page, {"kind": "Service", "x": "maybe"}),
    ]
    for name, value in {"negative": "-1", "zero": "0", "huge": HUGE, "word": "ten"}.items():
        cases.append(
            Request(f"entities-limit-{name}", "GET", page, {"kind": "Company", "limit": value})
        )
        if name != "zero":
            cases.append(
                Request(
                    f"entities-offset-{name}", "GET", page, {"kind": "Company", "offset": value}
                )
            )
    for name, value in INJECTIONS.items():
        cases.append(
            Request(
                f"entities-filter-{name}",
                "GET",
                page,
                {"kind": "Company", "name": value},
                valid=True,
            )
        )
    key = VALID["company"]
    for name, value in {**INJECTIONS, "big": BIG, "unknown": "no-such-thing"}.items():
        if "\n" not in value and "\x00" not in value:
            cases.append(Request(f"entity-{name}", "GET", f"/entities/{value}"))
            cases.append(
                Request(f"neighbourhood-{name}", "GET", f"/entities/{value}/neighbourhood")
            )
    for param in ("depth", "limit"):
        for name, value in {"negative": "-1", "zero": "0", "huge": HUGE, "word": "x"}.items():
            cases.append(
                Request(
                    f"neighbourhood-{param}-{name}",
                    "GET",
                    f"/entities/{key}/neighbourhood",
                    {param: value},
                )
            )
    return cases


def _search_cases() -> list[Request]:
    cases = [
        Request("search-no-q", "GET", "/search"),
        Request("search-empty-q", "GET", "/search", {"q": ""}),
        Request("search-big", "GET", "/search", {"q": BIG}),
        Request("search-kind-bogus", "GET", "/search", {"q": "skype", "kind": "Bogus"}),
        Request("search-kind-injection", "GET", "/search", {"q": "skype", "kind": "' OR 1=1"}),
    ]
    for name, value in {"negative": "-1", "zero": "0", "huge": HUGE, "word": "x"}.items():
        cases.append(
            Request(f"search-limit-{name}", "GET", "/search", {"q": "skype", "limit": value})
        )
    for name, value in INJECTIONS.items():
        cases.append(Request(f"search-{name}", "GET", "/search", {"q": value}, valid=True))
    return cases


def _export_cases() -> list[Request]:
    cases = [
        Request("export-format-bogus", "GET", "/export/bogus"),
        Request("export-format-injection", "GET", "/export/' OR 1=1"),
        Request("export-around-big", "GET", "/export/node-link", {"around": BIG}),
        Request("export-around-empty", "GET", "/export/node-link", {"around": ""}),
    ]
    for name, value in {**INJECTIONS, "unknown": "no-such-thing"}.items():
        cases.append(
            Request(f"export-around-{name}", "GET", "/export/node-link", {"around": value})
        )
    for name, value in {"negative": "-1", "zero": "0", "huge": HUGE, "word": "x"}.items():
        cases.append(
            Request(
                f"export-depth-{name}",
                "GET",
                "/export/graphml",
                {"around": VALID["company"], "depth": value},
            )
        )
    return cases


def _post_cases() -> list[Request]:
    what_if = "/questions/reach/what-if"
    change = {
        "action": "end",
        "start": "skype-communications-sarl",
        "type": "SUBSIDIARY_OF",
        "end": "microsoft-corporation",
        "on": "2017-01-01",
    }
    json_type = {"content-type": "application/json"}
    return [
        Request("what-if-not-json", "POST", what_if, body=b"{not json", headers=json_type),
        Request("what-if-truncated", "POST", what_if, body=b'{"changes": [', headers=json_type),
        Request(
            "what-if-text-plain",
            "POST",
            what_if,
            body=b"changes",
            headers={"content-type": "text/plain"},
        ),
        Request(
            "what-if-form",
            "POST",
            what_if,
            body=b"changes=1",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        Request("what-if-empty-body", "POST", what_if, body=b"", headers=json_type),
        Request("what-if-array", "POST", what_if, json=[change]),
        Request("what-if-no-changes", "POST", what_if, json={"changes": []}),
        Request("what-if-too-many", "POST", what_if, json={"changes": [change] * 1000}),
        Request(
            "what-if-unknown-question",
            "POST",
            "/questions/bogus/what-if",
            json={"changes": [change]},
        ),
        Request(
            "what-if-bad-params",
            "POST",
            what_if,
            json={"params": {"jurisdiction": "' OR 1=1"}, "changes": [change]},
        ),
        Request(
            "what-if-bad-date",
            "POST",
            what_if,
            json={"params": {"jurisdiction": "BE", "as_of": "2017-02-30"}, "changes": [change]},
        ),
        Request(
            "what-if-bad-change-date",
            "POST",
            what_if,
            json={"params": {"jurisdiction": "BE"}, "changes": [{**change, "on": "0000-01-01"}]},
        ),
        Request(
            "what-if-change-injection",
            "POST",
            what_if,
            json={
                "params": {"jurisdiction": "BE"},
                "changes": [{**change, "type": "SUBSIDIARY_OF]->() DETACH DELETE n //"}],
            },
        ),
        Request(
            "what-if-unknown-endpoint",
            "POST",
            what_if,
            json={"params": {"jurisdiction": "BE"}, "changes": [{**change, "start": "nobody"}]},
        ),
        Request(
            "what-if-params-not-object",
            "POST",
            what_if,
            json={"params": ["BE"], "changes": [change]},
        ),
        Request(
            "what-if-1mb-param",
            "POST",
            what_if,
            json={"params": {"jurisdiction": MB}, "changes": [change]},
        ),
        Request(
            "cypher-not-json", "POST", "/cypher", body=b"MATCH (n) RETURN n", headers=json_type
        ),
        Request(
            "cypher-text-plain",
            "POST",
            "/cypher",
            body=b"MATCH (n) RETURN n",
            headers={"content-type": "text/plain"},
        ),
        Request("cypher-query-number", "POST", "/cypher", json={"query": 5}),
        Request("cypher-query-empty", "POST", "/cypher", json={"query": ""}),
        Request("cypher-query-null", "POST", "/cypher", json={"query": None}),
        Request("cypher-query-1mb", "POST", "/cypher", json={"query": "RETURN '" + MB + "'"}),
        Request("cypher-params-list", "POST", "/cypher", json={"query": "RETURN 1", "params": [1]}),
        Request(
            "cypher-nested-json",
            "POST",
            "/cypher",
            body=b"[" * 100_000 + b"]" * 100_000,
            headers=json_type,
        ),
        Request("cypher-syntax", "POST", "/cypher", json={"query": "MATCH (n RETURN n"}),
        Request("cypher-delete", "POST", "/cypher", json={"query": "MATCH (n) DETACH DELETE n"}),
    ]


CASES = (
    _question_cases()
    + _path_cases("reach", "BE")
    + _path_cases("exposure", VALID["data"])
    + _entity_cases()
    + _search_cases()
    + _export_cases()
    + _post_cases()
)


@pytest.fixture(scope="module")
def api(location: str) -> Iterator[TestClient]:
    """The real app over the bundled dataset, answering 500s instead of raising them."""
    settings = settings_for(location, row_cap=ROW_CAP)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _empty(body: Any) -> bool:
    """An answer with nothing in it: an empty list, or an object whose lists are all empty."""
    if isinstance(body, list):
        return not body
    if isinstance(body, dict):
        lists = [v for v in body.values() if isinstance(v, list)]
        return bool(lists) and not any(lists)
    return False


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_a_4xx_never_a_5xx_or_an_empty_200(
    case: Request, api: TestClient, location: str
) -> None:
    backend = "neo4j" if "://" in location else "ladybug"
    start = time.perf_counter()
    response = api.request(
        case.method,
        case.url,
        params=case.params,
        content=case.body,
        json=case.json,
        headers=case.headers,
    )
    seconds = time.perf_counter() - start
    status = response.status_code
    body: Any = None
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
    outcome = (
        "5xx"
        if status >= 500
        else "refused"
        if status >= 400
        else "empty-200"
        if _empty(body) and not case.valid
        else "answered"
    )
    FIGURES.append((backend, "http-bad", case.id, outcome, seconds, 0.0))
    assert status < 500, f"{case.id}: {status} {response.text[:2000]}"
    assert seconds < 15, seconds
    if case.valid:
        # An odd but valid input: a 200 must not be the whole graph (an injection that worked).
        if status == 200 and isinstance(body, dict):
            found: list[Any] = body.get("items") or body.get("results") or []
            if case.id.startswith("search-"):
                # A real search for the text: each entity found holds every word of it
                # ("Latombe's" holds "BE'"; fullwidth B and E fold to "be"), nothing else.
                words = fold(str(case.params["q"])).split()
                named = [fold(f"{i['key']} {i['name']}") for i in found]
                assert all(w in text for text in named for w in words), f"{case.id}: {found}"
                if case.id == "search-look-alike":
                    assert found
            else:
                assert not found and not body.get("total"), f"{case.id}: {str(body)[:2000]}"
        return
    assert 400 <= status < 500, f"{case.id}: {status} {response.text[:2000]}"
    assert response.headers["content-type"] == "application/problem+json", response.text[:500]
    problem = response.json()
    # A path no route matches (`//` in a key) is starlette's plain 404, without a detail.
    assert problem["title"] and (problem["detail"] or status == 404), response.text[:500]
