"""Validate a whole run's input at once, column by column, and collect every problem.

Checks: types (ISO dates, numbers, booleans, lists), required fields, allowed values,
patterns and code lists (ISO 3166, ISO 4217) as the schema declares them; unknown fields,
and fields of the earlier format with what to write instead (`retired` in the schema);
duplicate keys; keys and sources that resolve (in the input or already in the store);
relationship endpoints of an allowed kind; `from` before `until`; no ownership cycle; what
a reach rule needs (rules.py).
Vectorised with pandas, so a million-row table validates in seconds.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol, runtime_checkable

import networkx as nx
import numpy as np
import pandas as pd
import pycountry

from ..graph.schema import Property, Schema, fold
from ..graph.stores import Store
from .problems import Checker, IngestFailed, Problem
from .rows import ORIGIN, RawInput
from .rules import check_rules

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
LIST_SEPARATOR = "|"
OWNERSHIP = "SUBSIDIARY_OF"


@dataclass
class Valid:
    """Input that passed every check, with typed values and derived properties filled."""

    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: per relationship type, per (start kind, end kind): the rows
    relationships: dict[str, dict[tuple[str, str], pd.DataFrame]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(f) for f in self.nodes.values())

    def relationship_count(self) -> int:
        return sum(len(f) for pairs in self.relationships.values() for f in pairs.values())


@runtime_checkable
class FrameReader(Protocol):
    """A store that reads a whole table back as a DataFrame, faster than `Store.read`."""

    def read_frame(self, cypher: str) -> pd.DataFrame: ...


def read_rows(store: Store, cypher: str) -> list[list[Any]]:
    """The rows of a trusted query without parameters, through `read_frame` where the store
    has it (missing values then come as NaN, dates as Timestamps: for reading keys)."""
    if isinstance(store, FrameReader):
        rows: list[list[Any]] = store.read_frame(cypher).to_numpy(dtype=object).tolist()
        return rows
    return store.read(cypher).rows


@cache
def _codes(code_list: str) -> frozenset[str]:
    if code_list == "iso4217":
        return frozenset(c.alpha_3 for c in pycountry.currencies)
    countries = {c.alpha_2 for c in pycountry.countries}
    subdivisions = {s.code for s in pycountry.subdivisions}
    # EU, and XK: the user-assigned code the EU and the IMF use for Kosovo, which has no
    # ISO 3166-1 code.
    return frozenset(countries | subdivisions | {"EU", "XK"})


def _each(values: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """`func` of every value, as objects (Series.map without its costly type inference)."""
    return pd.Series([func(v) for v in values.tolist()], index=values.index, dtype=object)


def _test(values: pd.Series, func: Callable[[Any], bool]) -> pd.Series:
    """The mask of the values for which `func` holds."""
    mask = np.fromiter(map(func, values.tolist()), dtype=bool, count=len(values))
    return pd.Series(mask, index=values.index)


def _all_text(values: pd.Series) -> bool:
    """Every value present is a str: the common case (bulk tables), which has fast paths."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


#: Types whose columns hold few distinct values: converted once per distinct value.
_BY_VALUE = ("date", "boolean", "integer", "float")


def _coerce(values: pd.Series, prop: Property) -> tuple[pd.Series, pd.Series]:
    """The column converted to the property's type, and a mask of values that did not fit."""
    if prop.type in _BY_VALUE and len(values) > 1000 and _all_text(values):
        codes, distinct = pd.factorize(values.to_numpy(dtype=object))
        typed, bad = _coerce_values(pd.Series(distinct, dtype=object), prop)
        # code -1 (a missing value) takes the appended None / False
        out = np.concatenate([typed.to_numpy(dtype=object), [None]])[codes]
        wrong = np.concatenate([bad.to_numpy(dtype=bool), [False]])[codes]
        return (
            pd.Series(out, index=values.index, dtype=object),
            pd.Series(wrong, index=values.index),
        )
    return _coerce_values(values, prop)


