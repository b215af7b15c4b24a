"""The rows and Cypher of the Neo4j store's writes: batched `UNWIND $rows ... MERGE` (or
CREATE, for a bulk create) on keys that uniqueness constraints back.

Driver-free, beside the store (graph/stores/neo4j.py), so that the benchmark's raw loads
(bench/ingest.py) send the same parameters.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..schema import Property
from .neo4j_layout import ENTITY

#: Rows of a write, as the driver sends them: one dict each.
Rows = list[dict[str, Any]]


def write_rows(frame: pd.DataFrame, props: dict[str, Property], ends: list[str]) -> Rows:
    """The rows of a frame shaped as `Store.shaped` leaves it (`ends`, the key or start and
    end, then `props`), built column by column: no pandas row objects. Dates go as ISO
    text, which the query turns back into dates (`assignments`): the driver packs a
    `datetime.date` in Python code, several times slower than a string."""
    columns = [*ends, *props]
    values = []
    for name in columns:
        column = frame[name].tolist()
        if name in props and props[name].type == "date":
            column = [None if v is None else v.isoformat() for v in column]
        values.append(column)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def assignments(var: str, props: dict[str, Property], rows: Rows, *, new: bool) -> str:
    """The SET clause of a write: each property from its column, dates from their ISO text.
    In a bulk create (`new`) a property no row has is left out: a new node or relationship
    has nothing to remove, where a MERGE sets it to remove an old value."""
    names = [p for p in props if not new or any(row[p] is not None for row in rows)]
    if not names:
        return ""
    return " SET " + ", ".join(
        f"{var}.{p} = date(row.{p})" if props[p].type == "date" else f"{var}.{p} = row.{p}"
        for p in names
    )


def node_write(kind: str, props: dict[str, Property], rows: Rows, *, new: bool) -> str:
    verb = "CREATE" if new else "MERGE"
    return f"UNWIND $rows AS row {verb} (n:{kind}:{ENTITY} {{key: row.key}})" + assignments(
        "n", props, rows, new=new
    )


def relationship_write(
    rel_type: str,
    start_kind: str,
    end_kind: str,
    props: dict[str, Property],
    rows: Rows,
    *,
    new: bool,
) -> str:
    """Both ends are found by kind and key: each kind's uniqueness constraint is an index on
    key (an unlabelled `{key: ...}` would go through the Entity constraint of every node)."""
    verb = "CREATE" if new else "MERGE"
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{start_kind} {{key: row.start}}) MATCH (b:{end_kind} {{key: row.end}}) "
        f"{verb} (a)-[r:{rel_type}]->(b)" + assignments("r", props, rows, new=new)
    )
