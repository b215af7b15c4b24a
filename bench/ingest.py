"""Ingest throughput beside the store's raw bulk-load rate on the same data.

    .venv/bin/python bench/ingest.py                          # ~1M nodes + 3M relationships
    .venv/bin/python bench/ingest.py --companies 25000 --repeat 1
    .venv/bin/python bench/ingest.py --neo4j-uri bolt://127.0.0.1:17687

Embedded store (LadybugDB): `reachgraph generate` writes CSV tables; the real pipeline
(`read_inputs` -> `validate` -> `load`, as `reachgraph ingest` runs it) loads them into a
fresh store, then runs again on the loaded store (nothing changed). The raw rate is a plain
LadybugDB `COPY` of the same validated tables from DataFrames into a fresh database: no
reading, no validation, no diff; the DataFrames are prepared before the clock starts.
Neo4j (optional, bench/ingest_neo4j.py): a smaller graph, in one run (a) through the pipeline
into an emptied database, (b) as raw batched `UNWIND $rows ... CREATE` and `... MERGE` of the
same rows, and (c) through `neo4j-admin database import` of the files `reachgraph ingest
--neo4j-admin-import` writes, into a scratch Neo4j home (needs java and the jars of
scripts/neo4j-test-server); the password comes from REACHGRAPH_NEO4J_PASSWORD (default
reachgraph-test). Times are medians of `--repeat` runs; this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import ingest_neo4j
import ladybug
import pandas as pd
from rich.console import Console
from rich.table import Table

from reachgraph.graph.schema import Schema, load_schema
from reachgraph.graph.stores import Store, open_store
from reachgraph.graph.stores.ladybug import DB_FILE
from reachgraph.graph.stores.ladybug_layout import ddl
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.derive import DERIVED
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.ingest.load import Change, LoadReport
from reachgraph.ingest.synthetic.shape import COMPANIES_FOR_1M
from reachgraph.ingest.validate import Valid

console = Console(width=120)


@dataclass
class Timings:
    """Seconds per stage, one entry per run."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        yield
        self.runs.setdefault(name, []).append(time.perf_counter() - began)

    def median(self, name: str) -> float:
        return statistics.median(self.runs[name])

    def total(self, names: tuple[str, ...]) -> float:
        """Median of the per-run sums of the stages."""
        sums = [sum(parts) for parts in zip(*(self.runs[n] for n in names), strict=True)]
        return float(statistics.median(sums))


PIPELINE = ("read", "validate", "load")


def curated(report: LoadReport) -> Change:
    """The report's totals without the derived REACHES, which the input does not count."""
    return LoadReport(
        report.nodes, {t: c for t, c in report.relationships.items() if t != DERIVED}
    ).total()


def pipeline(folder: Path, store: Store, timings: Timings, prefix: str) -> tuple[Valid, Any]:
    """`reachgraph ingest FOLDER` in process, each stage timed."""
    store.apply_schema()
    with timings.stage(f"{prefix}read"):
        raw = read_inputs([folder], store.schema)
    with timings.stage(f"{prefix}validate"):
        valid = validate(raw, store.schema, store)
    with timings.stage(f"{prefix}load"):
        report = load(valid, store)
    return valid, report


def tables(valid: Valid, schema: Schema) -> list[tuple[str, str, pd.DataFrame]]:
    """(table, COPY options, rows) for every table of the input, shaped as the store's."""
    out = []
    for kind, frame in valid.nodes.items():
        out.append((kind, "", Store.shaped(frame, list(schema.nodes[kind].properties))))
    for rel_type, pairs in valid.relationships.items():
        props = list(schema.relationships[rel_type].properties)
        for (start, end), frame in pairs.items():
            rows = Store.shaped(frame, ["start", "end", *props])
            rows.columns = ["start_key", "end_key", *props]
            out.append((rel_type, f" (from='{start}', to='{end}')", rows))
    return out


