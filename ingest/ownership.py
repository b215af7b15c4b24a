"""No ownership cycle: a company is never its own (indirect) owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..graph.schema import Schema
from ..graph.stores import Store
from .problems import Problem
from .stored import read_rows


def _ownership_cycles(
    relationships: Mapping[str, pd.DataFrame], schema: Schema, store: Store | None
) -> list[Problem]:
    """A company cannot own itself, however many subsidiaries lie between, counting the
    ownership (the schema's `ownership` relationship) the store already holds. Each cycle is
    reported once, on the first edge of the input met when walking it from its smallest key
    (the same report on every run)."""
    ownership = schema.ownership
    frame = relationships.get(ownership)
    if frame is None or frame.empty:
        return []
    graph = nx.DiGraph()
    stored: list[list[Any]] = []
    if store is not None and store.counts().relationships.get(ownership):
        stored = read_rows(store, f"MATCH (a)-[:{ownership}]->(b) RETURN a.key, b.key")
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
