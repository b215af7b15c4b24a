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
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import orjson

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

    def __init__(
        self, graph: Graph, *, before: Deriver | None = None, changed: Collection[str] = ()
    ) -> None:
        """`before`: a Deriver of the graph before a change, whose jurisdictions but those
        `changed` (on the law's side, ingest/affected.py) are taken as they were."""
        self.graph = graph
        self.schema = graph.schema
        self.before = before
        self.changed = frozenset(changed)
        # Memoized per instance: `functools.cache` on a method would keep every Deriver,
        # and its graph, alive for the life of the process.
        self.walks = cache(self._walks)
        self.home = cache(self._home)
        self.standings = cache(self._standings)

    @cached_property
    def grouped(self) -> bool:
        """Whether any rule counts the holder's group (else no group path is walked)."""
        return any(
            props.get("group_presence")
            for key, props in self.graph.nodes.items()
            if self.graph.kind[key] == "ReachRule"
        )

    # -- paths ------------------------------------------------------------------------

    def _walks(self, data: str, basis: str, group: bool) -> dict[str, list[Walk]]:
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

    def _home(self, home: str) -> Home:
        """What the answers for one jurisdiction share: its laws' rules and its members.
        Everything it reads of the graph is about the jurisdiction's law, none about the
        data (ingest/affected.py relies on that)."""
        if self.before is not None and home not in self.changed:
            return self.before.home(home)
        offers = []
        for law, link in self.laws_of(home):
            for under in self.graph.into["UNDER"].get(law, ()):
                rule = self.graph.nodes[under.start]
                offers.append(
                    Offer(
                        law=law,
                        link=link,
                        rule=rule,
                        citation=self.graph.nodes[law].get("citation"),
                        base=self.graph.in_force(law)
                        & span_of([link, under])
                        & Span(known=day_of(rule.get("known_from"), OPEN_START)),
                        steps=tuple(self._step(edge) for edge in (link, under)),
                        node_sources=tuple(
                            tuple(self.graph.nodes[n].get("sources") or ())
                            for n in (law, rule["key"])
                        ),
                        standings=self.standings(under.start),
                    )
                )
        return Home(tuple(offers), tuple(self.graph.into["PART_OF"].get(home, ())))

    def _standings(self, rule: str) -> tuple[tuple[Span, int, Standing], ...]:
        """The rule's standing over every span where it has one (ingest/standing.py)."""
        return tuple(standings(self.graph, rule))

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
            at = self.home(home)
            for offer in at.offers:
                yield from self._answers(data, held, home, at.members, offer)

    def _answers(
        self, data: str, held: list[str], home: str, members: tuple[Edge, ...], offer: Offer
    ) -> Iterator[dict[str, Any]]:
        rule = offer.rule
        covered = set(rule.get("categories") or ())
        reached = [c for c in held if c in covered]
        if not reached:
            return
        bases = list(rule.get("bases") or ())
        group = bool(rule.get("group_presence"))
        options = [self.walks(data, basis, group).get(home, []) for basis in bases]
        if not bases or not all(options):
            return
        for combo in itertools.product(*options):
            span = offer.base
            for walk in combo:
                span = span & walk.span
            if span.empty:
                continue
            row: dict[str, Any] | None = None  # the combination's part, made once
            for standing_span, known_until, standing in offer.standings:
                both = span & standing_span
                if both.empty or both.known >= known_until:
                    continue
                row = row or self._row(data, held, reached, offer, combo)
                yield from self._per_jurisdiction(
                    home, members, both, known_until, with_standing(row, standing)
                )

    def _per_jurisdiction(
        self,
        home: str,
        members: tuple[Edge, ...],
        span: Span,
        known_until: int,
        row: dict[str, Any],
    ) -> Iterator[dict[str, Any]]:
        """The answer for the law's own jurisdiction, and for each of its members on the
        days they are members."""
        for start, where in [(home, span)] + [
            (member.start, span & member.span) for member in members
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
        offer: Offer,
        combo: tuple[Walk, ...],
    ) -> dict[str, Any]:
        """An answer's properties but its standing (`with_standing`)."""
        paths = [self._path(walk, offer) for walk in combo]
        rule = offer.rule
        return {
            "end": data,
            "law_of": offer.link.end,
            "rule": rule["key"],
            "law": offer.law,
            "citation": offer.citation,
            "effect": rule.get("effect"),
            "strength": rule.get("strength"),
            "bases": list(rule.get("bases") or ()),
            "categories": reached,
            "categories_not_reached": [c for c in held if c not in reached],
            "paths": orjson.dumps(paths).decode(),
            "sources": list(dict.fromkeys(s for p in paths for s in p["sources"])),
        }

    def _path(self, walk: Walk, offer: Offer) -> dict[str, Any]:
        """A walk continued to the law and the rule, as reachgraph.paths.Path takes it."""
        steps = [*(self._step(edge) for edge in walk.edges), *offer.steps]
        cited = [self.graph.nodes[n].get("sources") or () for n in walk.nodes]
        cited += [*offer.node_sources, *(step["sources"] for step in steps)]
        sources = list(dict.fromkeys(source for group in cited for source in group))
        nodes = [*walk.nodes, offer.law, offer.rule["key"]]
        return {"nodes": nodes, "steps": steps, "sources": sources}

    def _step(self, edge: Edge) -> dict[str, Any]:
        rel = {"_type": edge.type, **edge.props}
        return {
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


@dataclass(frozen=True)
class Offer:
    """One rule of one of a jurisdiction's laws, with what every answer through it shares:
    the days of the law's force, its link and the rule's UNDER, their path steps, the law's
    and the rule's sources, and the rule's standings."""

    law: str
    link: Edge
    rule: dict[str, Any] = field(hash=False, compare=False)
    citation: str | None
    base: Span
    steps: tuple[dict[str, Any], ...] = field(hash=False, compare=False)
    node_sources: tuple[tuple[str, ...], ...]
    standings: tuple[tuple[Span, int, Standing], ...]


@dataclass(frozen=True)
class Home:
    """A jurisdiction as its answers see it: its laws' rules, and the places part of it."""

    offers: tuple[Offer, ...]
    members: tuple[Edge, ...]
