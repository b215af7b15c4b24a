"""Read curated YAML files (one per dispute or instrument) into rows, keeping line numbers.

A curated file has up to five top-level fields: `title`, `summary`, `sources` (Source
nodes), `nodes` (each with its `kind`) and `relationships` (each with `start`, `type`,
`end`). docs/curated-format.md teaches the format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..graph.schema import Schema
from .problems import Problem
from .rows import LINE, LINES, RawInput, decode

TOP_LEVEL = {"title", "summary", "sources", "nodes", "relationships"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"

#: Limits that keep a hostile file from taking the reader's time or memory (docs/curated-format.md):
#: the file's size, how deep lists and mappings nest, how many values aliases may add (an
#: alias bomb expands a few lines into billions), and the length of one value.
MAX_FILE_BYTES = 10 * 2**20
MAX_DEPTH = 50
MAX_ALIAS_VALUES = 10_000
MAX_VALUE_CHARS = 100_000
#: An ISO day of the year 0, which Python's dates cannot hold: refused here, by field.
YEAR_ZERO = re.compile(r"^\s*0000-\d\d-\d\d\s*$")
_LONG_LINE = re.compile(f"[^\n]{{{MAX_VALUE_CHARS + 1}}}")
#: The tags a curated file may use: text, numbers, booleans, null, lists, mappings, `<<`.
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
}


class _Refused(yaml.MarkedYAMLError):
    """A file the reader will not construct: a tag, a depth, aliases or a value past the limits."""


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as text (the validator parses them, with line
    numbers), records the line of every mapping and of each of its fields, and notes the
    fields that a mapping gives twice (YAML itself silently keeps the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: (field, its line, the line of its first occurrence, the mapping's key or start)
        self.duplicates: list[tuple[str, int, int, str | None]] = []
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # The composer recurses once per level: stop long before Python's recursion limit.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"lists and mappings nested more than {MAX_DEPTH} deep",
                    problem_mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_VALUE_CHARS:
            raise _Refused(
                problem=f"a value of {len(node.value):,} characters; at most {MAX_VALUE_CHARS:,}",
                problem_mark=node.start_mark,
            )
        return node


_Loader.yaml_constructors = {
    tag: constructor
    for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
    if tag in _ALLOWED_TAGS
}


def _refuse_tag(loader: _Loader, node: yaml.Node) -> None:
    raise _Refused(
        problem=f"the tag {node.tag!r} is not allowed; a curated file holds text, numbers, "
        "booleans, lists and mappings",
        problem_mark=node.start_mark,
    )


_Loader.add_constructor(None, _refuse_tag)


def _scalar(loader: _Loader, node: yaml.ScalarNode) -> str:
    if "\x00" in node.value:
        raise _Refused(problem="a value holds a NUL character (\\0)", problem_mark=node.start_mark)
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:str", _scalar)


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand it by more than MAX_ALIAS_VALUES values, or
    refer to a list or mapping that holds them (a loop), before anything is constructed."""
    sizes: dict[int, int] = {}
    distinct = 0
    # Iterative depth-first walk over the composed graph, where an alias is a shared node.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            distinct += 1
            continue
        children = (
            [v for pair in node.value for v in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            open_.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            distinct += 1
            if sizes[id(node)] - distinct > MAX_ALIAS_VALUES:
                raise _Refused(
                    problem=f"aliases expand the file by more than {MAX_ALIAS_VALUES:,} values "
                    "(an alias bomb?)",
                    problem_mark=node.start_mark,
                )
            continue
        if id(node) in open_:
            raise _Refused(
                problem="an alias refers to a list or mapping that contains it",
                problem_mark=node.start_mark,
            )
        open_.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                raise _Refused(
                    problem="an alias refers to a list or mapping that contains it",
                    problem_mark=child.start_mark,
                )
            if id(child) not in sizes:
                stack.append((child, False))


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
        if not isinstance(key, str):
            raise _Refused(
                problem=f"a field name must be text, not {type(key).__name__} {key!r}",
                problem_mark=key_node.start_mark,
            )
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
    try:
        size = path.stat().st_size
    except OSError as error:
        into.problems.append(Problem(name, None, None, None, f"cannot read the file: {error}"))
        return
    if size > MAX_FILE_BYTES:
        into.problems.append(
            Problem(
                name,
                None,
                None,
                None,
                f"the file has {size:,} bytes; a curated file may have at most "
                f"{MAX_FILE_BYTES // 2**20} MiB (split it, or write bulk tables)",
            )
        )
        return
    text = decode(path, name, into)
    if text is None:
        return
    # The YAML scanner reads a character at a time: a line of megabytes takes it a minute.
    long = _LONG_LINE.search(text)
    if long:
        line = text.count("\n", 0, long.start()) + 1
        message = f"a line longer than {MAX_VALUE_CHARS:,} characters"
        into.problems.append(Problem(name, line, None, None, message))
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
        root = loader.get_single_node()
        if root is not None:
            _check_aliases(root)
        document = loader.construct_document(root) if root is not None else None
    except RecursionError:
        into.problems.append(
            Problem(name, None, None, None, "malformed YAML: nested too deeply to read")
        )
        return
    except (ValueError, TypeError, OverflowError) as error:
        # A value no constructor can make (an integer of 5,000 digits): said, not raised.
        into.problems.append(Problem(name, None, None, None, f"malformed YAML: {error}"))
        return
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = mark.line + 1 if mark else None
        # A refusal of the limits says what it is; the parser's errors are malformed YAML.
        said = error.problem if isinstance(error, _Refused) else f"malformed YAML: {error.problem}"
        into.problems.append(Problem(name, where, None, None, str(said)))
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
    zero = [k for k, v in row.items() if isinstance(v, str) and YEAR_ZERO.match(v)]
    for field in zero:
        into.problems.append(
            Problem(
                name,
                entry[LINES].get(field, entry[LINE]),
                str(entry.get("key") or entry.get("start") or f"line {entry[LINE]}"),
                field,
                f"year 0 does not exist (the year before 1 is 1 BC); got {row[field]!r}",
            )
        )
    if zero:
        return
    row["_file"] = name
    row["_line"] = entry[LINE]
    row["_lines"] = entry[LINES]
    record = str(entry.get("key") or entry.get("start") or f"line {entry[LINE]}")
    if section == "sources":
        into.add_node(schema.source_kind, row)
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
