"""Print query answers as a table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime
import sys
from enum import StrEnum
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from .graph.stores import QueryResult


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(_text(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def print_result(result: QueryResult, fmt: Format, *, title: str | None = None) -> None:
    if fmt is Format.json:
        payload = {
            "columns": result.columns,
            "rows": result.records(),
            "truncated": result.truncated,
        }
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        return
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result.rows)
        return
    table = Table(*result.columns, title=title)
    for row in result.rows:
        table.add_row(*(_text(v) for v in row))
    console = Console()
    console.print(table)
    if result.truncated:
        console.print(f"[yellow]truncated at {len(result.rows)} rows (the row cap)[/yellow]")
