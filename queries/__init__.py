"""The named queries: one parameterised Cypher file per question, documented in its header.

A file `NAME.cypher` is portable; `NAME.neo4j.cypher` and `NAME.ladybug.cypher` are kept
beside it only where the two dialects really differ. The header names the question, then
lists parameters and result columns:

    // NAME: the question it answers
    // ...prose...
    // @param NAME TYPE [= DEFAULT]  description
    // @column NAME TYPE  description

Parameter types: string, date, integer; date defaults may be `today` or an ISO day. Column
types: string, date, integer, float, boolean, string_list, string_set (a collected set,
whose order no store defines: answers sort it), and `nodes` / `relationships` for the two
halves of a path (`nodes(p)`, `relationships(p)`), which answers join into one `path`.

A store's variant may write `:$NAME_kind` where a label goes: reachgraph writes in the kind of
the node whose key is parameter NAME before the query runs. LadybugDB takes no label
parameters and has no index across its node tables, so an unlabelled `(a {key: $a})` scans
every table there; to run such a variant by hand, put the kinds in (`:Company`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..graph.errors import NotFound, QueryError

_PARAM = re.compile(r"^// @param (\w+) (string|date|integer)(?: = (\S+))?\s+(.*)$")
_KIND_SLOT = re.compile(r":\$(\w+)_kind\b")
_COLUMN = re.compile(
    r"^// @column (\w+) "
    r"(string|date|integer|float|boolean|string_list|string_set|nodes|relationships)"
    r"\s+(.*)$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str

    def value(self, raw: Any) -> Any:
        """The parameter's value from text (CLI, query string) or a typed value."""
        if raw is None or raw == "":
            if self.default is None:
                raise QueryError(f"parameter {self.name!r} is required: {self.description}")
            raw = self.default
        if self.type == "date":
            if isinstance(raw, datetime.date):
                return raw
            if raw == "today":
                return datetime.date.today()
            try:
                return datetime.date.fromisoformat(str(raw))
            except ValueError:
                raise QueryError(
                    f"parameter {self.name!r} must be an ISO date (YYYY-MM-DD), got {raw!r}"
                ) from None
        if self.type == "integer":
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise QueryError(f"parameter {self.name!r} must be a whole number") from None
        return str(raw)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    texts: Mapping[str, str]

    def text(self, backend: str) -> str:
        """The Cypher for a store: its own variant if there is one, else the portable one."""
        return self.texts.get(backend) or self.texts[""]

    def cypher(
        self, backend: str, bound: Mapping[str, Any], kind_of: Callable[[str], str | None]
    ) -> str | None:
        """The store's text with its `:$NAME_kind` slots filled by `kind_of(bound[NAME])`;
        None when a key names no node (the query could then match nothing)."""
        text = self.text(backend)
        kinds: dict[str, str] = {}
        for name in set(_KIND_SLOT.findall(text)):
            kind = kind_of(str(bound[name]))
            if kind is None:
                return None
            kinds[name] = kind
        return _KIND_SLOT.sub(lambda slot: ":" + kinds[slot.group(1)], text)

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Typed parameters with defaults filled; unknown or missing ones are a QueryError."""
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryError(f"{self.name} takes {sorted(known)}; unknown parameter(s) {unknown}")
        return {p.name: p.value(given.get(p.name)) for p in self.params}


def _parse(name: str, texts: dict[str, str]) -> NamedQuery:
    header = [
        line
        for line in texts.get("", next(iter(texts.values()))).splitlines()
        if line.startswith("//")
    ]
    first = header[0].removeprefix("// ")
    title, _, summary = first.partition(": ")
    if title != name:
        raise ValueError(f"queries/{name}.cypher must start with '// {name}: ...'")
    prose = []
    params = []
    columns = []
    for line in header[1:]:
        if found := _PARAM.match(line):
            params.append(Param(*found.groups()))
        elif found := _COLUMN.match(line):
            columns.append(Column(*found.groups()))
        else:
            prose.append(line.removeprefix("//").removeprefix(" "))
    return NamedQuery(name, summary, "\n".join(prose).strip(), tuple(params), tuple(columns), texts)


@cache
def catalog() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    files: dict[str, dict[str, str]] = {}
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".cypher"):
            stem = entry.name.removesuffix(".cypher")
            name, _, backend = stem.partition(".")
            files.setdefault(name, {})[backend] = entry.read_text(encoding="utf-8")
    return {name: _parse(name, texts) for name, texts in sorted(files.items())}


def named(name: str) -> NamedQuery:
    try:
        return catalog()[name]
    except KeyError:
        raise NotFound(
            f"no named query {name!r}; the named queries are {sorted(catalog())}"
        ) from None
