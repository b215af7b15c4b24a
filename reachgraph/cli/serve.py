"""`reachgraph serve`, `schema` and `export`: the API, the published schema, the graph as files."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..graph.errors import ReachgraphError
from ..settings import Settings
from .common import StoreOption, app, err


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

    from ..api.app import create_app

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
    from ..graph.jsonschema import curated_format
    from ..graph.schemadocs import schema_markdown

    if json_schema + docs + openapi != 1:
        raise typer.BadParameter("choose one of --json-schema, --docs and --openapi")
    if openapi:
        from ..api.app import create_app

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
    from ..client import ReachGraph
    from ..export.write import iter_export

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
