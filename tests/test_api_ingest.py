"""Writes beside the API: uploads through POST /ingest (API key only), and an ingest in
another process while the API serves the same embedded store."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from reachgraph.graph.stores import Store, open_store
from tests.api_helpers import load_sample, settings_for
from tests.conftest import ROOT

JURISDICTIONS = (ROOT / "data" / "reference" / "jurisdictions.yaml").read_bytes()
KEY = "test-key-of-some-length"


def location_of(store: Store, backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "ladybug":
        return store.location
    uri: str = request.getfixturevalue("neo4j_uri")
    return uri


@pytest.fixture
def client(store: Store, backend: str, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """An API with an API key over an empty store."""
    app = create_app(settings_for(location_of(store, backend, request), api_key=KEY))
    with TestClient(app) as test_client:
        yield test_client


def test_without_an_api_key_setting_the_api_takes_no_writes(
    store: Store, backend: str, request: pytest.FixtureRequest
) -> None:
    app = create_app(settings_for(location_of(store, backend, request)))
    with TestClient(app) as client:
        for headers in ({}, {"X-API-Key": KEY}):
            refused = client.post("/ingest", content=JURISDICTIONS, headers=headers)
            assert refused.status_code == 403
            assert "REACHGRAPH_API_KEY" in refused.json()["detail"]
    assert store.counts().nodes["Jurisdiction"] == 0


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}], ids=["no-key", "wrong-key"])
def test_a_missing_or_wrong_api_key_is_401(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    refused = client.post("/ingest", content=JURISDICTIONS, headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["www-authenticate"] == "ApiKey"
    assert store.counts().nodes["Jurisdiction"] == 0


def test_an_upload_is_loaded_idempotently_and_readers_see_it(client: TestClient) -> None:
    assert client.get("/entities/BE").status_code == 404
    before = client.get("/schema").headers["etag"]
    headers = {"X-API-Key": KEY, "Content-Type": "application/yaml"}
    report = client.post("/ingest", content=JURISDICTIONS, headers=headers)
    assert report.status_code == 200, report.text
    assert report.json()["nodes"]["Jurisdiction"]["created"] > 20
    assert client.get("/entities/BE").json()["name"] == "Belgium"
    assert client.get("/schema").headers["etag"] != before
    again = client.post("/ingest", content=JURISDICTIONS, headers=headers).json()
    changes = [*again["nodes"].values(), *again["relationships"].values()]
    assert all(c["created"] == c["updated"] == 0 for c in changes)


def test_an_invalid_upload_lists_its_problems_and_writes_nothing(client: TestClient) -> None:
    before = client.get("/stats").json()
    bad = b"nodes:\n  - {kind: Jurisdiction, key: XX-NOT-A-CODE, name: Nowhere, level: state}\n"
    answer = client.post(
        "/ingest", params={"name": "mine.yaml"}, content=bad, headers={"X-API-Key": KEY}
    )
    assert answer.status_code == 422
    assert "mine.yaml:2" in answer.json()["detail"] and "XX-NOT-A-CODE" in answer.json()["detail"]
    assert client.get("/stats").json() == before
    empty = client.post("/ingest", content=b"  ", headers={"X-API-Key": KEY})
    assert empty.status_code == 422


def companies_file(path: Path, count: int, name: str) -> Path:
    """A curated file of `count` companies, all named `name` and a number."""
    lines = [
        "sources:",
        "  - {key: src-generated, title: Generated, publisher: Tests, date: 2020-01-01}",
        "nodes:",
        *(
            f"  - {{kind: Company, key: gen-{i}, name: {name} {i}, sources: [src-generated]}}"
            for i in range(count)
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_api_keeps_serving_while_another_process_ingests(tmp_path: Path) -> None:
    """LadybugDB lets a writer open the file beside read-only readers; the API's read-only
    handle reopens when the files change, so each answer comes from a committed state."""
    location = str(tmp_path / "store")

    with open_store(location) as store:
        load_sample(store)
    files = [companies_file(tmp_path / f"run{n}.yaml", 4000, f"Run{n}") for n in (1, 2)]
    cli = str(Path(sys.executable).parent / "reachgraph")
    statuses: Counter[int] = Counter()
    seen: set[int] = set()
    with TestClient(create_app(settings_for(location))) as client:
        for file in files:
            ingest = subprocess.Popen(
                [cli, "ingest", "--store", location, str(file)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            deadline = time.monotonic() + 240
            while ingest.poll() is None and time.monotonic() < deadline:
                for path in ("/entities/BE", "/search?q=belgium", "/stats"):
                    answer = client.get(path)
                    statuses[answer.status_code] += 1
                    if path == "/stats" and answer.status_code == 200:
                        seen.add(answer.json()["nodes"]["Company"])
            assert ingest.wait(timeout=10) == 0, ingest.stderr.read() if ingest.stderr else ""
        final = client.get("/stats").json()["nodes"]["Company"]
        renamed = client.get("/entities/gen-7").json()["name"]
    assert set(statuses) == {200}, statuses
    assert sum(statuses.values()) > 30
    assert final >= 4000 and renamed == "Run2 7"
    assert min(seen) < final  # the old graph was served while the first ingest ran
