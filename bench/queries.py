"""Latency of every named query on a synthetic graph: median and p99, per store.

    .venv/bin/python bench/queries.py                       # ~1M nodes, embedded store
    .venv/bin/python bench/queries.py --neo4j-uri bolt://127.0.0.1:17687

Per-entity questions run on the big graph, whole-graph ones (reach, conflicts) on a small
one, as does Neo4j. The graphs come from `reachgraph generate` (250,000 companies give
about 1M nodes and 3M relationships), loaded through the real ingest pipeline; `--store DIR`
keeps the big embedded store between runs. Each query runs once to warm up (LadybugDB plans
a query text on its first run), then `--runs` times with a different entity each time
where the question is about one entity. Neo4j needs REACHGRAPH_NEO4J_PASSWORD
(default reachgraph-test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from synthetic import build

from reachgraph.graph.stores import Store, open_store
from reachgraph.queries import catalog
from reachgraph.questions import ask

Params = Callable[[int], dict[str, Any]]


def sample(store: Store, cypher: str, n: int) -> list[Any]:
    return [row[0] for row in store.read(cypher, row_cap=n).rows]


def cases(store: Store, runs: int) -> dict[str, Params]:
    """Parameters for each named query; per-entity questions cycle through entities."""
    deep = sample(store, "MATCH (c:Company)-[:SUBSIDIARY_OF*5..5]->() RETURN DISTINCT c.key", runs)
    data = sample(store, "MATCH (d:Data)-[:HELD_BY]->()-[:SUBSIDIARY_OF]->() RETURN d.key", runs)
    pairs = store.read(
        "MATCH (d:Data)-[:HELD_BY]->()-[:SUBSIDIARY_OF]->(p) RETURN d.key, p.key", row_cap=runs
    ).rows
    proceedings = sample(store, "MATCH (p:Proceeding)<-[:DECIDED_IN]-() RETURN p.key", runs)
    day = "2020-06-01"
    return {
        "control_chain": lambda i: {"company": deep[i % len(deep)], "as_of": day},
        "exposure": lambda i: {"data": data[i % len(data)], "as_of": day},
        "explain": lambda i: {"a": pairs[i % len(pairs)][0], "b": pairs[i % len(pairs)][1]},
        "dispute_story": lambda i: {"key": proceedings[i % len(proceedings)]},
        "channels": lambda i: {"a": ["US", "BE", "FR", "JP"][i % 4], "b": "DE", "as_of": day},
        "part_of": lambda i: {"jurisdiction": ["BE", "FR", "DE", "IE"][i % 4], "as_of": day},
        "precedents": lambda i: {"basis": ["control", "territoriality"][i % 2]},
        "reach": lambda i: {"jurisdiction": ["LU", "IE", "MT", "CY"][i % 4], "as_of": day},
        "conflicts": lambda i: {"as_of": day},
    }


#: Whole-graph questions run fewer times and on the smaller graph: their answers grow with
#: the graph (on 1M nodes one jurisdiction's reach is millions of rows: every body of data
#: it reaches times each of its ~100 synthetic rules), so they measure the answer's size.
WHOLE_GRAPH = {"reach": 3, "conflicts": 1}


def measure(store: Store, runs: int, names: set[str]) -> list[list[Any]]:
    out = []
    for name, params in cases(store, runs).items():
        if name not in names:
            continue
        count = WHOLE_GRAPH.get(name, runs)
        first = time.perf_counter()
        answers = len(ask(store, name, params(0)))
        warm_up = (time.perf_counter() - first) * 1000
        times = []
        for i in range(count):
            start = time.perf_counter()
            ask(store, name, params(i))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
        out.append(
            [
                name,
                count,
                f"{statistics.median(times):.2f}",
                f"{p99:.2f}",
                f"{warm_up:.0f}",
                answers,
            ]
        )
    return out


def report(title: str, store: Store, runs: int, names: set[str]) -> None:
    counts = store.counts()
    nodes, rels = sum(counts.nodes.values()), sum(counts.relationships.values())
    table = Table(
        "query",
        "runs",
        "median ms",
        "p99 ms",
        "first run ms",
        "answers (first)",
        title=f"{title}: {nodes:,} nodes, {rels:,} relationships",
    )
    for row in measure(store, runs, names):
        table.add_row(*(str(v) for v in row))
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--store", type=Path, help="embedded store folder to build or reuse")
    parser.add_argument(
        "--small-companies",
        type=int,
        default=5_000,
        help="the graph for whole-graph questions, and for Neo4j",
    )
    parser.add_argument("--neo4j-uri")
    args = parser.parse_args()
    every = set(catalog())
    whole_graph = set(WHOLE_GRAPH)
    with tempfile.TemporaryDirectory() as folder:
        runs = (
            (
                "LadybugDB (embedded)",
                args.companies,
                args.store or Path(folder) / "big",
                every - whole_graph,
            ),
            (
                "LadybugDB (embedded), small",
                args.small_companies,
                Path(folder) / "small",
                whole_graph,
            ),
        )
        for title, companies, location, names in runs:
            embedded = open_store(str(location))
            embedded.apply_schema()
            build(embedded, companies)
            report(title, embedded, args.runs, names)
            embedded.close()
    if args.neo4j_uri:
        password = os.environ.get("REACHGRAPH_NEO4J_PASSWORD", "reachgraph-test")
        server = open_store(args.neo4j_uri, password=password)
        server.apply_schema()
        build(server, args.small_companies)
        report("Neo4j, small", server, args.runs, every)
        server.close()


if __name__ == "__main__":
    main()
