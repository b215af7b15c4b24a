"""Keys and what refers to them: keys unique in the run and the store, relationship endpoints
of an allowed kind, sources that resolve and are not dated after what they report."""

from __future__ import annotations

import datetime

import pandas as pd

from ..graph.schema import Schema
from ..graph.stores import Store
from .problems import Checker, Problem
from .properties import _each, _test
from .stored import read_rows


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
    nodes: dict[str, pd.DataFrame],
    store: Store | None,
    key_kinds: dict[str, str],
    source_kind: str,
) -> dict[str, datetime.date]:
    """The date of every source (node of `source_kind`) the input has or refers to."""
    dates: dict[str, datetime.date] = {}
    if source_kind in nodes:
        frame = nodes[source_kind].dropna(subset=["key", "date"])
        dates.update(zip(frame["key"], frame["date"], strict=True))
    outside = [k for k, kind in key_kinds.items() if kind == source_kind and k not in dates]
    if outside and store is not None:
        result = store.read(
            f"MATCH (s:{source_kind}) WHERE s.key IN $keys RETURN s.key, s.date",
            {"keys": outside},
        )
        dates.update({row[0]: row[1] for row in result.rows if row[1] is not None})
    return dates


def _check_sources(
    nodes: dict[str, pd.DataFrame],
    relationships: dict[str, pd.DataFrame],
    key_kinds: dict[str, str],
    problems: list[Problem],
    source_kind: str,
) -> None:
    sources = frozenset(k for k, kind in key_kinds.items() if kind == source_kind)
    for frame, record in [
        *((f, "key") for f in nodes.values()),
        *((f, "start") for f in relationships.values()),
    ]:
        check = Checker(frame, record)
        wrong = _test(frame["sources"], lambda keys: bool(keys) and not sources.issuperset(keys))
        unknown = _each(
            frame["sources"][wrong], lambda keys: [k for k in keys if k not in sources]
        ).reindex(frame.index)
        check.flag(wrong, "sources", f"no {source_kind} has the key(s) {{value}}", unknown)
        problems.extend(check.problems)


def _known_from(sources: pd.Series, dates: dict[str, datetime.date]) -> pd.Series:
    def earliest(keys: list[str] | None) -> datetime.date | None:
        if keys and len(keys) == 1:
            return dates.get(keys[0])
        return min((dates[k] for k in keys or [] if k in dates), default=None)

    return _each(sources, earliest)
