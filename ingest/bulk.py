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
from .problems import Problem
from .rows import RawInput, decode

_CSV_LINE = re.compile(r"line (\d+)")
_CSV_ROW = re.compile(r"starting at row (\d+)")
#: A blank line: at the very start, or after a newline (two patterns: one with `(^|\n)` is
#: tried at every position and takes seconds on a large file).
_BLANK_FIRST = re.compile(r"[ \t]*\r?\n")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


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
    frame = _csv(text, name, into) if path.suffix == ".csv" else _jsonl(text, name, into)
    if frame is None:
        return
    frame["_file"] = name
    frame["_lines"] = None
    target = into.node_frames if table in schema.nodes else into.rel_frames
    target[table].append(frame.astype(object))


def _csv(text: str, name: str, into: RawInput) -> pd.DataFrame | None:
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        into.problems.append(_malformed(str(error), name))
        return None
    if frame.empty:
        into.problems.append(Problem(name, None, None, None, "the table has a header but no rows"))
        return None
    lines = _record_lines(text)
    header = lines.pop(0) if lines else 1
    # pandas renames a repeated column (name, name.1): say so rather than guess.
    columns = next(csv.reader(io.StringIO(text.lstrip())))
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
    return frame


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
