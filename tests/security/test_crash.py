"""SIGKILL trials: `reachgraph ingest` killed at random points, on both stores.

One generated table set (`reachgraph generate`, 400 companies) in two versions: V1 as
generated, V2 the same with a third of the OFFERED_IN and STORED_IN spans ended in 2016,
which changes the derived REACHES. Each trial ingests one version into a store holding the
other (or, every fifth trial, an empty store), SIGKILLs the process at a seeded random
point, in turn while the curated tables load and while REACHES are derived and written at
the end, and then checks:

- the store opens (LadybugDB read-only, as the API opens it);
- every curated row it holds is a row of the old or of the new version (nothing torn, a
  partial load at most), and its REACHES are exactly the old version's or exactly the new
  version's: they are replaced in one transaction, so never missing or half written;
- a re-run ends in exactly the graph of a clean ingest of the new version: the same counts,
  REACHES included, and the same rows with every property.

The seed is printed with every trial (REACHGRAPH_CRASH_SEED, REACHGRAPH_CRASH_TRIALS change
them), so a failure can be replayed. Figures per store go to stdout and, when set, as JSON
to $REACHGRAPH_CRASH_FIGURES.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reachgraph.graph.stores import open_store
from tests.conftest import BACKENDS, PASSWORD
from tests.graph_dump import Dump, counts, differences, dump

CLI = str(Path(sys.executable).parent / "reachgraph")
COMPANIES = 400
SEED = int(os.environ.get("REACHGRAPH_CRASH_SEED", "20261204"))
TRIALS = int(os.environ.get("REACHGRAPH_CRASH_TRIALS", "20"))
DERIVED = "REACHES"
TABLE_LINE = re.compile(r"^(.+): (\d+) rows written$")
ENDED = "2016-01-01"

#: Figures of the trials of each store, printed at the end of each store's test.
FIGURES: list[dict[str, object]] = []


@dataclass
class Timeline:
    """When a clean run of the ingest reported its first and last curated table and the
    derived REACHES, in seconds from its start; how many curated tables it reported."""

    first: float
    last: float
    derived: float
    tables: int


@dataclass
class Versions:
    folders: list[Path]
    clean: list[Dump] = field(default_factory=list)
    #: Timelines of clean runs by (version, whether the store was empty).
    timelines: dict[tuple[int, bool], Timeline] = field(default_factory=dict)


def end_some_spans(source: Path, target: Path) -> None:
    """V2: a copy of V1 with every third OFFERED_IN and STORED_IN relationship ended."""
    shutil.copytree(source, target)
    for name in ("OFFERED_IN.csv", "STORED_IN.csv"):
        with (source / name).open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        for number, row in enumerate(rows):
            if number % 3 == 0 and not row["until"] and row["from"] < ENDED:
                row["until"] = ENDED
        with (target / name).open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def two_versions(root: Path) -> list[Path]:
    """Generated tables V1 and V2 (some spans of V1 ended) in `root`."""
    first = root / "v1"
    done = subprocess.run(
        [CLI, "generate", "--companies", str(COMPANIES), "--seed", "1", "--out", str(first)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    end_some_spans(first, root / "v2")
    return [first, root / "v2"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The generated tables, V1 and V2, written once for both stores."""
    return two_versions(tmp_path_factory.mktemp("crash"))


def environment(backend: str) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200"}
    if backend == "neo4j":
        env["REACHGRAPH_NEO4J_PASSWORD"] = PASSWORD
    return env


def start(folder: Path, location: str, backend: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CLI, "ingest", str(folder), "--store", location, "--verbose"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(backend),
    )


def clean_run(folder: Path, location: str, backend: str) -> Timeline:
    """Ingest to the end, timing the tables it reports."""
    began = time.monotonic()
    process = start(folder, location, backend)
    assert process.stderr is not None
    seen: list[tuple[float, str]] = []
    tail = []
    for line in process.stderr:
        tail.append(line)
        found = TABLE_LINE.match(line.strip())
        if found:
            seen.append((time.monotonic() - began, found.group(1)))
    assert process.wait(timeout=600) == 0, "".join(tail[-30:])
    curated = [t for t, name in seen if not name.endswith("(derived)")]
    derived = [t for t, name in seen if name.endswith("(derived)")]
    assert curated and derived, "".join(tail[-30:])
    return Timeline(curated[0], curated[-1], derived[0], len(curated))


def read(location: str, backend: str) -> Dump:
    """The store as a reader opens it (LadybugDB read-only, as the API does)."""
    with open_store(location, read_only=backend == "ladybug", password=PASSWORD) as store:
        return dump(store)


def empty(location: str, backend: str) -> str:
    """An empty store: a new folder for LadybugDB, a cleared database on Neo4j."""
    if backend == "ladybug":
        shutil.rmtree(location, ignore_errors=True)
    else:
        with open_store(location, password=PASSWORD) as store:
            store.clear()
    return location


