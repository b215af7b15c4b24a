"""The Neo4j part of bench/ingest.py: three ways into Neo4j of one generated graph, in one run.

(a) the reachgraph pipeline (`read_inputs` -> `validate` -> `load`, as `reachgraph ingest`
    runs it) into an emptied database, its load split into nodes, curated relationships and
    REACHES (reading the graph back, deriving them in Python and writing them, as every load
    does);
(b) raw batched `UNWIND $rows ... CREATE` and `... MERGE` of the same validated rows straight
    through the driver, the batches (lists of dicts, dates as `datetime.date`) prepared before
    the clock starts, constraints applied first (no REACHES: they are not input);
(c) `neo4j-admin database import full` of the files `reachgraph ingest --neo4j-admin-import
    DIR` writes (ingest/admin_import.py, REACHES included, derived in a temporary embedded
    store), into a database of a scratch Neo4j home: the importer builds a database offline,
    so it never touches the running server. Timed apart: writing the files, and the import.
    Not timed: the after-import step (constraints, empty lists), which needs a server on the
    imported database.

Beside wall-clock seconds, the client's CPU seconds (this process) and the server's (its JVM,
through `dbms.queryJmx`): on a shared machine wall time moves with the neighbours' load, CPU
time much less.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from reachgraph.graph.schema import Schema
from reachgraph.graph.stores import Store
from reachgraph.graph.stores.neo4j import Neo4jStore
from reachgraph.graph.stores.neo4j_layout import ENTITY
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.admin_import import write_admin_import
from reachgraph.ingest.derive import DERIVED
from reachgraph.ingest.validate import Valid

_JMX_CPU = (
    "CALL dbms.queryJmx('java.lang:type=OperatingSystem') YIELD attributes "
    "RETURN attributes.ProcessCpuTime.value AS cpu"
)


@dataclass
class Sample:
    """One measurement: wall seconds per stage, CPU seconds of client and server."""

    stages: dict[str, float] = field(default_factory=dict)
    client_cpu: float = 0.0
    server_cpu: float | None = None

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@dataclass
class Runs:
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def add(self, what: str, sample: Sample) -> None:
        self.samples.setdefault(what, []).append(sample)

    def median(self, what: str, get: Callable[[Sample], float | None]) -> float | None:
        values = [v for s in self.samples[what] if (v := get(s)) is not None]
        return statistics.median(values) if values else None


def server_cpu(driver: neo4j.Driver | None) -> float | None:
    """CPU seconds the server's JVM has used, None when it cannot say."""
    if driver is None:
        return None
    try:
        records, _, _ = driver.execute_query(_JMX_CPU, database_="system")
        return int(records[0]["cpu"]) / 1e9
    except (neo4j.exceptions.Neo4jError, IndexError, TypeError, ValueError):
        return None


@contextmanager
def measured(sample: Sample, driver: neo4j.Driver | None) -> Iterator[None]:
    client, server = time.process_time(), server_cpu(driver)
    yield
    sample.client_cpu = time.process_time() - client
    after = server_cpu(driver)
    sample.server_cpu = after - server if after is not None and server is not None else None


def pipeline(folder: Path, store: Neo4jStore, driver: neo4j.Driver, nodes: int) -> Sample:
    """`reachgraph ingest FOLDER` into the emptied store, its load split by the progress the
    load reports (nodes, then relationships, then REACHES)."""
    store.clear()
    store.apply_schema()
    sample = Sample()
    marks: list[tuple[str, float]] = []
    with measured(sample, driver):
        began = time.perf_counter()
        raw = read_inputs([folder], store.schema)
        sample.stages["read"] = time.perf_counter() - began
        began = time.perf_counter()
        valid = validate(raw, store.schema, store)
        sample.stages["validate"] = time.perf_counter() - began
        began = time.perf_counter()
        report = load(
            valid, store, progress=lambda what, _: marks.append((what, time.perf_counter()))
        )
        ended = time.perf_counter()
    last_node = max(t for what, t in marks if what in valid.nodes)
    last_rel = max(t for what, t in marks if what not in valid.nodes and DERIVED not in what)
    sample.stages["nodes"] = last_node - began
    sample.stages["relationships"] = last_rel - last_node
    sample.stages[DERIVED] = ended - last_rel
    created = sum(c.created for c in report.nodes.values())
    assert created == nodes, report.nodes
    return sample


