"""Concurrency: ingest while a real API server serves the same store, and a short load smoke.

**Ingest while serving.** A `reachgraph serve` process (uvicorn, 127.0.0.1) serves a store
holding V1 of a generated graph (400 companies); V2 is the same graph with a third of the
OFFERED_IN and STORED_IN spans ended in 2016, which changes the derived REACHES but no
count other than theirs. Reader threads ask `GET /stats` and `GET /questions/reach` in a
loop while `reachgraph ingest` rewrites the store to V2 and back to V1 in another process.
Every answer must be a 200 equal to the answer of V1 or of V2 (the whole of /stats; each
reach answer without its `path`/`paths`, which show the curated relationships on the way
and may be mid-update), or a 503 with Retry-After: never a 5xx other than that, never a
mixed or empty answer.

**Load smoke.** 50 clients for 5 s against `reachgraph serve` on a cheap route (/healthz)
and an expensive one (/questions/reach?jurisdiction=BE) of the bundled dataset: no errors,
no 5xx. bench/load.py is the full measure (200 clients, 60 s, p50/p99).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.load import hammer
from reachgraph.graph.stores import open_store
from tests.conftest import BACKENDS, DATA, PASSWORD
from tests.security.test_crash import two_versions as generate_versions

CLI = str(Path(sys.executable).parent / "reachgraph")
HOST = "127.0.0.1"


def environment(backend: str) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "REACHGRAPH_RESPONSE_CACHE_MB": "32"}
    env.pop("REACHGRAPH_API_KEY", None)
    if backend == "neo4j":
        env["REACHGRAPH_NEO4J_PASSWORD"] = PASSWORD
        env["REACHGRAPH_NEO4J_USER"] = "neo4j"
        env["REACHGRAPH_NEO4J_DATABASE"] = "neo4j"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def ingest(folder: Path, location: str, backend: str) -> None:
    done = subprocess.run(
        [CLI, "ingest", str(folder), "--store", location],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment(backend),
    )
    assert done.returncode == 0, done.stderr[-3000:]


class Server:
    """`reachgraph serve` on 127.0.0.1 and a free port, stopped on exit."""

    def __init__(self, location: str, backend: str, log: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [
                    CLI,
                    "serve",
                    "--store",
                    location,
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                    *args,
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=environment(backend),
            )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "the server ended"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not get ready in 60 s"
            time.sleep(0.2)

    def errors(self) -> str:
        """The server log's tracebacks and error lines, for a failure message."""
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines if "INFO" not in line)[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def strip_paths(answers: list[dict[str, Any]]) -> list[str]:
    return sorted(
        repr(sorted((k, v) for k, v in a.items() if k not in ("path", "paths"))) for a in answers
    )


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_versions(tmp_path_factory.mktemp("serving"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_ingest_while_serving_gives_old_or_new_answers_or_503(
    backend: str,
    two_versions: list[Path],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if backend == "ladybug":
        location = str(tmp_path / "store")
    else:
        location = request.getfixturevalue("neo4j_uri")
        with open_store(location, password=PASSWORD) as store:
            store.clear()
    server: Server | None = None
    expected: list[dict[str, Any]] = []
    try:
        # The answers of each version, from the server itself, with nothing else running.
        for folder in two_versions:
            ingest(folder, location, backend)
            if server is None:
                server = Server(location, backend, tmp_path / "server.log")
                with open_store(
                    location, read_only=backend == "ladybug", password=PASSWORD
                ) as store:
                    busiest = store.read(
                        "MATCH (j:Jurisdiction)-[r:REACHES]->() "
                        "RETURN j.key, count(r) AS n ORDER BY n DESC, j.key LIMIT 6"
                    ).rows
                codes = [code for code, _ in busiest]
            answers: dict[str, Any] = {"stats": httpx.get(f"{server.url}/stats", timeout=60).json()}
            for code in codes:
                reply = httpx.get(
                    f"{server.url}/questions/reach", params={"jurisdiction": code}, timeout=60
                )
                assert reply.status_code == 200, reply.text
                answers[code] = strip_paths(reply.json())
            expected.append(answers)
        assert server is not None
        differing = [code for code in codes if expected[0][code] != expected[1][code]]
        assert differing, "V2 should change some jurisdiction's reach answer"
        assert expected[0]["stats"] != expected[1]["stats"]
        routes = ["stats", *differing[:2]]

        outcomes: Counter[str] = Counter()
        failures: list[str] = []
        stop = threading.Event()

        def read_in_a_loop(worker: int) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                turn = worker
                while not stop.is_set():
                    route = routes[turn % len(routes)]
                    turn += 1
                    if route == "stats":
                        reply = client.get("/stats")
                    else:
                        reply = client.get("/questions/reach", params={"jurisdiction": route})
                    if reply.status_code == 503:
                        if "retry-after" in reply.headers:
                            outcomes["503"] += 1
                        else:
                            failures.append(f"{route}: 503 without Retry-After")
                        continue
                    if reply.status_code != 200:
                        failures.append(f"{route}: {reply.status_code} {reply.text[:300]}")
                        continue
                    got = reply.json() if route == "stats" else strip_paths(reply.json())
                    if got == expected[0][route]:
                        outcomes["v1"] += 1
                    elif got == expected[1][route]:
                        outcomes["v2"] += 1
                    else:
                        failures.append(f"{route}: an answer of neither version")

        readers = [threading.Thread(target=read_in_a_loop, args=(n,)) for n in range(4)]
        for reader in readers:
            reader.start()
        try:
            # The store holds V2: rewrite it to V1, then to V2 again, while the readers read.
            for folder in (two_versions[0], two_versions[1]):
                ingest(folder, location, backend)
                time.sleep(0.5)
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=120)
        print(f"ingest while serving, {backend}: {dict(outcomes)}, failures {len(failures)}")
        assert not failures, (failures[:10], server.errors())
        assert outcomes["v1"] > 0 and outcomes["v2"] > 0, outcomes
        # Settled: the server answers the final version.
        final = httpx.get(f"{server.url}/stats", timeout=60).json()
        assert final == expected[1]["stats"]
    finally:
        if server is not None:
            server.stop()


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("load") / "store")
    ingest(DATA, location, "ladybug")
    return location


@pytest.fixture(scope="module")
def served(bundled_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = Server(bundled_store, "ladybug", tmp_path_factory.mktemp("served") / "server.log")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize(
    "path", ["/healthz", "/questions/reach?jurisdiction=BE"], ids=["cheap", "expensive"]
)
def test_fifty_clients_for_five_seconds_get_no_errors(served: str, path: str) -> None:
    found = asyncio.run(hammer(served, path, clients=50, seconds=5))
    statuses, errors = found["statuses"], found["errors"]
    print(f"load smoke {path}: {dict(statuses)}, errors {dict(errors)}")
    assert not errors, errors
    assert set(statuses) == {200}, statuses
    assert sum(statuses.values()) >= 50
