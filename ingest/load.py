"""Load valid input into a store: diff against what is there, write only what changed.

A kind or type with nothing in the store yet is bulk-created (COPY on LadybugDB); any
other is MERGEd on keys, only for rows that are new or differ. Writing the same input
twice therefore writes nothing the second time, and a load killed half-way is completed by
the next run: what was written is unchanged, what was not is created. Last, the derived
REACHES relationships of the bodies of data the written rows can affect are derived anew
and replaced where they differ (rederive.py; all of them when the store cannot vouch for
the ones it holds, as after a killed run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..graph.schema import Property
from ..graph.stores import FrameReader, Store
from .derive import DERIVED
from .rederive import Rederived, Upkeep
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
    #: What deriving REACHES after the load did (None on a dry run).
    rederived: Rederived | None = None

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
    """The rows of `new` to write, how many are new, how many are updates. Column by
    column: a value differs unless it equals the stored one or both are missing."""
    if old.empty:
        return new, len(new), 0
    stored = {identity: row for row, identity in enumerate(_identities(old, id_columns))}
    position = np.array([stored.get(i, -1) for i in _identities(new, id_columns)], dtype=int)
    found = position >= 0
    differs = np.zeros(int(found.sum()), dtype=bool)
    for column in compare:
        after = new[column].to_numpy(dtype=object)[found]
        before = old[column].to_numpy(dtype=object)[position[found]]
        other = ~(pd.Series(after) == pd.Series(before)).to_numpy(dtype=bool)
        other[other] = ~(pd.isna(after[other]) & pd.isna(before[other]))
        differs |= other
    write = ~found
    write[np.flatnonzero(found)[differs]] = True
    return new[write], int((~found).sum()), int(differs.sum())


def _identities(frame: pd.DataFrame, columns: list[str]) -> list[Any]:
    """Each row's identity: its key, or (start, end)."""
    if len(columns) == 1:
        return frame[columns[0]].tolist()
    return list(zip(*(frame[c].tolist() for c in columns), strict=True))


def load(
    valid: Valid, store: Store, *, dry_run: bool = False, progress: Progress | None = None
) -> LoadReport:
    report = LoadReport(dry_run=dry_run)
    counts = store.counts()
    upkeep = None if dry_run else Upkeep(store, counts)
    # Tables that hold nothing yet can be bulk-created; once written to, they cannot. A
    # relationship type empty at the start can be bulk-created pair by pair (each pair of
    # kinds comes once per run).
    empty = {k for k, n in [*counts.nodes.items(), *counts.relationships.items()] if n == 0}
    for kind, frame in valid.nodes.items():
        spec = store.schema.nodes[kind].properties
        props = list(spec)
        frame = store.shaped(frame, props)
        columns = ", ".join(f"n.{p} AS {p}" for p in props)
        old = _existing(store, f"MATCH (n:{kind}) RETURN {columns}", props, spec, kind in empty)
        write, created, updated = _classify(frame, old, ["key"], props[1:])
        report.nodes[kind] = Change(created, updated, len(frame) - created - updated)
        if upkeep and not write.empty:
            upkeep.writing_nodes(kind, write)
            store.merge_nodes(kind, write, new=kind in empty)
            empty.discard(kind)
        if progress:
            progress(kind, len(write))
    for rel_type, pairs in valid.relationships.items():
        spec = store.schema.relationships[rel_type].properties
        props = list(spec)
        change = report.relationships.setdefault(rel_type, Change())
        for (start_kind, end_kind), frame in pairs.items():
            frame = store.shaped(frame, ["start", "end", *props])
            columns = ", ".join(f"r.{p} AS {p}" for p in props)
            old = _existing(
                store,
                f"MATCH (a:{start_kind})-[r:{rel_type}]->(b:{end_kind}) "
                f"RETURN a.key AS start_key, b.key AS end_key, {columns}",
                ["start", "end", *props],
                spec,
                rel_type in empty,
            )
            write, created, updated = _classify(frame, old, ["start", "end"], props)
            change.created += created
            change.updated += updated
            change.unchanged += len(frame) - created - updated
            if upkeep and not write.empty:
                upkeep.writing_relationships(rel_type, write)
                store.merge_relationships(
                    rel_type, start_kind, end_kind, write, new=rel_type in empty
                )
            if progress:
                progress(f"{rel_type} ({start_kind} -> {end_kind})", len(write))
    if upkeep:
        done = report.rederived = upkeep.finish()
        report.relationships[DERIVED] = Change(
            created=done.written, unchanged=done.rows - done.written
        )
        if progress:
            progress(f"{DERIVED} (derived)", done.written)
    return report


def _existing(
    store: Store, cypher: str, columns: list[str], props: dict[str, Property], empty: bool
) -> pd.DataFrame:
    """What the store holds, with the values `Store.read` gives (dates as datetime.date)."""
    if empty:
        return pd.DataFrame(columns=columns)
    if not isinstance(store, FrameReader):
        result = store.read(cypher)
        return store.shaped(pd.DataFrame(result.rows, columns=columns), columns)
    frame = store.read_frame(cypher)
    frame.columns = columns
    for name, prop in props.items():
        if prop.type == "date" and pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.date
    return store.shaped(frame, columns)
