"""The curated graph in memory, for deriving REACHES (ingest/derive.py) and for what-if:
nodes by key, relationships by type both ways, each with its days, and the walks of a
reach basis's path from a body of data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..graph.schema import Schema
from ..graph.stores import Store

#: Days as ordinals: OPEN_START before every day, OPEN_END after every day.
OPEN_START = 0
OPEN_END = datetime.date.max.toordinal() + 1
#: Longest walk of a repeated step (SUBSIDIARY_OF*), as the old control_chain query.
MAX_REPEAT = 10


def day_of(value: Any, open_value: int) -> int:
    return value.toordinal() if isinstance(value, datetime.date) else open_value


def date_of(day: int) -> datetime.date | None:
    return None if day in (OPEN_START, OPEN_END) else datetime.date.fromordinal(day)


@dataclass(frozen=True)
class Edge:
    """One relationship, read in its own direction, with its days as ordinals."""

    type: str
    start: str
    end: str
    props: dict[str, Any] = field(hash=False, compare=False)

    @property
    def lo(self) -> int:
        return day_of(self.props.get("valid_from"), OPEN_START)

    @property
    def hi(self) -> int:
        return day_of(self.props.get("valid_until"), OPEN_END)

    @property
    def known(self) -> int:
        return day_of(self.props.get("known_from"), OPEN_START)

    @property
    def span(self) -> Span:
        """Its days on a path. A fact that holds "at least since" its `from` (only the first
        evidence of it) may hold on any day before: those days are open but unsure."""
        if self.props.get("valid_from_at_least"):
            return Span(OPEN_START, self.hi, self.known, sure=self.lo)
        return Span(self.lo, self.hi, self.known)


@dataclass(frozen=True)
class Span:
    """Days [lo, hi) and known-on days from `known`; the days before `sure` are unconfirmed
    (a fact on the way is evidenced only from `sure`)."""

    lo: int = OPEN_START
    hi: int = OPEN_END
    known: int = OPEN_START
    sure: int = OPEN_START

    def __and__(self, other: Span) -> Span:
        return Span(
            max(self.lo, other.lo),
            min(self.hi, other.hi),
            max(self.known, other.known),
            max(self.sure, other.sure),
        )

    def parts(self) -> Iterator[tuple[Span, bool, bool]]:
        """The span cut at `sure`, as (days, unconfirmed, holds "at least since" its first
        day): the unconfirmed days first, then those from the first evidence on."""
        if self.sure <= self.lo:
            yield self, False, False
            return
        yield Span(self.lo, min(self.sure, self.hi), self.known), True, False
        if self.sure < self.hi:
            yield Span(self.sure, self.hi, self.known, self.sure), False, True

    @property
    def empty(self) -> bool:
        return self.lo >= self.hi


def span_of(edges: Iterable[Edge]) -> Span:
    span = Span()
    for edge in edges:
        span = span & edge.span
    return span


@dataclass(frozen=True)
class Walk:
    """A path from a body of data to a jurisdiction: its edges and the nodes in order."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    span: Span

    def rank(self) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        """Shorter first, then by node keys, then by types (reachgraph.questions._rank)."""
        return len(self.nodes), self.nodes, tuple(e.type for e in self.edges)