def _coerce_values(values: pd.Series, prop: Property) -> tuple[pd.Series, pd.Series]:
    present = values.notna()
    if prop.type in ("string", "text"):
        if _all_text(values):
            out = _each(values, lambda v: v.strip() if isinstance(v, str) else v)
            scalar = present
        else:
            scalar = _test(
                values, lambda v: isinstance(v, str | int | float) and not isinstance(v, bool)
            )
            out = values.where(
                ~present, _each(values, lambda v: v.strip() if isinstance(v, str) else str(v))
            )
        # Blank text is no value: a required field given as '' or '  ' is missing.
        return out.where(out != "", None), present & ~scalar
    if prop.type == "date":
        text = (
            values
            if _all_text(values)
            else _each(values, lambda v: v if isinstance(v, str) else None)
        )
        shaped = text.str.match(ISO_DAY, na=False)
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
        good = parsed.notna()
        out = pd.Series([None] * len(values), index=values.index, dtype=object)
        out[good] = parsed[good].dt.date
        return out, present & ~good
    if prop.type in ("integer", "float"):
        numeric = _test(values, lambda v: not isinstance(v, bool | list | dict))
        number = pd.to_numeric(values.where(numeric), errors="coerce")
        infinite = _test(number, lambda v: isinstance(v, float) and math.isinf(v))
        bad = present & (number.isna() | ~numeric | infinite)
        if prop.type == "integer":
            bad |= present & ~bad & (number % 1 != 0)
            out = _each(number, lambda v: None if pd.isna(v) else int(v))
        else:
            out = _each(number, lambda v: None if pd.isna(v) else float(v))
        return out, bad
    if prop.type == "boolean":
        table = {True: True, False: False, "true": True, "false": False}
        out = _each(values, lambda v: table.get(v.lower() if isinstance(v, str) else v))
        return out, present & out.isna()

    # string_list: a list of strings, or "a|b" in a table cell
    def to_list(v: Any) -> list[str] | None:
        if isinstance(v, str):
            return [part.strip() for part in v.split(LIST_SEPARATOR) if part.strip()]
        if isinstance(v, list) and all(isinstance(item, str) for item in v):
            return [item.strip() for item in v]
        return None

    out = _each(values, lambda v: [] if v is None else to_list(v))
    return out, present & out.isna()


def _outside_lists(values: pd.Series, allowed: set[str]) -> pd.Series:
    """The rows whose list holds an item not `allowed` (or that hold no list)."""
    return _test(values, lambda v: not isinstance(v, list) or not allowed.issuperset(v))


