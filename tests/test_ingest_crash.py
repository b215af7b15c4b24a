"""An ingest killed in the middle of loading is completed by the next run, to exactly the
graph of one clean run.

`reachgraph ingest` loads table by table and, when stderr is not a terminal, prints one
line per table written. The test generates bulk tables (about 70k nodes and 200k
relationships over five kinds and five types), starts the ingest, SIGKILLs it as soon as
the first table is reported written, checks the store holds part of the input, runs the
ingest again to the end and compares a full dump with that of one clean run into a fresh
store. The re-run must report the tables written before the kill as unchanged and the
rest as created.

The same runs on Neo4j on a fifth of the data (it writes in batches of UNWIND ... MERGE,
so a kill can leave a table half written there, which the next run completes by MERGE).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reachgraph.graph.stores import open_store
from tests.conftest import PASSWORD
from tests.graph_dump import Dump, counts, differences, dump, report

CLI = str(Path(sys.executable).parent / "reachgraph")
COMPANIES = 25_000
SERVICES = 12_000
CENTRES = 4_000
JURISDICTIONS = ["BE", "LU", "IE", "US", "DE", "FR", "NL", "GB", "BR", "IN", "RU", "CN"]
TABLE_LINE = re.compile(r"^(.+): (\d+) rows written$")


def write_tables(folder: Path, scale: float = 1.0) -> int:
    """Bulk tables of a realistic shape: an ownership forest, services offered in several
    countries, data centres. Returns the number of rows (nodes and relationships)."""
    rng = np.random.default_rng(7)
    companies, services, centres = (int(n * scale) for n in (COMPANIES, SERVICES, CENTRES))
    folder.mkdir()
    tables: dict[str, pd.DataFrame] = {}
    tables["Source"] = pd.DataFrame(
        {
            "key": [f"src-{i}" for i in range(20)],
            "title": [f"Annual report {i}" for i in range(20)],
            "publisher": "Registry",
            "date": [f"20{10 + i % 10}-0{1 + i % 9}-15" for i in range(20)],
        }
    )
    tables["Jurisdiction"] = pd.DataFrame(
        {
            "key": JURISDICTIONS,
            "name": [f"State {c}" for c in JURISDICTIONS],
            "jurisdiction_kind": "state",
        }
    )

    def cited(n: int) -> list[str]:
        first, second = rng.integers(0, 20, n), rng.integers(0, 20, n)
        pairs = zip(first, second, strict=True)
        return [f"src-{a}|src-{b}" if a != b else f"src-{a}" for a, b in pairs]

    company = np.array([f"co-{i}" for i in range(companies)])
    service = np.array([f"svc-{i}" for i in range(services)])
    centre = np.array([f"dc-{i}" for i in range(centres)])
    for kind, keys in (("Company", company), ("Service", service), ("DataCenter", centre)):
        tables[kind] = pd.DataFrame(
            {"key": keys, "name": [f"{kind} {k}" for k in keys], "sources": cited(len(keys))}
        )
    tables["Company"]["lei"] = [f"{i:018d}00" if i % 3 == 0 else "" for i in range(companies)]
    countries = np.array(JURISDICTIONS)
    # Each company after the first 60th is a subsidiary of one with a smaller number: no cycle.
    child = np.arange(companies // 60, companies)
    years = rng.integers(1995, 2024, len(child))
    tables["SUBSIDIARY_OF"] = pd.DataFrame(
        {
            "start": company[child],
            "end": company[rng.integers(0, child)],
            "share": np.round(rng.uniform(0.5, 1, len(child)), 3),
            "from": [f"{y}-01-01" for y in years],
            "until": [f"{y + 5}-01-01" if y % 4 == 0 else "" for y in years],
            "sources": cited(len(child)),
        }
    )
    tables["INCORPORATED_IN"] = pd.DataFrame(
        {
            "start": company,
            "end": countries[rng.integers(0, len(countries), companies)],
            "sources": cited(companies),
        }
    )
    offered = rng.permuted(np.tile(np.arange(len(countries)), (services, 1)), axis=1)[:, :4]
    tables["OFFERED_IN"] = pd.DataFrame(
        {
            "start": np.repeat(service, 4),
            "end": countries[offered.ravel()],
            "from": "2012-09-01",
            "sources": cited(services * 4),
        }
    )
    operators = pd.DataFrame(
        {
            "start": np.concatenate([service, centre]),
            "end": company[rng.integers(0, companies, services + centres)],
            "sources": cited(services + centres),
        }
    )
    # One relationship type in two files (service and data-centre operators).
    tables["OPERATED_BY.services"] = operators.iloc[:services]
    tables["OPERATED_BY.centres"] = operators.iloc[services:]
    tables["LOCATED_IN"] = pd.DataFrame(
        {
            "start": centre,
            "end": countries[rng.integers(0, len(countries), centres)],
            "sources": cited(centres),
        }
    )
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return sum(len(frame) for frame in tables.values())


def ingest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "ingest", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def stored(location: str, read_only: bool = True) -> Dump:
    with open_store(location, read_only=read_only, password=PASSWORD) as store:
        return dump(store)


def kill_after_first_table(folder: Path, location: str, env: dict[str, str]) -> str:
    """Start an ingest, SIGKILL it as soon as it says a table is written; that table."""
    process = subprocess.Popen(
        [CLI, "ingest", str(folder), "--store", location, "--verbose"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stderr is not None
    written = None
    deadline = time.monotonic() + 300
    for line in process.stderr:
        found = TABLE_LINE.match(line.strip())
        if found:
            process.send_signal(signal.SIGKILL)
            written = found.group(1)
            break
        assert time.monotonic() < deadline, "no table was written in time"
    assert process.wait(timeout=60) == -signal.SIGKILL, "the ingest ended before the kill"
    assert written, "the ingest printed no table line"
    return written.split(" (")[0]


def complete_and_compare(
    folder: Path, rows: int, location: str, clean: Dump, env: dict[str, str], first: str
) -> None:
    """The killed run left part of the graph; the next run ends in the clean run's graph and
    says so: the rows already there unchanged, the others created."""
    read_only = "://" not in location
    partial = stored(location, read_only)
    loaded = sum(counts(partial).values())
    assert 0 < loaded < rows, f"expected a partial graph, found {loaded} of {rows} rows"
    for name, kept in partial.items():  # nothing that the clean run does not write
        assert set(kept) <= set(clean[name]), name

    done = ingest(str(folder), "--store", location, env=env)
    assert done.returncode == 0, done.stderr
    final = stored(location, read_only)
    assert final == clean, differences(clean, final)

    per_table = report(done.stdout)
    assert per_table, done.stdout
    for name, (created, updated, unchanged) in per_table.items():
        assert updated == 0, name
        assert unchanged == len(partial[name]), name
        assert created + unchanged == len(clean[name]), name
    assert per_table[first][0] == 0, f"{first} was written before the kill, yet created again"
    summary = f"{rows - loaded} were created, 0 were updated, {loaded} unchanged"
    assert summary in done.stderr


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("bulk") / "tables"
    return folder, write_tables(folder)


@pytest.fixture(scope="module")
def clean_run(tables: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that one clean run filled."""
    folder, rows = tables
    location = tmp_path_factory.mktemp("clean") / "store"
    done = ingest(str(folder), "--store", str(location))
    assert done.returncode == 0, done.stderr
    assert f"{rows} were created, 0 were updated, 0 unchanged" in done.stderr
    return location


