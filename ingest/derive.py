"""Derive REACHES: every answer to "does the law of J reach data D", from the curated graph.

Computed after every load (ingest/load.py) and written as REACHES relationships (graph/
schema.yaml), so the named questions reach, exposure and conflicts are lookups. An answer
is one rule of one law reaching one body of data for one jurisdiction, over a span of days
and of "known on" days, with one standing:

- **Paths.** Each basis of graph/schema.yaml (`reach_bases`) is walked from the data to a
  place, then optionally one PART_OF up (US-WA to US, BE to EU): that is the law's
  jurisdiction. A law belongs to it when ENACTED_BY it or when it is a PARTY (a territory is
  a party only by its own PARTY relationship). A rule UNDER the law reaches the data when
  every one of its bases has a path to that same jurisdiction and it shares a category with
  the data. The days are those on which every relationship of the paths, the law's link to
  its jurisdiction and the law's force all hold; the known-on days start at the latest
  earliest-publication (`known_from`) among them and the rule.
- **Standing** (`standings`): the latest law or decision event on or before the day, among
  those known on the known-on day, gives enacted, established or rejected; a decision stops
  counting once a later decision reverses or vacates it on appeal; with no such event, a
  request that asserted the rule makes it asserted; before any event the rule has none.
- **Orders.** An answer for the EU's law is also an answer for each member on the days it
  is a member (a PART_OF into the law's jurisdiction).
- **At least since.** A relationship whose `from` is only its first evidence
  (`valid_from_at_least`) may hold before: an answer through it is `unconfirmed` on the days
  before that evidence, and holds "at least since" it after.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson
import pandas as pd

from ..graph.schema import Schema
from ..graph.stores import Store
from ..paths import sentence

#: Days as ordinals: OPEN_START before every day, OPEN_END after every day.
OPEN_START = 0
OPEN_END = datetime.date.max.toordinal() + 1
#: Longest walk of a repeated step (SUBSIDIARY_OF*), as the old control_chain query.
MAX_REPEAT = 10
#: Appeal effects after which the decision appealed against no longer counts.
UNDOING = frozenset({"reverses", "vacates"})
#: Of events on one day, the later in this list wins.
RANK = {"enacted": 0, "established": 1, "rejected": 2}
DERIVED = "REACHES"


def _day(value: Any, open_value: int) -> int:
    return value.toordinal() if isinstance(value, datetime.date) else open_value


def _date(day: int) -> datetime.date | None:
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
        return _day(self.props.get("valid_from"), OPEN_START)

    @property
    def hi(self) -> int:
        return _day(self.props.get("valid_until"), OPEN_END)

    @property
    def known(self) -> int:
        return _day(self.props.get("known_from"), OPEN_START)

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


def _span(edges: Iterable[Edge]) -> Span:
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


@dataclass(frozen=True)
class Standing:
    """What gives a rule its standing over a span: a law, a decision or a request."""

    standing: str
    by: str
    on: int
    citation: str | None
    court: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class _Event:
    standing: str
    lo: int
    hi: int
    known: int
    by: Standing
    #: (day, known) of each later decision that reverses or vacates this one.
    undone: tuple[tuple[int, int], ...] = ()

    def holds(self, day: int, known_on: int) -> bool:
        if not (self.known <= known_on and self.lo <= day < self.hi):
            return False
        return not any(when <= day and known <= known_on for when, known in self.undone)


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
        for kind in graph.schema.nodes:
            for (node,) in store.read(f"MATCH (n:{kind}) RETURN n").rows:
                props = {k: v for k, v in node.items() if not k.startswith("_")}
                graph.nodes[props["key"]] = props
                graph.kind[props["key"]] = kind
        for rel_type, rel in graph.schema.curated_relationships.items():
            for start, end in rel.pairs:
                rows = store.read(
                    f"MATCH (a:{start})-[r:{rel_type}]->(b:{end}) RETURN a.key, b.key, r"
                ).rows
                for a, b, r in rows:
                    props = {k: v for k, v in r.items() if not k.startswith("_")}
                    graph.add(Edge(rel_type, a, b, props))
        return graph

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

    def node_value(self, key: str) -> dict[str, Any]:
        return {"_kind": self.kind[key], "_id": key, **self.nodes[key]}


def _steps(graph: Graph, path: tuple[str, ...], start: str) -> Iterator[Walk]:
    """Every walk of `path` (graph/schema.yaml, reach_bases) from `start`, no node twice."""

    def walk(at: int, nodes: tuple[str, ...], edges: tuple[Edge, ...]) -> Iterator[Walk]:
        if at == len(path):
            yield Walk(nodes, edges, _span(edges))
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


class Deriver:
    """Derives the REACHES rows of a graph; one instance per derivation."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.schema = graph.schema
        #: Whether any rule counts the holder's group (else no group path is walked).
        self.grouped = any(
            props.get("group_presence")
            for key, props in graph.nodes.items()
            if graph.kind[key] == "ReachRule"
        )

    # -- paths ------------------------------------------------------------------------

    @cache  # noqa: B019 - one Deriver per derivation: the cache goes with it
    def walks(self, data: str, basis: str, group: bool) -> dict[str, list[Walk]]:
        """The walks of one basis from the data, by the jurisdiction whose law they reach:
        the place itself, or an order it is part of. Of walks with the same span only the
        first by rank is kept."""
        spec = self.schema.reach_bases[basis]
        if group and not spec.group_path:
            return self.walks(data, basis, False)
        path = spec.group_path if group and spec.group_path else spec.path
        found: dict[str, dict[Span, Walk]] = defaultdict(dict)
        for walk in _steps(self.graph, path, data):
            place = walk.nodes[-1]
            candidates = [walk]
            for up in self.graph.out["PART_OF"].get(place, ()):
                edges = (*walk.edges, up)
                candidates.append(Walk((*walk.nodes, up.end), edges, _span(edges)))
            for candidate in candidates:
                if candidate.span.empty:
                    continue
                kept = found[candidate.nodes[-1]]
                best = kept.get(candidate.span)
                if best is None or candidate.rank() < best.rank():
                    kept[candidate.span] = candidate
        return {home: sorted(by_span.values(), key=Walk.rank) for home, by_span in found.items()}

    # -- laws and rules ---------------------------------------------------------------

    def laws_of(self, home: str) -> list[tuple[str, Edge]]:
        """The laws of a jurisdiction: enacted by it, or with it as a party."""
        return [
            (edge.start, edge)
            for rel_type in ("ENACTED_BY", "PARTY")
            for edge in self.graph.into[rel_type].get(home, ())
        ]

    def in_force(self, law: str) -> Span:
        props = self.graph.nodes[law]
        return Span(
            _day(props.get("in_force_from"), OPEN_START),
            _day(props.get("in_force_until"), OPEN_END),
            _day(props.get("known_from"), OPEN_START),
        )

    # -- standing ---------------------------------------------------------------------

    def _standing_of(self, key: str, standing: str, on: int) -> Standing:
        props = self.graph.nodes[key]
        court = None
        if self.graph.kind[key] == "Decision":
            by = self.graph.out["DECIDED_BY"].get(key, ())
            court = self.graph.nodes[by[0].end].get("name") if by else None
        return Standing(
            standing,
            key,
            on,
            props.get("citation"),
            court,
            tuple(props.get("sources") or ()),
        )

    def _undone(self, decision: str) -> tuple[tuple[int, int], ...]:
        """(day, known-on day) of each later decision that reverses or vacates this one."""
        out = []
        for appeal in self.graph.into["APPEAL_OF"].get(decision, ()):
            if appeal.props.get("effect") in UNDOING:
                later = self.graph.nodes[appeal.start]
                known = max(appeal.known, _day(later.get("known_from"), OPEN_START))
                out.append((_day(later.get("date"), OPEN_START), known))
        return tuple(out)

    def events(self, rule: str) -> list[_Event]:
        out: list[_Event] = []
        for rel_type in ("ESTABLISHED_BY", "REJECTED_BY"):
            for edge in self.graph.out[rel_type].get(rule, ()):
                by = self.graph.nodes[edge.end]
                known = max(edge.known, _day(by.get("known_from"), OPEN_START))
                if self.graph.kind[edge.end] == "Law":
                    force = self.in_force(edge.end)
                    lo = max(force.lo, edge.lo) if "valid_from" in edge.props else force.lo
                    hi = min(force.hi, edge.hi)
                    standing = "enacted" if rel_type == "ESTABLISHED_BY" else "rejected"
                    out.append(
                        _Event(standing, lo, hi, known, self._standing_of(edge.end, standing, lo))
                    )
                else:
                    day = _day(by.get("date"), OPEN_START)
                    standing = "established" if rel_type == "ESTABLISHED_BY" else "rejected"
                    out.append(
                        _Event(
                            standing,
                            day,
                            OPEN_END,
                            known,
                            self._standing_of(edge.end, standing, day),
                            self._undone(edge.end),
                        )
                    )
        for edge in self.graph.out["ASSERTED_BY"].get(rule, ()):
            request = self.graph.nodes[edge.end]
            day = _day(request.get("date"), OPEN_START)
            known = max(edge.known, _day(request.get("known_from"), OPEN_START))
            out.append(
                _Event(
                    "asserted", day, OPEN_END, known, self._standing_of(edge.end, "asserted", day)
                )
            )
        return out

    @cache  # noqa: B019
    def standings(self, rule: str) -> list[tuple[Span, int, Standing]]:
        """The rule's standing as (days and first known-on day, last known-on day (exclusive),
        what gives it), over every span where it has one."""
        events = self.events(rule)
        days = sorted(
            {OPEN_START, OPEN_END}
            | {e.lo for e in events}
            | {e.hi for e in events}
            | {when for e in events for when, _ in e.undone}
        )
        knowns = sorted(
            {OPEN_START} | {e.known for e in events} | {k for e in events for _, k in e.undone}
        )
        out = []
        for k_lo, k_hi in itertools.pairwise([*knowns, OPEN_END]):
            run: tuple[int, Standing] | None = None
            for d_lo in days[:-1]:
                now = _decide(events, d_lo, k_lo)
                if run and now == run[1]:
                    continue
                if run:
                    out.append((Span(run[0], d_lo, k_lo), k_hi, run[1]))
                run = (d_lo, now) if now else None
            if run:
                out.append((Span(run[0], OPEN_END, k_lo), k_hi, run[1]))
        return out

    # -- answers ----------------------------------------------------------------------

    def rows(self, only: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """The REACHES rows of every body of data, or of those in `only`."""
        keys = self.graph.nodes if only is None else only
        for data in keys:
            if self.graph.kind.get(data) == "Data":
                yield from self._rows_for(data, self.graph.nodes[data])

    def _rows_for(self, data: str, data_props: dict[str, Any]) -> Iterator[dict[str, Any]]:
        held = list(data_props.get("categories") or [])
        # A group path reaches every place its basis's own path does, and more.
        homes = {
            home
            for basis, spec in self.schema.reach_bases.items()
            for home in self.walks(data, basis, spec.group_path is not None and self.grouped)
        }
        for home in sorted(homes):
            for law, link in self.laws_of(home):
                for under in self.graph.into["UNDER"].get(law, ()):
                    yield from self._answers(data, held, home, law, link, under)

    def _answers(
        self, data: str, held: list[str], home: str, law: str, link: Edge, under: Edge
    ) -> Iterator[dict[str, Any]]:
        rule = self.graph.nodes[under.start]
        covered = set(rule.get("categories") or ())
        reached = [c for c in held if c in covered]
        if not reached:
            return
        bases = list(rule.get("bases") or ())
        group = bool(rule.get("group_presence"))
        options = [self.walks(data, basis, group).get(home, []) for basis in bases]
        if not bases or not all(options):
            return
        base = (
            self.in_force(law)
            & _span([link, under])
            & Span(known=_day(rule.get("known_from"), OPEN_START))
        )
        for combo in itertools.product(*options):
            span = base
            for walk in combo:
                span = span & walk.span
            if span.empty:
                continue
            row: dict[str, Any] | None = None  # the combination's part, made once
            for standing_span, known_until, standing in self.standings(under.start):
                both = span & standing_span
                if both.empty or both.known >= known_until:
                    continue
                row = row or self._row(data, held, reached, rule, law, link, under, combo)
                yield from self._per_jurisdiction(
                    home, both, known_until, _with_standing(row, standing)
                )

    def _per_jurisdiction(
        self, home: str, span: Span, known_until: int, row: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """The answer for the law's own jurisdiction, and for each of its members on the
        days they are members."""
        for start, where in [(home, span)] + [
            (member.start, span & member.span)
            for member in self.graph.into["PART_OF"].get(home, ())
        ]:
            if where.empty or where.known >= known_until:
                continue
            for days, unconfirmed, at_least in where.parts():
                yield {
                    **row,
                    "start": start,
                    "valid_from": _date(days.lo),
                    "valid_until": _date(days.hi),
                    "valid_from_at_least": at_least,
                    "unconfirmed": unconfirmed,
                    "known_from": _date(days.known),
                    "known_until": _date(known_until),
                }

    def _row(
        self,
        data: str,
        held: list[str],
        reached: list[str],
        rule: dict[str, Any],
        law: str,
        link: Edge,
        under: Edge,
        combo: tuple[Walk, ...],
    ) -> dict[str, Any]:
        """An answer's properties but its standing (`_with_standing`)."""
        paths = [self._path(walk, link, under) for walk in combo]
        return {
            "end": data,
            "law_of": link.end,
            "rule": rule["key"],
            "law": law,
            "citation": self.graph.nodes[law].get("citation"),
            "effect": rule.get("effect"),
            "strength": rule.get("strength"),
            "bases": list(rule.get("bases") or ()),
            "categories": reached,
            "categories_not_reached": [c for c in held if c not in reached],
            "paths": orjson.dumps(paths).decode(),
            "sources": list(dict.fromkeys(s for p in paths for s in p["sources"])),
        }

    def _path(self, walk: Walk, link: Edge, under: Edge) -> dict[str, Any]:
        """A walk continued to the law and the rule, as reachgraph.paths.Path takes it."""
        edges = [*walk.edges, link, under]
        nodes = [*walk.nodes, link.start, under.start]
        steps = []
        for edge in edges:
            rel = {"_type": edge.type, **edge.props}
            steps.append(
                {
                    "start": edge.start,
                    "type": edge.type,
                    "end": edge.end,
                    "valid_from": edge.props.get("valid_from"),
                    "valid_from_at_least": bool(edge.props.get("valid_from_at_least")),
                    "valid_until": edge.props.get("valid_until"),
                    "sources": list(edge.props.get("sources") or ()),
                    "sentence": sentence(
                        rel,
                        self.graph.node_value(edge.start),
                        self.graph.node_value(edge.end),
                        self.schema,
                    ),
                }
            )
        cited = [self.graph.nodes[n].get("sources") or [] for n in nodes]
        cited += [step["sources"] for step in steps]
        sources = list(dict.fromkeys(source for group in cited for source in group))
        return {"nodes": nodes, "steps": steps, "sources": sources}


def _with_standing(row: dict[str, Any], standing: Standing) -> dict[str, Any]:
    """The row with its standing, whose sources follow the paths' sources."""
    return {
        **row,
        "standing": standing.standing,
        "decided_by": standing.by,
        "decided_on": _date(standing.on),
        "decision_citation": standing.citation,
        "court": standing.court,
        "sources": list(dict.fromkeys([*row["sources"], *standing.sources])),
    }


def _decide(events: list[_Event], day: int, known_on: int) -> Standing | None:
    """The standing on a day as known on a day: the latest law or decision event that holds,
    else the latest assertion, else none."""
    holding = [e for e in events if e.holds(day, known_on)]
    settled = [e for e in holding if e.standing != "asserted"]
    if settled:
        return max(settled, key=lambda e: (e.lo, RANK[e.standing], e.by.by)).by
    asserted = [e for e in holding if e.standing == "asserted"]
    return max(asserted, key=lambda e: (e.lo, e.by.by)).by if asserted else None


def derive(store: Store) -> pd.DataFrame:
    """The REACHES rows of the graph in the store (start, end and every property)."""
    rows = list(Deriver(Graph.read(store)).rows())
    columns = ["start", "end", *store.schema.relationships[DERIVED].properties]
    return store.shaped(pd.DataFrame(rows, columns=columns), columns)


def rederive(store: Store) -> tuple[int, bool]:
    """Replace the store's REACHES relationships by those derived from its curated graph,
    unless they are the same already: (how many there are, whether they were written).

    Compared, so a run after a killed one rewrites them whenever they are stale or missing;
    replaced in one transaction (Store.replace_relationships), so a kill between deleting
    the old ones and writing the new ones cannot leave a store without them, which readers
    would take for "reaches nothing"."""
    frame = derive(store)
    columns = list(frame.columns)
    stored = store.read(
        f"MATCH (a:Jurisdiction)-[r:{DERIVED}]->(b:Data) RETURN a.key, b.key, "
        + ", ".join(f"r.{name}" for name in columns[2:])
    ).rows
    if Counter(map(_comparable, stored)) == Counter(
        map(_comparable, frame.itertuples(index=False))
    ):
        return len(frame), False
    store.replace_relationships(DERIVED, "Jurisdiction", "Data", frame)
    return len(frame), True


def _comparable(row: Iterable[Any]) -> str:
    return repr(tuple(tuple(v) if isinstance(v, list) else v for v in row))