def _check_properties(
    frame: pd.DataFrame,
    props: dict[str, Property],
    name: str,
    record_column: str,
    renames: dict[str, str],
    extra: tuple[str, ...],
    retired: Mapping[str, str],
) -> tuple[pd.DataFrame, list[Problem]]:
    # Problems name fields as users write them: `from` and `until` for valid_from and
    # valid_until, unless the table itself used the stored names.
    shown = {new: old for old, new in renames.items() if old in frame or new not in frame}
    frame = frame.rename(columns=renames)
    if "_lines" in frame:
        frame["_lines"] = _each(
            frame["_lines"],
            lambda lines: (
                {renames.get(k, k): v for k, v in lines.items()}
                if isinstance(lines, dict)
                else None
            ),
        )
    check = Checker(frame, record_column)
    writable = {k: p for k, p in props.items() if not p.derived}
    for column in frame.columns:
        if column in writable or column in ORIGIN or column in extra:
            continue
        if column in retired:
            check.flag(
                frame[column].notna(),
                column,
                f"{name} has no {column!r} since format v2: {retired[column]}",
            )
            continue
        check.flag(
            frame[column].notna(),
            column,
            f"unknown field for {name}; expected one of "
            f"{sorted(shown.get(k, k) for k in set(writable) | set(extra))}",
        )
    out = pd.DataFrame(index=frame.index)
    for column in extra:
        out[column] = frame.get(column)
    for prop_name, prop in writable.items():
        values = (
            frame[prop_name]
            if prop_name in frame
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        )
        typed, bad = _coerce(values.astype(object), prop)
        check.flag(bad, prop_name, f"expected {_expected(prop.type)}, got {{value}}", values)
        if prop.required:
            missing = typed.isna()
            if prop.type == "string_list":
                missing |= _test(typed, lambda v: isinstance(v, list) and not v)
            check.flag(missing & ~bad, prop_name, "is required")
        valid = typed.notna() & ~bad
        if prop.values:
            allowed = set(prop.values)
            if prop.type == "string_list":
                outside = _outside_lists(typed, allowed)
            else:
                outside = ~typed.isin(allowed)
            check.flag(
                valid & outside,
                prop_name,
                f"{{value}} is not one of {list(prop.values)}",
            )
        if prop.pattern:
            matches = typed.astype(str).str.fullmatch(prop.pattern)
            check.flag(valid & ~matches, prop_name, f"{{value}} does not match {prop.pattern}")
        if prop.codes:
            codes = _codes(prop.codes)
            check.flag(
                valid & ~typed.isin(codes),
                prop_name,
                f"{{value}} is not an {prop.codes.upper()} code",
            )
        out[prop_name] = typed.where(valid, None)
    for column in ORIGIN:
        out[column] = frame.get(column)
    check.problems.extend(_date_order(out, check, shown))
    return out, [
        dataclasses.replace(p, field=shown[p.field]) if p.field in shown else p
        for p in check.problems
    ]


def _date_order(frame: pd.DataFrame, check: Checker, shown: dict[str, str]) -> list[Problem]:
    """`x_from` must come before `x_until` (until is exclusive)."""
    before = len(check.problems)
    for column in frame.columns:
        if column.endswith("_from") and column.replace("_from", "_until") in frame:
            until = column.replace("_from", "_until")
            both = frame[column].notna() & frame[until].notna()
            wrong = both & (
                frame[column].where(both, datetime.date.min)
                >= frame[until].where(both, datetime.date.max)
            )
            check.flag(wrong, until, f"{{value}} must be after {shown.get(column, column)}")
        if column.endswith("_at_least") and column.removesuffix("_at_least") in frame:
            bound = column.removesuffix("_at_least")
            check.flag(
                (frame[column] == True) & frame[bound].isna(),  # noqa: E712 - a nullable column
                column,
                f"says the fact held at least since `{shown.get(bound, bound)}`, which is empty",
            )
    return check.problems[before:]


def _expected(prop_type: str) -> str:
    return {
        "date": "an ISO date (YYYY-MM-DD)",
        "integer": "a whole number",
        "float": "a number",
        "boolean": "true or false",
        "string_list": f"a list of text (in a table cell: a{LIST_SEPARATOR}b)",
    }.get(prop_type, "text")


def _no_sources(sources: Any) -> bool:
    """An empty list of sources; not a value that already failed as the wrong type."""
    return isinstance(sources, list) and not sources


