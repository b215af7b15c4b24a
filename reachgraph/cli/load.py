"""`reachgraph init` and `reachgraph ingest`: create the store, and validate and load input."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ..data import BUNDLED
from ..graph.stores import QueryResult
from ..output import Format, print_result
from .common import DryRunOption, StoreOption, app, err, open_store_of


@app.command()
def init(store: StoreOption = None) -> None:
    """Create the store if needed and apply the schema (tables, constraints, indexes)."""
    with open_store_of(store) as graph:
        graph.apply_schema()
        err.print(f"schema applied to {graph.backend} store at {graph.location}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Curated .yaml files, bulk .csv/.jsonl tables, or folders of them "
            "(default: the bundled dataset).",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    dry_run: DryRunOption = False,
    neo4j_admin_import: Annotated[
        Path | None,
        typer.Option(
            help="Validate, then write CSV files for `neo4j-admin database import full` to "
            "this folder instead of loading a store (the fastest first load of a large "
            "graph into Neo4j); prints the import command.",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also print a line per table as it is written."),
    ] = False,
) -> None:
    """Validate input files and load them; all or nothing, and idempotent."""
    from ..ingest import load, read_inputs, validate

    if neo4j_admin_import is not None:
        if dry_run:
            raise typer.BadParameter("a dry run writes nothing", param_hint="--neo4j-admin-import")
        _admin_import(paths or [BUNDLED], neo4j_admin_import)
        return
    began = time.perf_counter()
    with open_store_of(store) as graph, _ingest_bar() as bar:
        graph.apply_schema()
        task = bar.add_task("reading and validating", total=None)
        raw = read_inputs(paths or [BUNDLED], graph.schema)
        valid = validate(raw, graph.schema, graph)
        tables = len(valid.nodes) + sum(len(p) for p in valid.relationships.values())
        bar.update(
            task,
            total=tables + (0 if dry_run else 1),  # and the derived REACHES
            description="comparing" if dry_run else "loading",
        )
        done = "rows would be written" if dry_run else "rows written"
        seconds: dict[str, float] = {}
        last = time.perf_counter()

        def advance(what: str, written: int) -> None:
            nonlocal last
            now = time.perf_counter()
            # "TYPE (Start -> End)" and "REACHES (derived)" add up under their type.
            name = what.split(" ")[0]
            seconds[name] = seconds.get(name, 0.0) + now - last
            last = now
            bar.update(task, advance=1, description=what)
            if verbose:
                bar.console.print(f"{what}: {written} {done}", markup=False, highlight=False)

        report = load(valid, graph, dry_run=dry_run, progress=advance)
    total = report.total()
    verb = "would be" if dry_run else "were"
    rows = [[*row, f"{seconds.get(row[1], 0.0):.2f}"] for row in report.rows()]
    columns = ["group", "kind or type", "created", "updated", "unchanged", "seconds"]
    print_result(QueryResult(columns, rows), Format.table, title=f"ingest into {graph.location}")
    derived = report.rederived
    anew = ""
    if derived is not None:
        of = "every body of data" if derived.data is None else f"{derived.data} bodies of data"
        anew = f"REACHES derived anew for {of}; "
    err.print(
        f"{valid.node_count()} nodes and {valid.relationship_count()} relationships valid; "
        f"{total.created} {verb} created, {total.updated} {verb} updated, "
        f"{total.unchanged} unchanged; {anew}{time.perf_counter() - began:.1f} s",
        markup=False,
        highlight=False,
    )


@app.command()
def rederive(store: StoreOption = None) -> None:
    """Derive every REACHES anew from the whole graph and write them where they differ.

    `reachgraph ingest` derives only the REACHES of the data its changes can affect. Run
    this after writing to the graph by other means (cypher-shell, a Neo4j import)."""
    from ..ingest.rederive import rebuild

    began = time.perf_counter()
    with open_store_of(store) as graph:
        graph.apply_schema()  # a store made by an older reachgraph has no table for notes
        done = rebuild(graph)
    differed = f"{done.written} written, as they differed" if done.written else "none differed"
    err.print(
        f"{done.rows} REACHES derived from the whole graph at {graph.location}; {differed}; "
        f"{time.perf_counter() - began:.1f} s",
        markup=False,
        highlight=False,
    )


def _ingest_bar() -> Progress:
    """One bar for the whole ingest on stderr; drawn only in a terminal, gone when done."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tables"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _admin_import(inputs: list[Path], out: Path) -> None:
    from ..graph.schema import load_schema
    from ..ingest import read_inputs, validate
    from ..ingest.admin_import import write_admin_import

    schema = load_schema()
    valid = validate(read_inputs(inputs, schema), schema)
    # REACHES cannot be derived on the store after the import (reachgraph does not run the
    # importer, and Neo4j is stopped while it does): write_admin_import derives it first.
    written = write_admin_import(valid, schema, out)
    err.print(
        f"{valid.node_count()} nodes and {valid.relationship_count()} relationships valid; "
        f"wrote {len(written.nodes)} node and {len(written.relationships)} relationship files "
        f"to {out}, the derived REACHES among them. With Neo4j stopped, run the command below "
        f"(it replaces the database), "
        f"then start Neo4j and run {written.after} (constraints, empty lists), for example "
        f"with cypher-shell -f.",
        markup=False,
        highlight=False,
    )
    typer.echo(written.command())
