"""The named queries: one parameterised Cypher file per question, documented in its header.

A file `NAME.cypher` is portable; `NAME.neo4j.cypher` and `NAME.ladybug.cypher` are kept
beside it only where the two dialects really differ. The header names the question, then
lists parameters and result columns:

    // NAME: the question it answers
    // ...prose...
    // @param NAME TYPE [= DEFAULT]  description
    // @column NAME TYPE  description

Parameter types: string, date, integer; a node kind (`Data`, `Jurisdiction`, or `Entity`
for any kind), whose value must be the key of such a node (a jurisdiction code in any case),
unless it is the parameter's default `any` (`@param company Company = any`: every company);
or `Kind.property` for one of the values graph/schema.yaml allows there, `Kind.property[]`
for a comma-separated list of them (or `all`). Date defaults may be `today` or an ISO day.
Column types: string, date, integer, float, boolean, string_list, string_set (a collected
set, whose order no store defines: answers sort it), `nodes` / `relationships` for the two
halves of a path (`nodes(p)`, `relationships(p)`), which answers join into one `path`, and
`paths` for the JSON paths of the derived REACHES (answers show the first as `path`).

A store's variant may write `:$NAME_kind` where a label goes: reachgraph writes in the kind of
the node whose key is parameter NAME before the query runs. LadybugDB takes no label
parameters and has no index across its node tables, so an unlabelled `(a {key: $a})` scans
every table there; to run such a variant by hand, put the kinds in (`:Company`).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..graph.errors import InvalidParameter, NotFound
from ..graph.schema import load_schema

_PARAM = re.compile(
    r"^// @param (\w+) (string|date|integer|[A-Z]\w*(?:\.\w+(?:\[\])?)?)(?: = (\S+))?\s+(.*)$"
)
#: The default of a key parameter that stands for every node of its kind.
ANY = "any"
_KIND_SLOT = re.compile(r":\$(\w+)_kind\b")
_COLUMN = re.compile(
    r"^// @column (\w+) "
    r"(string|date|integer|float|boolean|string_list|string_set|nodes|relationships|paths)"
    r"\s+(.*)$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str

    @property
    def node_kind(self) -> str | None:
        """The kind of node whose key the parameter names (`Entity`: any), if it names one."""
        return self.type if self.type[0].isupper() and "." not in self.type else None

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The values a `Kind.property` parameter takes, from graph/schema.yaml."""
        if "." not in self.type:
            return None
        kind, _, prop = self.type.removesuffix("[]").partition(".")
        schema = load_schema()
        spec = schema.nodes[kind] if kind in schema.nodes else schema.relationships[kind]
        values = spec.properties[prop].values
        assert values, f"{self.type} has no values in graph/schema.yaml"
        return values

    def value(self, raw: Any) -> Any:
        """The parameter's value from text (CLI, query string) or a typed value."""
        if raw is None or raw == "":
            if self.default is None:
                raise InvalidParameter(f"parameter {self.name!r} is required: {self.description}")
            raw = self.default
        if self.type == "date":
            if isinstance(raw, datetime.date):
                return raw
            if raw == "today":
                return datetime.date.today()
            try:
                return datetime.date.fromisoformat(str(raw))
            except ValueError:
                raise InvalidParameter(
                    f"parameter {self.name!r} must be an ISO date (YYYY-MM-DD), got {raw!r}"
                ) from None
        if self.type == "integer":
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise InvalidParameter(f"parameter {self.name!r} must be a whole number") from None
        if self.choices is not None:
            return self._chosen(raw)
        if self.node_kind and str(raw).strip().lower() == ANY == self.default:
            return ANY
        kind = load_schema().nodes.get(self.node_kind or "")
        if kind is not None and kind.key_codes:
            return str(raw).strip().upper()
        return str(raw)

    def _chosen(self, raw: Any) -> str | list[str]:
        choices = self.choices or ()
        many = self.type.endswith("[]")
        given = raw if isinstance(raw, list) else str(raw).split(",") if many else [str(raw)]
        values = [str(v).strip().lower() for v in given if str(v).strip()]
        if many and values == ["all"]:
            return list(choices)
        wrong = [v for v in values if v not in choices]
        if wrong or not values:
            hint = difflib.get_close_matches(wrong[0], choices, n=1) if wrong else []
            raise InvalidParameter(
                f"parameter {self.name!r}: {', '.join(map(repr, wrong)) or 'nothing given'} "
                f"is not one of {', '.join(choices)}{' or all' if many else ''}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
        return values if many else values[0]


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

    def cypher(self, backend: str, kinds: Mapping[str, str]) -> str:
        """The store's text with its `:$NAME_kind` slots filled with the kind of the node
        that parameter NAME names (`kinds`, by parameter name: see `resolve`)."""
        return _KIND_SLOT.sub(lambda slot: ":" + kinds[slot.group(1)], self.text(backend))

    def resolve(
        self,
        bound: Mapping[str, Any],
        kind_of: Callable[[str], str | None],
        keys_of: Callable[[str], list[str]],
    ) -> dict[str, str]:
        """The kind of the node each key parameter names, by parameter name; NotFound, with
        the closest keys of the kind, for a key that names no node of the kind asked."""
        kinds: dict[str, str] = {}
        for param in self.params:
            wanted = param.node_kind
            if wanted is None or bound[param.name] == ANY == param.default:
                continue
            key = str(bound[param.name])
            found = kind_of(key)
            if found is None or wanted not in (found, "Entity"):
                what = "node" if wanted == "Entity" else wanted
                close = difflib.get_close_matches(key, keys_of(wanted), n=3, cutoff=0.6)
                raise NotFound(
                    f"{self.name}: parameter {param.name!r}: no {what} with key {key!r}"
                    + (f" (it names a {found})" if found else "")
                    + (f"; did you mean {', '.join(close)}?" if close else "")
                )
            kinds[param.name] = found
        return kinds

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Typed parameters with defaults filled; unknown or missing ones are a QueryError."""
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise InvalidParameter(
                f"{self.name} takes {sorted(known)}; unknown parameter(s) {unknown}"
            )
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
