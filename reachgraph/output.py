"""Print query answers as a table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime
import sys
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from .graph.stores import QueryResult
from .paths import Path


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


def print_answers(answers: list[BaseModel], model: type[BaseModel], fmt: Format) -> None:
    """Answers of a named question; a path shows as its nodes, its sentences and sources."""
    if fmt is Format.json:
        payload = [answer.model_dump(mode="json") for answer in answers]
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        return
    columns = [c for c in model.model_fields if c != "path"]
    has_path = "path" in model.model_fields
    if has_path:
        columns += ["path", "explanation", "sources"]
    rows = []
    for answer in answers:
        row = [getattr(answer, c) for c in columns[: len(columns) - 3 * has_path]]
        path: Path | None = getattr(answer, "path", None)
        if has_path:
            row += (
                [" -> ".join(path.nodes), " ".join(path.sentences), path.sources]
                if path
                else [None, None, None]
            )
        rows.append(row)
    print_result(QueryResult(columns, rows), fmt)
