"""Columns of generated values (numpy arrays of strings or day numbers), and the seeded draws
they are made from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

Strings = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
#: A table: column name -> one string per row ('' for an empty cell).
Table = dict[str, Strings]

FIRST_DAY = np.datetime64("1950-01-01", "D")
LAST_DAY = int((np.datetime64("2025-12-31", "D") - FIRST_DAY).astype(int))
_DAYS: Strings = np.array(
    np.datetime_as_string(FIRST_DAY + np.arange(LAST_DAY + 1), unit="D").tolist(), dtype=object
)


def _strings(values: Iterable[Any]) -> Strings:
    return np.array([str(v) for v in values], dtype=object)


def _keys(prefix: str, n: int) -> Strings:
    return _strings(f"{prefix}-{i}" for i in range(n))


def _day(days: Ints) -> Strings:
    """ISO dates for day numbers since FIRST_DAY; a negative number is an empty cell."""
    out = _blank(len(days))
    known = days >= 0
    out[known] = _DAYS[days[known]]
    return out


def _blank(n: int) -> Strings:
    return np.full(n, "", dtype=object)


def _year(days: Ints) -> Strings:
    return _DAYS[days].astype("U4").astype(object)


def _either(mask: npt.NDArray[np.bool_], yes: Any, no: Any) -> Strings:
    out: Strings = np.where(mask, yes, no).astype(object)
    return out


def _day_number(iso: str) -> int:
    return int((np.datetime64(iso, "D") - FIRST_DAY).astype(int))


def _pick(options: Iterable[str], positions: Ints) -> Strings:
    return _strings(options)[positions]


class _Draw:
    """The seeded random draws the generator is made of."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def ints(self, low: int, high: int, n: int) -> Ints:
        return self.rng.integers(low, high, n, dtype=np.int64)

    def share(self, p: float, n: int) -> npt.NDArray[np.bool_]:
        return self.rng.random(n) < p

    def some(self, p: float, mask: npt.NDArray[np.bool_]) -> Ints:
        """Positions of a share `p` of the rows where `mask` holds; at least one when any
        does, so that small graphs have every table."""
        chosen = np.flatnonzero(mask & self.share(p, len(mask)))
        if not len(chosen) and mask.any():
            chosen = np.flatnonzero(mask)[:1]
        return chosen

    def weighted(self, weights: npt.NDArray[np.float64], n: int) -> Ints:
        """`n` positions into `weights`, drawn with those weights."""
        return self.rng.choice(len(weights), n, p=weights).astype(np.int64)

    def days(self, start: str, end: str, n: int) -> Ints:
        return self.ints(_day_number(start), _day_number(end) + 1, n)

    def after(self, days: Ints, low: int, high: int) -> Ints:
        """A day `low` to `high` days later, drawn from the days before LAST_DAY."""
        room = np.clip(LAST_DAY - days - low, 0, high - low - 1) + 1
        later: Ints = np.minimum(days + low + (self.rng.random(len(days)) * room), LAST_DAY)
        return later.astype(np.int64)

    def until(self, start: Ints, p: float, low: int = 60, high: int = 4000) -> Ints:
        """An end day strictly after `start` for a share `p` of the rows, -1 for the rest."""
        end = start + self.ints(low, high, len(start))
        return np.where(self.share(p, len(start)) & (end <= LAST_DAY), end, -1)

    def other(self, current: Ints, size: int) -> Ints:
        """Positions in range(size), each different from the one in `current` (size > 1)."""
        return (current + 1 + self.ints(0, max(size - 1, 1), len(current))) % size
