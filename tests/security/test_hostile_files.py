"""Hostile curated files and bulk tables (hostile.py), through `reachgraph ingest` (a real
subprocess) and POST /ingest, on both stores.

Each must be refused: a non-zero exit or a 4xx problem, naming the file and, where the problem
has them, the line and field; within a time and memory bound (the subprocess's own peak RSS,
measured by a small launcher process; tracemalloc's peak inside the API); the graph unchanged
(counts, nodes, relationships). On LadybugDB each case is its own `reachgraph ingest` run (two
at a time, each over its own copy of the tiny graph); on Neo4j, where opening the store and
applying the schema cost seconds, the CLI takes the whole corpus in one run, which must name
every file. POST /ingest takes curated files only (its name pattern), so it gets the YAML
cases. Figures per case go into hostile.FIGURES, printed at the end of the run (conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from reachgraph.api.app import create_app
from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from tests.api_helpers import settings_for
from tests.conftest import BACKENDS, PASSWORD, open_empty
from tests.security.graphs import fingerprint, load_tiny_graph
from tests.security.hostile import BULK, CURATED, FIGURES, RESOURCE, Case, curated

CASES = CURATED + BULK
KEY = "hostile-files-key"
REACHGRAPH = Path(sys.executable).with_name("reachgraph")
CANARY = Path("/tmp/hostile-canary")  # named by the !!python/object/apply case
#: Bounds per case: wall seconds, and peak memory. The CLI's is its whole process (Python,
#: pandas and the store's client take about 200 MB before reading anything); the API's is
#: what tracemalloc saw allocated while the request ran.
SECONDS = 20.0
BIG_SECONDS = 60.0  # the 50 MB table is read and checked in full before it is refused
CLI_MB = 700
BIG_CLI_MB = 1500
API_MB = 64


def big(case: Case) -> bool:
    return case.id.endswith("50mb")


@dataclass
class Run:
    code: int
    output: str
    seconds: float
    peak_mb: float


def graph_of(backend: str, location: str) -> tuple[Any, ...]:
    """Counts, nodes and relationships (not the catalogue: `reachgraph ingest` applies the
    schema first, which may move Neo4j's last transaction without writing data)."""
    with open_store(location, read_only=backend == "ladybug", password=PASSWORD) as store:
        return fingerprint(store)[:4]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case written to its own folder, under the name it must be reported by."""
    root = tmp_path_factory.mktemp("hostile")
    paths = {}
    for case in CASES:
        path = root / case.id / case.file
        path.parent.mkdir()
        path.write_bytes(case.content())
        paths[case.id] = path
    return paths


@pytest.fixture(scope="module", params=BACKENDS)
def tiny(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Where the tiny graph is, closed (the CLI opens it from another process)."""
    location, store = open_empty(request.param, tmp_path_factory.mktemp("hostile-store"), request)
    with store:
        load_tiny_graph(store)
    yield location


def backend_of(location: str) -> str:
    return "neo4j" if "://" in location else "ladybug"


#: Runs a command and prints its peak RSS (KiB). A child's peak counts the memory of the
#: process that forked it, up to its exec (Linux records the old image's high-water mark):
#: from pytest, late in a run, that is pytest's size. This small launcher is the parent
#: instead, so the figure is the command's own.
_PEAK = (
    "import resource, subprocess, sys; "
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run_cli(paths: list[Path], location: str) -> Run:
    """`reachgraph ingest PATHS --store LOCATION` as a subprocess, with its own peak RSS."""
    env = {**os.environ, "REACHGRAPH_NEO4J_PASSWORD": PASSWORD, "COLUMNS": "400"}
    with _temporary_file() as out:
        start = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _PEAK,
                str(REACHGRAPH),
                "ingest",
                *map(str, paths),
                "--store",
                location,
            ],
            stdout=subprocess.PIPE,
            stderr=out,
            env=env,
        )
        seconds = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return Run(done.returncode, output, seconds, int(done.stdout) / 1024)


def _temporary_file() -> Any:
    import tempfile

    return tempfile.TemporaryFile()


def assert_names(case: Case, text: str, name: str) -> None:
    """The refusal names the file, and the line and field where the case has them."""
    flat = re.sub(r"\s+", " ", text)
    assert name in flat, f"{case.id}: the file {name} is not named in:\n{text[-3000:]}"
    assert case.says.lower() in flat.lower(), f"{case.id}: {case.says!r} not in:\n{text[-3000:]}"
    if case.line is not None:
        assert f"{name}:{case.line}" in flat, f"{case.id}: line {case.line} not named:\n{text}"
    if case.field is not None:
        assert f"field '{case.field}'" in flat, f"{case.id}: field {case.field} not named:\n{text}"
    assert "Traceback" not in text, text


