"""Nodes and edges as pandas DataFrames, columns in schema order."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from ..graph.schema import Schema
from .attributes import Edge, Node, _order, _schema, _union, edge_types, node_types


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
