"""What is wrong with an input, said precisely: file, line, record, field, message."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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
