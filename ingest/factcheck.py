"""Check the sources of the facts in a store: dated, and not older than what they state.

A source cannot report a decision before the day it was given, or a request before the day
it was made. So, for every Decision and DataRequest with a date, every source it cites, and
every source cited by a relationship that states something about it (the decision's court,
appeal, reference, the rules it established or rejected; the request's issuer, addressee,
the rules it asserted), must be dated that day or later. A source dated earlier is either
misdated or a later article filed under an early date, and its `known_from` would let "as
known on" answers see the fact too early. Sources without a date are counted too (the
schema requires one, so the bundled data has none).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..graph.stores import Store

#: The kinds whose facts have a day of their own.
DATED = ("Decision", "DataRequest")


@dataclass(frozen=True, order=True)
class Finding:
    fact: str
    source: str
    source_date: datetime.date | None
    fact_date: datetime.date

    def __str__(self) -> str:
        return (
            f"{self.fact} ({self.fact_date}) cites {self.source}, dated {self.source_date}: "
            "a source cannot report a fact before its day"
        )


def undated_sources(store: Store) -> list[str]:
    source = store.schema.source_kind
    rows = store.read(f"MATCH (s:{source}) WHERE s.date IS NULL RETURN s.key ORDER BY s.key").rows
    return [row[0] for row in rows]


def premature_sources(store: Store) -> list[Finding]:
    """Sources dated before the decision or request they report (on the node, or on a
    relationship to or from it)."""
    sources = store.read(f"MATCH (s:{store.schema.source_kind}) RETURN s.key, s.date").rows
    dates = {row[0]: row[1] for row in sources}
    findings: set[Finding] = set()
    for kind in DATED:
        facts = store.read(
            f"MATCH (n:{kind}) WHERE n.date IS NOT NULL RETURN n.key, n.date, n.sources"
        ).rows
        linked = store.read(
            f"MATCH (n:{kind})-[r]-() WHERE n.date IS NOT NULL RETURN n.key, n.date, r.sources"
        ).rows
        for key, day, sources in [*facts, *linked]:
            for source in sources or []:
                published = dates.get(source)
                if published is not None and published < day:
                    findings.add(Finding(key, source, published, day))
    return sorted(findings)
