"""The questions of DOMAIN.md, answered by the named queries in queries/.

`ask(store, name, params)` checks the parameters against the graph (an unknown key is
NotFound, naming it), runs any named query and shapes its rows: the two halves of a path,
or the JSON paths of a derived REACHES, become `Path`s (steps, sentences, sources), and rows
that differ only in their path (or in the span a derived answer holds over) are one answer,
shown with its shortest path (ties go to the first by node keys, then by relationship
types). The same query gives the same answers on both stores. `exposure` adds conflicts and
their channels; reachgraph/whatif.py answers any question under changes that are never
written to the graph.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

import orjson
from pydantic import BaseModel, Field, computed_field, create_model

from .graph.stores import Store
from .paths import Path, to_path
from .queries import NamedQuery, named

_TYPES: dict[str, Any] = {
    "string": str,
    "date": datetime.date,
    "integer": int,
    "float": float,
    "boolean": bool,
    "string_list": list[str],
    "string_set": list[str],
}


@cache
def row_model(name: str) -> type[BaseModel]:
    """The pydantic model of one answer of a named query, from the query's header."""
    query = named(name)
    fields: dict[str, Any] = {}
    for column in query.columns:
        if column.type in ("nodes", "paths"):
            fields["path"] = (Path | None, Field(None, description="The path that explains it"))
        if column.type == "paths":
            fields["paths"] = (list[Path], Field([], description=column.description))
        elif column.type not in ("nodes", "relationships"):
            fields[column.name] = (
                _TYPES[column.type] | None,
                Field(None, description=column.description),
            )
    model: type[BaseModel] = create_model(f"{_camel(name)}Answer", **fields)
    return model


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _shape(query: NamedQuery, record: dict[str, Any]) -> dict[str, Any]:
    nodes = next((c.name for c in query.columns if c.type == "nodes"), None)
    rels = next((c.name for c in query.columns if c.type == "relationships"), None)
    row = {k: v for k, v in record.items() if k not in (nodes, rels)}
    for column in query.columns:
        if column.type == "string_set" and row.get(column.name) is not None:
            row[column.name] = sorted(row[column.name])
    if nodes and rels:
        row["path"] = to_path(record[nodes], record[rels])
    for column in query.columns:
        if column.type == "paths":
            paths = [Path.model_validate(p) for p in orjson.loads(record[column.name] or "[]")]
            row[column.name] = paths
            row["path"] = paths[0] if paths else None
    return row


def _rank(path: Path) -> tuple[int, list[str], list[str]]:
    """Shorter first, then by node keys, then by relationship types: two paths through the
    same nodes (a law both enacted by and with a party in one jurisdiction) still differ."""
    return len(path.nodes), path.nodes, [step.type for step in path.steps]


#: Columns that do not tell answers apart: their paths, and the span a derived answer holds
#: over (one answer can hold over several spans, each with other paths, some unconfirmed).
_NOT_IDENTITY = frozenset(
    {"path", "paths", "valid_from", "valid_until", "valid_from_at_least", "unconfirmed"}
)


