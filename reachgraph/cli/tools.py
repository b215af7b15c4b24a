"""`reachgraph generate`, `check-sources` and `import-transparency`: synthetic tables, the
sources' fact-check, and transparency-report volumes."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..graph.stores import QueryResult
from ..output import Format, print_result
from .common import DryRunOption, StoreOption, app, err, open_store_of


@app.command(
    help="Write synthetic bulk tables of a realistic shape, one CSV per node kind and "
    "relationship type, for scale tests and benchmarks; `reachgraph ingest DIR` loads them. "
    "The same seed writes the same files.\n\n"
    "Per company: 0.5 services (each offered in about 5.5 countries), 0.05 data centres, "
    "1.2 bodies of data, 1 source, 0.1 requests, 0.05 proceedings (1.75 decisions each), "
    "0.008 laws (2 reach rules each) and 0.0008 treaties; each state has N/40,000 "
    "first-instance courts (at least 2). That is about 4 nodes and 12 relationships per "
    "company: --companies 250000 writes about 1.0M nodes and 3.0M relationships. A first "
    "ingest into the embedded store takes about 0.12 GB of memory per 1,000 companies (9.3 GB "
    "for 75,000: docs/benchmarks.md)."
)
def generate(
    companies: Annotated[
        int, typer.Option(min=10, help="How many companies; drives every other count.")
    ],
    out: Annotated[Path, typer.Option(help="The folder to write the tables to.")],
    seed: Annotated[int, typer.Option(help="Seed of the random draws.")] = 0,
) -> None:

    from ..graph.schema import load_schema
    from ..ingest.generate import generate as build
    from ..ingest.generate import write_tables

    began = time.perf_counter()
    written = write_tables(build(companies, seed), out)
    rows = [[f"{name}.csv", count] for name, count in written.items()]
    print_result(QueryResult(["file", "rows"], rows), Format.table, title=f"generated in {out}")
    nodes = sum(n for name, n in written.items() if name in load_schema().nodes)
    err.print(
        f"{nodes} nodes and {sum(written.values()) - nodes} relationships in {len(written)} "
        f"files, in {time.perf_counter() - began:.1f} s",
        markup=False,
        highlight=False,
    )


@app.command("check-sources")
def check_sources(store: StoreOption = None) -> None:
    """Check the sources of the graph's facts: every source dated, and none older than the
    decision or request it reports (see ingest/factcheck.py). Exits 1 if any is."""
    from ..ingest.factcheck import premature_sources, undated_sources

    with open_store_of(store, read_only=True) as graph:
        undated, premature = undated_sources(graph), premature_sources(graph)
    print_result(
        QueryResult(
            ["check", "findings"],
            [
                ["sources without a date", len(undated)],
                ["sources older than their fact", len(premature)],
            ],
        ),
        Format.table,
    )
    for key in undated:
        err.print(f"{escape(key)}: a source without a date", highlight=False)
    for finding in premature:
        err.print(escape(str(finding)), highlight=False)
    if undated or premature:
        sys.exit(1)


@app.command("import-transparency")
def import_transparency_command(
    csv_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[CSV]",
            help="A transparency-report table with the compilation's columns (.csv or "
            ".csv.gz) [default: data/bulk/transparency-reports-2009-2013.csv.gz]",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Import government requests for user data from transparency reports (per provider,
    country and half-year) as RequestVolume nodes; all or nothing, and idempotent."""

    from ..ingest.transparency import DEFAULT_TABLE, import_transparency

    with open_store_of(store) as graph:
        graph.apply_schema()
        began = time.perf_counter()
        done = import_transparency(csv_file or DEFAULT_TABLE, graph, dry_run=dry_run)
        seconds = time.perf_counter() - began
        verb = "would be" if dry_run else "were"
        result = QueryResult(
            ["group", "name", "created", "updated", "unchanged"], done.report.rows()
        )
        print_result(result, Format.table, title=f"transparency import into {graph.location}")
        total = done.report.total()
        err.print(
            f"{done.rows} rows ({done.providers} providers, {done.jurisdictions} "
            f"jurisdictions; {len(done.companies_created)} companies and "
            f"{len(done.jurisdictions_created)} jurisdictions new to the store): "
            f"{total.created} {verb} created, {total.updated} {verb} updated, "
            f"{total.unchanged} unchanged, in {seconds:.1f} s",
            markup=False,
            highlight=False,
        )
