"""What-if: the overlay on the derived answers beside the scratch copy of the graph.

    .venv/bin/python bench/whatif.py                 # the bundled dataset
    .venv/bin/python bench/whatif.py --companies 25000

The bundled dataset (or `reachgraph generate --seed 1` tables) is loaded into a fresh
embedded store and its curated graph read once, as ReachGraph.curated_graph does once per
data version. Each change is then asked as `reach` of the jurisdiction it concerns and
`exposure` of a body of data, on 2018-06-01, by the overlay (reachgraph/whatif.py: only the
data the change affects derived again, in memory) and by a scratch copy (the changed graph
written to an in-memory store, REACHES derived there), --runs times each; the table gives
medians. Both answers are compared, so a figure is only printed for a correct answer. The
machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from reachgraph.data import BUNDLED
from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.affected import affected
from reachgraph.ingest.curated_graph import Graph
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.questions import Hypothesis, ask
from reachgraph.whatif import apply, compare, hypothetical, overlay

DAY = datetime.date(2018, 6, 1)
ON = datetime.date(2016, 1, 1)


def end(start: str, rel_type: str, end: str) -> Hypothesis:
    return Hypothesis(action="end", start=start, type=rel_type, end=end, on=ON)


def bundled_changes(graph: Graph) -> dict[str, tuple[list[Hypothesis], str, str]]:
    """(changes, jurisdiction to ask reach of, data to ask exposure of) by name."""
    data = "skype-user-data-be-2012"
    return {
        "subsidiary sold": (
            [end("skype-communications-sarl", "SUBSIDIARY_OF", "microsoft-corporation")],
            "US",
            data,
        ),
        "data moved": ([end(data, "STORED_IN", "skype-luxembourg-servers")], "LU", data),
        "treaty party gone": ([end("coe-budapest-convention", "PARTY", "US")], "US", data),
    }


def generated_changes(graph: Graph) -> dict[str, tuple[list[Hypothesis], str, str]]:
    """The first edge of each type that the bench's changes end, as in bundled_changes."""

    def first(rel_type: str) -> Any:
        return next(e for es in graph.out[rel_type].values() for e in es)

    stored, owned, party = first("STORED_IN"), first("SUBSIDIARY_OF"), first("PARTY")
    some_data = stored.start
    return {
        "subsidiary sold": ([end(owned.start, "SUBSIDIARY_OF", owned.end)], party.end, some_data),
        "data moved": ([end(stored.start, "STORED_IN", stored.end)], party.end, some_data),
        "treaty party gone": ([end(party.start, "PARTY", party.end)], party.end, some_data),
    }


def timed(runs: int, call: Callable[[], Any]) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000, result


def by_copy(
    store: Store, graph: Graph, changes: list[Hypothesis], question: str, params: dict[str, Any]
) -> Any:
    """The question asked of a scratch copy of the changed graph."""
    with hypothetical(store, changes, graph) as scratch:
        return ask(scratch, question, params)


def bench(
    store: Store, label: str, changes_of: Callable[[Graph], Any], runs: int, table: Table
) -> None:
    graph = Graph.read(store)
    data_count = sum(kind == "Data" for kind in graph.kind.values())
    for name, (changes, jurisdiction, data) in changes_of(graph).items():
        touched = affected(apply(graph, changes), {k for c in changes for k in (c.start, c.end)})
        for question, params in (
            ("reach", {"jurisdiction": jurisdiction, "as_of": DAY}),
            ("exposure", {"data": data, "as_of": DAY}),
        ):
            fast, by_overlay = timed(
                runs, partial(overlay, store, graph, changes, question, params)
            )
            slow, copied = timed(
                max(1, runs // 5), partial(by_copy, store, graph, changes, question, params)
            )
            real = ask(store, question, params)
            assert by_overlay is not None
            same = compare(question, real, by_overlay[1], overlay=True) == compare(
                question, real, copied, overlay=False
            ).model_copy(update={"overlay": True})
            assert same, (name, question)
            table.add_row(
                label,
                name,
                question,
                f"{len(touched):,} of {data_count:,}",
                f"{fast:.1f}",
                f"{slow:.0f}",
                f"{slow / fast:.0f}x",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, help="generated tables instead of bundled")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    table = Table(title="what-if: overlay beside scratch copy (median ms)")
    for column in (
        "graph",
        "change",
        "question",
        "data derived",
        "overlay",
        "copy",
        "copy ÷ overlay",
    ):
        table.add_column(column)
    with tempfile.TemporaryDirectory() as tmp:
        folder = BUNDLED
        if args.companies:
            folder = Path(tmp) / "tables"
            write_tables(generate(args.companies, seed=1), folder)
        with open_store(str(Path(tmp) / "store")) as store:
            store.apply_schema()
            load(validate(read_inputs([folder], store.schema), store.schema, store), store)
            nodes = sum(store.counts().nodes.values())
            label = f"{'bundled' if not args.companies else 'generated'}, {nodes:,} nodes"
            changes_of = generated_changes if args.companies else bundled_changes
            bench(store, label, changes_of, args.runs, table)
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
