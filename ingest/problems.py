"""What is wrong with an input, said precisely: file, line, record, field, message."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..graph.errors import ReachgraphError

#: How many problems of one kind (same file, field and message) are listed one by one.
SHOWN_PER_KIND = 20


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [place]
        if self.record:
            parts.append(f"record {self.record!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts) + f": {self.message}"


def summarise(problems: Iterable[Problem]) -> list[str]:
    """One line per problem, sorted, with long runs of the same problem folded."""
    lines: list[str] = []
    seen: Counter[tuple[str, str | None, str]] = Counter()
    folded: Counter[tuple[str, str | None, str]] = Counter()
    for problem in sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "")):
        kind = (problem.file, problem.field, problem.message)
        seen[kind] += 1
        if seen[kind] <= SHOWN_PER_KIND:
            lines.append(str(problem))
        else:
            folded[kind] += 1
    for (file, field, message), count in folded.items():
        lines.append(f"{file}: {count} more like: field {field!r}: {message}")
    return lines


class IngestFailed(ReachgraphError):
    """The input has problems; nothing was written."""

    status = 422
    title = "Invalid input"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or ""))
        lines = summarise(self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the input; nothing was written:\n"
            + "\n".join(lines)
        )


#: At most this many rows are named for one check on one frame; the rest are counted.
ROWS_NAMED = 100


class Checker:
    """Collects problems about the rows of one frame, located by file, line and field."""

    def __init__(self, frame: pd.DataFrame, record_column: str) -> None:
        self.frame = frame
        self.record_column = record_column
        self.problems: list[Problem] = []

    def flag(
        self, mask: pd.Series, field: str, message: str, shown: pd.Series | None = None
    ) -> None:
        """Record a problem for each row in `mask`; `{value}` in the message is the row's
        value of `field` (or of `shown`, where given), as Python writes it."""
        flagged = mask[mask].index
        if len(flagged) > ROWS_NAMED:
            first = self.frame.loc[flagged[0]]
            self.problems.append(
                Problem(
                    str(first["_file"]),
                    None,
                    None,
                    field,
                    f"{len(flagged) - ROWS_NAMED} more rows with this problem",
                )
            )
        values = self.frame[field] if shown is None and field in self.frame else shown
        for index in flagged[:ROWS_NAMED]:
            row = self.frame.loc[index]
            lines = row["_lines"] if isinstance(row["_lines"], dict) else {}
            record = row.get(self.record_column)
            value = None if values is None else values.loc[index]
            self.problems.append(
                Problem(
                    str(row["_file"]),
                    int(lines.get(field, row["_line"])),
                    record.strip()
                    if isinstance(record, str) and record.strip()
                    else f"line {row['_line']}",
                    field,
                    message.replace("{value}", repr(value)),
                )
            )
