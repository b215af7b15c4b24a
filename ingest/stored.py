"""What the store already holds, read for checks against it: whole columns, fast where the
store reads tables as DataFrames."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pandas as pd

from ..graph.stores import Store


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
