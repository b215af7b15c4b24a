"""The `reachgraph` command line."""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .client import ReachGraph
from .coverage import coverage
from .data import BUNDLED
from .graph.errors import ReachgraphError
from .graph.stores import QueryResult, Store, open_store
from .output import Format, print_answers, print_result
from .paging import ask_page
from .queries import catalog
from .questions import Hypothesis, ask, row_model
from .settings import Settings

app = typer.Typer(
    help="reachgraph: whose law reaches which data, on what basis, as of when, and who says so.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="A neo4j://, neo4j+s:// or bolt:// URI, or a directory for the embedded store "
        "(default: REACHGRAPH_STORE, else a folder in the user data directory).",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _open(store: str | None, *, read_only: bool = False) -> Store:
    settings = Settings()
    return open_store(
        store or settings.store,
        read_only=read_only,
        neo4j_user=settings.neo4j_user,
        neo4j_password=settings.neo4j_password.get_secret_value(),
        neo4j_database=settings.neo4j_database,
    )


@app.command()
def init(store: StoreOption = None) -> None:
    """Create the store if needed and apply the schema (tables, constraints, indexes)."""
    with _open(store) as graph:
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
    dry_run: Annotated[
        bool, typer.Option(help="Validate and report what would change; write nothing.")
    ] = False,
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
    from .ingest import load, read_inputs, validate

    if neo4j_admin_import is not None:
        if dry_run:
            raise typer.BadParameter("a dry run writes nothing", param_hint="--neo4j-admin-import")
        _admin_import(paths or [BUNDLED], neo4j_admin_import)
        return
    began = time.perf_counter()
    with _open(store) as graph, _ingest_bar() as bar:
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
    err.print(
        f"{valid.node_count()} nodes and {valid.relationship_count()} relationships valid; "
        f"{total.created} {verb} created, {total.updated} {verb} updated, "
        f"{total.unchanged} unchanged; {time.perf_counter() - began:.1f} s",
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
    from .graph.schema import load_schema
    from .ingest import read_inputs, validate
    from .ingest.admin_import import write_admin_import

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


def _params(items: list[str] | None) -> dict[str, str]:
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected name=value, got {item!r}", param_hint="--param")
        params[name] = value
    return params


def _changes(ends: list[str] | None, adds: list[str] | None) -> list[Hypothesis]:
    changes = []
    for action, items in (("end", ends), ("add", adds)):
        for item in items or []:
            triple, sep, day = item.partition("@")
            parts = triple.split(",")
            if not sep or len(parts) != 3:
                raise typer.BadParameter(
                    f"expected START,TYPE,END@YYYY-MM-DD, got {item!r}", param_hint=f"--{action}"
                )
            changes.append(
                Hypothesis(
                    action=action,
                    start=parts[0],
                    type=parts[1],
                    end=parts[2],
                    on=datetime.date.fromisoformat(day),
                )
            )
    return changes


@app.command()
def query(
    name: Annotated[
        str | None, typer.Argument(help="A named query (see --list).", show_default=False)
    ] = None,
    cypher: Annotated[
        str | None, typer.Option("--cypher", "-c", help="A read-only Cypher query instead.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter, name=value.")
    ] = None,
    end: Annotated[
        list[str] | None,
        typer.Option(help="What-if: end a relationship, START,TYPE,END@YYYY-MM-DD."),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(help="What-if: add a relationship, START,TYPE,END@YYYY-MM-DD."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Under each answer of the table, the sentences of its paths (with sources).",
        ),
    ] = False,
    store: StoreOption = None,
    fmt: FormatOption = Format.table,
    timeout: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Time limit in seconds; with --cypher only lower than REACHGRAPH_QUERY_TIMEOUT "
            "(default: REACHGRAPH_QUERY_TIMEOUT).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Row cap of --cypher, at most REACHGRAPH_ROW_CAP (default: REACHGRAPH_ROW_CAP).",
        ),
    ] = None,
) -> None:
    """Ask a named question (reach, exposure, conflicts, ...) or run read-only Cypher.

    The table shows one line per answer with its short columns; --explain adds the sentences
    of each answer's path, and --format json or csv gives every column. A table longer than
    the terminal is paged (less -FRX unless PAGER or LESS say otherwise).

    -p limit=N pages a named question's answer: N answers, and on stderr the
    -p cursor=... of the next page (while there is one).

    Examples: reachgraph query reach -p jurisdiction=BE -p as_of=2017-11-15;
    reachgraph query control_chain -p company=skype-communications-sarl --end
    skype-communications-sarl,SUBSIDIARY_OF,microsoft-corporation@2017-01-01
    """
    settings = Settings()
    if list_:
        rows = [[q.name, " ".join(p.name for p in q.params), q.summary] for q in catalog().values()]
        print_result(QueryResult(["name", "parameters", "question"], rows), fmt)
        return
    if (name is None) == (cypher is None):
        raise typer.BadParameter("give a query NAME or --cypher, not both or neither")
    if explain and (cypher is not None or fmt is not Format.table):
        raise typer.BadParameter(
            "explains the answers of a named question in a table (json and csv hold the "
            "paths already)",
            param_hint="--explain",
        )
    with _open(store, read_only=True) as graph:
        if cypher is not None:
            # The door the API uses: the statement check, then a read-only read, within the
            # settings' time limit and row cap (--timeout and --limit can only lower them).
            answer = ReachGraph(graph, settings).cypher(
                cypher, _params(param), timeout=timeout, row_cap=limit
            )
            print_result(QueryResult(answer.columns, answer.rows, answer.truncated), fmt)
            return
        assert name is not None
        changes = _changes(end, add)
        if changes:
            compared = ReachGraph(graph, settings).what_if(changes, name, _params(param))
            answers = compared.answers
            err.print(
                f"under the changes: {len(compared.gained)} answer(s) gained, "
                f"{len(compared.lost)} lost, {len(compared.changed)} changed in standing"
            )
        else:
            params = _params(param)
            limit_, cursor = params.pop("limit", None), params.pop("cursor", None)
            if limit_ is None and cursor is None:
                answers = ask(graph, name, params, timeout=timeout or settings.query_timeout)
            else:
                page = ask_page(
                    graph,
                    name,
                    params,
                    limit=limit_,
                    cursor=cursor,
                    timeout=timeout or settings.query_timeout,
                )
                answers = page.items
                # On stderr, so stdout stays the answers (one JSON list, one CSV table).
                err.print(
                    f"next page: -p cursor={page.next}" if page.next else "last page",
                    markup=False,
                    highlight=False,
                )
    print_answers(answers, row_model(name), fmt, name=name, explain=explain)