def validate(raw: RawInput, schema: Schema, store: Store | None = None) -> Valid:
    """Check the whole input; raise IngestFailed listing every problem, or return it typed."""
    problems = list(raw.problems)
    renames = {
        prop.curated_name: name
        for name, prop in schema.temporal_properties.items()
        if prop.curated_name
    }
    nodes: dict[str, pd.DataFrame] = {}
    for kind, frame in raw.nodes().items():
        spec = schema.nodes[kind]
        if spec.name_from and spec.name_from in frame:
            name = frame["name"] if "name" in frame else pd.Series(None, index=frame.index)
            frame = frame.assign(name=name.where(name.notna(), frame[spec.name_from]))
        typed, found = _check_properties(frame, spec.properties, kind, "key", {}, (), spec.retired)
        problems.extend(found)
        if spec.key_codes:
            check = Checker(typed, "key")
            check.flag(
                typed["key"].notna() & ~typed["key"].isin(_codes(spec.key_codes)),
                "key",
                f"{{value}} is not a known code: {spec.key_hint}",
            )
            problems.extend(check.problems)
        if not spec.sources_required:
            nodes[kind] = typed
            continue
        check = Checker(typed, "key")
        check.flag(
            _test(typed["sources"], _no_sources), "sources", f"a {kind} needs at least one source"
        )
        problems.extend(check.problems)
        nodes[kind] = typed
    relationships: dict[str, pd.DataFrame] = {}
    for rel_type, frame in raw.relationships().items():
        rel = schema.relationships[rel_type]
        typed, found = _check_properties(
            frame,
            rel.properties,
            rel_type,
            "start",
            {k: v for k, v in renames.items() if rel.temporal},
            ("start", "end"),
            {},
        )
        problems.extend(found)
        check = Checker(typed, "start")
        for end in ("start", "end"):
            # A key is text; a number is read as text, as for node keys.
            keys, bad = _coerce(typed[end].astype(object), Property(type="string"))
            check.flag(bad, end, "expected the key of a node, got {value}")
            check.flag(keys.isna() & ~bad, end, "is required (the key of a node)")
            typed[end] = keys.where(~bad, None)
        check.flag(
            _test(typed["sources"], _no_sources),
            "sources",
            "a relationship needs at least one source",
        )
        problems.extend(check.problems)
        relationships[rel_type] = typed

    key_kinds = _key_kinds(nodes, problems)
    if store is not None:
        problems.extend(_keys_taken_in_store(nodes, store))
    referenced: set[str] = set()
    for frame in relationships.values():
        referenced |= set(frame["start"].dropna()) | set(frame["end"].dropna())
    cited: set[str] = set()
    for frame in [*nodes.values(), *relationships.values()]:
        cited.update(itertools.chain.from_iterable(s for s in frame["sources"].tolist() if s))
    missing = (referenced | cited) - set(key_kinds)
    if missing and store is not None:
        key_kinds.update(store.kinds_of(sorted(missing)))

    split = _resolve_endpoints(relationships, key_kinds, schema, problems)
    source_dates = _source_dates(nodes, store, key_kinds)
    _check_sources(nodes, relationships, key_kinds, problems)
    problems.extend(_ownership_cycles(relationships.get(OWNERSHIP), store))
    problems.extend(check_rules(nodes.get("ReachRule"), relationships, store))
    if problems:
        raise IngestFailed(problems)

    valid = Valid()
    for kind, frame in nodes.items():
        if kind == "Source":
            frame["known_from"] = frame["date"]
        else:
            frame["known_from"] = _known_from(frame["sources"], source_dates)
        frame["search_text"] = _folded(frame["key"] + " " + frame["name"].fillna(""))
        valid.nodes[kind] = frame.drop(columns=list(ORIGIN))
    for rel_type, pairs in split.items():
        valid.relationships[rel_type] = {}
        for pair, frame in pairs.items():
            frame = frame.assign(known_from=_known_from(frame["sources"], source_dates))
            valid.relationships[rel_type][pair] = frame.drop(columns=list(ORIGIN))
    return valid


def _folded(text: pd.Series) -> pd.Series:
    """`fold` of every text; ASCII text (most of it) folds to its lower case, vectorised."""
    ascii_ = text.str.isascii().astype(bool)
    out = text.str.lower().astype(object)
    out[~ascii_] = [fold(t) for t in text[~ascii_].tolist()]
    return out.astype("str")  # as Series.map(fold) gives


