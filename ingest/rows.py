"""The raw input of one run: rows per node kind and relationship type, with their origin."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .problems import Problem

#: Keys the curated reader adds to every mapping: its line, and the line of each field.
LINE = "__line__"
LINES = "__lines__"
#: Columns that say where a row came from; not properties.
ORIGIN = ("_file", "_line", "_lines")


@dataclass
class RawInput:
    """Rows as read, not yet validated: values are whatever the file held."""

    node_rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    rel_rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    node_frames: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    rel_frames: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))
    problems: list[Problem] = field(default_factory=list)

    def add_node(self, kind: str, row: dict[str, Any]) -> None:
        self.node_rows[kind].append(row)

    def add_relationship(self, rel_type: str, row: dict[str, Any]) -> None:
        self.rel_rows[rel_type].append(row)

    def nodes(self) -> dict[str, pd.DataFrame]:
        return _combine(self.node_rows, self.node_frames)

    def relationships(self) -> dict[str, pd.DataFrame]:
        return _combine(self.rel_rows, self.rel_frames)


def _combine(
    rows: dict[str, list[dict[str, Any]]], frames: dict[str, list[pd.DataFrame]]
) -> dict[str, pd.DataFrame]:
    out = {}
    for name in sorted(set(rows) | set(frames)):
        parts = list(frames.get(name, []))
        if rows.get(name):
            parts.append(pd.DataFrame(rows[name], dtype=object))
        out[name] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        out[name] = out[name].astype(object)
    return out


def decode(path: Path, name: str, into: RawInput) -> str | None:
    """The file's text, or None after recording why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        into.problems.append(Problem(name, None, None, None, f"cannot read the file: {error}"))
        return None
    if not data.strip():
        into.problems.append(Problem(name, None, None, None, "the file is empty"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        into.problems.append(
            Problem(
                name,
                line,
                None,
                None,
                f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}; "
                "save the file as UTF-8",
            )
        )
        return None
