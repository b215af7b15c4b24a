"""What every command shares: the Typer app, the console for messages, the --store and
--format options, and opening the store they name."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from ..client import open_configured
from ..graph.stores import Store
from ..output import Format
from ..settings import Settings

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
DryRunOption = Annotated[
    bool, typer.Option(help="Validate and report what would change; write nothing.")
]


def open_store_of(store: str | None, *, read_only: bool = False) -> Store:
    """The store a command's --store names, opened as ReachGraph.open opens one."""
    return open_configured(store, Settings(), read_only=read_only)
