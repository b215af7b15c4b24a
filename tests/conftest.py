"""Fixtures: every store test runs on the embedded store and on a real Neo4j server.

Neo4j comes from `REACHGRAPH_TEST_NEO4J_URI` if set, else the suite starts Neo4j Community
5.26 from Maven Central with scripts/neo4j-test-server (needs Java 17+ and Maven). Without
them the Neo4j tests skip and say how to enable them; under CI a Neo4j that does not start
fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from reachgraph.graph.stores import Store, open_store, stores
from reachgraph.ingest import load, read_inputs, validate

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "scripts" / "neo4j-test-server"
DATA = ROOT / "data"
PORT = os.environ.get("REACHGRAPH_NEO4J_TEST_PORT", "17687")
PASSWORD = os.environ.get("REACHGRAPH_NEO4J_TEST_PASSWORD", "reachgraph-test")
#: Where the tests keep a store of each backend (`Store.backend`), given a folder of the test's
#: own: the embedded store in it, Neo4j on the session's server. BACKENDS is every store of
#: graph/stores/, so a new store fails the tests until it has its line here.
LOCATIONS: dict[str, Callable[[Path, pytest.FixtureRequest], str]] = {
    "ladybug": lambda folder, _: str(folder / "store"),
    "neo4j": lambda _, request: str(request.getfixturevalue("neo4j_uri")),
}
BACKENDS = [store.backend for store in stores()]


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """The URI of a running Neo4j 5, started for the session when needed."""
    given = os.environ.get("REACHGRAPH_TEST_NEO4J_URI")
    if given:
        yield given
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        message = (
            f"Neo4j tests skipped: {' and '.join(missing)} not found. Install a JDK 17+ and "
            "Maven so the suite can start Neo4j 5.26 from Maven Central, or set "
            "REACHGRAPH_TEST_NEO4J_URI (and REACHGRAPH_NEO4J_TEST_PASSWORD) to a running Neo4j 5."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    was_running = subprocess.run([SERVER, "status"], capture_output=True).returncode == 0
    started = subprocess.run([SERVER, "start"], capture_output=True, text=True)
    if started.returncode != 0:
        message = f"Neo4j did not start:\n{started.stderr[-3000:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield f"bolt://127.0.0.1:{PORT}"
    finally:
        if not was_running:
            subprocess.run([SERVER, "stop"], capture_output=True)


def location_for(backend: str, folder: Path, request: pytest.FixtureRequest) -> str:
    """Where a test keeps a store of `backend`; `folder` is the test's own."""
    if backend not in LOCATIONS:
        pytest.fail(
            f"LOCATIONS (tests/conftest.py) does not say where tests keep a {backend} store"
        )
    return LOCATIONS[backend](folder, request)


def open_empty(backend: str, folder: Path, request: pytest.FixtureRequest) -> tuple[str, Store]:
    """Where a test keeps a store of `backend`, and that store, emptied."""
    location = location_for(backend, folder, request)
    store = open_store(location, password=PASSWORD)
    store.clear()
    return location, store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the store a test runs on."""
    name: str = request.param
    return name


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store with the schema applied."""
    _, graph = open_empty(backend, tmp_path, request)
    graph.apply_schema()
    try:
        yield graph
    finally:
        graph.close()


@pytest.fixture(scope="module", params=BACKENDS)
def bundled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store holding the bundled dataset, loaded once per test module and store.

    Tests that use it must not write: it is shared by the module's tests.
    """
    _, graph = open_empty(request.param, tmp_path_factory.mktemp("bundled"), request)
    load_bundled(graph)
    try:
        yield graph
    finally:
        graph.close()


def load_bundled(graph: Store) -> None:
    """Empty the store and load the bundled dataset into it, as `reachgraph ingest` does."""
    graph.clear()
    graph.apply_schema()
    load(validate(read_inputs([DATA], graph.schema), graph.schema, graph), graph)


@pytest.fixture(scope="module", params=BACKENDS)
def location(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Where a store holding the bundled dataset is, loaded once for the test module."""
    from tests.api_helpers import load_sample

    where, store = open_empty(request.param, tmp_path_factory.mktemp("api"), request)
    with store:
        load_sample(store)
    yield where


@pytest.fixture(scope="module")
def client(location: str) -> Iterator[TestClient]:
    """The real app over that store, with a small row cap (api_helpers.ROW_CAP)."""
    from tests.api_helpers import ROW_CAP, settings_for

    with TestClient(create_app(settings_for(location, row_cap=ROW_CAP))) as test_client:
        yield test_client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran on each store, so a skipped Neo4j cannot go unnoticed."""
    ran: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for outcome, counter in (("passed", ran), ("failed", ran), ("skipped", skipped)):
        for report in terminalreporter.stats.get(outcome, []):
            for backend in BACKENDS:
                if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid:
                    counter[backend] += 1
    terminalreporter.write_line(
        "tests per store: "
        + ", ".join(f"{b}: {ran[b]} ran, {skipped[b]} skipped" for b in BACKENDS)
    )