# -- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_runs(
    tiny: str, corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    """The whole corpus in one `reachgraph ingest` run ("all"), which must name every file;
    on LadybugDB also each case that attacks time or memory in a run of its own (two at a
    time, each over its own copy of the tiny graph). Every run leaves the graph unchanged.
    (A run per case for all cases on both stores would cost minutes: starting the command
    costs a second, opening Neo4j and applying the schema three more.)"""
    CANARY.unlink(missing_ok=True)
    backend = backend_of(tiny)
    before = graph_of(backend, tiny)
    runs = {"all": run_cli(list(corpus.values()), tiny)}
    assert graph_of(backend, tiny) == before, "the whole corpus changed the graph"
    if backend == "neo4j":
        return runs
    copies = tmp_path_factory.mktemp("copies")

    def one(case: Case) -> tuple[str, Run]:
        location = copies / case.id
        shutil.copytree(tiny, location)
        run = run_cli([corpus[case.id]], str(location))
        assert graph_of("ladybug", str(location)) == before, f"{case.id} changed the graph"
        return case.id, run

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs.update(pool.map(one, [c for c in CASES if c.id in RESOURCE]))
    return runs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_command_line_refuses_each_hostile_file(
    case: Case, cli_runs: dict[str, Run], tiny: str, corpus: dict[str, Path]
) -> None:
    backend = backend_of(tiny)
    for door, run in (("cli-all", cli_runs["all"]), ("cli", cli_runs.get(case.id))):
        if run is None:
            continue
        assert run.code not in (0, -9) and run.code < 128, f"{case.id}: exit {run.code}"
        assert "nothing was written" in run.output, run.output[-2000:]
        assert_names(case, run.output, str(corpus[case.id]))
        if door == "cli":  # a run of its own: its time and memory are the case's
            assert run.seconds < (BIG_SECONDS if big(case) else SECONDS), run.seconds
            assert run.peak_mb < (BIG_CLI_MB if big(case) else CLI_MB), run.peak_mb
        FIGURES.append((backend, door, case.id, "refused", run.seconds, run.peak_mb))
    assert not CANARY.exists(), "a !!python tag ran a command"


def test_the_whole_corpus_in_one_run_is_bounded(cli_runs: dict[str, Run]) -> None:
    run = cli_runs["all"]
    assert run.seconds < BIG_SECONDS + SECONDS, run.seconds
    assert run.peak_mb < BIG_CLI_MB, run.peak_mb


# -- POST /ingest ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tiny: str) -> Iterator[TestClient]:
    settings = settings_for(tiny, api_key=SecretStr(KEY), ingest_per_minute=10_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("case", CURATED, ids=[c.id for c in CURATED])
def test_post_ingest_refuses_each_hostile_curated_file(
    case: Case, api: TestClient, tiny: str
) -> None:
    backend = backend_of(tiny)
    before = graph_of(backend, tiny)
    body = case.content()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        response = api.post(
            "/ingest", params={"name": case.file}, content=body, headers={"X-API-Key": KEY}
        )
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    del body
    assert response.status_code < 500, f"{case.id}: {response.status_code} {response.text}"
    assert 400 <= response.status_code < 500, f"{case.id} accepted: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    if response.status_code == 413:  # the 50 MB file: refused before it is read
        assert case.file in detail and "at most" in detail, detail
    else:
        assert_names(case, detail, case.file)
    assert seconds < SECONDS, seconds
    assert peak < API_MB + (len(case.content()) * 3 / 2**20 if big(case) else 0), peak
    assert graph_of(backend, tiny) == before
    assert not CANARY.exists()
    FIGURES.append((backend, "http", case.id, "refused", seconds, peak))


# -- the controls: what the corpus is made from loads ------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("valid.yaml", curated().encode()),
        ("bom.yaml", b"\xef\xbb\xbf" + curated().encode()),
        ("Jurisdiction.csv", b"\xef\xbb\xbfkey,name,jurisdiction_kind\nFR,France,state\n"),
        ("SUBSIDIARY_OF.csv", b"start,end,share\ninitech,acme,-0.0\n"),
    ],
    ids=["valid", "yaml-bom", "csv-bom", "csv-signed-number"],
)
def test_the_files_the_corpus_is_made_from_load(
    store: Store, tmp_path: Path, name: str, content: bytes
) -> None:
    """The hostile cases differ from these by the hostile thing only: a UTF-8 byte order mark
    (as spreadsheets write) and a signed number are read, not refused."""
    load_tiny_graph(store)
    path = tmp_path / name
    path.write_bytes(content)
    raw = read_inputs([path], store.schema)
    assert not raw.problems, raw.problems
    if name.endswith(".csv"):
        frame = next(iter([*raw.node_frames.values(), *raw.rel_frames.values()]))[0]
        assert "\ufeffkey" not in frame.columns
    if name.startswith("SUBSIDIARY_OF"):
        return  # a share of -0.0 is read; whether it is valid is validate's business
    before = store.counts()
    load(validate(raw, store.schema, store), store)
    after = store.counts()
    key = "Jurisdiction" if name.endswith(".csv") else "Company"
    assert after.nodes[key] == before.nodes[key] + 1
