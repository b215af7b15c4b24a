"""The values of one table's properties: typed by the schema (ISO dates, numbers, booleans,
lists), and checked against required fields, allowed values, patterns and code lists."""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from ..graph.schema import Property
from .problems import Checker, Problem
from .rows import ORIGIN

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
LIST_SEPARATOR = "|"


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
