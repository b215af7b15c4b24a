"""Deriving REACHES after a load: only the data a change affects, beside deriving all.

    .venv/bin/python bench/rederive.py                       # 3,000 and 25,000 companies
    .venv/bin/python bench/rederive.py --companies 3000 --neo4j-uri bolt://127.0.0.1:17687

For each size, `reachgraph generate --seed 1` tables are loaded into a fresh embedded store
(and, with --neo4j-uri, an emptied Neo4j database; password from REACHGRAPH_NEO4J_PASSWORD,
default reachgraph-test) through the real pipeline. Then each change below is ingested as
`reachgraph ingest` would (read, validate, load), from a copy of the tables with that one
change, and undone by ingesting the original again:

- one body of data moved out of its data centre (a STORED_IN ended): the data's side;
- one subsidiary sold (a SUBSIDIARY_OF ended): the data of a group;
- one treaty party gone (a PARTY ended): the law's side, every body of data reaching it;
- nothing changed.

For each the table gives the bodies of data derived again, the seconds of the REACHES stage
(reading the graph, finding what is affected, deriving, comparing, writing) and of the whole
load, beside `reachgraph rederive` (every body of data) on the same store. Medians of
--repeat runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.ingest.rederive import rebuild

console = Console(width=140)
ENDED = "2019-01-01"


def end_one(table: str) -> Callable[[Path], None]:
    """A change: the first open row of `table` (started before ENDED) ends on ENDED."""

    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        row = next(r for r in rows if not r["until"] and r["from"] < ENDED)
        row["until"] = ENDED
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    return change


CHANGES: dict[str, Callable[[Path], None]] = {
    "data moved (STORED_IN ended)": end_one("STORED_IN"),
    "subsidiary sold (SUBSIDIARY_OF ended)": end_one("SUBSIDIARY_OF"),
    "treaty party gone (PARTY ended)": end_one("PARTY"),
    "nothing changed": lambda folder: None,
}


def ingest(store: Store, folder: Path) -> tuple[float, float, int | None]:
    """(seconds of the REACHES stage, of `load` (diff, writes, REACHES), bodies of data
    derived again)."""
    stages: list[float] = [time.perf_counter()]
    valid = validate(read_inputs([folder], store.schema), store.schema, store)
    began = time.perf_counter()
    report = load(valid, store, progress=lambda what, n: stages.append(time.perf_counter()))
    derived = report.rederived
    assert derived is not None
    return stages[-1] - stages[-2], time.perf_counter() - began, derived.data


def run(store: Store, folder: Path, work: Path, repeat: int, size: str, table: Table) -> None:
    store.clear()
    store.apply_schema()
    ingest(store, folder)
    data = store.counts().nodes["Data"]
    for name, change in CHANGES.items():
        changed = work / "changed"
        shutil.rmtree(changed, ignore_errors=True)
        shutil.copytree(folder, changed)
        change(changed)
        stage, whole, count = [], [], None
        for _ in range(repeat):
            seconds, total, count = ingest(store, changed)
            stage.append(seconds)
            whole.append(total)
            ingest(store, folder)  # undone
        table.add_row(
            size,
            store.backend,
            name,
            f"{count:,} of {data:,}",
            f"{statistics.median(stage):.2f}",
            f"{statistics.median(whole):.2f}",
        )
    full = []
    for _ in range(repeat):
        began = time.perf_counter()
        rebuild(store)
        full.append(time.perf_counter() - began)
    table.add_row(
        size,
        store.backend,
        "`reachgraph rederive` (all)",
        f"{data:,} of {data:,}",
        f"{statistics.median(full):.2f}",
        "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", default="3000,25000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--neo4j-uri")
    args = parser.parse_args()
    table = Table(title="REACHES after a load: incremental beside all")
    for column in ("graph", "store", "change", "data derived", "REACHES s", "load s"):
        table.add_column(column)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for companies in (int(c) for c in args.companies.split(",")):
            folder = work / f"tables-{companies}"
            write_tables(generate(companies, seed=1), folder)
            with open_store(str(work / f"store-{companies}")) as store:
                run(store, folder, work, args.repeat, f"{companies:,} companies", table)
            if args.neo4j_uri and companies == min(int(c) for c in args.companies.split(",")):
                password = os.environ.get("REACHGRAPH_NEO4J_PASSWORD", "reachgraph-test")
                with open_store(args.neo4j_uri, password=password) as store:
                    run(store, folder, work, args.repeat, f"{companies:,} companies", table)
    console.print(table)


if __name__ == "__main__":
    main()
