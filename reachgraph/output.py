"""Print query answers as a table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime
import os
import shutil
import sys
import textwrap
from enum import StrEnum
from typing import Any

import click
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
    with console.capture() as captured:
        console.print(table)
        if result.truncated:
            console.print(f"[yellow]truncated at {len(result.rows)} rows (the row cap)[/yellow]")
    emit(captured.get())


#: The short columns of each question's default table, as (heading, column): identifying
#: keys, dates and counts, never the long names, citations, holdings or paths (those are in
#: --format json/csv, and the paths as sentences under --explain). "sources" counts the
#: distinct sources along an answer's paths (or of its own `sources` list), "n_X" the length
#: of list X.
SHORT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "reach": [
        ("data", "data"),
        ("rule", "rule"),
        ("law", "law"),
        ("bases", "bases"),
        ("standing", "standing"),
        ("since", "valid_from"),
        ("sources", "sources"),
    ],
    "exposure": [
        ("jurisdiction", "jurisdiction"),
        ("effect", "effect"),
        ("strength", "strength"),
        ("rule", "rule"),
        ("bases", "bases"),
        ("standing", "standing"),
        ("since", "valid_from"),
        ("sources", "sources"),
    ],
    "conflicts": [
        ("data", "data"),
        ("compelling", "compelling"),
        ("compelling_rule", "compelling_rule"),
        ("blocking", "blocking"),
        ("blocking_rule", "blocking_rule"),
        ("strength", "strength"),
        ("channels", "n_channels"),
    ],
    "channels": [("channel", "channel"), ("party_a", "party_a"), ("party_b", "party_b")],
    "control_chain": [
        ("depth", "depth"),
        ("company", "company"),
        ("incorporated_in", "incorporated_in"),
        ("ultimate", "ultimate"),
        ("sources", "sources"),
    ],
    "dispute_story": [
        ("proceeding", "proceeding"),
        ("request", "request"),
        ("decision", "decision"),
        ("date", "date"),
        ("level", "level"),
        ("appeal_effect", "appeal_effect"),
        ("sources", "sources"),
    ],
    "explain": [("from", "from"), ("to", "to"), ("steps", "steps"), ("sources", "sources")],
    "part_of": [("parent", "parent"), ("name", "name"), ("since", "since")],
    "precedents": [
        ("date", "date"),
        ("decision", "decision"),
        ("jurisdiction", "jurisdiction"),
        ("stance", "stance"),
        ("rule", "rule"),
        ("effect", "effect"),
    ],
}

#: Columns a question without an entry above never shows in its default table.
_LONG = ("name", "citation", "holding", "outcome", "path", "paths", "sources")


def _paths(answer: BaseModel) -> list[Path]:
    """Every path of an answer: its `paths` (one per basis), else its one `path`."""
    paths: list[Path] = list(getattr(answer, "paths", None) or [])
    path: Path | None = getattr(answer, "path", None)
    return paths or ([path] if path else [])


def _short_cell(answer: BaseModel, column: str) -> str:
    paths = _paths(answer)
    if column == "sources":
        own = getattr(answer, "sources", None)
        if isinstance(own, list):
            return str(len(own))
        return str(len({source for path in paths for source in path.sources}))
    if column == "from" and paths:
        return paths[0].nodes[0]
    if column == "to" and paths:
        return paths[0].nodes[-1]
    if column.startswith("n_"):
        return str(len(getattr(answer, column[2:], None) or []))
    if column == "valid_from" and _unconfirmed(answer):
        return "?"
    if column == "valid_from" and getattr(answer, "valid_from_at_least", False):
        return f"≥ {_text(getattr(answer, column))}"  # at least since
    if column == "steps":
        return str(sum(len(path.steps) for path in paths))
    value = getattr(answer, column, None)
    return ", ".join(_text(v) for v in value) if isinstance(value, list) else _text(value)


def _short_columns(name: str, model: type[BaseModel]) -> list[tuple[str, str]]:
    if name in SHORT_COLUMNS:
        return SHORT_COLUMNS[name]
    return [(c, c) for c in model.model_fields if not any(c.endswith(w) for w in _LONG)]


def _fit(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: max(width - 1, 0)] + "…"


#: The heading of the answers that may hold on the day but that no source shows then.
UNCONFIRMED = (
    "Unconfirmed on this day: each may hold, but a fact on its paths is evidenced only "
    "from a later day (--explain shows which):"
)


def _unconfirmed(answer: BaseModel) -> bool:
    return bool(getattr(answer, "unconfirmed", False))


def answers_table(
    answers: list[BaseModel],
    name: str,
    model: type[BaseModel],
    *,
    explain: bool = False,
    width: int | None = None,
) -> str:
    """The default table of a question: a heading line, a rule, and one line per answer
    with the short columns. With `explain`, each answer's path sentences follow its line,
    indented. Within `width` (a terminal's), the widest columns are cut with an ellipsis
    and the sentences wrapped; without it, nothing is cut."""
    columns = _short_columns(name, model)
    headings = [heading for heading, _ in columns]
    rows = [[_short_cell(answer, column) for _, column in columns] for answer in answers]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headings)]
    gap = 2
    if width is not None:
        while sum(widths) + gap * (len(widths) - 1) > width and max(widths) > 8:
            widths[widths.index(max(widths))] -= 1

    def line(cells: list[str]) -> str:
        return (
            (" " * gap)
            .join(_fit(c, w).ljust(w) for c, w in zip(cells, widths, strict=True))
            .rstrip()
        )

    lines = [line(headings), line(["─" * w for w in widths])]
    # Answers on a day before the first evidence of a fact on their paths come last, apart.
    ordered = sorted(zip(answers, rows, strict=True), key=lambda pair: _unconfirmed(pair[0]))
    for number, (answer, row) in enumerate(ordered):
        if _unconfirmed(answer) and (number == 0 or not _unconfirmed(ordered[number - 1][0])):
            lines += ["", UNCONFIRMED]
        lines.append(line(row))
        if explain:
            for sentence in (s for path in _paths(answer) for s in path.sentences):
                if width is None:
                    lines.append("    " + sentence)
                else:
                    lines += textwrap.wrap(
                        sentence,
                        max(width, 40),
                        initial_indent="    ",
                        subsequent_indent="      ",
                        break_on_hyphens=False,
                    )
    if not answers:
        lines.append("(no answers)")
    return "\n".join(lines) + "\n"


def emit(text: str) -> None:
    """Write text to stdout; in a terminal, page it when it is longer than the screen, as
    `git log` does (less -FRX unless LESS is set). Never page into a pipe or a file."""
    if sys.stdout.isatty():
        size = shutil.get_terminal_size()
        if text.count("\n") >= size.lines:
            os.environ.setdefault("LESS", "FRX")
            click.echo_via_pager(text.rstrip("\n"))
            return
    sys.stdout.write(text)
    sys.stdout.flush()


def print_answers(
    answers: list[BaseModel],
    model: type[BaseModel],
    fmt: Format,
    *,
    name: str | None = None,
    explain: bool = False,
) -> None:
    """Answers of a named question. JSON and CSV hold every column (a path as its nodes,
    its sentences and sources); the table holds the short ones, one line per answer, and
    under `explain` each answer's path sentences."""
    if fmt is Format.json:
        payload = [answer.model_dump(mode="json") for answer in answers]
        sys.stdout.buffer.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")
        return
    if fmt is Format.table:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        emit(answers_table(answers, name or "", model, explain=explain, width=width))
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
