"""`ReachGraph.to_networkx` of a whole synthetic graph beside a bare networkx build of the same
edge list: median seconds and peak memory per run.

    .venv/bin/python bench/export.py                         # ~1M relationships, embedded store
    .venv/bin/python bench/export.py --companies 25000 --repeat 3 --store /tmp/export-25k

The graph comes from `reachgraph generate` (85,000 companies give about 340,000 nodes and
1.0M relationships) and is loaded through the real ingest pipeline; `--store DIR` keeps the
embedded store between runs. Each measurement runs in a fresh process, `--repeat` times, so
its peak resident memory (getrusage maxrss, the interpreter and imports included) is its own:

- `store reads`: the reads `to_networkx` makes (one `read_frame` per node kind and per
  relationship type), and nothing else;
- `bare networkx`: the same reads, then a MultiDiGraph built the way one would by hand:
  `add_nodes_from` / `add_edges_from` with each row's `to_dict("records")` as attributes
  (pandas values: Timestamps, NaN; no typing, no empty lists);
- `to_networkx`: `ReachGraph.to_networkx()`, typed attributes (dates as `datetime.date`,
  None where unset, every schema property on every node and edge).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from synthetic import build

from reachgraph.graph.stores import open_store

MEASURES = ("store reads", "bare networkx", "to_networkx")


def _reads(store: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The frames `to_networkx` reads: one per node kind, one per relationship type."""
    nodes = []
    for kind, spec in store.schema.nodes.items():
        names = [n for n in spec.properties if n != "search_text"]
        frame = store.read_frame(f"MATCH (n:{kind}) RETURN " + ", ".join(f"n.{n}" for n in names))
        frame.columns = names
        nodes.append((kind, frame))
    edges = []
    for rel_type, spec in store.schema.relationships.items():
        frame = store.read_frame(
            f"MATCH (a)-[r:{rel_type}]->(b) RETURN a.key, b.key"
            + "".join(f", r.{n}" for n in spec.properties)
        )
        frame.columns = ["start_key", "end_key", *spec.properties]
        edges.append((rel_type, frame))
    return nodes, edges


def measure(name: str, location: str) -> dict[str, Any]:
    """One run of a measurement, in this process: seconds, nodes, edges."""
    import networkx as nx

    from reachgraph.client import ReachGraph

    store = open_store(location, read_only=True)
    began = time.perf_counter()
    if name == "to_networkx":
        g = ReachGraph(store).to_networkx()
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
    else:
        node_frames, edge_frames = _reads(store)
        nodes = sum(len(f) for _, f in node_frames)
        edges = sum(len(f) for _, f in edge_frames)
        if name == "bare networkx":
            g = nx.MultiDiGraph()
            for kind, frame in node_frames:
                g.add_nodes_from(
                    (row["key"], {"kind": kind, **row}) for row in frame.to_dict("records")
                )
            for rel_type, frame in edge_frames:
                records = frame.drop(columns=["start_key", "end_key"]).to_dict("records")
                g.add_edges_from(
                    zip(
                        frame["start_key"],
                        frame["end_key"],
                        [rel_type] * len(frame),
                        records,
                        strict=True,
                    )
                )
            nodes, edges = g.number_of_nodes(), g.number_of_edges()
    seconds = time.perf_counter() - began
    store.close()
    return {"seconds": seconds, "nodes": nodes, "edges": edges}


def run(name: str, location: str) -> dict[str, Any]:
    """A measurement in a fresh process, with that process's peak resident memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--store", location],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=85_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="embedded store folder to build or reuse")
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # a child process: one run, its result as one JSON line
        result = measure(args.measure, str(args.store))
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as folder:
        location = str(args.store or Path(folder) / "store")
        with open_store(location) as store:
            store.apply_schema()
            began = time.perf_counter()
            build(store, args.companies)
            built = time.perf_counter() - began
            counts = store.counts()
        nodes, rels = sum(counts.nodes.values()), sum(counts.relationships.values())
        Console(stderr=True).print(f"store ready in {built:.0f} s: {location}")
        results = {name: [run(name, location) for _ in range(args.repeat)] for name in MEASURES}
    bare = statistics.median(r["seconds"] for r in results["bare networkx"])
    table = Table(
        "measure",
        "runs",
        "median s",
        "min s",
        "peak RSS MB",
        "x bare",
        "nodes",
        "edges",
        title=f"whole-graph export, LadybugDB: {nodes:,} nodes, {rels:,} relationships",
    )
    for name, runs in results.items():
        seconds = [r["seconds"] for r in runs]
        table.add_row(
            name,
            str(len(runs)),
            f"{statistics.median(seconds):.2f}",
            f"{min(seconds):.2f}",
            f"{statistics.median(r['maxrss_mb'] for r in runs):.0f}",
            f"{statistics.median(seconds) / bare:.2f}",
            f"{runs[0]['nodes']:,}",
            f"{runs[0]['edges']:,}",
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
