"""How every question grows with the graph, beside a plain networkx traversal.

    .venv/bin/python bench/scale.py                                  # 300 and 3,000 companies
    .venv/bin/python bench/scale.py --companies 25000,75000,250000 \
        --neo4j-uri bolt://127.0.0.1:17687                           # 100k, 300k, 1M nodes

For each size (companies of `reachgraph generate --seed 1`, loaded through the real ingest
into a fresh embedded store; with --neo4j-uri the smallest also into Neo4j), every question
(QUESTIONS: the per-entity ones, the first page and the whole of a jurisdiction's reach, the
first page of conflicts, and a what-if of each kind) runs in a child process of its own,
`--runs` times with a different entity each time after one warm-up. The child reports
median, p99, its peak RSS, the median answer size (exposure: its compelling and blocking
rows) and how long the warm-up took ("first ms": LadybugDB plans a query text on its first
run; a what-if first reads the curated graph into memory, once per data version). Beside
it, measured the same way, the baseline: the same question answered by bench/nx_reach.py's
plain walk of the exported graph, in one child per size that builds the graph once
(`ReachGraph.to_networkx()`, before the clock starts; its memory is in the RSS). The growth
factor per 10x is (median at the largest size / at the smallest) to the power 1 /
log10(node ratio). The baseline covers part of each answer (nx_reach.py says which): it is
the cost of a traversal, not a second implementation of every rule.
Neo4j needs REACHGRAPH_NEO4J_PASSWORD (default reachgraph-test).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import nx_reach

from reachgraph.client import ReachGraph
from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.questions import Hypothesis
from reachgraph.settings import Settings

DAY = datetime.date(2020, 6, 1)
PAGE = 50
QUESTIONS = [
    "control_chain",
    "exposure",
    "explain",
    "dispute_story",
    "precedents",
    "channels",
    "part_of",
    "reach (first page)",
    "reach",
    "conflicts (first page)",
    "what-if exposure",
    "what-if reach",
]
#: Questions with no networkx baseline (nx_reach.py says why).
NO_BASELINE = {"conflicts (first page)", "what-if exposure", "what-if reach"}
BASES = ["control", "territoriality", "presence", "service_targeting", "data_subject"]
SOLD_ON = datetime.date(2016, 1, 1)
PASSWORD = os.environ.get("REACHGRAPH_NEO4J_PASSWORD", "reachgraph-test")


def entities(store: Store, runs: int) -> dict[str, list[Any]]:
    """The entities the questions cycle through: `runs` of each where the graph has them."""

    def keys(cypher: str) -> list[Any]:
        return [row if len(row) > 1 else row[0] for row in store.read(cypher, row_cap=runs).rows]

    return {
        "company": keys("MATCH (c:Company)-[:SUBSIDIARY_OF*2..]->() RETURN DISTINCT c.key"),
        # Data that some law reaches on the day (most reach nothing: an empty exposure).
        "data": keys(
            "MATCH (:Jurisdiction)-[x:REACHES]->(d:Data) "
            f"WHERE coalesce(x.valid_from, date('0001-01-01')) <= date('{DAY}') "
            f"AND (x.valid_until IS NULL OR date('{DAY}') < x.valid_until) "
            "AND x.known_until IS NULL RETURN DISTINCT d.key ORDER BY d.key"
        ),
        "pair": keys("MATCH (d:Data)-[:HELD_BY]->()-[:SUBSIDIARY_OF]->(p) RETURN d.key, p.key"),
        # A body of data, its holder and the holder's parent: the what-ifs sell the holder.
        "held": keys(
            "MATCH (:Jurisdiction)-[:REACHES]->(d:Data)-[:HELD_BY]->(c:Company)"
            "-[:SUBSIDIARY_OF]->(p) RETURN DISTINCT d.key, c.key, p.key"
        ),
        "channel": keys(
            "MATCH (a:Jurisdiction)<-[:PARTY]-(l:Law)-[:PARTY]->(b:Jurisdiction) "
            "WHERE l.channel AND a.key < b.key RETURN DISTINCT a.key, b.key"
        ),
        "proceeding": keys("MATCH (p:Proceeding)<-[:DECIDED_IN]-() RETURN DISTINCT p.key"),
        "member": keys("MATCH (j:Jurisdiction)-[:PART_OF]->() RETURN DISTINCT j.key"),
        "jurisdiction": own_reach(store)[:runs],
    }


def own_reach(store: Store) -> list[str]:
    """Jurisdictions by how many bodies of data their own laws compel (no treaty's, no
    order's): the part of reach that the networkx walk covers, so that it has work to do."""
    treaties = {row[0] for row in store.read("MATCH (l:Law)-[:PARTY]->() RETURN l.key").rows}
    counts: dict[str, int] = {}
    for j, law, n in store.read(
        "MATCH (j:Jurisdiction)-[x:REACHES]->() WHERE x.law_of = j.key AND x.effect = 'compels' "
        "RETURN j.key, x.law, count(*)"
    ).rows:
        if law not in treaties:
            counts[j] = counts.get(j, 0) + n
    return sorted(counts, key=lambda j: (-counts[j], j))


def indexed(graph: ReachGraph, question: str, e: dict[str, list[Any]], i: int) -> Any:
    """One answer of the named question, as reachgraph gives it."""
    pick = {k: v[i % len(v)] for k, v in e.items() if v}
    day = {"as_of": DAY}
    if question == "control_chain":
        return graph.ask("control_chain", {"company": pick["company"], **day})
    if question == "exposure":
        return graph.exposure(pick["data"], DAY)
    if question == "explain":
        return graph.ask("explain", {"a": pick["pair"][0], "b": pick["pair"][1]})
    if question == "dispute_story":
        return graph.ask("dispute_story", {"key": pick["proceeding"]})
    if question == "precedents":
        return graph.ask("precedents", {"basis": BASES[i % len(BASES)]})
    if question == "channels":
        a, b = pick["channel"]
        return graph.ask("channels", {"a": a, "b": b, **day})
    if question == "part_of":
        return graph.ask("part_of", {"jurisdiction": pick["member"], **day})
    if question == "conflicts (first page)":
        return graph.page("conflicts", day, limit=PAGE).items
    params = {"jurisdiction": pick["jurisdiction"], **day}
    if question.startswith("what-if"):
        data, company, parent = pick["held"]
        sold = Hypothesis(action="end", start=company, type="SUBSIDIARY_OF", end=parent, on=SOLD_ON)
        asked = ("exposure", {"data": data, **day}) if "exposure" in question else ("reach", params)
        answer = graph.what_if([sold], *asked)
        assert answer.overlay, "a what-if answered by a scratch copy, not the overlay"
        return answer.answers
    if question == "reach":
        return graph.ask("reach", params)
    return graph.page("reach", params, limit=PAGE).items


def baseline(g: nx.MultiDiGraph, question: str, e: dict[str, list[Any]], i: int) -> Any:
    """The same question by a plain walk of the exported graph."""
    pick = {k: v[i % len(v)] for k, v in e.items() if v}
    if question == "control_chain":
        return nx_reach.control_chain(g, pick["company"], DAY)
    if question == "exposure":
        return nx_reach.exposure(g, pick["data"], DAY)
    if question == "explain":
        return nx.shortest_path(g.to_undirected(as_view=True), *pick["pair"])
    if question == "dispute_story":
        return nx_reach.dispute_story(g, pick["proceeding"])
    if question == "precedents":
        return nx_reach.precedents(g, BASES[i % len(BASES)])
    if question == "channels":
        return nx_reach.channels(g, *pick["channel"], DAY)
    if question == "part_of":
        return nx_reach.Walk(g, DAY, at_least=False).out(pick["member"], "PART_OF")
    found = sorted(nx_reach.reach(g, pick["jurisdiction"], DAY))
    return found[:PAGE] if question != "reach" else found


def peak_rss_mb() -> float:
    """This process's peak RSS since it started: VmHWM, which exec resets (ru_maxrss keeps
    the peak of the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(location: str, questions: list[str], engine: str, runs: int, given: str) -> None:
    """Measure questions with one engine; print a JSON line each: median, p99 (ms), peak RSS
    (MB, of the process so far: the networkx child builds the graph once for every question)
    and the median answer size."""
    e = json.loads(given)
    settings = Settings(store=location, neo4j_password=PASSWORD, query_timeout=600.0)
    with ReachGraph.open(location, settings) as graph:
        g = graph.to_networkx() if engine == "networkx" else None
        for question in questions:
            ask: Callable[[int], Any]
            if g is None:
                ask = partial(indexed, graph, question, e)
            else:
                ask = partial(baseline, g, question, e)
            began = time.perf_counter()
            ask(0)
            first = (time.perf_counter() - began) * 1000
            times, sizes = [], []
            for i in range(runs):
                start = time.perf_counter()
                found = ask(i)
                times.append((time.perf_counter() - start) * 1000)
                sizes.append(size_of(found))
            times.sort()
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            figures = {"median": statistics.median(times), "p99": p99, "first": first}
            figures["rss"] = peak_rss_mb()
            print(json.dumps({"question": question, **figures, "n": statistics.median(sizes)}))


def size_of(found: Any) -> int:
    """How many answers (exposure: its compelling and blocking rows)."""
    if hasattr(found, "compelling"):
        return len(found.compelling) + len(found.blocking)
    return len(found)


def measure(
    location: str, questions: list[str], engine: str, runs: int, e: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """The figures of each question, measured in a fresh child process."""
    asked = [location, ",".join(questions), engine, str(runs), json.dumps(e)]
    done = subprocess.run(
        [sys.executable, __file__, "--child", *asked],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {line.pop("question"): line for line in lines}


@dataclass(frozen=True)
class Result:
    store: str
    nodes: int
    question: str
    mine: dict[str, float]
    theirs: dict[str, float] | None


def build(store: Store, companies: int) -> int:
    """Load the generated graph of `companies`; its node count."""
    store.clear()
    store.apply_schema()
    with tempfile.TemporaryDirectory() as folder:
        write_tables(generate(companies, seed=1), Path(folder))
        load(validate(read_inputs([Path(folder)], store.schema), store.schema, store), store)
    return sum(store.counts().nodes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", default="300,3000", help="graph sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--neo4j-uri", help="also measure the smallest size on this Neo4j")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        location, questions, engine, runs, given = args.child
        child(location, questions.split(","), engine, int(runs), given)
        return
    sizes = sorted(int(c) for c in args.companies.split(","))
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        places = [(f"{folder}/store-{c}", c, "LadybugDB") for c in sizes]
        if args.neo4j_uri:  # second: the largest embedded size takes longest
            places.insert(1, (args.neo4j_uri, sizes[0], "Neo4j"))
        for location, companies, backend in places:
            password = PASSWORD if backend == "Neo4j" else ""
            with open_store(location, password=password) as store:
                nodes = build(store, companies)
                e = entities(store, args.runs)
            theirs = measure(
                location, [q for q in QUESTIONS if q not in NO_BASELINE], "networkx", args.runs, e
            )
            for question in QUESTIONS:
                mine = measure(location, [question], "index", args.runs, e)[question]
                results.append(Result(backend, nodes, question, mine, theirs.get(question)))
                print(
                    json.dumps(
                        {
                            "store": backend,
                            "nodes": nodes,
                            "question": question,
                            "mine": mine,
                            "theirs": theirs.get(question),
                        }
                    ),
                    file=sys.stderr,
                )
    report(results)


def report(results: list[Result]) -> None:
    """Markdown tables, ready for docs/benchmarks.md ("-": no baseline for the question)."""
    print(
        "| store | nodes | question | answers | median ms | p99 ms | first ms | peak RSS MB "
        "| networkx median ms | networkx p99 ms | networkx peak RSS MB | reachgraph / networkx |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        mine, theirs = r.mine, r.theirs
        beside = "| - | - | - | - |"
        if theirs:
            beside = (
                f"| {theirs['median']:.2f} | {theirs['p99']:.2f} | {theirs['rss']:.0f} "
                f"| {mine['median'] / max(theirs['median'], 1e-3):.1f}x |"
            )
        print(
            f"| {r.store} | {r.nodes:,} | {r.question} | {mine['n']:.0f} | {mine['median']:.2f} "
            f"| {mine['p99']:.2f} | {mine['first']:.0f} | {mine['rss']:.0f} {beside}"
        )
    embedded = [r for r in results if r.store == "LadybugDB"]
    sizes = sorted({r.nodes for r in embedded})
    if len(sizes) < 2:
        return
    decades = math.log10(sizes[-1] / sizes[0])
    print(f"\nGrowth per 10x of data, LadybugDB, {sizes[0]:,} to {sizes[-1]:,} nodes:\n")
    print("| question | reachgraph median x | networkx median x |")
    print("|---|---|---|")
    for question in QUESTIONS:
        small = next(r for r in embedded if r.nodes == sizes[0] and r.question == question)
        big = next(r for r in embedded if r.nodes == sizes[-1] and r.question == question)
        theirs = "-"
        if small.theirs and big.theirs:
            theirs = f"{growth(small.theirs, big.theirs, decades):.2f}"
        print(f"| {question} | {growth(small.mine, big.mine, decades):.2f} | {theirs} |")


def growth(small: dict[str, float], big: dict[str, float], decades: float) -> float:
    """The median's factor per 10x of data."""
    return float((big["median"] / small["median"]) ** (1 / decades))


if __name__ == "__main__":
    main()
