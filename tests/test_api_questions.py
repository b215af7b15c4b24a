"""The named questions over HTTP, on both stores: typed parameters, typed answers with
paths and sentences, the composed exposure, what-if, and errors as problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from reachgraph.graph.stores import open_store
from reachgraph.paging import pageable
from reachgraph.queries import catalog
from reachgraph.questions import ask
from tests.api_helpers import is_problem
from tests.conftest import PASSWORD

DAY = "2017-11-15"
SKYPE_DATA = "skype-user-data-be-2012"
SKYPE = "skype-communications-sarl"
#: A what-if change: Skype stops being Microsoft's subsidiary on DAY.
SKYPE_SOLD = {
    "action": "end",
    "start": SKYPE,
    "type": "SUBSIDIARY_OF",
    "end": "microsoft-corporation",
    "on": DAY,
}


def test_every_named_query_is_an_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name, query in catalog().items():
        operation = paths[f"/questions/{name}"]["get"]
        assert operation["summary"] == query.summary
        paging = {"limit", "cursor", "format"} if pageable(query) else set()
        assert {p["name"] for p in operation["parameters"]} == {
            p.name for p in query.params
        } | paging
    listed = client.get("/questions").json()
    assert [q["name"] for q in listed] == list(catalog())


def test_reach_answers_with_paths_as_sentences(client: TestClient, location: str) -> None:
    response = client.get("/questions/reach", params={"jurisdiction": "BE", "as_of": DAY})
    assert response.status_code == 200 and response.headers["etag"]
    answers = response.json()
    skype = [a for a in answers if a["data"] == SKYPE_DATA]
    assert all("service_targeting" in a["bases"] for a in skype)
    step = skype[0]["path"]["steps"][1]
    assert step["type"] == "OFFERED_IN" and step["sentence"].startswith(
        "Skype is offered in Belgium"
    )
    direct = open_store(location, password=PASSWORD)
    with direct:
        expected = [
            a.model_dump(mode="json")
            for a in ask(direct, "reach", {"jurisdiction": "BE", "as_of": DAY})
        ]
    assert answers == expected, "the API answers what the question layer answers"


def test_the_same_answer_is_not_sent_twice(client: TestClient) -> None:
    first = client.get("/questions/control_chain", params={"company": SKYPE, "as_of": DAY})
    again = client.get(
        "/questions/control_chain",
        params={"company": SKYPE, "as_of": DAY},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


def test_exposure_with_conflicts_and_channels(client: TestClient) -> None:
    body = client.get(f"/exposure/{SKYPE_DATA}", params={"as_of": DAY}).json()
    assert ("BE", "service_targeting") in {
        (r["jurisdiction"], b) for r in body["compelling"] for b in r["bases"]
    }
    assert "LU" in {r["jurisdiction"] for r in body["blocking"]}
    pairs = {(c["compelling"], c["blocking"]) for c in body["conflicts"]}
    assert ("BE", "LU") in pairs
    assert all(isinstance(c["channels"], list) for c in body["conflicts"])


def test_what_if_changes_the_answer_not_the_graph(client: TestClient) -> None:
    params = {"company": SKYPE, "as_of": DAY}
    sold = {**SKYPE_SOLD, "on": "2017-01-01"}
    before = client.get("/stats").json()
    response = client.post(
        "/questions/control_chain/what-if", json={"params": params, "changes": [sold]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [a["company"] for a in body["answers"]] == [SKYPE]
    real = client.get("/questions/control_chain", params=params).json()
    assert [a["company"] for a in real] == [SKYPE, "microsoft-corporation"]
    assert [a["company"] for a in body["lost"]] == [SKYPE, "microsoft-corporation"]
    assert [a["company"] for a in body["gained"]] == [SKYPE]  # now the ultimate parent
    assert body["overlay"] is False  # control_chain is not a lookup on derived answers
    assert client.get("/stats").json() == before


def test_a_what_if_on_reach_is_an_overlay_with_its_difference(client: TestClient) -> None:
    """Skype sold on 2017-01-01: on DAY the US no longer reaches the Skype data on control."""
    params = {"jurisdiction": "US", "as_of": DAY}
    sold = {**SKYPE_SOLD, "on": "2017-01-01"}
    body = client.post("/questions/reach/what-if", json={"params": params, "changes": [sold]})
    assert body.status_code == 200, body.text
    answer = body.json()
    real = client.get("/questions/reach", params=params).json()
    assert answer["overlay"] is True
    lost = {(a["data"], a["rule"]) for a in answer["lost"]}
    assert lost and all(data == SKYPE_DATA for data, _ in lost)
    assert {(a["data"], a["rule"]) for a in answer["answers"]} == {
        (a["data"], a["rule"]) for a in real
    } - lost


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/questions/reach", {"as_of": DAY}, 422),
        ("/questions/reach", {"jurisdiction": "BE", "as_of": "2017-13-01"}, 422),
        ("/questions/reach", {"jurisdiction": "BE", "known_on": "yesterday"}, 422),
        ("/questions/control_chain", {"company": ""}, 422),
        ("/questions/precedents", {}, 422),
        ("/questions/nothing-of-the-sort", {}, 404),
    ],
)
def test_bad_parameters_are_problems(
    client: TestClient, path: str, params: dict[str, Any], status: int
) -> None:
    is_problem(client.get(path, params=params), status)


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("control_chain", {"params": {"company": SKYPE}, "changes": []}, 422),
        (
            "control_chain",
            {
                "params": {"company": SKYPE},
                "changes": [
                    {"action": "end", "start": SKYPE, "type": "BELONGS_TO", "end": "LU", "on": DAY}
                ],
            },
            400,
        ),
        (
            "control_chain",
            {
                "params": {"company": SKYPE},
                "changes": [
                    {
                        "action": "end",
                        "start": "no-such-key",
                        "type": "SUBSIDIARY_OF",
                        "end": "x",
                        "on": DAY,
                    }
                ],
            },
            400,
        ),
        (
            "control_chain",
            {
                "params": {},
                "changes": [SKYPE_SOLD],
            },
            422,
        ),
        (
            "nothing",
            {
                "params": {},
                "changes": [SKYPE_SOLD],
            },
            422,
        ),
    ],
)
def test_bad_what_if_requests_are_problems(
    client: TestClient, name: str, body: dict[str, Any], status: int
) -> None:
    is_problem(client.post(f"/questions/{name}/what-if", json=body), status)


@pytest.mark.parametrize(
    ("url", "status", "named"),
    [
        ("/reach/XX", 404, "'jurisdiction'"),
        ("/exposure/nope", 404, "'data'"),
        ("/questions/reach?jurisdiction=XX", 404, "'jurisdiction'"),
        ("/questions/precedents?basis=foo", 422, "'basis'"),
        ("/reach/BE?standing=sure", 422, "'standing'"),
    ],
)
def test_unknown_input_is_a_problem_that_names_it(
    client: TestClient, url: str, status: int, named: str
) -> None:
    assert named in is_problem(client.get(url), status)["detail"]


def test_codes_are_case_insensitive_and_reach_has_its_own_route(client: TestClient) -> None:
    lower = client.get("/reach/be", params={"as_of": DAY}).json()
    assert (
        lower == client.get("/questions/reach", params={"jurisdiction": "BE", "as_of": DAY}).json()
    )
    assert any(a["data"] == SKYPE_DATA and a["standing"] == "established" for a in lower)


def test_an_unknown_parameter_is_a_problem_not_a_silent_default(client: TestClient) -> None:
    body = is_problem(
        client.get("/questions/reach", params={"jurisdiction": "BE", "as_ofx": DAY}), 422
    )
    assert "as_ofx" in body["detail"]