def _one_per_answer(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows equal but for their path become one: a confirmed row before an unconfirmed
    one, then the first path by _rank."""
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        identity = tuple(_hashable(v) for k, v in row.items() if k not in _NOT_IDENTITY)
        kept = best.get(identity)
        if kept is None or _preferred(row) < _preferred(kept):
            best[identity] = row
    return list(best.values())


def _preferred(row: dict[str, Any]) -> tuple[bool, tuple[int, list[str], list[str]]]:
    path = row.get("path")
    return bool(row.get("unconfirmed")), _rank(path) if path else (0, [], [])


def _field(answer: BaseModel, name: str) -> Any:
    """A column of an answer (answer models are built at run time from query headers)."""
    return getattr(answer, name)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def ask(
    store: Store,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
) -> list[BaseModel]:
    """The answers of a named query, typed by its header's columns, in the query's order."""
    query = named(name)
    bound = query.bind(params or {})
    kinds = query.resolve(bound, store.kind_of, store.keys_of)
    result = store.read(query.cypher(store.backend, kinds), bound, timeout=timeout)
    return answers(query, result.records())


def answers(query: NamedQuery, records: list[dict[str, Any]]) -> list[BaseModel]:
    """A question's rows as its answers: one per answer, typed, in the rows' order."""
    rows = _one_per_answer([_shape(query, record) for record in records])
    model = row_model(query.name)
    return [model.model_validate(row) for row in rows]


class Conflict(BaseModel):
    """A jurisdiction compels disclosure of data that another's law blocks, for the
    categories both rules cover."""

    compelling: str
    compelling_rule: str
    blocking: str
    blocking_rule: str
    strength: str | None = Field(description="How strongly the blocking rule bars disclosure")
    categories: list[str] = Field(description="The data's categories both rules cover")
    channels: list[str] = Field(description="Instruments that channel requests between the two")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def channelled(self) -> bool:
        """A channel exists between the two sides on the day."""
        return bool(self.channels)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lifted(self) -> bool:
        """The channel lifts the bar: the blocking rule yields to one (unless_channel)."""
        return self.channelled and self.strength == "unless_channel"


ExposureRow = row_model("exposure")


class Exposure(BaseModel):
    """One body of data on a day: who compels it, whose law blocks it, the conflicts."""

    data: str
    as_of: datetime.date
    compelling: list[ExposureRow]  # type: ignore[valid-type]
    blocking: list[ExposureRow]  # type: ignore[valid-type]
    conflicts: list[Conflict]


def exposure(
    store: Store,
    data: str,
    as_of: datetime.date | None = None,
    known_on: datetime.date | None = None,
    standing: str | list[str] | None = None,
    *,
    timeout: float | None = None,
) -> Exposure:
    """Who can compel the data on the day, whose law blocks it, and the conflicts between
    them with the channels (the same rule as the `conflicts` query, for one data set)."""
    params = {"data": data, "as_of": as_of, "known_on": known_on, "standing": standing}
    rows = ask(store, "exposure", params, timeout=timeout)
    day = named("exposure").bind(params)["as_of"]
    compelling = [r for r in rows if _field(r, "effect") == "compels"]
    blocking = [r for r in rows if _field(r, "effect") == "blocks"]

    # Each asked once per jurisdiction (pair), however many rules meet there.
    @cache
    def within(jurisdiction: str) -> set[str]:
        found = ask(
            store, "part_of", {"jurisdiction": jurisdiction, "as_of": day, "known_on": known_on}
        )
        return {_field(r, "parent") for r in found}

    @cache
    def between(here: str, there: str) -> list[str]:
        found = ask(store, "channels", {"a": here, "b": there, "as_of": day, "known_on": known_on})
        return sorted({_field(ch, "channel") for ch in found})

    # One conflict per pair of rules, in the order first met (a rule can come with several
    # paths); its channels follow from the two jurisdictions.
    conflicts: dict[tuple[str, str, str, str], Conflict] = {}
    for c in compelling:
        for b in blocking:
            here, there = _field(c, "jurisdiction"), _field(b, "jurisdiction")
            shared = [x for x in _field(c, "categories") if x in _field(b, "categories")]
            if not shared or here == there or there in within(here) or here in within(there):
                continue
            pair = (here, _field(c, "rule"), there, _field(b, "rule"))
            if pair not in conflicts:
                conflicts[pair] = Conflict(
                    compelling=here,
                    compelling_rule=pair[1],
                    blocking=there,
                    blocking_rule=pair[3],
                    strength=_field(b, "strength"),
                    categories=shared,
                    channels=between(here, there),
                )
    return Exposure(
        data=data,
        as_of=day,
        compelling=compelling,
        blocking=blocking,
        conflicts=list(conflicts.values()),
    )


class Hypothesis(BaseModel):
    """A hypothetical change to one relationship from a day on: `end` closes it (its
    valid_until becomes the day), `add` opens it (valid_from the day)."""

    action: Literal["end", "add"]
    start: str
    type: str
    end: str
    on: datetime.date
    properties: dict[str, Any] = {}