def raw_copy(valid: Valid, schema: Schema, folder: Path, timings: Timings) -> None:
    """Plain COPY of the same tables into a fresh LadybugDB database."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = ladybug.Database(str(folder / DB_FILE))
    connection = ladybug.Connection(database)
    for statement in ddl(schema):
        connection.execute(statement)
    prepared = tables(valid, schema)
    with timings.stage("raw"):
        for table, options, rows in prepared:
            connection.execute(f"COPY {table} FROM $rows{options}", {"rows": rows})
    connection.close()
    database.close()


def embedded(args: argparse.Namespace, work: Path) -> None:
    folder = work / "tables"
    began = time.perf_counter()
    written = write_tables(generate(args.companies, seed=args.seed), folder)
    generated = time.perf_counter() - began
    schema = load_schema()
    nodes = sum(n for name, n in written.items() if name in schema.nodes)
    relationships = sum(written.values()) - nodes
    timings = Timings()
    for run in range(args.repeat):
        console.print(f"embedded run {run + 1}/{args.repeat} ...", style="dim")
        shutil.rmtree(work / "store", ignore_errors=True)
        with open_store(str(work / "store")) as store:
            valid, first = pipeline(folder, store, timings, "")
            assert curated(first).created == nodes + relationships, first.total()
            _, second = pipeline(folder, store, timings, "again ")
            assert curated(second).unchanged == nodes + relationships, second.total()
        raw_copy(valid, schema, work / "raw", timings)
        del valid
    rows = nodes + relationships
    raw = timings.median("raw")
    first_total = timings.total(PIPELINE)
    again = timings.total(tuple(f"again {s}" for s in PIPELINE))
    table = Table(
        title=f"Embedded store (LadybugDB {version('ladybug')}): {nodes:,} nodes + "
        f"{relationships:,} relationships, --companies {args.companies:,}; median of "
        f"{args.repeat} run(s)"
    )
    for column in ("what", "read s", "validate s", "load s", "total s", "nodes/s", "rels/s"):
        table.add_column(column, justify="left" if column == "what" else "right")

    def line(what: str, stages: tuple[float, ...], total: float) -> None:
        cells = [f"{s:.1f}" for s in stages] + [f"{total:.1f}"]
        table.add_row(what, *cells, f"{nodes / total:,.0f}", f"{relationships / total:,.0f}")

    line("pipeline, first load", tuple(timings.median(s) for s in PIPELINE), first_total)
    line(
        "pipeline, again (all unchanged)",
        tuple(timings.median(f"again {s}") for s in PIPELINE),
        again,
    )
    table.add_row("raw COPY from DataFrames", "", "", f"{raw:.1f}", f"{raw:.1f}",
                  f"{nodes / raw:,.0f}", f"{relationships / raw:,.0f}")  # fmt: skip
    console.print(table)
    console.print(
        f"ratio, pipeline first load / raw COPY: {first_total / raw:.2f}x end to end, "
        f"{timings.median('load') / raw:.2f}x for the load stage alone "
        f"(target: within 2x). {rows:,} rows; generating the CSV tables took {generated:.1f} s."
    )


def on_neo4j(args: argparse.Namespace, work: Path) -> None:
    password = os.environ.get("REACHGRAPH_NEO4J_PASSWORD", "reachgraph-test")
    folder = work / "neo4j-tables"
    written = write_tables(generate(args.neo4j_companies, seed=args.seed), folder)
    schema = load_schema()
    nodes = sum(n for name, n in written.items() if name in schema.nodes)
    relationships = sum(written.values()) - nodes
    runs, reaches, batch = ingest_neo4j.measure(
        folder, args.neo4j_uri, password, args.repeat, work, nodes
    )
    table = Table(
        title=f"Neo4j at {args.neo4j_uri}: {nodes:,} nodes + {relationships:,} relationships "
        f"(+ {reaches:,} derived REACHES), --companies {args.neo4j_companies:,}; seconds, "
        f"median of {args.repeat} run(s)"
    )
    stages = ("read", "validate", "files", "nodes", "relationships", DERIVED, "import")
    heads = ("read", "valid.", "files", "nodes", "rels", "REACHES", "import", "total")
    for column in ("what", *heads, "nodes/s", "rels/s", "CPU client", "CPU server"):
        table.add_column(column, justify="left" if column == "what" else "right")
    labels = {
        "pipeline": "pipeline",
        "raw CREATE": "raw CREATE",
        "raw MERGE": "raw MERGE",
        "admin import": "admin import",
    }
    for what, label in labels.items():
        if what not in runs.samples:
            continue
        cells = []
        for stage in stages:
            value = runs.median(what, lambda s, stage=stage: s.stages.get(stage))
            cells.append("" if value is None else f"{value:.1f}")
        total = runs.median(what, lambda s: s.total) or float("nan")
        client = runs.median(what, lambda s: s.client_cpu)
        server = runs.median(what, lambda s: s.server_cpu)
        table.add_row(
            label, *cells, f"{total:.1f}", f"{nodes / total:,.0f}", f"{relationships / total:,.0f}",
            "" if client is None else f"{client:.1f}", "" if server is None else f"{server:.1f}",
        )  # fmt: skip
    console.print(table)
    if "admin import" not in runs.samples:
        console.print(f"neo4j-admin import not measured: needs java and the jars in "
                      f"{ingest_neo4j.neo4j_lib()} (scripts/neo4j-test-server fetch).")  # fmt: skip
    pipeline_s = runs.median("pipeline", lambda s: s.total) or float("nan")
    load_s = runs.median(
        "pipeline", lambda s: s.stages["nodes"] + s.stages["relationships"]
    ) or float("nan")
    raw_s = runs.median("raw CREATE", lambda s: s.total) or float("nan")
    console.print(
        f"Batches of {batch:,} rows. "
        f"Pipeline / raw CREATE: {pipeline_s / raw_s:.2f}x end to end, {load_s / raw_s:.2f}x "
        f"for writing nodes and relationships alone ({nodes / load_s:,.0f} nodes/s, "
        f"{relationships / load_s:,.0f} rels/s over those two stages)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=COMPANIES_FOR_1M)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-uri", help="also measure Neo4j at this bolt:// URI")
    parser.add_argument("--neo4j-companies", type=int, default=12_500, help="~50k nodes")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--work", type=Path, help="scratch folder [default: a temporary one]")
    args = parser.parse_args()
    console.print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}",
        style="dim",
    )
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        if not args.skip_embedded:
            embedded(args, Path(scratch))
        if args.neo4j_uri:
            on_neo4j(args, Path(scratch))
        elif not args.skip_embedded:
            console.print("Neo4j not measured: pass --neo4j-uri (scripts/neo4j-test-server start).")


if __name__ == "__main__":
    main()
