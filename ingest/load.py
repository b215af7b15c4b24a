"""Load valid input into a store: diff against what is there, write only what changed.

A kind or type with nothing in the store yet is bulk-created (COPY on LadybugDB); any
other is MERGEd on keys, only for rows that are new or differ. Writing the same input
twice therefore writes nothing the second time, and a load killed half-way is completed by
the next run: what was written is unchanged, what was not is created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..graph.stores import Store
from .validate import Valid

#: Called after each table is written: (what, rows written).
Progress = Callable[[str, int], None]


@dataclass
class Change:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    nodes: dict[str, Change] = field(default_factory=dict)
    relationships: dict[str, Change] = field(default_factory=dict)
    dry_run: bool = False

    def total(self) -> Change:
        total = Change()
        for change in [*self.nodes.values(), *self.relationships.values()]:
            total.created += change.created
            total.updated += change.updated
            total.unchanged += change.unchanged
        return total

    def rows(self) -> list[list[Any]]:
        out: list[list[Any]] = []
        for group, changes in (("node", self.nodes), ("relationship", self.relationships)):
            for name, c in sorted(changes.items()):
                out.append([group, name, c.created, c.updated, c.unchanged])
        return out


def _classify(
    new: pd.DataFrame, old: pd.DataFrame, id_columns: list[str], compare: list[str]
) -> tuple[pd.DataFrame, int, int]:
    """The rows of `new` to write, how many are new, how many are updates."""
    if old.empty:
        return new, len(new), 0
    old_rows = dict(
        zip(
            zip(*(old[c] for c in id_columns), strict=True),
            zip(*(old[c] for c in compare), strict=True),
            strict=True,
        )
    )
    write = []
    created = updated = 0
    ids = zip(*(new[c] for c in id_columns), strict=True)
    values = zip(*(new[c] for c in compare), strict=True)
    for position, (identity, value) in enumerate(zip(ids, values, strict=True)):
        before = old_rows.get(identity)
        if before is None:
            created += 1
            write.append(position)
        elif before != value:
            updated += 1
            write.append(position)
    return new.iloc[write], created, updated


def load(
    valid: Valid, store: Store, *, dry_run: bool = False, progress: Progress | None = None
) -> LoadReport:
    report = LoadReport(dry_run=dry_run)
    counts = store.counts()
    # Tables that hold nothing yet can be bulk-created; once written to, they cannot.
    empty = {k for k, n in [*counts.nodes.items(), *counts.relationships.items()] if n == 0}
    for kind, frame in valid.nodes.items():
        props = list(store.schema.nodes[kind].properties)
        frame = store.shaped(frame, props)
        columns = ", ".join(f"n.{p} AS {p}" for p in props)
        old = _existing(store, f"MATCH (n:{kind}) RETURN {columns}", props)
        write, created, updated = _classify(frame, old, ["key"], props[1:])
        report.nodes[kind] = Change(created, updated, len(frame) - created - updated)
        if not dry_run and not write.empty:
            store.merge_nodes(kind, write, new=kind in empty)
            empty.discard(kind)
        if progress:
            progress(kind, len(write))
    for rel_type, pairs in valid.relationships.items():
        props = list(store.schema.relationships[rel_type].properties)
        change = report.relationships.setdefault(rel_type, Change())
        for (start_kind, end_kind), frame in pairs.items():
            frame = store.shaped(frame, ["start", "end", *props])
            columns = ", ".join(f"r.{p} AS {p}" for p in props)
            old = _existing(
                store,
                f"MATCH (a:{start_kind})-[r:{rel_type}]->(b:{end_kind}) "
                f"RETURN a.key AS start_key, b.key AS end_key, {columns}",
                ["start", "end", *props],
            )
            write, created, updated = _classify(frame, old, ["start", "end"], props)
            change.created += created
            change.updated += updated
            change.unchanged += len(frame) - created - updated
            if not dry_run and not write.empty:
                store.merge_relationships(
                    rel_type, start_kind, end_kind, write, new=rel_type in empty
                )
                empty.discard(rel_type)
            if progress:
                progress(f"{rel_type} ({start_kind} -> {end_kind})", len(write))
    return report


def _existing(store: Store, cypher: str, columns: list[str]) -> pd.DataFrame:
    result = store.read(cypher)
    return store.shaped(pd.DataFrame(result.rows, columns=columns), columns)
