"""What the store already holds, read for checks against it: whole columns, fast where the
store reads tables as DataFrames."""

from __future__ import annotations

from typing import Any

from ..graph.stores import FrameReader, Store


def read_rows(store: Store, cypher: str) -> list[list[Any]]:
    """The rows of a trusted query without parameters, through `read_frame` where the store
    has it (missing values then come as NaN, dates as Timestamps: for reading keys)."""
    if isinstance(store, FrameReader):
        rows: list[list[Any]] = store.read_frame(cypher).to_numpy(dtype=object).tolist()
        return rows
    return store.read(cypher).rows
