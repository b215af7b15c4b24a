"""The synthetic graph the benchmarks share: `reachgraph generate` tables, loaded through the
real ingest pipeline, unless the store already holds one at least that big."""

from __future__ import annotations

import tempfile
from pathlib import Path

from reachgraph.graph.stores import Store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables


def build(store: Store, companies: int) -> None:
    if store.counts().nodes["Company"] >= companies:
        return
    store.clear()
    with tempfile.TemporaryDirectory() as folder:
        write_tables(generate(companies, seed=1), Path(folder))
        load(validate(read_inputs([Path(folder)], store.schema), store.schema, store), store)
