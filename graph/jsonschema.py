"""The JSON Schema (draft 2020-12) of the curated YAML format, derived from the schema.

Nothing here names a kind, a relationship or a property: every entry, type, allowed
value, pattern and required field comes from `graph/schema.yaml` through `Schema`, so the
published format cannot drift from what ingest accepts. docs/curated-format.schema.json
is this function's output (`reachgraph schema --json-schema`).

The schema describes the canonical form a researcher writes: lists as YAML lists, dates
as ISO days (YAML dates, which the curated reader keeps as text). Ingest is a little more
lenient (a number where text belongs is read as its text, `a|b` as a list), and checks
what no JSON Schema can: that keys resolve, that sources exist, that `from` comes before
`until`, that ownership has no cycle.
"""

from __future__ import annotations

from typing import Any

from .schema import NodeKind, Property, RelType, Schema, load_schema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: Shapes of the codes; ingest checks them against the ISO lists themselves.
CODE_PATTERNS = {
    "iso3166": r"^(EU|[A-Z]{2}(-[A-Z0-9]{1,3})?)$",
    "iso4217": r"^[A-Z]{3}$",
}
CODE_NAMES = {
    "iso3166": "an ISO 3166-1 alpha-2 or ISO 3166-2 code, or EU",
    "iso4217": "an ISO 4217 currency code",
}
#: The temporal properties' meaning, which schema.yaml states in a comment.
TEMPORAL_NOTES = {
    "valid_from": "The first day on which it holds (inclusive); empty means open.",
    "valid_until": "The first day on which it no longer holds (exclusive); empty means open.",
}
#: The fields of a curated file, outside its lists of entries.
TOP_LEVEL_TEXT = {
    "title": "What the file is about, for people.",
    "summary": "The dispute or instrument in a few sentences, in the project's own words.",
}


def _property(prop: Property) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if prop.type == "string_list":
        items: dict[str, Any] = {"type": "string"}
        if prop.values:
            items["enum"] = list(prop.values)
        out = {"type": "array", "items": items}
    elif prop.type == "date":
        out = {"type": "string", "format": "date", "pattern": ISO_DAY}
    else:
        json_type = {"integer": "integer", "float": "number", "boolean": "boolean"}
        out = {"type": json_type.get(prop.type, "string")}
        if prop.values:
            out["enum"] = list(prop.values)
    if prop.pattern:
        out["pattern"] = prop.pattern
    if prop.codes:
        out["pattern"] = CODE_PATTERNS[prop.codes]
    description = prop.description or ""
    if prop.codes:
        description = f"{description} {CODE_NAMES[prop.codes].capitalize()}.".strip()
    if description:
        out["description"] = description
    return out


def _writable(props: dict[str, Property]) -> dict[str, Property]:
    return {name: prop for name, prop in props.items() if not prop.derived}


def _node_entry(kind: NodeKind, with_kind: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if with_kind:
        properties["kind"] = {"const": kind.name}
    for name, prop in _writable(kind.properties).items():
        properties[name] = _property(prop)
    properties["key"] = {**properties["key"], "pattern": r"\S"}
    if kind.key_codes:
        properties["key"]["pattern"] = CODE_PATTERNS[kind.key_codes]
        properties["key"]["description"] = kind.key_hint or CODE_NAMES[kind.key_codes]
    if kind.name_from:
        properties["name"]["description"] = f"Defaults to the {kind.name_from}."
    required = ["kind"] if with_kind else []
    required += [
        name
        for name, prop in _writable(kind.properties).items()
        if prop.required and not (name == "name" and kind.name_from)
    ]
    if kind.sources_required:
        properties["sources"] = {**properties["sources"], "minItems": 1}
        required.append("sources")
    return {
        "type": "object",
        "title": kind.name,
        "description": kind.description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _relationship_entry(rel: RelType, schema: Schema) -> dict[str, Any]:
    joins = ", ".join(f"{start} -> {end}" for start, end in rel.pairs)
    properties: dict[str, Any] = {
        "start": {"type": "string", "pattern": r"\S", "description": "The key of the start node."},
        "type": {"const": rel.name},
        "end": {"type": "string", "pattern": r"\S", "description": "The key of the end node."},
    }
    curated = {name: prop.curated_name or name for name, prop in schema.temporal_properties.items()}
    for name, prop in _writable(rel.properties).items():
        properties[curated.get(name, name)] = _property(prop)
        if name in TEMPORAL_NOTES:
            properties[curated[name]]["description"] = TEMPORAL_NOTES[name]
    properties["sources"] = {**properties["sources"], "minItems": 1}
    required = ["start", "type", "end", "sources"]
    required += [name for name, prop in _writable(rel.own_properties).items() if prop.required]
    sentence = rel.reads("START", "END")
    return {
        "type": "object",
        "title": rel.name,
        "description": f"{sentence}. Joins {joins}."
        + (" Temporal: `from` is inclusive, `until` exclusive." if rel.temporal else ""),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _dispatch(field: str, names: list[str], prefix: str) -> dict[str, Any]:
    """Entries told apart by one field (`kind` or `type`), each checked by its own schema."""
    return {
        "type": "object",
        "required": [field],
        "properties": {field: {"enum": names}},
        "allOf": [
            {
                "if": {"properties": {field: {"const": name}}, "required": [field]},
                "then": {"$ref": f"#/$defs/{prefix}{name}"},
            }
            for name in names
        ],
    }


def curated_format(schema: Schema | None = None) -> dict[str, Any]:
    """The JSON Schema of one curated file."""
    schema = schema or load_schema()
    source = schema.nodes[schema.source_kind]
    defs: dict[str, Any] = {"source": _node_entry(source, with_kind=False)}
    for kind in schema.nodes.values():
        defs[f"node.{kind.name}"] = _node_entry(kind, with_kind=True)
    for rel in schema.curated_relationships.values():
        defs[f"relationship.{rel.name}"] = _relationship_entry(rel, schema)
    return {
        "$schema": DIALECT,
        "title": "reachgraph curated file",
        "description": (
            "One dispute or instrument: its sources, its nodes (told apart by `kind`) and its "
            "relationships (told apart by `type`), referring to each other by key, also to "
            f"keys defined in other files. Derived from schema version {schema.version}; "
            "see docs/curated-format.md."
        ),
        "type": "object",
        "properties": {
            **{
                name: {"type": "string", "description": text}
                for name, text in TOP_LEVEL_TEXT.items()
            },
            "sources": {
                "type": "array",
                "description": f"{source.name} nodes, written without `kind`.",
                "items": {"$ref": "#/$defs/source"},
            },
            "nodes": {
                "type": "array",
                "items": _dispatch("kind", list(schema.nodes), "node."),
            },
            "relationships": {
                "type": "array",
                "items": _dispatch("type", list(schema.relationships), "relationship."),
            },
        },
        "additionalProperties": False,
        "$defs": defs,
    }
