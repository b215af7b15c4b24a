"""Paging a named question's answer (reachgraph/paging.py), in Python, over HTTP and on the
command line: the pages, read one after the other, are the whole answer, for several page
sizes, on the bundled data and on a generated graph, on both stores, and so is the answer
streamed as JSON lines; a bad limit or cursor names the parameter; a cursor of another data
version is refused."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from reachgraph.api.app import create_app
from reachgraph.client import ReachGraph
from reachgraph.graph.errors import InvalidParameter, StaleCursor
from reachgraph.paging import MAX_LIMIT, Cursor, _digest, order_of
from reachgraph.queries import named
from tests.api_helpers import is_problem, settings_for
from tests.conftest import PASSWORD
from tests.generated import GRAPHS, Loaded, busiest, graph_id, load_graph

CLI = str(Path(sys.executable).parent / "reachgraph")
SIZES = [1, 5, 17]


@pytest.fixture(scope="module", params=GRAPHS, ids=graph_id)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    yield from load_graph(request, tmp_path_factory)


def questions(loaded: Loaded) -> list[tuple[str, dict[str, Any]]]:
    """Questions with answers of several pages on the graph."""
    if loaded.graph == "bundled":
        return [
            ("reach", {"jurisdiction": "US", "as_of": "2017-01-01"}),
            ("reach", {"jurisdiction": "US", "as_of": "2019-06-01", "standing": "all"}),
            ("reach", {"jurisdiction": "BR", "as_of": "2019-06-01"}),
            ("reach", {"jurisdiction": "BE", "as_of": "2018-01-01", "standing": "all"}),
            ("conflicts", {"as_of": "2019-01-01"}),
            ("conflicts", {"as_of": "2016-01-01", "standing": "all"}),
            ("conflicts", {"as_of": "2024-01-01", "known_on": "2020-01-01"}),
        ]
    days = [datetime.date(2009, 6, 1), datetime.date(2024, 1, 1)]
    known: list[dict[str, Any]] = [{}, {"known_on": datetime.date(2024, 6, 1)}]
    return [
        ("reach", {"jurisdiction": jurisdiction, "as_of": day, **on})
        for jurisdiction in busiest(loaded.store, 3)
        for day in days
        for on in known
    ] + [("conflicts", {"as_of": day, "standing": "all"}) for day in days]


def pages(graph: ReachGraph, name: str, params: dict[str, Any], size: int) -> list[list[Any]]:
    """Every page of an answer, following each page's cursor to the end."""
    found: list[list[Any]] = []
    cursor = None
    while True:
        page = graph.page(name, params, limit=size, cursor=cursor)
        found.append(page.items)
        assert len(found) < 10_000, "the cursors go round in circles"
        if page.next is None:
            return found
        cursor = page.next


def dumped(answers: list[BaseModel]) -> list[dict[str, Any]]:
    return [a.model_dump(mode="json") for a in answers]


def test_pages_are_the_whole_answer(loaded: Loaded) -> None:
    """For every page size: the pages in order are the whole answer in its order, every page
    but the last is full, and the stream (page by page) is the same answer."""
    graph = ReachGraph(loaded.store)
    total = 0
    for name, params in questions(loaded):
        whole = dumped(graph.ask(name, params))
        total += len(whole)
        for size in SIZES:
            got = pages(graph, name, params, size)
            assert [a for page in got for a in dumped(page)] == whole, (name, params, size)
            assert all(len(page) == size for page in got[:-1]), (name, params, size)
            assert len(got[-1]) <= size and (got[-1] or not whole)
        assert dumped(list(graph.stream(name, params, limit=3))) == whole
    assert total > 100


def test_every_question_that_grows_with_the_graph_is_paged() -> None:
    for name in ("reach", "conflicts", "request_volumes", "precedents", "dispute_story"):
        assert order_of(named(name), "ladybug") and order_of(named(name), "neo4j"), name
    assert order_of(named("explain"), "ladybug") is None


REACH_US = {"jurisdiction": "US", "as_of": "2017-01-01"}


def old_cursor(params: dict[str, Any]) -> str:
    """A cursor of the reach question as if issued under another data version."""
    bound = named("reach").bind(params)
    keys = order_of(named("reach"), "neo4j") or ()
    return Cursor(_digest("reach", bound), "an-old-version", 2, ("a",) * len(keys)).text()


