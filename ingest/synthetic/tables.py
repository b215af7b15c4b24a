"""The generator's base: the tables it fills and the parts its steps pass to each other."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .columns import Ints, Strings, Table, _day, _Draw, _keys
from .shape import RATIOS, SOURCE


@dataclass
class _Jurisdictions:
    codes: Strings
    names: Strings
    #: how many of the first codes are states with authorities and laws (countries, EU)
    states: int
    #: how likely each state is to be picked for a company, service or data centre
    weights: npt.NDArray[np.float64]


@dataclass
class _Disputes:
    requests: Strings
    #: per request, the national law it invokes (a position in the laws)
    request_law: Ints
    #: the day of each request
    issued: Ints
    decisions: Strings
    #: per decision, the law it applies, and its day
    decision_law: Ints
    decided: Ints


@dataclass
class _Authorities:
    keys: Strings
    names: Strings
    #: per state, a block: supreme court, appeal courts, first-instance courts, the others
    block: int
    appeal: int
    first: int


class _Tables:
    """The tables being generated, and how a step adds rows to them; each step of the
    generator (world, law, disputes, volumes) is a mixin over this."""

    def __init__(self, companies: int, seed: int) -> None:
        self.n = companies
        self.draw = _Draw(seed)
        self.tables: dict[str, list[Table]] = {}
        self.sources = _keys("source", self.scaled(SOURCE))

    def scaled(self, kind: str) -> int:
        return max(2, round(self.n * RATIOS[kind]))

    def fact(self, table: str, columns: Table) -> None:
        """Add rows that state a fact: each cites one source, one in ten two."""
        n = len(next(iter(columns.values())))
        first = self.draw.ints(0, len(self.sources), n)
        cited = self.sources[first]
        two = self.draw.share(0.1, n)
        cited[two] = cited[two] + "|" + self.sources[self.draw.other(first[two], len(self.sources))]
        self.tables.setdefault(table, []).append({**columns, "sources": cited})

    def relate(
        self,
        rel_type: str,
        start: Strings,
        end: Strings,
        since: Ints | None = None,
        until: Ints | None = None,
        **props: Strings,
    ) -> None:
        dates = {} if since is None else {"from": _day(since)}
        if until is not None:
            dates["until"] = _day(until)
        self.fact(rel_type, {"start": start, "end": end, **dates, **props})
