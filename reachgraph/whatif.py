"""What-if: a question asked under hypothetical changes, never written, with what changed.

The changes are applied to the curated graph in memory (`apply`, ingest/derive.py's
`Graph`, read once per data version by the caller). Then:

- **An overlay** for `reach` and `exposure`: only the data a change can affect
  (ingest/affected.py, as ingest uses it: data moved, a subsidiary sold, a treaty party
  gone, ...) can answer differently, so only their answers are derived again, in memory,
  and put in place of the store's answers for them. The store is read, not copied.
- **A scratch copy** for every other question: the changed graph is written to an
  in-memory LadybugDB, REACHES derived there, and the question asked of it
  (`hypothetical`).

Either way the answer comes with its difference from the real one: answers gained, lost, and
(for reach and exposure) those whose standing changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

import pandas as pd
from pydantic import BaseModel, Field

from .graph.errors import QueryError
from .graph.stores import Store, scratch_store
from .ingest.affected import affected, changed_homes
from .ingest.curated_graph import Edge, Graph
from .ingest.derive import Deriver
from .ingest.rederive import rederive
from .queries import named
from .questions import Hypothesis, _one_per_answer, _shape, ask, row_model

#: The questions answered from derived answers, with the columns that identify an answer
#: (and that their Cypher sorts by).
IDENTITY = {
    "reach": ("data", "rule", "law", "law_of"),
    "exposure": ("jurisdiction", "effect", "rule", "law"),
}


class Changed(BaseModel):
    """An answer whose standing differs under the changes."""

    before: Any
    after: Any


class WhatIf(BaseModel):
    """The answers of a question under the changes, and how they differ from the real ones:
    answers gained, lost, and (for reach and exposure) changed in standing."""

    answers: list[Any]
    gained: list[Any]
    lost: list[Any]
    changed: list[Changed]
    overlay: bool = Field(
        description="Answered by the overlay on the derived answers (else a scratch copy)"
    )


def apply(graph: Graph, changes: Sequence[Hypothesis]) -> Graph:
    """The graph with the changes made, in memory; the graph itself is not changed."""
    for change in changes:
        rel = graph.schema.curated_relationships.get(change.type)
        if rel is None or not rel.temporal:
            raise QueryError(
                f"what-if changes take a relationship type with dates; {change.type!r} is not one"
            )
        missing = [k for k in (change.start, change.end) if k not in graph.kind]
        if missing:
            raise QueryError(f"what-if change names unknown key(s) {missing}")
        pair = (graph.kind[change.start], graph.kind[change.end])
        if pair not in rel.pairs:
            raise QueryError(f"what-if: {change.type} does not join a {pair[0]} to a {pair[1]}")
        old = graph.edge(change.start, change.type, change.end)
        if change.action == "end" and old is None:
            raise QueryError(
                f"what-if: there is no {change.start} -{change.type}-> {change.end} to end"
            )
        props = {**(old.props if old else {}), **change.properties}
        if change.action == "end":
            props["valid_until"] = change.on
        else:
            props.update(valid_from=change.on, valid_until=None)
            props.setdefault("sources", ["what-if"])
        graph = graph.replaced(old, Edge(change.type, change.start, change.end, props))
    return graph


def _deriver(graph: Graph) -> Deriver:
    """A Deriver of the real graph, one per graph: what-ifs on it share its jurisdictions'
    laws, rules and standings where their changes leave them alone."""
    deriver = _DERIVERS.get(graph)
    if deriver is None:
        deriver = _DERIVERS[graph] = Deriver(graph)
    return deriver


_DERIVERS: WeakKeyDictionary[Graph, Deriver] = WeakKeyDictionary()


def _answers(
    deriver: Deriver, data: Iterable[str], name: str, bound: Mapping[str, Any]
) -> list[Any]:
    """The answers of `name` among the derived answers of `data` (the twin of the lookup in
    queries/NAME.cypher, checked against it by tests/test_whatif.py)."""
    query = named(name)
    day, known, standings = bound["as_of"], bound["known_on"], bound["standing"]
    records = []
    graph = deriver.graph
    for row in deriver.rows(data):
        if not _holds(row, day, known) or row["standing"] not in standings:
            continue
        if name == "reach":
            if row["start"] != bound["jurisdiction"] or row["effect"] != "compels":
                continue
        elif row["end"] != bound["data"] or row["law_of"] != row["start"]:
            continue
        named_row = {
            **row,
            "data": row["end"],
            "data_name": graph.nodes[row["end"]].get("name"),
            "jurisdiction": row["start"],
        }
        records.append({c.name: named_row.get(c.name) for c in query.columns})
    model = row_model(name)
    return [model.model_validate(r) for r in _one_per_answer([_shape(query, r) for r in records])]


def _holds(row: Mapping[str, Any], day: datetime.date, known: datetime.date) -> bool:
    def within(value: datetime.date, start: Any, until: Any) -> bool:
        return (start is None or start <= value) and (until is None or value < until)

    return within(day, row["valid_from"], row["valid_until"]) and within(
        known, row["known_from"], row["known_until"]
    )


def _key(answer: BaseModel, columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(answer, c) for c in columns)


def _sort_key(answer: BaseModel, columns: Sequence[str]) -> tuple[tuple[bool, Any], ...]:
    return tuple((v is None, v) for v in _key(answer, columns))


def overlay(
    store: Store, graph: Graph, changes: Sequence[Hypothesis], name: str, params: Mapping[str, Any]
) -> tuple[list[Any], list[Any]] | None:
    """(real answers, answers under the changes) by the overlay, or None for a question
    it does not answer."""
    if name not in IDENTITY:
        return None
    changed_graph = apply(graph, changes)
    touched = {key for c in changes for key in (c.start, c.end)}
    data = affected(changed_graph, touched, before=graph)
    deriver = Deriver(changed_graph, before=_deriver(graph), changed=changed_homes(graph, touched))
    bound = named(name).bind(params)
    real = ask(store, name, params)
    if name == "reach":
        kept = [a for a in real if a.data not in data]  # type: ignore[attr-defined]
        under = kept + _answers(deriver, data, name, bound)
    elif bound["data"] in data:
        under = _answers(deriver, [bound["data"]], name, bound)
    else:
        under = real
    return real, sorted(under, key=lambda a: _sort_key(a, IDENTITY[name]))


def compare(name: str, real: list[Any], under: list[Any], *, overlay: bool) -> WhatIf:
    """The answers under the changes, with those gained, lost and changed in standing."""

    def identity(answer: BaseModel) -> tuple[Any, ...]:
        if name in IDENTITY:
            return _key(answer, IDENTITY[name])
        dumped = answer.model_dump(mode="json", exclude={"path", "paths"})
        return tuple(str(v) for v in dumped.values())

    before = {identity(a): a for a in real}
    after = {identity(a): a for a in under}
    return WhatIf(
        answers=under,
        gained=[a for k, a in after.items() if k not in before],
        lost=[a for k, a in before.items() if k not in after],
        changed=[
            Changed(before=before[k], after=a)
            for k, a in after.items()
            if k in before and getattr(before[k], "standing", None) != getattr(a, "standing", None)
        ],
        overlay=overlay,
    )


def _write(graph: Graph, scratch: Store) -> None:
    """The in-memory graph into an empty store."""
    for kind, spec in graph.schema.nodes.items():
        rows = [props for key, props in graph.nodes.items() if graph.kind[key] == kind]
        scratch.merge_nodes(kind, pd.DataFrame(rows, columns=list(spec.properties)), new=True)
    for rel_type, rel in graph.schema.curated_relationships.items():
        edges = [e for by_key in graph.out[rel_type].values() for e in by_key]
        for start, end in rel.pairs:
            rows = [
                {"start": e.start, "end": e.end, **e.props}
                for e in edges
                if (graph.kind[e.start], graph.kind[e.end]) == (start, end)
            ]
            frame = pd.DataFrame(rows, columns=["start", "end", *rel.properties])
            scratch.merge_relationships(rel_type, start, end, frame, new=True)


@contextmanager
def hypothetical(
    store: Store, changes: Sequence[Hypothesis], graph: Graph | None = None
) -> Iterator[Store]:
    """A scratch in-memory store holding the store's curated graph (or `graph`, read from
    it before) with the changes made and REACHES derived anew: ask it any question."""
    changed = apply(graph or Graph.read(store), changes)
    scratch = scratch_store(store.schema)
    try:
        scratch.apply_schema()
        _write(changed, scratch)
        rederive(scratch)
        yield scratch
    finally:
        scratch.close()


def what_if(
    store: Store,
    graph: Graph,
    changes: Sequence[Hypothesis],
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
) -> WhatIf:
    """Ask `name` under the changes (by the overlay where it can, else of a scratch copy)
    beside the real answers."""
    params = dict(params or {})
    named(name).bind(params)  # bad parameters fail before any work
    by_overlay = overlay(store, graph, changes, name, params)
    if by_overlay is not None:
        return compare(name, *by_overlay, overlay=True)
    real = ask(store, name, params, timeout=timeout)
    with hypothetical(store, changes, graph) as scratch:
        under = ask(scratch, name, params, timeout=timeout)
    return compare(name, real, under, overlay=False)
