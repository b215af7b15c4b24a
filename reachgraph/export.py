"""The graph for notebooks, networkx, Gephi and pandas, and files that read back the same.

`to_networkx(graph)` is the whole graph as a `networkx.MultiDiGraph`; `around=KEY` (with
`depth`) keeps the nodes within `depth` steps of KEY, either direction, and every
relationship between them (what `networkx.ego_graph(..., undirected=True)` keeps); `answers`
keeps the nodes and relationships on the paths of answers of `ReachGraph.ask` (or
`exposure`). `to_pandas` gives the same as two DataFrames, nodes and edges.

A node is its key, with attributes `kind`, `key`, `name`, `sources` (a list, empty when
none) and every property the schema declares for its kind (None when unset; `search_text`,
which only serves search, is left out). An edge's key is its relationship type, with
attributes `type`, `valid_from`, `valid_until` (None when open, and on types without dates),
`sources` and the type's other properties. Values have Python types: `datetime.date` for
dates, lists for lists.

`write_export(g, path, format)` / `iter_export(g, format)` write a graph in one of FORMATS,
and `read_export(path or bytes, format)` reads it back to the same graph with the same typed
attributes: GraphML, GEXF and CSV hold dates as ISO days and lists as JSON text, and reading
turns them back by the types in graph/schema.yaml. Unset values are left out of every file.
Attributes a notebook adds that the schema does not declare are written too, and read back
as the format gives them (text in CSV).

- `node-link`: networkx's node-link JSON (`json_graph.node_link_graph(data, edges="edges")`
  reads it);
- `graphml`, `gexf`: for Gephi, yEd, Cytoscape, networkx's readers; a node's label in GEXF is
  its name;
- `csv`: a zip holding `nodes.csv` (key, kind, name, sources, then every property) and
  `edges.csv` (start, end, type, valid_from, valid_until, sources, then every property);
  `read_export` also reads a folder holding those two files.

Writers produce the file in chunks (`iter_export`), so a large graph is never held a second
time as text.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol, get_args, runtime_checkable
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import orjson
import pandas as pd
from pydantic import BaseModel

from .client import ReachGraph
from .graph.errors import QueryError
from .graph.schema import Schema
from .graph.stores import Store
from .paths import Path as AnswerPath

Format = Literal["node-link", "graphml", "gexf", "csv"]
FORMATS: tuple[str, ...] = get_args(Format)

#: The media type and file suffix of each format.
MEDIA_TYPES = {
    "node-link": "application/json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "application/zip",
}
SUFFIXES = {"node-link": ".json", "graphml": ".graphml", "gexf": ".gexf", "csv": ".zip"}

#: Node properties that are not attributes: search_text only serves search.
_HIDDEN = ("search_text",)
#: Roughly how many bytes a writer gathers before it hands a chunk on.
CHUNK = 1 << 16

Node = tuple[str, dict[str, Any]]
Edge = tuple[str, str, str, dict[str, Any]]


# -- the attributes, from the schema -------------------------------------------------------


def node_types(schema: Schema) -> dict[str, dict[str, str]]:
    """Per node kind, each attribute of its nodes and the attribute's schema type."""
    out = {}
    for kind, spec in schema.nodes.items():
        types: dict[str, str] = {
            "kind": "string",
            "key": "string",
            "name": "string",
            "sources": "string_list",
        }
        types.update({n: p.type for n, p in spec.properties.items() if n not in _HIDDEN})
        out[kind] = types
    return out


def edge_types(schema: Schema) -> dict[str, dict[str, str]]:
    """Per relationship type, each attribute of its edges and the attribute's schema type:
    the curated types only (the derived REACHES are answers, not facts of the graph)."""
    dates: dict[str, str] = {n: p.type for n, p in schema.temporal_properties.items()}
    out = {}
    for rel_type, spec in schema.curated_relationships.items():
        types = {"type": "string", **dates, "sources": "string_list"}
        types.update({n: p.type for n, p in spec.properties.items()})
        out[rel_type] = types
    return out