def raw_batches(
    valid: Valid, schema: Schema, verb: str, size: int
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(Cypher, rows) of batched UNWIND ... CREATE or MERGE of the validated rows."""
    work: list[tuple[str, pd.DataFrame]] = []
    for kind, frame in valid.nodes.items():
        rows = Store.shaped(frame, list(schema.nodes[kind].properties))
        node = f"(n:{kind}:{ENTITY} {{key: row.key}})"
        work.append((f"UNWIND $rows AS row {verb} {node} SET n += row", rows))
    for rel_type, pairs in valid.relationships.items():
        props = list(schema.relationships[rel_type].properties)
        sets = ", ".join(f"r.{p} = row.{p}" for p in props)
        for (start, end), frame in pairs.items():
            rows = Store.shaped(frame, ["start", "end", *props])
            cypher = (
                f"UNWIND $rows AS row MATCH (a:{start} {{key: row.start}}) "
                f"MATCH (b:{end} {{key: row.end}}) {verb} (a)-[r:{rel_type}]->(b) SET {sets}"
            )
            work.append((cypher, rows))
    return [
        (cypher, records[i : i + size])
        for cypher, rows in work
        for records in [rows.to_dict("records")]
        for i in range(0, len(records), size)
    ]


def raw(valid: Valid, store: Neo4jStore, driver: neo4j.Driver, verb: str) -> Sample:
    store.clear()
    store.apply_schema()
    batches = raw_batches(valid, store.schema, verb, store.batch_size)
    first_rel = next(i for i, (cypher, _) in enumerate(batches) if "MATCH" in cypher)
    sample = Sample()
    with measured(sample, driver):
        began = time.perf_counter()
        for i, (cypher, batch) in enumerate(batches):
            if i == first_rel:
                sample.stages["nodes"] = time.perf_counter() - began
                began = time.perf_counter()
            driver.execute_query(cypher, {"rows": batch}, database_=store.database)
        sample.stages["relationships"] = time.perf_counter() - began
    return sample


def admin_import(valid: Valid, schema: Schema, work: Path, lib: Path, nodes: int) -> Sample:
    """The import files written from `valid` (as `reachgraph ingest --neo4j-admin-import`
    writes them after reading and validating), then imported by neo4j-admin into the
    database of a scratch home (NEO4J_HOME and its conf under `work`)."""
    home = work / "admin-home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\n", encoding="utf-8"
    )
    sample = Sample()
    with measured(sample, None):
        began = time.perf_counter()
        written = write_admin_import(valid, schema, home / "files")
        sample.stages["files"] = time.perf_counter() - began
    began = time.perf_counter()
    done = subprocess.run(
        ["java", "-Xmx1g", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", *written.arguments()],
        capture_output=True,
        text=True,
        env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")},
        cwd=home,
        check=False,
    )
    sample.stages["import"] = time.perf_counter() - began
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    imported = re.search(r"Imported:\s+(\d+) nodes", done.stdout)
    assert imported and int(imported.group(1)) == nodes, done.stdout[-2000:]
    shutil.rmtree(home, ignore_errors=True)
    return sample


def neo4j_lib() -> Path:
    """Where scripts/neo4j-test-server keeps the Neo4j jars."""
    default = Path.home() / ".cache/reachgraph/neo4j-5.26"
    return Path(os.environ.get("REACHGRAPH_NEO4J_HOME", default)) / "lib"


def measure(
    folder: Path, uri: str, password: str, repeat: int, work: Path, nodes: int
) -> tuple[Runs, int, int]:
    """Every measurement, `repeat` times in turn; also how many REACHES the load derived and
    the store's batch size."""
    runs = Runs()
    schema_store = Neo4jStore(uri, password=password)
    driver = neo4j.GraphDatabase.driver(
        uri, auth=("neo4j", password), notifications_min_severity="OFF"
    )
    lib = neo4j_lib()
    importer = shutil.which("java") is not None and any(lib.glob("neo4j-*.jar"))
    with schema_store as store, driver:
        for _ in range(repeat):
            runs.add("pipeline", pipeline(folder, store, driver, nodes))
            reaches = store.counts().relationships[DERIVED]
            valid = validate(read_inputs([folder], store.schema), store.schema)
            for verb in ("CREATE", "MERGE"):
                runs.add(f"raw {verb}", raw(valid, store, driver, verb))
            if importer:
                runs.add("admin import", admin_import(valid, store.schema, work, lib, nodes))
        store.clear()
        return runs, reaches, store.batch_size