def _key_kinds(nodes: dict[str, pd.DataFrame], problems: list[Problem]) -> dict[str, str]:
    """Every key of the input with its kind; a key defined twice is a problem."""
    parts = [f[["key", "_file", "_line"]].assign(kind=k) for k, f in nodes.items() if not f.empty]
    if not parts:
        return {}
    every = pd.concat(parts, ignore_index=True).dropna(subset=["key"])
    repeated = every[every.duplicated("key", keep=False)]
    for key, group in repeated.groupby("key", sort=True):
        first = group.iloc[0]
        for _, row in group.iloc[1:].iterrows():
            problems.append(
                Problem(
                    str(row["_file"]),
                    int(row["_line"]),
                    str(key),
                    "key",
                    f"duplicate key: already defined as a {first['kind']} at "
                    f"{first['_file']}:{first['_line']}",
                )
            )
    return dict(zip(every["key"], every["kind"], strict=True))


def _keys_taken_in_store(nodes: dict[str, pd.DataFrame], store: Store) -> list[Problem]:
    """Keys are unique across the graph: a key the store holds for a node of another kind
    cannot be given to this one (Neo4j would refuse it half-way through the load)."""
    problems: list[Problem] = []
    for kind, count in store.counts().nodes.items():
        others = {k: f for k, f in nodes.items() if k != kind and not f.empty}
        if not count or not others:
            continue
        # one hash table of the stored keys, probed by each frame
        rows = read_rows(store, f"MATCH (n:{kind}) RETURN n.key")
        stored = pd.Index([row[0] for row in rows], dtype=object).drop_duplicates()
        for frame in others.values():
            check = Checker(frame, "key")
            check.flag(
                pd.Series(stored.get_indexer(frame["key"]) >= 0, index=frame.index),
                "key",
                f"the key {{value}} is already used by a {kind} in the store; "
                "keys are unique across the graph",
            )
            problems.extend(check.problems)
    return problems


def _resolve_endpoints(
    relationships: dict[str, pd.DataFrame],
    key_kinds: dict[str, str],
    schema: Schema,
    problems: list[Problem],
) -> dict[str, dict[tuple[str, str], pd.DataFrame]]:
    split: dict[str, dict[tuple[str, str], pd.DataFrame]] = {}
    kind_of = pd.Series(key_kinds, dtype=object)
    for rel_type, frame in relationships.items():
        allowed = set(schema.relationships[rel_type].pairs)
        check = Checker(frame, "start")
        start_kind = frame["start"].map(kind_of)
        end_kind = frame["end"].map(kind_of)
        for column, kinds in (("start", start_kind), ("end", end_kind)):
            check.flag(
                frame[column].notna() & kinds.isna(),
                column,
                "no node has the key {value} (in the input or the store)",
            )
        resolved = start_kind.notna() & end_kind.notna()
        pair_ok = pd.Series(False, index=frame.index)
        for start, end in allowed:
            pair_ok |= (start_kind == start) & (end_kind == end)
        pairs_text = ", ".join(f"{s} -> {e}" for s, e in sorted(allowed))
        check.flag(
            resolved & ~pair_ok,
            "end",
            f"{rel_type} cannot join these kinds; it joins {pairs_text}",
        )
        duplicated = frame.duplicated(["start", "end"], keep="first") & resolved
        check.flag(duplicated, "end", f"duplicate {rel_type} between the same two nodes")
        problems.extend(check.problems)
        good = frame[resolved & pair_ok]
        split[rel_type] = {
            (str(s), str(e)): part
            for (s, e), part in good.groupby([start_kind[good.index], end_kind[good.index]])
        }
    return split


def _source_dates(
    nodes: dict[str, pd.DataFrame], store: Store | None, key_kinds: dict[str, str]
) -> dict[str, datetime.date]:
    dates: dict[str, datetime.date] = {}
    if "Source" in nodes:
        frame = nodes["Source"].dropna(subset=["key", "date"])
        dates.update(zip(frame["key"], frame["date"], strict=True))
    outside = [k for k, kind in key_kinds.items() if kind == "Source" and k not in dates]
    if outside and store is not None:
        result = store.read(
            "MATCH (s:Source) WHERE s.key IN $keys RETURN s.key, s.date", {"keys": outside}
        )
        dates.update({row[0]: row[1] for row in result.rows if row[1] is not None})
    return dates


