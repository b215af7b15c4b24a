"""Memory of a first ingest: the resident set after each step of the pipeline, and the peak.

    .venv/bin/python bench/memory.py                          # 25,000 and 75,000 companies
    REACHGRAPH_EMBEDDED_MEMORY_MB=2048 .venv/bin/python bench/memory.py --companies 75000

For each size, `reachgraph generate --seed 1` tables are written first; then two fresh
child processes load them into a new embedded store. The first runs the steps one by one
and reports its RSS after each: reading the tables, validating them, the curated graph
built from the validated frames (as a first load keeps it), the derived REACHES as rows and
as the frame that is written, and the bytes of their `paths`. The second runs the whole
load as `reachgraph ingest` does and reports its peak RSS (VmHWM) and wall time, or the
error that stopped it. REACHGRAPH_EMBEDDED_MEMORY_MB, if set, bounds LadybugDB's buffer
pool in the second.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reachgraph.graph.errors import ReachgraphError
from reachgraph.graph.stores import open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.curated_graph import Graph
from reachgraph.ingest.derive import DERIVED, Deriver
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.ingest.rederive import derived
from reachgraph.settings import Settings


def status(field: str) -> float:
    """A field of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def steps(tables: Path, store_dir: Path) -> dict[str, float]:
    """RSS (MB) after each step, run one by one."""
    rss = {"start": status("VmRSS")}
    with open_store(str(store_dir)) as store:
        store.apply_schema()
        inputs = read_inputs([tables], store.schema)
        rss["read"] = status("VmRSS")
        valid = validate(inputs, store.schema, store)
        rss["validated"] = status("VmRSS")
        graph = Graph(store.schema)
        for kind, frame in valid.nodes.items():
            names = list(store.schema.nodes[kind].properties)
            graph.add_nodes(kind, names, store.shaped(frame, names).itertuples(index=False))
        for rel_type, pairs in valid.relationships.items():
            names = list(store.schema.relationships[rel_type].properties)
            for frame in pairs.values():
                rows = store.shaped(frame, ["start", "end", *names]).itertuples(index=False)
                graph.add_relationships(rel_type, names, rows)
        rss["curated graph"] = status("VmRSS")
        rows = list(Deriver(graph).rows(None))
        rss[f"{DERIVED} rows ({len(rows):,})"] = status("VmRSS")
        del rows
        frame = derived(store, graph, None)
        rss[f"{DERIVED} frame"] = status("VmRSS")
        rss["of which paths"] = sum(map(len, frame["paths"])) / 2**20
    return rss


def whole(tables: Path, store_dir: Path) -> dict[str, object]:
    """Peak RSS (MB) and seconds of the whole load, or its error."""
    began = time.perf_counter()
    settings = Settings(store=str(store_dir))
    outcome: dict[str, object] = {}
    try:
        with open_store(str(store_dir), memory_mb=settings.embedded_memory_mb) as store:
            store.apply_schema()
            load(validate(read_inputs([tables], store.schema), store.schema, store), store)
    except ReachgraphError as error:
        outcome["error"] = str(error)[:120]
    outcome["seconds"] = time.perf_counter() - began
    outcome["peak"] = status("VmHWM")
    return outcome


def child(what: str, tables: Path, store_dir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, str(tables), str(store_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", default="25000,75000", help="sizes, comma-separated")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, tables, store_dir = args.child
        run = steps if what == "steps" else whole
        print(json.dumps(run(Path(tables), Path(store_dir))))
        return
    for companies in (int(c) for c in args.companies.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            tables = Path(folder) / "tables"
            write_tables(generate(companies, seed=1), tables)
            by_step = child("steps", tables, Path(folder) / "steps")
            load_run = child("whole", tables, Path(folder) / "whole")
        report(companies, by_step, load_run)


def report(companies: int, by_step: dict[str, object], load_run: dict[str, object]) -> None:
    print(f"\n{companies:,} companies: RSS after each step, MB (one process)\n")
    print("| step | MB |\n|---|---|")
    for step, mb in by_step.items():
        print(f"| {step} | {float(str(mb)):,.0f} |")
    failed = f", failed: {load_run['error']}" if "error" in load_run else ""
    peak, seconds = float(str(load_run["peak"])), float(str(load_run["seconds"]))
    print(f"\nThe whole load (another process): peak RSS {peak:,.0f} MB, {seconds:.1f} s{failed}")


if __name__ == "__main__":
    main()
