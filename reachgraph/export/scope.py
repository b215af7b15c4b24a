"""What an export holds, read from the store: the whole graph, the neighbourhood of a node,
or the nodes and relationships on the paths of answers; as a networkx graph or DataFrames."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

import networkx as nx
import pandas as pd
from pydantic import BaseModel

from ..graph.errors import QueryError
from ..graph.stores import FrameReader, Store
from ..paths import Path as AnswerPath
from .attributes import Edge, Node, edge_types, node_types
from .frames import _frames


class Graph(Protocol):
    """What an export reads through: a ReachGraph (reachgraph/client.py), whose
    `to_networkx` and `to_pandas` call this module, so this module does not import it."""

    store: Store

    def kind_of(self, key: str) -> str: ...


def _columns(store: Store, cypher: str, types: list[str]) -> list[list[Any]]:
    """The columns of a trusted whole-table read, each a list of Python values of its
    schema type (None where unset), through `read_frame` where the store has it."""
    if not isinstance(store, FrameReader):
        rows = store.read(cypher).rows
        return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in types]
    frame = store.read_frame(cypher)
    return [_values(series, type_) for (_, series), type_ in zip(frame.items(), types, strict=True)]


def _values(series: pd.Series, type_: str) -> list[Any]:
    """A column of `read_frame` as Python values, converted by numpy and pandas in one go:
    datetime64 to `datetime.date`, NaN and NaT to None."""
    if type_ == "date" and pd.api.types.is_datetime64_any_dtype(series):
        days = series.to_numpy(dtype="datetime64[D]").astype(object)  # NaT becomes None
        return list(days)
    values: list[Any] = series.astype(object).where(series.notna(), None).tolist()
    convert = {"float": float, "integer": int, "boolean": bool}.get(type_)
    if convert is not None:
        values = [None if v is None else convert(v) for v in values]
    return values


def _rows(names: list[str], columns: list[Iterable[Any]]) -> Iterator[dict[str, Any]]:
    """One dict of `names` per row of the columns (built in C, without a Python loop)."""
    return map(dict, map(zip, itertools.repeat(names), zip(*columns, strict=False)))


def _listed(values: list[Any]) -> list[Any]:
    """A list column with every unset value an empty list (each its own)."""
    return [[] if v is None else v for v in values]


def _whole(store: Store) -> tuple[list[Node], list[Edge]]:
    """Every node and relationship: one read per node kind and one per relationship type."""
    nodes: list[Node] = []
    for kind, types in node_types(store.schema).items():
        names = [n for n in types if n != "kind"]
        cypher = f"MATCH (n:{kind}) RETURN " + ", ".join(f"n.{n}" for n in names)
        read = dict(zip(names, _columns(store, cypher, [types[n] for n in names]), strict=True))
        read["sources"] = _listed(read["sources"])
        read["name"] = [name or key for name, key in zip(read["name"], read["key"], strict=True)]
        columns = [itertools.repeat(kind), *read.values()]
        nodes.extend(zip(read["key"], _rows(["kind", *names], columns), strict=True))
    edges: list[Edge] = []
    for rel_type, types in edge_types(store.schema).items():
        stored = [n for n in types if n in store.schema.relationships[rel_type].properties]
        cypher = f"MATCH (a)-[r:{rel_type}]->(b) RETURN a.key, b.key" + "".join(
            f", r.{n}" for n in stored
        )
        starts, ends, *values = _columns(
            store, cypher, ["string", "string", *(types[n] for n in stored)]
        )
        read = dict(zip(stored, values, strict=True))
        read["sources"] = _listed(read["sources"])
        names = list(types)
        columns = [
            read[n] if n in read else itertools.repeat(rel_type if n == "type" else None)
            for n in names
        ]
        # `sources` is stored on every type: zip stops at its end (`repeat` never ends).
        edges.extend(zip(starts, ends, itertools.repeat(rel_type), _rows(names, columns)))
    return nodes, edges


def _node_attrs(value: Mapping[str, Any], types: Mapping[str, Mapping[str, str]]) -> Node:
    """A node as the stores return it (`_kind`, `_id`, set properties) as (key, attributes)."""
    kind = value["_kind"]
    attrs = {name: value.get(name) for name in types[kind]}
    attrs.update(kind=kind, name=value.get("name") or value["key"])
    attrs["sources"] = attrs["sources"] or []
    return value["key"], attrs


def _edge_attrs(
    start: str, value: Mapping[str, Any], end: str, types: Mapping[str, Mapping[str, str]]
) -> Edge:
    rel_type = value["_type"]
    attrs = {name: value.get(name) for name in types[rel_type]}
    attrs["type"] = rel_type
    attrs["sources"] = attrs["sources"] or []
    return start, end, rel_type, attrs


def _by_kind(graph: Graph, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The nodes with these keys (unknown keys are left out), as the store returns them:
    one read per kind."""
    wanted = sorted(set(keys))
    found: dict[str, dict[str, Any]] = {}
    for kind in graph.store.schema.nodes:
        rows = graph.store.read(
            f"UNWIND $keys AS k MATCH (n:{kind} {{key: k}}) RETURN n", {"keys": wanted}
        ).rows
        found.update((row[0]["key"], row[0]) for row in rows)
    return found