def _check_sources(
    nodes: dict[str, pd.DataFrame],
    relationships: dict[str, pd.DataFrame],
    key_kinds: dict[str, str],
    problems: list[Problem],
) -> None:
    sources = frozenset(k for k, kind in key_kinds.items() if kind == "Source")
    for frame, record in [
        *((f, "key") for f in nodes.values()),
        *((f, "start") for f in relationships.values()),
    ]:
        check = Checker(frame, record)
        wrong = _test(frame["sources"], lambda keys: bool(keys) and not sources.issuperset(keys))
        unknown = _each(
            frame["sources"][wrong], lambda keys: [k for k in keys if k not in sources]
        ).reindex(frame.index)
        check.flag(wrong, "sources", "no Source has the key(s) {value}", unknown)
        problems.extend(check.problems)


def _known_from(sources: pd.Series, dates: dict[str, datetime.date]) -> pd.Series:
    def earliest(keys: list[str] | None) -> datetime.date | None:
        if keys and len(keys) == 1:
            return dates.get(keys[0])
        return min((dates[k] for k in keys or [] if k in dates), default=None)

    return _each(sources, earliest)


def _ownership_cycles(frame: pd.DataFrame | None, store: Store | None) -> list[Problem]:
    """A company cannot own itself, however many subsidiaries lie between, counting the
    ownership the store already holds. Each cycle is reported once, on the first edge of
    the input met when walking it from its smallest key (the same report on every run)."""
    if frame is None or frame.empty:
        return []
    graph = nx.DiGraph()
    stored: list[list[Any]] = []
    if store is not None and store.counts().relationships.get(OWNERSHIP):
        stored = read_rows(store, f"MATCH (a)-[:{OWNERSHIP}]->(b) RETURN a.key, b.key")
    edges = frame.dropna(subset=["start", "end"])
    starts = pd.Series([start for start, _ in stored] + edges["start"].tolist(), dtype=object)
    ends = pd.Series([end for _, end in stored] + edges["end"].tolist(), dtype=object)
    cyclic = _maybe_cyclic(starts, ends)
    graph.add_edges_from(
        ((start, end) for (start, end), keep in zip(stored, cyclic, strict=False) if keep),
        origin=None,
    )
    for start, end, file, line, keep in zip(
        edges["start"],
        edges["end"],
        edges["_file"],
        edges["_line"],
        cyclic[len(stored) :],
        strict=True,
    ):
        if keep:
            graph.add_edge(start, end, origin=(file, line))
    problems = []
    for cycle in nx.simple_cycles(graph):
        first = cycle.index(min(cycle))
        cycle = cycle[first:] + cycle[:first]
        steps = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        given = [i for i, (a, b) in enumerate(steps) if graph.edges[a, b]["origin"] is not None]
        if not given:
            continue  # wholly in the store: not this input's doing
        cycle = cycle[given[0] :] + cycle[: given[0]]
        start, end = cycle[0], cycle[1 % len(cycle)]
        file, line = graph.edges[start, end]["origin"]
        chain = " -> ".join([*cycle, cycle[0]])
        problems.append(Problem(str(file), int(line), start, "end", f"ownership cycle: {chain}"))
    return problems


def _maybe_cyclic(starts: pd.Series, ends: pd.Series) -> list[bool]:
    """Which edges may lie on a cycle: what is left after peeling, again and again, the
    edges whose start nothing points to or whose end points nowhere (all of a forest)."""
    keep = np.ones(len(starts), dtype=bool)
    while keep.any():
        start, end = starts[keep], ends[keep]
        inner = start.isin(set(end)).to_numpy() & end.isin(set(start)).to_numpy()
        if inner.all():
            break
        keep[np.flatnonzero(keep)[~inner]] = False
    return keep.tolist()
