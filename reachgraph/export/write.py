"""Writing a graph as node-link JSON, GraphML, GEXF or a zip of CSV files, in chunks."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import orjson

from ..graph.errors import QueryError
from ..graph.schema import Schema
from .attributes import _order, _schema, _union, edge_types, node_types
from .formats import FORMATS, Format

#: Roughly how many bytes a writer gathers before it hands a chunk on.
CHUNK = 1 << 16


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