class Graph:
    """The curated graph in memory: nodes by key, relationships by type both ways."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.nodes: dict[str, dict[str, Any]] = {}
        self.kind: dict[str, str] = {}
        self.out: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[Edge]]] = defaultdict(lambda: defaultdict(list))

    @classmethod
    def read(cls, store: Store) -> Graph:
        """The store's curated graph (every node, every relationship but REACHES)."""
        graph = cls(store.schema)
        # Each property as a column, not whole nodes and relationships (`RETURN n`): the
        # Neo4j driver builds a Node for each, and a Relationship with both its ends, which
        # took most of the time of a first load's derivation (measured in bench/ingest.py).
        for kind, spec in graph.schema.nodes.items():
            names = list(spec.properties)
            columns = ", ".join(f"n.{name}" for name in names)
            graph.add_nodes(kind, names, store.read(f"MATCH (n:{kind}) RETURN {columns}").rows)
        for rel_type, rel in graph.schema.curated_relationships.items():
            names = list(rel.properties)
            columns = "".join(f", r.{name}" for name in names)
            for start, end in rel.pairs:
                rows = store.read(
                    f"MATCH (a:{start})-[r:{rel_type}]->(b:{end}) RETURN a.key, b.key{columns}"
                ).rows
                graph.add_relationships(rel_type, names, rows)
        return graph

    def add_nodes(self, kind: str, names: list[str], rows: Iterable[Sequence[Any]]) -> None:
        """Nodes of a kind, each row the values of `names` (None where it has none): as the
        store gives them back, or as a load writes them (`Store.shaped` frames)."""
        for row in rows:
            props = {k: v for k, v in zip(names, row, strict=True) if v is not None}
            self.nodes[props["key"]] = props
            self.kind[props["key"]] = kind

    def add_relationships(
        self, rel_type: str, names: list[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Relationships of a type, each row its start's key, its end's, then the values of
        `names`."""
        for start, end, *values in rows:
            props = {k: v for k, v in zip(names, values, strict=True) if v is not None}
            self.add(Edge(rel_type, start, end, props))

    def add(self, edge: Edge) -> None:
        self.out[edge.type][edge.start].append(edge)
        self.into[edge.type][edge.end].append(edge)

    def replaced(self, old: Edge | None, new: Edge) -> Graph:
        """A copy with `old` (if any) replaced by `new`; only the lists they are in are
        copied, the rest is shared with this graph."""
        copy = Graph(self.schema)
        copy.nodes, copy.kind = self.nodes, self.kind
        copy.out.update(self.out)
        copy.into.update(self.into)
        for index, key in ((copy.out, new.start), (copy.into, new.end)):
            index[new.type] = defaultdict(list, index[new.type])
            index[new.type][key] = [e for e in index[new.type][key] if e is not old] + [new]
        return copy

    def edge(self, start: str, rel_type: str, end: str) -> Edge | None:
        return next((e for e in self.out[rel_type].get(start, ()) if e.end == end), None)

    def in_force(self, law: str) -> Span:
        """The days a law is in force, from its known day."""
        props = self.nodes[law]
        return Span(
            day_of(props.get("in_force_from"), OPEN_START),
            day_of(props.get("in_force_until"), OPEN_END),
            day_of(props.get("known_from"), OPEN_START),
        )

    def node_value(self, key: str) -> dict[str, Any]:
        return {"_kind": self.kind[key], "_id": key, **self.nodes[key]}


def steps(graph: Graph, path: tuple[str, ...], start: str) -> Iterator[Walk]:
    """Every walk of `path` (graph/schema.yaml, reach_bases) from `start`, no node twice."""

    def walk(at: int, nodes: tuple[str, ...], edges: tuple[Edge, ...]) -> Iterator[Walk]:
        if at == len(path):
            yield Walk(nodes, edges, span_of(edges))
            return
        step = path[at]
        backward, repeat, rel_type = step.startswith("<"), step.endswith("*"), step.strip("<*")
        index = graph.into if backward else graph.out

        def onwards(
            walked: tuple[str, ...], taken: tuple[Edge, ...]
        ) -> Iterator[tuple[tuple[str, ...], tuple[Edge, ...]]]:
            for edge in index[rel_type].get(walked[-1], ()):
                other = edge.start if backward else edge.end
                if other not in walked:
                    yield (*walked, other), (*taken, edge)

        if not repeat:
            for walked, taken in onwards(nodes, edges):
                yield from walk(at + 1, walked, taken)
            return
        frontier = [(nodes, edges)]
        for _ in range(MAX_REPEAT + 1):
            grown: list[tuple[tuple[str, ...], tuple[Edge, ...]]] = []
            for walked, taken in frontier:
                yield from walk(at + 1, walked, taken)
                grown.extend(onwards(walked, taken))
            if not grown:
                break
            frontier = grown

    yield from walk(0, (start,), ())
