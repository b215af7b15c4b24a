"""A rule's standing over time, from the laws, decisions and requests linked to it:
ESTABLISHED_BY a law (enacted) or a decision (established), REJECTED_BY (rejected),
ASSERTED_BY a request (asserted). The latest law or decision event on or before a day, among
those known on the known-on day, wins; a decision stops counting once a later one reverses
or vacates it on appeal; with none, a request's assertion counts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from .curated_graph import OPEN_END, OPEN_START, Graph, Span, date_of, day_of

#: Appeal effects after which the decision appealed against no longer counts.
UNDOING = frozenset({"reverses", "vacates"})
#: Of events on one day, the later in this list wins.
RANK = {"enacted": 0, "established": 1, "rejected": 2}


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
class Event:
    """A law, decision or request that gives a rule a standing over days from its known day."""

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


def standing_of(graph: Graph, key: str, standing: str, on: int) -> Standing:
    props = graph.nodes[key]
    court = None
    if graph.kind[key] == "Decision":
        by = graph.out["DECIDED_BY"].get(key, ())
        court = graph.nodes[by[0].end].get("name") if by else None
    return Standing(
        standing,
        key,
        on,
        props.get("citation"),
        court,
        tuple(props.get("sources") or ()),
    )


def undone(graph: Graph, decision: str) -> tuple[tuple[int, int], ...]:
    """(day, known-on day) of each later decision that reverses or vacates this one."""
    out = []
    for appeal in graph.into["APPEAL_OF"].get(decision, ()):
        if appeal.props.get("effect") in UNDOING:
            later = graph.nodes[appeal.start]
            known = max(appeal.known, day_of(later.get("known_from"), OPEN_START))
            out.append((day_of(later.get("date"), OPEN_START), known))
    return tuple(out)


def events_of(graph: Graph, rule: str) -> list[Event]:
    out: list[Event] = []
    for rel_type in ("ESTABLISHED_BY", "REJECTED_BY"):
        for edge in graph.out[rel_type].get(rule, ()):
            by = graph.nodes[edge.end]
            known = max(edge.known, day_of(by.get("known_from"), OPEN_START))
            if graph.kind[edge.end] == "Law":
                force = graph.in_force(edge.end)
                lo = max(force.lo, edge.lo) if "valid_from" in edge.props else force.lo
                hi = min(force.hi, edge.hi)
                standing = "enacted" if rel_type == "ESTABLISHED_BY" else "rejected"
                out.append(
                    Event(standing, lo, hi, known, standing_of(graph, edge.end, standing, lo))
                )
            else:
                day = day_of(by.get("date"), OPEN_START)
                standing = "established" if rel_type == "ESTABLISHED_BY" else "rejected"
                out.append(
                    Event(
                        standing,
                        day,
                        OPEN_END,
                        known,
                        standing_of(graph, edge.end, standing, day),
                        undone(graph, edge.end),
                    )
                )
    for edge in graph.out["ASSERTED_BY"].get(rule, ()):
        request = graph.nodes[edge.end]
        day = day_of(request.get("date"), OPEN_START)
        known = max(edge.known, day_of(request.get("known_from"), OPEN_START))
        out.append(
            Event("asserted", day, OPEN_END, known, standing_of(graph, edge.end, "asserted", day))
        )
    return out


def standings(graph: Graph, rule: str) -> list[tuple[Span, int, Standing]]:
    """The rule's standing as (days and first known-on day, last known-on day (exclusive),
    what gives it), over every span where it has one."""
    events = events_of(graph, rule)
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
            now = decide(events, d_lo, k_lo)
            if run and now == run[1]:
                continue
            if run:
                out.append((Span(run[0], d_lo, k_lo), k_hi, run[1]))
            run = (d_lo, now) if now else None
        if run:
            out.append((Span(run[0], OPEN_END, k_lo), k_hi, run[1]))
    return out


def with_standing(row: dict[str, Any], standing: Standing) -> dict[str, Any]:
    """The row with its standing, whose sources follow the paths' sources."""
    return {
        **row,
        "standing": standing.standing,
        "decided_by": standing.by,
        "decided_on": date_of(standing.on),
        "decision_citation": standing.citation,
        "court": standing.court,
        "sources": list(dict.fromkeys([*row["sources"], *standing.sources])),
    }


def decide(events: list[Event], day: int, known_on: int) -> Standing | None:
    """The standing on a day as known on a day: the latest law or decision event that holds,
    else the latest assertion, else none."""
    holding = [e for e in events if e.holds(day, known_on)]
    settled = [e for e in holding if e.standing != "asserted"]
    if settled:
        return max(settled, key=lambda e: (e.lo, RANK[e.standing], e.by.by)).by
    asserted = [e for e in holding if e.standing == "asserted"]
    return max(asserted, key=lambda e: (e.lo, e.by.by)).by if asserted else None
