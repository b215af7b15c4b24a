"""A full, store-independent dump of a graph, for tests that compare whole graphs, and the
per-table summary an ingest run prints.

Counts can agree while properties differ; these tests compare every node with every
property and every relationship with its endpoints and properties.
"""

from __future__ import annotations

import datetime
from typing import Any

from reachgraph.graph.stores import Store

#: One row: a node (key, properties) or a relationship (start key, end key, properties).
Row = tuple[Any, ...]
Dump = dict[str, list[Row]]


def _plain(value: Any) -> Any:
    """A value both stores return alike: lists as tuples, dates as ISO text."""
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def dump(store: Store) -> Dump:
    """Every node per kind and every relationship per type, sorted, with all properties."""
    out: Dump = {}
    for kind, spec in store.schema.nodes.items():
        props = list(spec.properties)
        columns = ", ".join(f"n.{p}" for p in props)
        rows = store.read(f"MATCH (n:{kind}) RETURN {columns}").rows
        out[kind] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    for rel_type, rel in store.schema.relationships.items():
        columns = ", ".join(["a.key", "b.key", *(f"r.{p}" for p in rel.properties)])
        rows = store.read(f"MATCH (a)-[r:{rel_type}]->(b) RETURN {columns}").rows
        out[rel_type] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    return out


def counts(graph: Dump) -> dict[str, int]:
    return {name: len(rows) for name, rows in graph.items()}


def differences(before: Dump, after: Dump, limit: int = 10) -> list[str]:
    """What differs between two dumps, a few lines per kind, for assertion messages."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        for row in sorted(old - new, key=repr)[:limit]:
            lines.append(f"{name}: - {row}")
        for row in sorted(new - old, key=repr)[:limit]:
            lines.append(f"{name}: + {row}")
    return lines


def report(stdout: str) -> dict[str, tuple[int, int, int]]:
    """The run's table of (created, updated, unchanged) per kind or type."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) >= 5 and cells[0] in ("node", "relationship"):
            rows[cells[1]] = (int(cells[2]), int(cells[3]), int(cells[4]))
    return rows
