"""The `reachgraph` command line. Each module registers its commands on the one Typer app
(common.py), in the order `reachgraph --help` lists them."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.markup import escape

from ..graph.errors import ReachgraphError
from .common import app, err

__all__ = ["app", "main"]
#: The modules of commands, imported for the commands they register, in the order
#: `reachgraph --help` lists them.
COMMANDS = tuple(
    importlib.import_module(f".{name}", __name__) for name in ("load", "ask", "serve", "tools")
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
