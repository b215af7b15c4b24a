"""docs/schema.md, generated from the schema: every node kind and relationship type.

`reachgraph schema --docs` prints it; a test regenerates it and fails when the committed
file is stale, so the page always says what graph/schema.yaml declares.
"""

from __future__ import annotations

from .jsonschema import CODE_NAMES, TEMPORAL_NOTES
from .schema import Property, RelType, Schema, load_schema

TYPE_NAMES = {
    "string": "text",
    "text": "long text",
    "date": "date (YYYY-MM-DD)",
    "integer": "whole number",
    "float": "number",
    "boolean": "true / false",
    "string_list": "list of text",
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _allowed(prop: Property) -> str:
    if prop.values:
        return ", ".join(f"`{v}`" for v in prop.values)
    if prop.pattern:
        return f"matches `{_cell(prop.pattern)}`"
    if prop.codes:
        return CODE_NAMES[prop.codes]
    return ""


def _table(
    props: dict[str, Property], required: set[str], names: dict[str, str], notes: dict[str, str]
) -> list[str]:
    lines = [
        "| property | type | required | allowed values | description |",
        "|---|---|---|---|---|",
    ]
    for name, prop in props.items():
        needed = "derived" if prop.derived else ("yes" if name in required else "")
        description = notes.get(name) or prop.description or ""
        if prop.derived:
            description = f"{description} Computed at ingest; never written by hand.".strip()
        lines.append(
            f"| `{names.get(name, name)}` | {TYPE_NAMES[prop.type]} | {needed} "
            f"| {_cell(_allowed(prop))} | {_cell(description)} |"
        )
    return lines


def _sentence(rel: RelType) -> str:
    return rel.reads("*start*", "*end*")


def schema_markdown(schema: Schema | None = None) -> str:
    """The Markdown page describing the whole schema."""
    schema = schema or load_schema()
    curated = {n: p.curated_name for n, p in schema.temporal_properties.items() if p.curated_name}
    out = [
        "# The reachgraph schema",
        "",
        "<!-- Generated from graph/schema.yaml by `reachgraph schema --docs`; do not edit. -->",
        "",
        f"Schema version {schema.version}: {len(schema.nodes)} node kinds and "
        f"{len(schema.relationships)} relationship types. Every node has a `key`, unique across "
        "the whole graph. Curated files and bulk tables write the properties below; "
        "[curated-format.md](curated-format.md) teaches the format, and "
        "[curated-format.schema.json](curated-format.schema.json) is its JSON Schema.",
        "",
        "Relationships marked temporal carry `from` (inclusive) and `until` (exclusive), stored "
        "as `valid_from` and `valid_until`; an empty bound is open.",
        "",
        f"Facts name their sources by key in `sources`: nodes of kind "
        f"[{schema.source_kind}](#{schema.source_kind.lower()}) (the schema's `source_kind`), "
        "listed under `sources` in curated files. "
        f"[{schema.ownership}](#{schema.ownership.lower()}) is ownership (the schema's "
        "`ownership`): ingest refuses a cycle of it, a company that owns itself.",
        "",
        "## Node kinds",
        "",
    ]
    out += [f"- [{kind}](#{kind.lower()})" for kind in schema.nodes]
    for kind in schema.nodes.values():
        key = kind.key_hint or (CODE_NAMES[kind.key_codes] if kind.key_codes else "a stable slug")
        notes = {"key": f"Identity, unique across the whole graph: {key}."}
        if kind.name_from:
            notes["name"] = f"Defaults to the {kind.name_from}."
        sources = "required (at least one)" if kind.sources_required else "optional"
        required = {n for n, p in kind.properties.items() if p.required and not p.derived}
        if kind.name_from:
            required.discard("name")
        if kind.sources_required:
            required.add("sources")
        out += [
            "",
            f"### {kind.name}",
            "",
            _cell(kind.description),
            "",
            f"Key: {key}. Sources: {sources}.",
            "",
            *_table(kind.properties, required, {}, notes),
        ]
    out += ["", "## Relationships", ""]
    out += [f"- [{rel}](#{rel.lower()})" for rel in schema.relationships]
    for rel in schema.relationships.values():
        joins = ", ".join(f"{start} → {end}" for start, end in rel.pairs)
        required = {n for n, p in rel.properties.items() if p.required and not p.derived}
        facts = [f"Joins: {joins}.", "Temporal: " + ("yes." if rel.temporal else "no.")]
        facts.append(
            "Derived at ingest, never written by hand."
            if rel.derived
            else "Sources: required (at least one)."
        )
        out += [
            "",
            f"### {rel.name}",
            "",
            f"Reads: {_sentence(rel)}.",
            *([rel.description.strip()] if rel.description else []),
            "",
            " ".join(facts),
            "",
            *_table(rel.properties, required | {"sources"}, curated, TEMPORAL_NOTES),
        ]
    return "\n".join(out) + "\n"
