"""The attributes of exported nodes and edges, and their types, from graph/schema.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..graph.schema import Schema

#: Node properties that are not attributes: search_text only serves search.
_HIDDEN = ("search_text",)

Node = tuple[str, dict[str, Any]]
Edge = tuple[str, str, str, dict[str, Any]]


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


def _schema() -> Schema:
    from ..graph.schema import load_schema

    return load_schema()


def _order(first: list[str], declared: Mapping[str, str], items: Iterable[Node]) -> list[str]:
    """`first`, the other declared attributes, then any others the items carry."""
    names = dict.fromkeys([*first, *declared])
    for _, attrs in items:
        names.update(dict.fromkeys(attrs))
    return list(names)
