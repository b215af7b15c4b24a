"""What the security tests share: a tiny graph, its fingerprint, and the record of outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from reachgraph.graph.stores import Store

#: (store, door, outcome) of every attempt: outcome is "refused", "executed" or "5xx".
OUTCOMES: list[tuple[str, str, str]] = []
DOORS = ("http", "cli", "library")


def load_tiny_graph(store: Store) -> None:
    """Three companies, two jurisdictions and four relationships: enough for every attack
    to have something to change."""
    store.apply_schema()
    companies = pd.DataFrame(
        [
            {"key": "acme", "name": "Acme"},
            {"key": "globex", "name": "Globex"},
            {"key": "initech", "name": "Initech"},
        ]
    )
    store.merge_nodes("Company", companies)
    store.merge_nodes(
        "Jurisdiction", pd.DataFrame([{"key": "BE", "name": "Belgium"}, {"key": "LU", "name": "L"}])
    )
    store.merge_relationships(
        "SUBSIDIARY_OF",
        "Company",
        "Company",
        pd.DataFrame([{"start": "acme", "end": "globex"}, {"start": "initech", "end": "globex"}]),
    )
    store.merge_relationships(
        "INCORPORATED_IN",
        "Company",
        "Jurisdiction",
        pd.DataFrame([{"start": "acme", "end": "BE"}, {"start": "globex", "end": "LU"}]),
    )


def fingerprint(store: Store) -> tuple[Any, ...]:
    """What a successful write of any kind would change: the counts per kind and type, every
    node and relationship with its properties, the tables (LadybugDB) or the last committed
    transaction, which schema changes also move (Neo4j)."""
    counts = store.counts()
    nodes = store.read("MATCH (n) RETURN n ORDER BY n.key").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.key, r, b.key ORDER BY a.key, b.key").rows
    if store.backend == "ladybug":
        catalog: Any = sorted(store.read("CALL show_tables() RETURN name, type").rows)
    else:
        catalog = store.data_version()
    return (counts.nodes, counts.relationships, nodes, rels, catalog)


@dataclass
class Target:
    """A store holding the tiny graph, open for writing, and where it is."""

    backend: str
    location: str
    store: Store
    baseline: tuple[Any, ...]

    def restore(self) -> None:
        """Rebuild the tiny graph after an attack changed it, so one hole fails one test."""
        self.store.clear()
        load_tiny_graph(self.store)
        self.baseline = fingerprint(self.store)
