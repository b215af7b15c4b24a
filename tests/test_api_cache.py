"""The in-process response cache (api/responsecache.py), on both stores: a kept answer is
byte for byte the answer the route gives, with its own request id, and it is never given
once the data has changed, whoever changed it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reachgraph.api import responsecache
from reachgraph.api.app import create_app
from reachgraph.api.responsecache import Entry, ResponseCache
from reachgraph.graph.stores import Store
from tests.api_helpers import settings_for
from tests.test_api_ingest import KEY, location_of

CACHED = [
    "/entities/be-hvb-antwerpen-2017-11-15-skype",
    "/entities/BE/neighbourhood?depth=2&limit=30",
    "/entities?kind=Company&limit=5",
    "/search?q=skype",
    "/schema",
    "/stats",
    "/questions/reach?jurisdiction=BE&as_of=2017-11-15",
    "/export/graphml?around=BE&depth=1",
]


def cache_of(app: FastAPI) -> ResponseCache:
    layer: Any = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer


@pytest.fixture(scope="module")
def apps(location: str) -> Iterator[tuple[TestClient, TestClient]]:
    """The same app over the bundled dataset with the cache on and with it off."""
    with (
        TestClient(create_app(settings_for(location))) as on,
        TestClient(create_app(settings_for(location, response_cache_mb=0))) as off,
    ):
        yield on, off


def comparable(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.items() if k != "x-request-id"]
    return response.status_code, headers, response.content


@pytest.mark.parametrize("path", CACHED)
def test_a_kept_answer_is_the_answer_the_route_gives(
    apps: tuple[TestClient, TestClient], path: str
) -> None:
    on, off = apps
    cache = cache_of(on.app)  # type: ignore[arg-type]
    cache.entries.clear()
    cache.size = 0
    miss = on.get(path, headers={"X-Request-ID": "first"})
    assert miss.status_code == 200, miss.text
    assert len(cache.entries) == 1
    hit = on.get(path, headers={"X-Request-ID": "second"})
    uncached = off.get(path)
    assert comparable(hit) == comparable(miss)
    assert comparable(uncached)[:2] == comparable(miss)[:2]
    if not path.startswith("/export"):  # an export's nodes come in no set order
        assert uncached.content == miss.content
    assert {"etag", "cache-control", "content-type"} <= set(hit.headers)
    assert (miss.headers["x-request-id"], hit.headers["x-request-id"]) == ("first", "second")
    assert len(cache.entries) == 1
    # A client revalidating gets its 304 from the route, not the kept 200.
    revalidated = on.get(path, headers={"If-None-Match": miss.headers["etag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""


def test_errors_and_other_methods_are_never_kept(apps: tuple[TestClient, TestClient]) -> None:
    on, _ = apps
    cache = cache_of(on.app)  # type: ignore[arg-type]
    cache.entries.clear()
    cache.size = 0
    for _ in range(2):
        assert on.get("/entities/no-such-key").status_code == 404
        assert on.get("/entities?kind=NoSuchKind").status_code in (400, 422)
        assert on.get("/questions/reach?jurisdiction=BE&as_of=someday").status_code == 422
        assert on.post("/cypher", json={"query": "RETURN 1 AS one"}).status_code == 200
        assert on.get("/healthz").status_code == 200  # no ETag: not a cached route
    assert len(cache.entries) == 0


def test_the_cache_stays_within_its_budget(location: str) -> None:
    app = create_app(settings_for(location, response_cache_mb=0.02))  # about 20 kB
    with TestClient(app) as client:
        cache = cache_of(app)
        keys = [
            row["key"] for row in client.get("/entities?kind=Decision&limit=100").json()["items"]
        ]
        assert len(keys) > 20
        for key in keys:
            assert client.get(f"/entities/{key}").status_code == 200
            assert cache.size <= cache.max_bytes
        assert 0 < len(cache.entries) < len(keys)
        # The least recently used went first: the last key is still kept.
        assert ("/entities/" + keys[-1], b"") in cache.entries
        assert ("/entities/" + keys[0], b"") not in cache.entries
        big = client.get("/export/graphml")  # larger than an eighth of the budget: not kept
        assert big.status_code == 200 and len(big.content) > cache.max_entry
        assert ("/export/graphml", b"") not in cache.entries


def test_off_means_no_cache(location: str) -> None:
    app = create_app(settings_for(location, response_cache_mb=0))
    with TestClient(app) as client:
        assert client.get("/schema").status_code == 200
        layer: Any = app.middleware_stack
        while hasattr(layer, "app"):
            assert not isinstance(layer, ResponseCache)
            layer = layer.app


def company(name: str) -> bytes:
    return (
        "sources:\n"
        "  - {key: src-cache, title: Cache, publisher: Tests, date: 2020-01-01}\n"
        "nodes:\n"
        f"  - {{kind: Company, key: cache-co, name: {name}, sources: [src-cache]}}\n"
    ).encode()


def test_no_kept_answer_outlives_a_change_of_the_data(
    store: Store, backend: str, request: pytest.FixtureRequest
) -> None:
    """A write by another store handle (as another process would make it) and an ingest
    through the API each change the data version: the next answer is the new one."""
    app = create_app(settings_for(location_of(store, backend, request), api_key=KEY))
    upload = {"X-API-Key": KEY, "Content-Type": "application/yaml"}

    def write(name: str) -> None:
        row = {"key": "cache-co", "name": name, "sources": ["src-cache"]}
        frame = pd.DataFrame([{**row, "search_text": f"cache-co {name.lower()}"}])
        store.merge_nodes("Company", frame)

    def names() -> list[str]:
        return [hit["name"] for hit in client.get("/search?q=cache-co").json()["items"]]

    with TestClient(app) as client:
        cache = cache_of(app)
        write("Old")
        first = client.get("/entities/cache-co")
        again = client.get("/entities/cache-co")
        assert first.json()["name"] == again.json()["name"] == "Old"
        assert first.headers["etag"] == again.headers["etag"]
        assert ("/entities/cache-co", b"") in cache.entries
        assert names() == ["Old"]

        write("Newer")
        second = client.get("/entities/cache-co")
        assert second.json()["name"] == "Newer"
        assert second.headers["etag"] != first.headers["etag"]
        assert names() == ["Newer"]

        store.clear()
        assert client.get("/entities/cache-co").status_code == 404
        assert ("/entities/cache-co", b"") not in cache.entries
        assert names() == []

        assert client.post("/ingest", content=company("New"), headers=upload).status_code == 200
        third = client.get("/entities/cache-co")
        assert third.json()["name"] == "New"
        assert third.json()["sources"][0]["title"] == "Cache"
        assert third.headers["etag"] not in (first.headers["etag"], second.headers["etag"])
        assert names() == ["New"]
        assert client.get("/entities/cache-co").content == third.content  # kept anew
        assert ("/entities/cache-co", b"") in cache.entries


def test_a_hit_whose_entry_is_dropped_while_the_version_is_asked_is_still_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Asking Neo4j for the data version yields to the event loop, and another request may
    meanwhile keep an answer of a newer version, which drops every older entry: the hit in
    flight must still send its answer (right for the version it was told), not fail with a
    500. The route is a bare ASGI app because the race is the cache's alone."""
    key = ("/answer", b"")

    async def route(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("a hit must not reach the route")

    cache = ResponseCache(route, max_bytes=1_000_000)
    cache._store(key, Entry("v1", [(b"content-type", b"text/plain")], b"old answer", 50))

    async def version_while_another_request_keeps_v2(scope: Any) -> str:
        cache._store(("/other", b""), Entry("v2", [], b"new answer", 50))
        return "v1"

    monkeypatch.setattr(responsecache, "_current_version", version_while_another_request_keeps_v2)
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        raise AssertionError("a hit reads no body")

    scope = {"type": "http", "method": "GET", "path": "/answer", "query_string": b"", "headers": []}
    asyncio.run(cache(scope, receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"old answer"
    assert list(cache.entries) == [("/other", b"")]
