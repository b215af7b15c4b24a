"""Auth on writes: POST /ingest compares keys in constant time, caps the body (also when it
comes in chunks with no declared length), refuses path tricks in the uploaded file's name and
rate-limits each client; every refusal leaves the graph unchanged."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from reachgraph.api.app import create_app
from reachgraph.api.routes import ingest
from reachgraph.graph.stores import open_store
from tests.api_helpers import is_problem, settings_for
from tests.security.graphs import fingerprint, load_tiny_graph

KEY = "correct-horse-battery-staple"
UPLOAD = b"jurisdictions: []\n"


@pytest.fixture
def location(tmp_path: Path) -> str:
    where = str(tmp_path / "store")
    with open_store(where) as store:
        load_tiny_graph(store)
    return where


def app_client(location: str, **overrides: Any) -> TestClient:
    settings = settings_for(location, api_key=SecretStr(KEY), **overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(location: str) -> Iterator[TestClient]:
    with app_client(location, ingest_per_minute=1000) as test_client:
        yield test_client


def graph_of(location: str) -> tuple[Any, ...]:
    with open_store(location, read_only=True) as store:
        return fingerprint(store)


@pytest.mark.parametrize(
    "key",
    [KEY[:-1] + "X", KEY + "X", KEY[:1], "", "é" * len(KEY), KEY.upper()],
    ids=["last-char", "longer", "prefix", "empty", "non-ascii", "upper"],
)
def test_a_wrong_key_is_401_and_keys_are_compared_in_constant_time(
    client: TestClient, location: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the module ingest compares with
    before = graph_of(location)
    response = client.post("/ingest", content=UPLOAD, headers={"X-API-Key": key.encode()})
    is_problem(response, 401)
    assert response.headers["www-authenticate"] == "ApiKey"
    assert compared or not key, "the key must go through hmac.compare_digest"
    assert graph_of(location) == before


def test_a_body_over_the_cap_is_413_declared_or_chunked(
    client: TestClient, location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_UPLOAD", 1024)
    before = graph_of(location)
    big = b"# padding\n" * 300
    headers = {"X-API-Key": KEY}
    assert (
        "at most" in is_problem(client.post("/ingest", content=big, headers=headers), 413)["detail"]
    )

    sent: list[int] = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        for _ in range(1000):
            sent.append(1)
            yield b"x" * 512

    is_problem(client.post("/ingest", content=chunks(), headers=headers), 413)
    assert graph_of(location) == before


@pytest.mark.parametrize(
    "name",
    [
        "../escape.yaml",
        "../../etc/cron.d/x.yaml",
        "/etc/escape.yaml",
        "..\\escape.yaml",
        "sub/dir.yaml",
        ".hidden.yaml",
        "-option.yaml",
        "nul\x00.yaml",
        "name.yaml\x00.txt",
        "caf\u00e9.yaml",
        "\u2024\u2024\u2215escape.yaml",
        "escape.yaml/",
        "escape.txt",
    ],
)
def test_path_tricks_in_the_file_name_are_refused(
    client: TestClient, location: str, name: str, tmp_path: Path
) -> None:
    before = graph_of(location)
    response = client.post(
        "/ingest", params={"name": name}, content=UPLOAD, headers={"X-API-Key": KEY}
    )
    assert "name" in is_problem(response, 422)["detail"]
    assert graph_of(location) == before
    assert not (tmp_path.parent / "escape.yaml").exists()


def test_uploads_are_rate_limited_per_client_before_the_key_is_checked(location: str) -> None:
    with app_client(location, ingest_per_minute=3) as client:
        answers = [
            client.post("/ingest", content=UPLOAD, headers={"X-API-Key": "guess"}).status_code
            for _ in range(3)
        ]
        assert answers == [401, 401, 401]
        limited = client.post("/ingest", content=UPLOAD, headers={"X-API-Key": KEY})
        assert "a minute" in is_problem(limited, 429)["detail"]
        assert int(limited.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200  # reads are not limited
