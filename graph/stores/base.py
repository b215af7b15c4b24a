"""The small interface every store implements, and the value types it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import pandas as pd

from ..schema import Schema, load_schema


def node_value(kind: str, node_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A node as every store returns it: `_kind`, `_id` (store-specific) and its set properties."""
    return {"_kind": kind, "_id": node_id, **{k: v for k, v in props.items() if v is not None}}


def relationship_value(
    rel_type: str, start_id: str, end_id: str, props: Mapping[str, Any]
) -> dict[str, Any]:
    """A relationship as every store returns it: `_type`, the `_id`s of its `_start` and
    `_end` nodes, and its set properties."""
    return {
        "_type": rel_type,
        "_start": start_id,
        "_end": end_id,
        **{k: v for k, v in props.items() if v is not None},
    }


@dataclass(frozen=True)
class QueryResult:
    """Rows of a read query; `truncated` says the row cap cut the answer short."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class StoreOptions:
    """How to open a store, besides where it is: each store takes what applies to it."""

    #: Open the store read-only: the embedded store opens its files so, and can then be read
    #: while another process writes it (a store on a server reads read-only anyway).
    read_only: bool = False
    #: The user, password and database of a store on a server (None: the store's default).
    user: str | None = None
    password: str = ""
    database: str | None = None
    #: Most memory, in MB, an embedded store keeps of the graph's pages and its queries'
    #: intermediate results (None: the store's own default).
    memory_mb: int | None = None


@dataclass(frozen=True)
class Counts:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)


class Store(ABC):
    """A graph store holding the reachgraph schema.

    Writes MERGE on keys, so writing the same rows twice changes nothing. Reads run in a
    read-only transaction, so a write slipped into a read query is refused by the store.
    """

    #: Its name, which picks a named query's variant (`NAME.BACKEND.cypher`).
    backend: ClassVar[str]
    #: The URI schemes of the locations it opens (`bolt`, `neo4j+s`, ...); "" is a path with
    #: no scheme. open_store picks, by the location's scheme, the store that declares it.
    schemes: ClassVar[tuple[str, ...]]
    #: Whether `data_version` answers from local state, cheaply enough to ask on an event
    #: loop (the API does, per request); else it asks a server and is run in a thread.
    local_data_version: bool = False

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or load_schema()

    @classmethod
    @abstractmethod
    def open(cls, location: str, options: StoreOptions) -> Self:
        """The store at `location`, a URI of one of `schemes` (or a path, for "")."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (a path or a URI, never a password)."""

    @abstractmethod
    def apply_schema(self) -> None:
        """Create tables, constraints and indexes; harmless when already applied."""

    @abstractmethod
    def merge_nodes(self, kind: str, frame: pd.DataFrame, *, new: bool = False) -> None:
        """MERGE nodes of one kind on `key` and set every schema property of each row.

        `new=True` promises that no node of the kind exists yet, so the store may bulk-create.
        """

    @abstractmethod
    def merge_relationships(
        self,
        rel_type: str,
        start_kind: str,
        end_kind: str,
        frame: pd.DataFrame,
        *,
        new: bool = False,
    ) -> None:
        """MERGE relationships on (start key, type, end key). The frame has `start`, `end`
        and the relationship's schema properties; `new` as for `merge_nodes`."""

    @abstractmethod
    def replace_relationships(
        self,
        rel_type: str,
        start_kind: str,
        end_kind: str,
        frame: pd.DataFrame,
        *,
        ends: Sequence[str] | None = None,
    ) -> None:
        """Replace every relationship of one type (the derived REACHES), or with `ends` only
        those ending at these keys, by those of `frame` (`start`, `end` and the type's
        properties), in one transaction where the store can: readers and a process killed
        half-way see the old ones or the new, never none."""

    @abstractmethod
    def note(self, name: str) -> str | None:
        """A note reachgraph keeps in the store about the store, outside the graph (whether
        its REACHES are derived from its graph, ingest/rederive.py); None if there is none."""

    @abstractmethod
    def set_note(self, name: str, value: str) -> None:
        """Keep `value` as the note `name`, replacing the one before."""

    @abstractmethod
    def read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> QueryResult:
        """Run a read-only query. Dates come back as `datetime.date`."""

    @abstractmethod
    def guard_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Raise QueryRefused (WriteRefused for writes) unless `cypher` is one statement that
        only reads the graph: the door for queries written by users calls it before `read`.
        The read-only transaction of `read` refuses writes to the graph; this also refuses
        what such a transaction lets through (files, settings, other databases, procedures
        outside a short list of read-only ones)."""

    @abstractmethod
    def data_version(self) -> str:
        """A value that changes whenever the graph's data changes, also when another process
        writes it; cheap enough to read on every request (HTTP caching uses it)."""

    def counts(self) -> Counts:
        """Node counts per kind and relationship counts per type."""

        def count(cypher: str) -> int:
            return int(self.read(cypher).rows[0][0])

        return Counts(
            {k: count(f"MATCH (n:{k}) RETURN count(n)") for k in self.schema.nodes},
            {t: count(f"MATCH ()-[r:{t}]->() RETURN count(r)") for t in self.schema.relationships},
        )

    def kind_of(self, key: str) -> str | None:
        """The kind of the node with `key`, None if there is none.

        One indexed lookup per kind: an unlabelled `MATCH (n {key: $key})` scans every
        table on LadybugDB (measured: 50 ms on 1M nodes, against 0.9 ms for this)."""
        branches = [
            f"MATCH (n:{kind} {{key: $key}}) RETURN '{kind}' AS kind" for kind in self.schema.nodes
        ]
        rows = self.read(" UNION ALL ".join(branches), {"key": key}).rows
        return str(rows[0][0]) if rows else None

    def kinds_of(self, keys: list[str]) -> dict[str, str]:
        """The kind of each of `keys` that names a node; one query per kind, for many keys."""
        found: dict[str, str] = {}
        for kind in self.schema.nodes:
            result = self.read(
                f"MATCH (n:{kind}) WHERE n.key IN $keys RETURN n.key", {"keys": keys}
            )
            found.update({row[0]: kind for row in result.rows})
        return found

    def keys_of(self, kind: str, limit: int = 100_000) -> list[str]:
        """Keys of the nodes of a kind (at most `limit`), to suggest close ones in errors;
        none for a name that is not a kind."""
        if kind not in self.schema.nodes:
            return []
        result = self.read(f"MATCH (n:{kind}) RETURN n.key LIMIT $limit", {"limit": limit})
        return [row[0] for row in result.rows]

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (the schema stays applied)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def shaped(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """The frame with exactly `columns`, in order, as objects, None where empty."""
        frame = frame.reindex(columns=columns).astype(object)
        return frame.where(frame.notna(), None)

    def property_names(self, kind_or_type: str) -> list[str]:
        """Every property a node kind or relationship type stores, in schema order."""
        if kind_or_type in self.schema.nodes:
            return list(self.schema.nodes[kind_or_type].properties)
        return list(self.schema.relationships[kind_or_type].properties)


@runtime_checkable
class FrameReader(Protocol):
    """What a store can do besides `Store`: read a whole table as a DataFrame, faster than
    `Store.read` (the embedded store can; exports and ingest checks use it where it is)."""

    def read_frame(self, cypher: str) -> pd.DataFrame: ...
