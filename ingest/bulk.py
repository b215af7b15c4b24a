"""Read bulk tables: one CSV or JSON Lines file per node kind or relationship type.

The file's name says what it holds (`Company.csv`, `SUBSIDIARY_OF.jsonl`, optionally with a
suffix after a dot: `Company.part-2.csv`). Node tables have a `key` column, relationship
tables `start` and `end`; the other columns are the schema's properties (temporal ones may
be written `from` and `until`). In CSV an empty cell is empty and a list is written with
`|` between items.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

from ..graph.schema import Schema
from .curated import YEAR_ZERO
from .problems import ROWS_NAMED, Problem
from .rows import RawInput, decode

_CSV_LINE = re.compile(r"line (\d+)")
_CSV_ROW = re.compile(r"starting at row (\d+)")
#: A blank line: at the very start, or after a newline (two patterns: one with `(^|\n)` is
#: tried at every position and takes seconds on a large file).
_BLANK_FIRST = re.compile(r"[ \t]*\r?\n")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
#: The longest value a cell may hold (as in curated files).
MAX_VALUE_CHARS = 100_000
#: A cell a spreadsheet would run as a formula when the table, or an export of it, is opened:
#: starting with `=`, `@`, a tab or a carriage return, or with `+` or `-` unless a number.
_CELL_START = re.compile(r'(?m)(?:^|[,"])(?:[=@+\-\t\r]|\s*0000-)')
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9.]*(?:[eE][+-]?[0-9]+)?$))")


def table_name(path: Path) -> str:
    return path.name.split(".", 1)[0]


def read_bulk(path: Path, name: str, schema: Schema, into: RawInput) -> None:
    table = table_name(path)
    if table not in schema.nodes and table not in schema.curated_relationships:
        message = (
            f"{table} is derived at ingest from the curated graph, never written"
            if table in schema.derived_relationships
            else f"a bulk file is named after a node kind or relationship type "
            f"(Company.csv, SUBSIDIARY_OF.jsonl); {table!r} is neither"
        )
        into.problems.append(Problem(name, None, None, None, message))
        return
    text = decode(path, name, into)
    if text is None:
        return
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as spreadsheets write
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        into.problems.append(Problem(name, line, None, None, "a NUL character (\\0) in the table"))
        return
    frame = _csv(text, name, into) if path.suffix == ".csv" else _jsonl(text, name, into)
    if frame is None:
        return
    if _hostile_cells(
        frame, name, into, _candidates(text, frame) if path.suffix == ".csv" else None
    ):
        return
    frame["_file"] = name
    frame["_lines"] = None
    target = into.node_frames if table in schema.nodes else into.rel_frames
    target[table].append(frame.astype(object))


def _csv(text: str, name: str, into: RawInput) -> pd.DataFrame | None:
    try:
        # The header is read as a row (header=None), so that a row with more cells than the
        # header is an error: with a header, pandas takes an extra first column as the index
        # when every row has one, or drops the extra cells with a warning (index_col=False).
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        into.problems.append(_malformed(str(error), name))
        return None
    frame.columns = pd.Index([str(c) for c in frame.iloc[0]])
    frame = frame.iloc[1:].reset_index(drop=True)
    if frame.empty:
        into.problems.append(Problem(name, None, None, None, "the table has a header but no rows"))
        return None
    # pandas renames a repeated column (name, name.1): say so rather than guess.
    columns = [str(c) for c in frame.columns]
    try:
        lines = _record_lines(text)
        # pandas fills the cells a short row lacks with "" (keep_default_na=False), as if empty.
        short = _short_records(text, len(columns))
    except csv.Error as error:  # a cell past the csv module's limit, 131,072 characters
        message = f"a value longer than {MAX_VALUE_CHARS:,} characters ({error})"
        into.problems.append(Problem(name, None, None, None, message))
        return None
    header = lines.pop(0) if lines else 1
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    for column in repeated:
        into.problems.append(
            Problem(name, header, None, column, "the column appears more than once in the header")
        )
    if repeated:
        return None
    frame = frame.astype(object).where(frame != "", None)
    if lines and len(lines) == len(frame):
        frame["_line"] = lines
    else:
        frame["_line"] = np.arange(2, len(frame) + 2)
    if short:
        cells = len(columns)
        for line, count in short[:ROWS_NAMED]:
            into.problems.append(
                Problem(name, line, None, None, f"{count} cell(s); the header has {cells}")
            )
        if len(short) > ROWS_NAMED:
            message = f"{len(short) - ROWS_NAMED} more rows with fewer cells than the header"
            into.problems.append(Problem(name, None, None, None, message))
        return None
    return frame


def _short_records(text: str, cells: int) -> list[tuple[int, int]]:
    """The line and cell count of each record with fewer cells than the header (blank lines
    are skipped, as pandas skips them)."""
    short = []
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    for record in reader:
        start, end = end + 1, reader.line_num
        if len(record) < cells and (len(record) > 1 or (record and record[0].strip())):
            short.append((start, len(record)))
    return short


def _candidates(text: str, frame: pd.DataFrame) -> np.ndarray:
    """The rows of a CSV table that may hold a formula or a year 0: those with a cell that
    starts with one of their first characters (one scan of the text, not of every cell)."""
    found: list[int] = []
    line, at = 1, 0
    for match in _CELL_START.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        found.append(line)
    if not found:
        return np.zeros(len(frame), dtype=bool)
    lines = np.array(found, dtype=np.int64)
    first = frame["_line"].to_numpy(dtype=np.int64)
    rows = np.searchsorted(first, lines, side="right") - 1
    mask = np.zeros(len(frame), dtype=bool)
    mask[rows[rows >= 0]] = True
    return mask


def _hostile_cells(
    frame: pd.DataFrame, name: str, into: RawInput, rows: np.ndarray | None = None
) -> bool:
    """Record cells longer than MAX_VALUE_CHARS, holding a NUL, a year 0 or looking like a
    spreadsheet formula, at most ROWS_NAMED per column; whether there were any. `rows`: the
    only rows that may hold a formula or a year 0, where known."""
    found = False
    for column in frame.columns:
        if column in ("_file", "_line", "_lines"):
            continue
        values = frame[column]
        long = values.str.len() > MAX_VALUE_CHARS
        text = values[rows] if rows is not None else values
        text = text.map(lambda v: v if isinstance(v, str) else None).dropna()
        formula = text.str.match(_FORMULA).astype(bool)
        nul = text.str.contains("\x00", regex=False).astype(bool)
        year_zero = text.str.match(YEAR_ZERO).astype(bool)
        for mask, message in (
            (year_zero, "year 0 does not exist (the year before 1 is 1 BC); expected YYYY-MM-DD"),
            (long, f"a value longer than {MAX_VALUE_CHARS:,} characters"),
            (nul, "a value holds a NUL character (\\0)"),
            (
                formula,
                "looks like a spreadsheet formula (starts with =, +, -, @, a tab or a carriage "
                "return); a spreadsheet opening the table would run it",
            ),
        ):
            flagged = mask[mask].index
            for index in flagged[:ROWS_NAMED]:
                row = frame.loc[index]
                key = row.get("key") or row.get("start")
                into.problems.append(
                    Problem(
                        name,
                        int(row["_line"]),
                        key if isinstance(key, str) and len(key) < 200 else None,
                        str(column),
                        message,
                    )
                )
            if len(flagged) > ROWS_NAMED:
                into.problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        str(column),
                        f"{len(flagged) - ROWS_NAMED} more rows: {message}",
                    )
                )
            found = found or len(flagged) > 0
    return found


def _malformed(error: str, name: str) -> Problem:
    """pandas' parser error as a problem on the line it names."""
    error = error.strip().removeprefix("Error tokenizing data. C error: ")
    found = _CSV_LINE.search(error)
    if found:
        return Problem(name, int(found.group(1)), None, None, f"malformed CSV: {error}")
    found = _CSV_ROW.search(error)  # the tokenizer counts physical lines from 0
    if found:
        line = int(found.group(1)) + 1
        message = "malformed CSV: a quoted cell that opens on this line is never closed"
        return Problem(name, line, None, None, message)
    return Problem(name, None, None, None, f"malformed CSV: {error}")


def _record_lines(text: str) -> list[int]:
    """The line each CSV record starts on, header first, when records and lines differ:
    pandas skips blank lines and a quoted cell may hold newlines. Empty when they do not
    (record n on line n), which is cheap to tell and the common case."""
    content = text.rstrip()
    if '"' not in text and not (_BLANK_FIRST.match(content) or _BLANK_LINE.search(content)):
        return []
    lines = []
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    for record in reader:
        start, end = end + 1, reader.line_num
        if record and (len(record) > 1 or record[0].strip()):
            lines.append(start)
    return lines


def _jsonl(text: str, name: str, into: RawInput) -> pd.DataFrame | None:
    records = []
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            into.problems.append(Problem(name, number, None, None, f"malformed JSON: {error}"))
            continue
        if not isinstance(record, dict):
            into.problems.append(
                Problem(name, number, None, None, "each line must be a JSON object")
            )
            continue
        records.append(record)
        lines.append(number)
    if not records:
        return None
    frame = pd.DataFrame.from_records(records).astype(object)
    frame["_line"] = lines
    return frame
