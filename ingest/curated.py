"""Read curated YAML files (one per dispute or instrument) into rows, keeping line numbers.

A curated file has up to five top-level fields: `title`, `summary`, `sources` (Source
nodes), `nodes` (each with its `kind`) and `relationships` (each with `start`, `type`,
`end`). docs/curated-format.md teaches the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..graph.schema import Schema
from .problems import Problem
from .rows import LINE, LINES, RawInput, decode

TOP_LEVEL = {"title", "summary", "sources", "nodes", "relationships"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as text (the validator parses them, with line
    numbers), records the line of every mapping and of each of its fields, and notes the
    fields that a mapping gives twice (YAML itself silently keeps the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: (field, its line, the line of its first occurrence, the mapping's key or start)
        self.duplicates: list[tuple[str, int, int, str | None]] = []


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    # Fields written in this mapping (not merged in with `<<`), to find those given twice.
    own = [k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE]
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    first: dict[str, int] = {}
    for key_node in own:
        line = key_node.start_mark.line + 1
        if key_node.value in first:
            record = result.get("key") or result.get("start")
            loader.duplicates.append(
                (
                    key_node.value,
                    line,
                    first[key_node.value],
                    record if isinstance(record, str) else None,
                )
            )
        else:
            first[key_node.value] = line
    result[LINE] = node.start_mark.line + 1
    result[LINES] = lines
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def without_lines(value: Any) -> Any:
    """A value as the file wrote it: nested mappings without the line numbers the loader
    adds (a mapping where text belongs is reported as the user wrote it)."""
    if isinstance(value, dict):
        return {k: without_lines(v) for k, v in value.items() if k not in (LINE, LINES)}
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value


def read_curated(path: Path, name: str, schema: Schema, into: RawInput) -> None:
    text = decode(path, name, into)
    if text is None:
        return
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        # Raised while the loader checks the text, before any mark exists.
        at = text[: error.position].count("\n") + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        into.problems.append(
            Problem(
                name,
                at,
                None,
                None,
                f"malformed YAML: the character U+{code:04X} is not allowed in YAML",
            )
        )
        return
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        into.problems.append(Problem(name, line, None, None, f"malformed YAML: {error.problem}"))
        return
    except yaml.YAMLError as error:
        into.problems.append(Problem(name, None, None, None, f"malformed YAML: {error}"))
        return
    finally:
        loader.dispose()
    for field, line, first_line, record in loader.duplicates:
        into.problems.append(
            Problem(
                name,
                line,
                record,
                field,
                f"duplicate field {field!r} (first at line {first_line}); "
                "YAML would keep only the last",
            )
        )
    if document is None:
        into.problems.append(Problem(name, None, None, None, "the file is empty"))
        return
    if not isinstance(document, dict):
        into.problems.append(
            Problem(name, 1, None, None, "expected a mapping with sources, nodes, relationships")
        )
        return
    for field in sorted(set(document) - TOP_LEVEL - {LINE, LINES}):
        into.problems.append(
            Problem(
                name,
                document[LINES][field],
                None,
                field,
                f"unknown top-level field; expected one of {sorted(TOP_LEVEL)}",
            )
        )
    for section, kind_field in (("sources", None), ("nodes", "kind"), ("relationships", "type")):
        entries = document.get(section) or []
        if not isinstance(entries, list):
            line = document[LINES].get(section)
            into.problems.append(Problem(name, line, None, section, "expected a list"))
            continue
        for entry in entries:
            _entry(entry, section, kind_field, name, document[LINES].get(section), schema, into)


def _entry(
    entry: Any,
    section: str,
    kind_field: str | None,
    name: str,
    section_line: int | None,
    schema: Schema,
    into: RawInput,
) -> None:
    if not isinstance(entry, dict):
        into.problems.append(
            Problem(name, section_line, None, section, "each entry must be a mapping")
        )
        return
    row = {k: without_lines(v) for k, v in entry.items() if k not in (kind_field, LINE, LINES)}
    row["_file"] = name
    row["_line"] = entry[LINE]
    row["_lines"] = entry[LINES]
    record = str(entry.get("key") or entry.get("start") or f"line {entry[LINE]}")
    if section == "sources":
        into.add_node("Source", row)
    elif section == "nodes":
        kind = entry.get("kind")
        if kind not in schema.nodes:
            into.problems.append(
                Problem(
                    name,
                    entry[LINES].get("kind", entry[LINE]),
                    record,
                    "kind",
                    f"unknown node kind {kind!r}; expected one of {sorted(schema.nodes)}",
                )
            )
            return
        into.add_node(kind, row)
    else:
        rel_type = entry.get("type")
        if rel_type not in schema.curated_relationships:
            derived = rel_type in schema.derived_relationships
            into.problems.append(
                Problem(
                    name,
                    entry[LINES].get("type", entry[LINE]),
                    record,
                    "type",
                    f"{rel_type} is derived at ingest from the curated graph, never written"
                    if derived
                    else f"unknown relationship type {rel_type!r}; "
                    f"expected one of {sorted(schema.curated_relationships)}",
                )
            )
            return
        into.add_relationship(rel_type, row)
