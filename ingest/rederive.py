"""Keep the store's derived REACHES true to its curated graph.

After a load only the bodies of data its changes can affect (ingest/affected.py) are derived
anew and their REACHES replaced; the others' stay. That holds only if the REACHES were right
before the load, which the store vouches for with a note (`Store.note`): the fingerprint of
the derivation that wrote them (the schema and the code that derives). A load sets the note
to "pending" before it writes anything and back to the fingerprint once REACHES are
replaced. So a store whose note is missing (never derived, or written by an older
reachgraph), pending (a load was killed half-way) or of another derivation gets all its
REACHES derived anew, as `reachgraph rederive` does on demand (after writing to the graph
by other means than `reachgraph ingest`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..graph.schema import Schema
from ..graph.stores import Counts, Store
from . import curated_graph, derive, standing
from .affected import affected
from .curated_graph import Graph
from .derive import DERIVED, Deriver

NOTE = "reaches"
PENDING = "pending"


def fingerprint(schema: Schema) -> str:
    """What the REACHES a store holds were derived by: the schema and the deriving code."""
    digest = hashlib.sha256(schema.model_dump_json().encode())
    for file in (curated_graph, standing, derive, paths):
        digest.update(Path(str(file.__file__)).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Rederived:
    """What one derivation did: REACHES held afterwards, how many of them were written
    (0 when the store held them already), and of how many bodies of data (None: all)."""

    rows: int
    written: int
    data: int | None


class Upkeep:
    """One load's upkeep of REACHES: `writing_nodes` and `writing_relationships`, before
    each write, say what it writes; `finish` derives what the keys it touches (nodes, and
    both ends of relationships) affect. Into an empty store, the curated graph is what the
    load wrote, kept as it goes instead of read back at the end (on Neo4j a first load took
    18-34% less time without the read-back: docs/benchmarks.md)."""

    def __init__(self, store: Store, counts: Counts) -> None:
        self.store = store
        self.fingerprint = fingerprint(store.schema)
        self.trusted = store.note(NOTE) == self.fingerprint
        self.changed: set[str] = set()
        self.pending = False
        empty = not any([*counts.nodes.values(), *counts.relationships.values()])
        self.written = Graph(store.schema) if empty else None

    def writing_nodes(self, kind: str, frame: pd.DataFrame) -> None:
        self._changing(frame["key"])
        if self.written is not None:
            self.written.add_nodes(kind, list(frame.columns), frame.itertuples(index=False))

    def writing_relationships(self, rel_type: str, frame: pd.DataFrame) -> None:
        self._changing([*frame["start"], *frame["end"]])
        if self.written is not None:
            rows = frame.itertuples(index=False)
            self.written.add_relationships(rel_type, list(frame.columns[2:]), rows)

    def _changing(self, keys: Iterable[str]) -> None:
        if not self.pending:
            self.store.set_note(NOTE, PENDING)
            self.pending = True
        self.changed.update(keys)

    def finish(self) -> Rederived:
        changed = self.changed if self.trusted else None
        done = rederive(self.store, changed, graph=self.written)
        if self.pending or not self.trusted:
            self.store.set_note(NOTE, self.fingerprint)
        return done


def rebuild(store: Store) -> Rederived:
    """Derive every REACHES anew and vouch for them (`reachgraph rederive`)."""
    done = rederive(store)
    store.set_note(NOTE, fingerprint(store.schema))
    return done


def derived(store: Store, graph: Graph, only: Iterable[str] | None = None) -> pd.DataFrame:
    """The REACHES rows of the store's graph (`graph`), or of the bodies of data `only`."""
    rows = list(Deriver(graph).rows(only))
    columns = ["start", "end", *store.schema.relationships[DERIVED].properties]
    return store.shaped(pd.DataFrame(rows, columns=columns), columns)


def rederive(
    store: Store, changed: Collection[str] | None = None, *, graph: Graph | None = None
) -> Rederived:
    """Replace the REACHES of the bodies of data that the keys `changed` affect (None: of
    all) by those derived from the store's curated graph (`graph` when the caller holds it,
    else read), unless they are the same already.

    Compared, so a run that changes nothing writes nothing; replaced in one transaction
    (Store.replace_relationships), so a kill between deleting the old ones and writing the
    new ones cannot leave a store without them, which readers would take for "reaches
    nothing"."""
    total = store.counts().relationships.get(DERIVED, 0)
    if changed is not None and not changed:
        return Rederived(total, 0, 0)
    if graph is None:
        graph = Graph.read(store)
    data = None if changed is None else sorted(affected(graph, changed))
    if data is not None and len(data) == sum(kind == "Data" for kind in graph.kind.values()):
        data = None  # all of them: replaced whole, without a lookup per body of data
    frame = derived(store, graph, data)
    columns = list(frame.columns)
    returned = ", ".join(f"r.{name}" for name in columns[2:])
    if data is None:
        stored = store.read(
            f"MATCH (a:Jurisdiction)-[r:{DERIVED}]->(b:Data) RETURN a.key, b.key, {returned}"
        ).rows
    else:
        stored = store.read(
            f"UNWIND $keys AS k MATCH (a:Jurisdiction)-[r:{DERIVED}]->(b:Data {{key: k}}) "
            f"RETURN a.key, b.key, {returned}",
            {"keys": data},
        ).rows
    after = len(frame) if data is None else total - len(stored) + len(frame)
    count = None if data is None else len(data)
    new = frame.itertuples(index=False)
    if Counter(map(_comparable, stored)) == Counter(map(_comparable, new)):
        return Rederived(after, 0, count)
    store.replace_relationships(DERIVED, "Jurisdiction", "Data", frame, ends=data)
    return Rederived(after, len(frame), count)


def _comparable(row: Iterable[Any]) -> str:
    return repr(tuple(tuple(v) if isinstance(v, list) else v for v in row))