@app.command()
def stats(store: StoreOption = None, fmt: FormatOption = Format.table) -> None:
    """Node counts per kind and relationship counts per type, then what the graph covers:
    disputes that reached a decision, the jurisdictions issuing requests or decisions, and
    the facts that need a source but have none."""
    with _open(store, read_only=True) as graph:
        counts = graph.counts()
        covered = coverage(graph)
    rows = [["node", k, n] for k, n in counts.nodes.items()]
    rows += [["relationship", t, n] for t, n in counts.relationships.items()]
    rows += [
        ["coverage", "disputes with a decision", covered.disputes],
        ["coverage", "decisions in them", covered.decisions],
        ["coverage", "jurisdictions issuing requests or decisions", covered.issuing_jurisdictions],
        ["coverage", "unsourced nodes (of kinds that need sources)", covered.unsourced_nodes],
        ["coverage", "unsourced relationships", covered.unsourced_relationships],
    ]
    print_result(QueryResult(["group", "name", "count"], rows), fmt)


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on; 0.0.0.0 for every interface "
            "(default: REACHGRAPH_HOST, else 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            help="Port to listen on (default: REACHGRAPH_PORT, else 8000).", show_default=False
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes (uvicorn --workers); each opens the store and keeps its "
            "own response cache.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API and the explorer with uvicorn.

    The explorer is at /, the OpenAPI docs at /docs (see docs/api.md and docs/settings.md).
    """
    import uvicorn

    from .api.app import create_app

    settings = Settings()
    if store:
        settings = settings.model_copy(update={"store": store})
    host, port = host or settings.host, port or settings.port
    err.print(
        f"serving reachgraph on http://{host}:{port}: the explorer at /, the API docs at /docs"
    )
    if workers > 1:
        # Worker processes import the app themselves: create_app() reads the settings from
        # the environment they inherit, so --store goes there.
        if store:
            os.environ["REACHGRAPH_STORE"] = store
        uvicorn.run(
            "reachgraph.api.app:create_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def schema(
    json_schema: Annotated[
        bool, typer.Option("--json-schema", help="The JSON Schema of the curated YAML format.")
    ] = False,
    docs: Annotated[
        bool, typer.Option("--docs", help="The Markdown reference of every kind and type.")
    ] = False,
    openapi: Annotated[
        bool, typer.Option("--openapi", help="The HTTP API's OpenAPI document.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the schema as published: docs/curated-format.schema.json, docs/schema.md or
    docs/openapi.json."""
    from .graph.jsonschema import curated_format
    from .graph.schemadocs import schema_markdown

    if json_schema + docs + openapi != 1:
        raise typer.BadParameter("choose one of --json-schema, --docs and --openapi")
    if openapi:
        from .api.app import create_app

        document = create_app(Settings()).openapi()
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif json_schema:
        text = json.dumps(curated_format(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = schema_markdown()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


class ExportFormat(StrEnum):
    node_link = "node-link"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="node-link (networkx JSON), graphml or gexf (Gephi, yEd, Cytoscape), or csv "
            "(a zip of nodes.csv and edges.csv).",
        ),
    ],
    around: Annotated[
        str | None,
        typer.Option(help="Only the nodes within --depth steps of this key (either direction)."),
    ] = None,
    depth: Annotated[int, typer.Option(min=1, help="Steps from --around.")] = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to this file; without it, to stdout (not csv)."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export the graph, or the neighbourhood of one node, for networkx, Gephi and pandas.

    Files hold dates as ISO days and lists as JSON text; reachgraph.export.read_export reads
    any of them back to the same typed graph.

    Examples: reachgraph export -f gexf -o graph.gexf;
    reachgraph export -f node-link --around skype --depth 2 > skype.json
    """
    from .client import ReachGraph
    from .export.write import iter_export

    if out is None and fmt is ExportFormat.csv:
        raise typer.BadParameter("csv writes a zip file: give --out PATH", param_hint="--out")
    if depth != 1 and around is None:
        raise typer.BadParameter("--depth goes with --around", param_hint="--depth")
    with ReachGraph.open(store, read_only=True) as graph:
        exported = graph.to_networkx(around=around, depth=depth)
    chunks = iter_export(exported, fmt.value)
    if out is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    else:
        try:
            with out.open("wb") as file:
                for chunk in chunks:
                    file.write(chunk)
        except OSError as error:
            raise ReachgraphError(f"cannot write {out}: {error.strerror or error}") from error
    err.print(
        f"exported {exported.number_of_nodes()} nodes and {exported.number_of_edges()} "
        f"relationships as {fmt.value}" + (f" to {out}" if out else ""),
        markup=False,
        highlight=False,
    )


@app.command(
    help="Write synthetic bulk tables of a realistic shape, one CSV per node kind and "
    "relationship type, for scale tests and benchmarks; `reachgraph ingest DIR` loads them. "
    "The same seed writes the same files.\n\n"
    "Per company: 0.5 services (each offered in about 5.5 countries), 0.05 data centres, "
    "1.2 bodies of data, 1 source, 0.1 requests, 0.05 proceedings (1.75 decisions each), "
    "0.008 laws (2 reach rules each) and 0.0008 treaties; each state has N/40,000 "
    "first-instance courts (at least 2). That is about 4 nodes and 12 relationships per "
    "company: --companies 250000 writes about 1.0M nodes and 3.0M relationships."
)
def generate(
    companies: Annotated[
        int, typer.Option(min=10, help="How many companies; drives every other count.")
    ],
    out: Annotated[Path, typer.Option(help="The folder to write the tables to.")],
    seed: Annotated[int, typer.Option(help="Seed of the random draws.")] = 0,
) -> None:
    import time

    from .graph.schema import load_schema
    from .ingest.generate import generate as build
    from .ingest.generate import write_tables

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
    from .ingest.factcheck import premature_sources, undated_sources

    with _open(store, read_only=True) as graph:
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
    dry_run: Annotated[
        bool, typer.Option(help="Validate and report what would change; write nothing.")
    ] = False,
) -> None:
    """Import government requests for user data from transparency reports (per provider,
    country and half-year) as RequestVolume nodes; all or nothing, and idempotent."""
    import time

    from .ingest.transparency import DEFAULT_TABLE, import_transparency

    with _open(store) as graph:
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


def main() -> None:
    """Entry point: run the app, print reachgraph's own errors as one line and exit with the
    error's status (2 for input that names what is not there or cannot be, else 1)."""
    try:
        app(standalone_mode=False)
    except ReachgraphError as error:
        # Escaped: messages quote the user's input, which may look like console markup.
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        sys.exit(error.exit_code)
    except typer.TyperException as error:  # a usage error: an unknown option, a bad value
        show = getattr(error, "show", None)
        if callable(show):
            show()  # the usage line and the error, as click prints them
        else:
            err.print(f"Error: {escape(error.format_message())}", highlight=False)
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