def test_a_bad_limit_or_cursor_names_the_parameter(loaded: Loaded) -> None:
    graph = ReachGraph(loaded.store)
    for limit in (0, -1, MAX_LIMIT + 1, "ten"):
        with pytest.raises(InvalidParameter, match="'limit'"):
            graph.page("reach", REACH_US, limit=limit)  # type: ignore[arg-type]
    for cursor in ("xyz", "e30", Cursor("d", "v", 5, ("a",)).text()):
        with pytest.raises(InvalidParameter, match="'cursor'"):
            graph.page("reach", REACH_US, cursor=cursor)
    other = graph.page("reach", {**REACH_US, "as_of": "2018-01-01"}, limit=1).next
    if other:  # the generated graph's US may have one answer or none that day
        with pytest.raises(InvalidParameter, match="'cursor' belongs to other parameters"):
            graph.page("reach", REACH_US, cursor=other)
    with pytest.raises(StaleCursor, match="'cursor' is of data version an-old-version"):
        graph.page("reach", REACH_US, cursor=old_cursor(REACH_US))
    with pytest.raises(InvalidParameter, match="explain is not paged"):
        graph.page("explain", {"a": "US", "b": "EU"}, limit=1)


# -- HTTP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(loaded: Loaded) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(loaded.location))) as test_client:
        yield test_client


def follow(client: TestClient, url: str) -> tuple[list[Any], int]:
    """Every answer, following the Link headers from `url`, and how many pages it took."""
    answers: list[Any] = []
    count = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        answers += response.json()
        count += 1
        link = response.headers.get("link")
        assert not link or link.endswith('>; rel="next"')
        url = link.split(">")[0].removeprefix("<") if link else ""
    return answers, count


def test_the_api_pages_with_a_next_link(loaded: Loaded, client: TestClient) -> None:
    day = "2017-01-01" if loaded.graph == "bundled" else "2009-06-01"
    top = "US" if loaded.graph == "bundled" else busiest(loaded.store, 1)[0]
    paths = [
        f"/questions/reach?jurisdiction={top}&as_of={day}",
        f"/reach/{top.lower()}?as_of={day}",
        f"/questions/conflicts?as_of={day}&standing=all",
    ]
    for path in paths:
        whole = client.get(path)
        assert whole.status_code == 200 and "link" not in whole.headers
        for size in (1, 4):
            answers, count = follow(client, f"{path}&limit={size}")
            assert answers == whole.json(), path
            assert count == max(1, -(-len(whole.json()) // size))


def test_the_api_streams_the_whole_answer_as_json_lines(loaded: Loaded, client: TestClient) -> None:
    day = "2017-01-01" if loaded.graph == "bundled" else "2009-06-01"
    for path in (f"/reach/us?as_of={day}", f"/questions/conflicts?as_of={day}&standing=all"):
        whole = client.get(path).json()
        streamed = client.get(f"{path}&format=ndjson")
        assert streamed.status_code == 200 and streamed.headers["etag"]
        assert streamed.headers["content-type"] == "application/x-ndjson"
        assert [json.loads(line) for line in streamed.text.splitlines()] == whole
    refused = is_problem(client.get(f"/reach/US?as_of={day}&format=ndjson&limit=2"), 422)
    assert "'format'" in refused["detail"]
    assert is_problem(client.get("/reach/XX?format=ndjson"), 404)


def test_the_api_refuses_a_bad_limit_or_cursor(client: TestClient) -> None:
    path = "/questions/reach?jurisdiction=US&as_of=2017-01-01"
    for limit in ("0", "ten", str(MAX_LIMIT + 1)):
        assert "limit" in is_problem(client.get(f"{path}&limit={limit}"), 422)["detail"]
        assert "limit" in is_problem(client.get(f"/reach/US?limit={limit}"), 422)["detail"]
    assert "cursor" in is_problem(client.get(f"{path}&cursor=xyz"), 422)["detail"]
    assert "limit" in is_problem(client.get("/questions/explain?a=US&b=EU&limit=2"), 422)["detail"]
    stale = is_problem(client.get(f"{path}&cursor={old_cursor(REACH_US)}"), 409)
    assert "data version" in stale["detail"]


# -- the command line -------------------------------------------------------------------


def cli(loaded: Loaded, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"REACHGRAPH_NEO4J_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [CLI, "query", "--store", loaded.location, "-f", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_command_line_pages(loaded: Loaded) -> None:
    if loaded.graph == "bundled":
        question = ["reach", "-p", "jurisdiction=US", "-p", "as_of=2017-01-01"]
    else:
        top = busiest(loaded.store, 1)[0]
        question = ["reach", "-p", f"jurisdiction={top}", "-p", "as_of=2009-06-01"]
    whole = json.loads(cli(loaded, *question).stdout)
    answers: list[Any] = []
    more = ["-p", "limit=4"]
    while more:
        done = cli(loaded, *question, *more)
        assert done.returncode == 0, done.stderr
        answers += json.loads(done.stdout)
        last = done.stderr.strip().splitlines()[-1]
        more = last.removeprefix("next page: ").split(" ") if "cursor=" in last else []
    assert answers == whole and len(whole) > 4
    for bad, name in (("limit=0", "'limit'"), ("cursor=xyz", "'cursor'")):
        done = cli(loaded, *question, "-p", bad)
        assert done.returncode == 2 and name in done.stderr, done.stderr