def _union(per_group: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Every attribute name across the groups, in schema order; `string` where groups
    disagree on its type (values are then written as text and typed again on read)."""
    merged: dict[str, str] = {}
    for types in per_group.values():
        for name, type_ in types.items():
            merged[name] = type_ if merged.get(name, type_) == type_ else "string"
    return merged


# -- from the store --------------------------------------------------------------------------


@runtime_checkable
class _FrameReader(Protocol):
    """A store that reads a whole table as a DataFrame, faster than `Store.read`."""

    def read_frame(self, cypher: str) -> pd.DataFrame: ...


def _columns(store: Store, cypher: str, types: list[str]) -> list[list[Any]]:
    """The columns of a trusted whole-table read, each a list of Python values of its
    schema type (None where unset), through `read_frame` where the store has it."""
    if not isinstance(store, _FrameReader):
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


def _by_kind(graph: ReachGraph, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
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


def _between(graph: ReachGraph, nodes: Mapping[str, Mapping[str, Any]]) -> list[Edge]:
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


def _around(graph: ReachGraph, key: str, depth: int) -> tuple[list[Node], list[Edge]]:
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


def _on_paths(graph: ReachGraph, answers: list[BaseModel]) -> tuple[list[Node], list[Edge]]:
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
    graph: ReachGraph, around: str | None, depth: int, answers: list[BaseModel] | None
) -> tuple[list[Node], list[Edge]]:
    if around is not None and answers is not None:
        raise QueryError("export around a node or the paths of answers, not both")
    if around is not None:
        return _around(graph, around, depth)
    if answers is not None:
        return _on_paths(graph, answers)
    return _whole(graph.store)


def to_networkx(
    graph: ReachGraph,
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
    graph: ReachGraph,
    *,
    around: str | None = None,
    depth: int = 1,
    answers: list[BaseModel] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same scopes as `to_networkx`, as DataFrames of nodes and of edges."""
    nodes, edges = _collect(graph, around, depth, answers)
    return _frames(graph.store.schema, nodes, edges)


def frames(g: nx.MultiDiGraph, schema: Schema | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An exported graph as DataFrames of nodes and edges (as `to_pandas` gives them)."""
    schema = schema or _schema()
    return _frames(schema, list(g.nodes(data=True)), list(g.edges(keys=True, data=True)))


def _frames(
    schema: Schema, nodes: list[Node], edges: list[Edge]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes: key, kind, name, sources, then every attribute; edges: start, end, type,
    valid_from, valid_until, sources, then every attribute. Cells are Python values (dates
    as `datetime.date`), None where unset."""
    node_columns = _order(["key", "kind", "name", "sources"], _union(node_types(schema)), nodes)
    edge_columns = [
        "start",
        "end",
        *_order(
            ["type", "valid_from", "valid_until", "sources"],
            _union(edge_types(schema)),
            [(u, attrs) for u, _, _, attrs in edges],
        ),
    ]
    node_frame = pd.DataFrame(
        [[attrs.get(c) for c in node_columns] for _, attrs in nodes],
        columns=node_columns,
        dtype=object,
    )
    edge_frame = pd.DataFrame(
        [[u, v, *(attrs.get(c) for c in edge_columns[2:])] for u, v, _, attrs in edges],
        columns=edge_columns,
        dtype=object,
    )
    return node_frame, edge_frame


def _order(first: list[str], declared: Mapping[str, str], items: Iterable[Node]) -> list[str]:
    """`first`, the other declared attributes, then any others the items carry."""
    names = dict.fromkeys([*first, *declared])
    for _, attrs in items:
        names.update(dict.fromkeys(attrs))
    return list(names)


# -- writing ---------------------------------------------------------------------------------


def _schema() -> Schema:
    from .graph.schema import load_schema

    return load_schema()


def _text(value: Any) -> str:
    """A value as text in GraphML, GEXF and CSV: dates as ISO days, lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple | dict):
        return orjson.dumps(value).decode()
    return str(value)


#: The XML type of each schema type in GraphML (GEXF names them the same).
_XML_TYPES = {"float": "double", "integer": "long", "boolean": "boolean"}


def _declared(
    schema_types: Mapping[str, str], items: Iterable[Mapping[str, Any]], skip: tuple[str, ...]
) -> dict[str, str]:
    """The XML type of every attribute the items carry: the schema's, or for an attribute
    the schema does not declare, the type of its first value."""
    names: dict[str, str] = {
        n: _XML_TYPES.get(t, "string") for n, t in schema_types.items() if n not in skip
    }
    for attrs in items:
        for name, value in attrs.items():
            if name not in names and name not in skip and value is not None:
                names[name] = _python_xml_type(value)
    return names


def _python_xml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


class _Chunks:
    """Gathers text and hands it on in chunks of about CHUNK bytes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> bytes | None:
        self.parts.append(text)
        self.size += len(text)
        return self.take() if self.size >= CHUNK else None

    def take(self) -> bytes:
        data = "".join(self.parts).encode()
        self.parts, self.size = [], 0
        return data


def _set(attrs: Mapping[str, Any], skip: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """The attributes with a value (unset ones are left out of every file)."""
    return ((k, v) for k, v in attrs.items() if v is not None and k not in skip)


def _node_link(g: nx.MultiDiGraph) -> Iterator[bytes]:
    yield b'{"directed":true,"multigraph":true,"graph":{},"nodes":['
    chunks = _Chunks()
    for i, (node, attrs) in enumerate(g.nodes(data=True)):
        item = orjson.dumps({**dict(_set(attrs)), "id": node}, default=_text).decode()
        if out := chunks.add(f",{item}" if i else item):
            yield out
    chunks.add('],"edges":[')
    for i, (u, v, k, attrs) in enumerate(g.edges(keys=True, data=True)):
        item = orjson.dumps(
            {**dict(_set(attrs)), "source": u, "target": v, "key": k}, default=_text
        ).decode()
        if out := chunks.add(f",{item}" if i else item):
            yield out
    chunks.add("]}")
    yield chunks.take()


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _xml_text(value: Any) -> str:
    """Element text that a parser reads back as written (\\r included)."""
    return escape(_text(value), {"\r": "&#13;"})


def _graphml(g: nx.MultiDiGraph, schema: Schema) -> Iterator[bytes]:
    node_keys = _declared(_union(node_types(schema)), (a for _, a in g.nodes(data=True)), ("key",))
    edge_keys = _declared(_union(edge_types(schema)), (a for *_, a in g.edges(data=True)), ())
    ids = {("node", n): f"n{i}" for i, n in enumerate(node_keys)}
    ids.update({("edge", n): f"e{i}" for i, n in enumerate(edge_keys)})
    chunks = _Chunks()
    chunks.add(_GRAPHML_HEAD)
    for (scope, name), key_id in ids.items():
        type_ = (node_keys if scope == "node" else edge_keys)[name]
        chunks.add(
            f'<key id="{key_id}" for="{scope}" attr.name={quoteattr(name)} attr.type="{type_}"/>\n'
        )
    chunks.add('<graph edgedefault="directed">\n')
    for node, attrs in g.nodes(data=True):
        data = "".join(
            f'<data key="{ids["node", k]}">{_xml_text(v)}</data>' for k, v in _set(attrs, ("key",))
        )
        if out := chunks.add(f"<node id={quoteattr(str(node))}>{data}</node>\n"):
            yield out
    for u, v, attrs in g.edges(data=True):
        data = "".join(
            f'<data key="{ids["edge", k]}">{_xml_text(x)}</data>' for k, x in _set(attrs)
        )
        edge = f"<edge source={quoteattr(str(u))} target={quoteattr(str(v))}>{data}</edge>\n"
        if out := chunks.add(edge):
            yield out
    chunks.add("</graph>\n</graphml>\n")
    yield chunks.take()


_GEXF_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
    'version="1.2">\n<meta><creator>reachgraph</creator></meta>\n'
    '<graph defaultedgetype="directed" mode="static">\n'
)


def _gexf(g: nx.MultiDiGraph, schema: Schema) -> Iterator[bytes]:
    # A node's id is its key and its label its name; an edge's label is its type.
    node_keys = _declared(
        _union(node_types(schema)), (a for _, a in g.nodes(data=True)), ("key", "name")
    )
    edge_keys = _declared(_union(edge_types(schema)), (a for *_, a in g.edges(data=True)), ())
    chunks = _Chunks()
    chunks.add(_GEXF_HEAD)
    ids: dict[tuple[str, str], str] = {}
    for scope, declared in (("node", node_keys), ("edge", edge_keys)):
        chunks.add(f'<attributes class="{scope}" mode="static">\n')
        for name, type_ in declared.items():
            ids[scope, name] = str(len(ids))
            chunks.add(
                f'<attribute id="{ids[scope, name]}" title={quoteattr(name)} type="{type_}"/>\n'
            )
        chunks.add("</attributes>\n")

    def values(scope: str, attrs: Mapping[str, Any], skip: tuple[str, ...]) -> str:
        found = "".join(
            f'<attvalue for="{ids[scope, k]}" value={quoteattr(_text(v))}/>'
            for k, v in _set(attrs, skip)
        )
        return f"<attvalues>{found}</attvalues>" if found else ""

    chunks.add("<nodes>\n")
    for node, attrs in g.nodes(data=True):
        label = quoteattr(str(attrs.get("name") or node))
        item = f"<node id={quoteattr(str(node))} label={label}>"
        if out := chunks.add(f"{item}{values('node', attrs, ('key', 'name'))}</node>\n"):
            yield out
    chunks.add("</nodes>\n<edges>\n")
    for i, (u, v, k, attrs) in enumerate(g.edges(keys=True, data=True)):
        item = (
            f'<edge id="{i}" source={quoteattr(str(u))} target={quoteattr(str(v))} '
            f"label={quoteattr(str(k))}>"
        )
        if out := chunks.add(f"{item}{values('edge', attrs, ())}</edge>\n"):
            yield out
    chunks.add("</edges>\n</graph>\n</gexf>\n")
    yield chunks.take()


class _Sink(io.RawIOBase):
    """A write-only stream that keeps what is written until it is taken (zipfile writes
    to it as to an unseekable file, using data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _csv(g: nx.MultiDiGraph, schema: Schema) -> Iterator[bytes]:
    node_frame_columns = _order(
        ["key", "kind", "name", "sources"], _union(node_types(schema)), g.nodes(data=True)
    )
    edge_columns = _order(
        ["type", "valid_from", "valid_until", "sources"],
        _union(edge_types(schema)),
        ((u, a) for u, _, a in g.edges(data=True)),
    )
    tables = {
        "nodes.csv": (
            node_frame_columns,
            (
                [n, *(attrs.get(c) for c in node_frame_columns[1:])]
                for n, attrs in g.nodes(data=True)
            ),
        ),
        "edges.csv": (
            ["start", "end", *edge_columns],
            (
                [u, v, k, *(attrs.get(c) for c in edge_columns[1:])]
                for u, v, k, attrs in g.edges(keys=True, data=True)
            ),
        ),
    }
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            with archive.open(name, "w", force_zip64=True) as entry:
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(header)
                for row in rows:
                    writer.writerow(["" if v is None else _text(v) for v in row])
                    if text.tell() >= CHUNK:
                        entry.write(text.getvalue().encode())
                        text.seek(0)
                        text.truncate()
                        yield sink.take()
                entry.write(text.getvalue().encode())
            yield sink.take()
    yield sink.take()


def iter_export(
    g: nx.MultiDiGraph, format: Format | str, schema: Schema | None = None
) -> Iterator[bytes]:
    """The file of `g` in `format`, in chunks of about CHUNK bytes."""
    schema = schema or _schema()
    if format == "node-link":
        return _node_link(g)
    if format == "graphml":
        return _graphml(g, schema)
    if format == "gexf":
        return _gexf(g, schema)
    if format == "csv":
        return _csv(g, schema)
    raise QueryError(f"no export format {format!r}; the formats are {', '.join(FORMATS)}")


def write_export(
    g: nx.MultiDiGraph, path: str | Path, format: Format | str, schema: Schema | None = None
) -> None:
    """Write `g` to the file `path` in `format` (csv: a zip of nodes.csv and edges.csv)."""
    chunks = iter_export(g, format, schema)  # a bad format fails before the file is opened
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)


# -- reading ---------------------------------------------------------------------------------


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


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "Format",
    "edge_types",
    "frames",
    "iter_export",
    "node_types",
    "read_export",
    "to_networkx",
    "to_pandas",
    "write_export",
]
