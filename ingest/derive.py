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

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import orjson
import pandas as pd

from ..graph.stores import Store
from ..paths import sentence
from .curated_graph import (
    OPEN_START,
    Edge,
    Graph,
    Span,
    Walk,
    date_of,
    day_of,
    span_of,
    steps,
)
from .standing import Standing, standings, with_standing

DERIVED = "REACHES"


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
        for walk in steps(self.graph, path, data):
            place = walk.nodes[-1]
            candidates = [walk]
            for up in self.graph.out["PART_OF"].get(place, ()):
                edges = (*walk.edges, up)
                candidates.append(Walk((*walk.nodes, up.end), edges, span_of(edges)))
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

    @cache  # noqa: B019
    def standings(self, rule: str) -> list[tuple[Span, int, Standing]]:
        """The rule's standing over every span where it has one (ingest/standing.py)."""
        return standings(self.graph, rule)

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
            self.graph.in_force(law)
            & span_of([link, under])
            & Span(known=day_of(rule.get("known_from"), OPEN_START))
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
                    home, both, known_until, with_standing(row, standing)
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
                    "valid_from": date_of(days.lo),
                    "valid_until": date_of(days.hi),
                    "valid_from_at_least": at_least,
                    "unconfirmed": unconfirmed,
                    "known_from": date_of(days.known),
                    "known_until": date_of(known_until),
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