@pytest.fixture(scope="module")
def clean(clean_run: Path, tables: tuple[Path, int]) -> Dump:
    """The graph of one clean run into a fresh store."""
    graph = stored(str(clean_run))
    assert sum(counts(graph).values()) == tables[1]
    return graph


def test_a_killed_ingest_is_completed_by_the_next_run(
    tables: tuple[Path, int], clean: Dump, tmp_path: Path
) -> None:
    folder, rows = tables
    location = str(tmp_path / "store")
    first = kill_after_first_table(folder, location, {})
    complete_and_compare(folder, rows, location, clean, {}, first)


def test_a_second_run_changes_nothing(
    tables: tuple[Path, int], clean_run: Path, clean: Dump, tmp_path: Path
) -> None:
    """The clean run's store, ingested again: every row unchanged (idempotent at scale)."""
    folder, rows = tables
    location = tmp_path / "store"
    shutil.copytree(clean_run, location)
    again = ingest(str(folder), "--store", str(location))
    assert again.returncode == 0, again.stderr
    assert f"0 were created, 0 were updated, {rows} unchanged" in again.stderr
    assert stored(str(location)) == clean


def test_a_killed_ingest_into_neo4j_is_completed_by_the_next_run(
    neo4j_uri: str, tmp_path: Path
) -> None:
    """The same on Neo4j, on a fifth of the tables (its UNWIND batches are slower). A kill
    there can also leave a table half written (whole batches of it)."""
    folder = tmp_path / "tables"
    rows = write_tables(folder, scale=0.2)
    env = {"REACHGRAPH_NEO4J_PASSWORD": PASSWORD, "COLUMNS": "200"}
    with open_store(neo4j_uri, password=PASSWORD) as store:
        store.clear()
    done = ingest(str(folder), "--store", neo4j_uri, env=env)
    assert done.returncode == 0, done.stderr
    clean = stored(neo4j_uri)
    assert sum(counts(clean).values()) == rows
    with open_store(neo4j_uri, password=PASSWORD) as store:
        store.clear()
    first = kill_after_first_table(folder, neo4j_uri, env)
    complete_and_compare(folder, rows, neo4j_uri, clean, env, first)
