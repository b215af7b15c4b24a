"""Reading an exported file back to the same graph, typed by graph/schema.yaml."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from ..graph.errors import QueryError
from ..graph.schema import Schema
from .attributes import Edge, Node, _schema, edge_types, node_types
from .formats import FORMATS, Format


def _typed(value: Any, type_: str) -> Any:
    """A value read from a file, as the schema types it; None where unset."""
    if not isinstance(value, str):
        if value is None:
            return None
        if type_ == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value
    if value == "":
        return None
    if type_ == "date":
        return datetime.date.fromisoformat(value)
    if type_ == "string_list":
        return orjson.loads(value)
    if type_ == "boolean":
        return value.lower() == "true"
    if type_ == "integer":
        return int(value)
    if type_ == "float":
        return float(value)
    return value


def _extras(
    data: Mapping[str, Any], types: Mapping[str, str], skip: tuple[str, ...]
) -> Iterator[tuple[str, Any]]:
    """Attributes the schema does not declare, where they have a value."""
    return (
        (k, v) for k, v in data.items() if k not in types and k not in skip and v not in (None, "")
    )


class _Builder:
    """Turns nodes and edges as a format gives them back into the exported graph."""

    def __init__(self, schema: Schema) -> None:
        self.nodes = node_types(schema)
        self.edges = edge_types(schema)
        self.read_nodes: list[Node] = []
        self.read_edges: list[Edge] = []

    def node(self, key: str, data: Mapping[str, Any], skip: tuple[str, ...] = ()) -> None:
        kind = data.get("kind")
        if kind not in self.nodes:
            raise QueryError(f"node {key!r} has no kind of the schema (kind: {kind!r})")
        types = self.nodes[kind]
        attrs = {name: _typed(data.get(name), type_) for name, type_ in types.items()}
        attrs["key"] = key
        attrs["sources"] = attrs["sources"] or []
        attrs.update(_extras(data, types, skip))
        self.read_nodes.append((key, attrs))

    def edge(
        self, start: str, end: str, data: Mapping[str, Any], skip: tuple[str, ...] = ()
    ) -> None:
        rel_type = data.get("type")
        if rel_type not in self.edges:
            raise QueryError(f"edge {start!r} -> {end!r} has no type of the schema ({rel_type!r})")
        types = self.edges[rel_type]
        attrs = {name: _typed(data.get(name), type_) for name, type_ in types.items()}
        attrs["sources"] = attrs["sources"] or []
        attrs.update(_extras(data, types, skip))
        self.read_edges.append((start, end, rel_type, attrs))

    def graph(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        g.add_nodes_from(self.read_nodes)
        g.add_edges_from(self.read_edges)
        return g


def _read_csv(source: str | Path | bytes, builder: _Builder) -> None:
    if isinstance(source, bytes | bytearray):
        archive: zipfile.ZipFile | None = zipfile.ZipFile(io.BytesIO(source))
    elif Path(source).is_dir():
        archive = None
    else:
        archive = zipfile.ZipFile(source)

    def rows(name: str) -> Iterator[dict[str, str]]:
        if archive is None:
            with open(Path(source) / name, encoding="utf-8", newline="") as text:  # type: ignore[arg-type]
                yield from csv.DictReader(text)
        else:
            with archive.open(name) as raw, io.TextIOWrapper(raw, "utf-8", newline="") as text:
                yield from csv.DictReader(text)

    try:
        for row in rows("nodes.csv"):
            builder.node(row["key"], row)
        for row in rows("edges.csv"):
            builder.edge(row.pop("start"), row.pop("end"), row)
    finally:
        if archive is not None:
            archive.close()


def _xml_source(source: str | Path | bytes) -> Any:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source


def read_export(source: str | Path | bytes, format: Format | str) -> nx.MultiDiGraph:
    """The graph in a file (a path, or the file's bytes) written by `write_export` in
    `format`, with the attributes typed again by the schema."""
    builder = _Builder(_schema())
    if format == "node-link":
        data = orjson.loads(source if isinstance(source, bytes) else Path(source).read_bytes())
        for node in data["nodes"]:
            builder.node(node["id"], node, skip=("id",))
        for edge in data["edges"]:
            builder.edge(edge["source"], edge["target"], edge, skip=("source", "target", "key"))
    elif format == "graphml":
        raw = nx.read_graphml(_xml_source(source), force_multigraph=True)
        for node, attrs in raw.nodes(data=True):
            builder.node(node, attrs)
        for u, v, attrs in raw.edges(data=True):
            builder.edge(u, v, attrs)
    elif format == "gexf":
        raw = nx.read_gexf(_xml_source(source))
        for node, attrs in raw.nodes(data=True):
            builder.node(node, {**attrs, "name": attrs.get("label")}, skip=("label",))
        for u, v, attrs in raw.edges(data=True):
            builder.edge(u, v, attrs, skip=("id", "label"))
    elif format == "csv":
        _read_csv(source, builder)
    else:
        raise QueryError(f"no export format {format!r}; the formats are {', '.join(FORMATS)}")
    return builder.graph()