@pytest.fixture(scope="module", params=BACKENDS)
def versions(
    request: pytest.FixtureRequest,
    tables: list[Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, str, Versions]:
    """(backend, location, versions): clean runs of V1 and V2 into an empty store (their
    dumps), then of V1 over V2 and V2 over V1 (the same graphs), timed. The store is left
    holding V2."""
    backend = request.param
    if backend == "ladybug":
        location = str(tmp_path_factory.mktemp("crash-store") / "store")
    else:
        location = request.getfixturevalue("neo4j_uri")
    empty(location, backend)
    found = Versions(tables)
    for version, start_empty in ((0, True), (1, True), (0, False), (1, False)):
        if start_empty:
            empty(location, backend)
        found.timelines[version, start_empty] = clean_run(tables[version], location, backend)
        if start_empty:
            found.clean.append(read(location, backend))
        else:
            assert read(location, backend) == found.clean[version]
    one, two = found.clean
    assert one[DERIVED] != two[DERIVED], "V2 should change the derived REACHES"
    assert len(one[DERIVED]) > 500, "too few REACHES for the kills to land in their write"
    return backend, location, found


@dataclass
class Trial:
    number: int
    seed: int
    start: str  # "empty" or "old"
    phase: str  # "load" or "derive"
    delay: float
    killed: bool
    reaches_after_kill: str  # "old", "new" or "none" (an empty start)
    rows_after_kill: int
    recovered: bool


def kill_at(process: subprocess.Popen[str], phase: str, delay: float, timeline: Timeline) -> bool:
    """SIGKILL the ingest `delay` s after it starts ("load") or after it reports its last
    curated table ("derive"); whether it was still running."""
    assert process.stderr is not None
    stream = process.stderr
    tables = 0
    deriving = threading.Event()

    def follow() -> None:
        nonlocal tables
        for line in stream:
            found = TABLE_LINE.match(line.strip())
            if found and not found.group(1).endswith("(derived)"):
                tables += 1
                if tables == timeline.tables:
                    deriving.set()

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    if phase == "derive":
        deriving.wait(timeout=timeline.last * 4 + 30)
    time.sleep(delay)
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    reader.join(timeout=10)
    return killed and process.returncode == -signal.SIGKILL


def test_sigkilled_ingests_are_completed_exactly(versions: tuple[str, str, Versions]) -> None:
    backend, location, found = versions
    rng = random.Random(f"{SEED}-{backend}")
    holding = 1  # the fixture left the store holding V2
    trials: list[Trial] = []
    failures: list[str] = []
    began = time.monotonic()
    for number in range(TRIALS):
        seed = rng.randrange(2**32)
        draw = random.Random(seed)
        target = 1 - holding
        start_empty = number % 5 == 0
        if start_empty:
            empty(location, backend)
        old: Dump = (
            {name: [] for name in found.clean[target]} if start_empty else (found.clean[holding])
        )
        new = found.clean[target]
        timeline = found.timelines[target, start_empty]
        phase = ("load", "derive")[number % 2]
        if phase == "derive":
            delay = draw.uniform(0, timeline.derived - timeline.last)
        else:
            delay = draw.uniform(0.2, timeline.last * 0.9)
        killed = kill_at(start(found.folders[target], location, backend), phase, delay, timeline)

        if backend == "ladybug" and not (Path(location) / "graph.lbug").exists():
            # Killed before it created the database: the store is as it was, empty.
            assert start_empty, f"trial {number} (seed {seed}): the store's file is gone"
            after: dict[str, list[Any]] = {name: [] for name in new}
        else:
            after = read(location, backend)  # the store opens
        torn = [
            f"{name}: {row}"
            for name, rows in after.items()
            if name != DERIVED
            for row in set(rows) - set(old[name]) - set(new[name])
        ]
        if after[DERIVED] == new[DERIVED]:
            reaches = "new"
        elif after[DERIVED] == old[DERIVED]:
            reaches = "old" if old[DERIVED] else "none"
        else:
            reaches = f"torn ({len(after[DERIVED])} rows)"

        done = subprocess.run(
            [CLI, "ingest", str(found.folders[target]), "--store", location],
            capture_output=True,
            text=True,
            timeout=600,
            env=environment(backend),
        )
        final = read(location, backend) if done.returncode == 0 else {}
        recovered = done.returncode == 0 and final == new
        holding = target
        trial = Trial(
            number,
            seed,
            "empty" if start_empty else "old",
            phase,
            round(delay, 3),
            killed,
            reaches,
            sum(counts(after).values()),
            recovered,
        )
        trials.append(trial)
        print(f"crash trial {backend}: {asdict(trial)}")
        if torn:
            failures.append(f"trial {number} (seed {seed}): rows of neither version: {torn[:5]}")
        if reaches not in ("old", "new", "none"):
            failures.append(f"trial {number} (seed {seed}): REACHES after the kill {reaches}")
        if done.returncode != 0:
            failures.append(f"trial {number} (seed {seed}): the re-run failed: {done.stderr}")
        elif not recovered:
            failures.append(
                f"trial {number} (seed {seed}): the re-run differs from a clean run: "
                f"{differences(new, final)}"
            )
    kills = sum(t.killed for t in trials)
    deriving = sum(t.killed and t.phase == "derive" for t in trials)
    figures = {
        "store": backend,
        "trials": len(trials),
        "killed": kills,
        "killed while loading": kills - deriving,
        "killed while deriving": deriving,
        "REACHES after kill old/new/none": [
            sum(t.reaches_after_kill == kind for t in trials) for kind in ("old", "new", "none")
        ],
        "recovered exactly": sum(t.recovered for t in trials),
        "seconds": round(time.monotonic() - began, 1),
    }
    FIGURES.append(figures)
    print(f"crash figures: {figures}")
    out = os.environ.get("REACHGRAPH_CRASH_FIGURES")
    if out:
        Path(out).write_text(json.dumps(FIGURES, indent=2) + "\n")
    assert not failures, "\n".join(failures)
    # A trial whose ingest ended before the kill tests nothing; most must be real kills.
    assert kills >= TRIALS * 3 // 4, figures
    assert deriving >= 1 and kills > deriving, figures