def _between(graph: Graph, nodes: Mapping[str, Mapping[str, Any]]) -> list[Edge]:
    """Every relationship between these nodes (as `_by_kind` gives them): per kind, the
    relationships leaving its nodes whose end is one of them."""
    types = edge_types(graph.store.schema)
    curated = "|".join(types)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, value in nodes.items():
        groups[value["_kind"]].append(key)
    edges: list[Edge] = []
    for kind, keys in sorted(groups.items()):
        rows = graph.store.read(
            f"UNWIND $keys AS k MATCH (a:{kind} {{key: k}})-[r:{curated}]->(b) "
            "WHERE b.key IN $inside "
            "RETURN a.key, r, b.key",
            {"keys": sorted(keys), "inside": sorted(nodes)},
        ).rows
        edges.extend(_edge_attrs(start, r, end, types) for start, r, end in rows)
    return edges


def _around(graph: Graph, key: str, depth: int) -> tuple[list[Node], list[Edge]]:
    """The nodes within `depth` steps of `key` (either direction) and every relationship
    between them: one read per kind and step, then one per kind for the relationships."""
    if depth < 1:
        raise QueryError("depth is at least 1")
    centre = graph.store.read(
        f"MATCH (n:{graph.kind_of(key)} {{key: $key}}) RETURN n", {"key": key}
    ).rows[0][0]
    found = {key: centre}
    frontier = {key: centre["_kind"]}
    curated = "|".join(graph.store.schema.curated_relationships)
    for _ in range(depth):
        step: dict[str, dict[str, Any]] = {}
        for kind in sorted(set(frontier.values())):
            keys = sorted(k for k, k_kind in frontier.items() if k_kind == kind)
            rows = graph.store.read(
                f"UNWIND $keys AS k MATCH (a:{kind} {{key: k}})-[:{curated}]-(b) RETURN DISTINCT b",
                {"keys": keys},
            ).rows
            step.update((row[0]["key"], row[0]) for row in rows if row[0]["key"] not in found)
        found.update(step)
        frontier = {k: v["_kind"] for k, v in step.items()}
        if not frontier:
            break
    types = node_types(graph.store.schema)
    return [_node_attrs(value, types) for value in found.values()], _between(graph, found)


def _paths(value: Any) -> Iterator[AnswerPath]:
    """Every path in an answer (any model: a named query's answer, an Exposure, ...)."""
    if isinstance(value, AnswerPath):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _paths(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _paths(item)


def _on_paths(graph: Graph, answers: list[BaseModel]) -> tuple[list[Node], list[Edge]]:
    """The nodes and relationships on the answers' paths, read afresh from the store."""
    keys: dict[str, None] = {}
    steps: set[tuple[str, str, str]] = set()
    for path in _paths(answers):
        keys.update(dict.fromkeys(path.nodes))
        steps.update((step.start, step.type, step.end) for step in path.steps)
    found = _by_kind(graph, keys)
    types = node_types(graph.store.schema)
    nodes = [_node_attrs(found[key], types) for key in keys if key in found]
    edges = [e for e in _between(graph, found) if (e[0], e[2], e[1]) in steps]
    return nodes, edges


def _collect(
    graph: Graph, around: str | None, depth: int, answers: list[BaseModel] | None
) -> tuple[list[Node], list[Edge]]:
    if around is not None and answers is not None:
        raise QueryError("export around a node or the paths of answers, not both")
    if around is not None:
        return _around(graph, around, depth)
    if answers is not None:
        return _on_paths(graph, answers)
    return _whole(graph.store)


def to_networkx(
    graph: Graph,
    *,
    around: str | None = None,
    depth: int = 1,
    answers: list[BaseModel] | None = None,
) -> nx.MultiDiGraph:
    """The whole graph, the neighbourhood of `around` to `depth` steps, or the nodes and
    relationships on the paths of `answers`, as a MultiDiGraph (see the module's notes)."""
    nodes, edges = _collect(graph, around, depth, answers)
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return g


def to_pandas(
    graph: Graph,
    *,
    around: str | None = None,
    depth: int = 1,
    answers: list[BaseModel] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same scopes as `to_networkx`, as DataFrames of nodes and of edges."""
    nodes, edges = _collect(graph, around, depth, answers)
    return _frames(graph.store.schema, nodes, edges)
