"""The bundled data and a generated graph (`reachgraph generate`), each in a store, for tests
that need more answers than the bundled data gives.

The Neo4j tests share one database: a module that needs both graphs takes them from one
fixture with one parameter per (store, graph), so that pytest holds one at a time."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables
from tests.conftest import BACKENDS, DATA, PASSWORD, open_empty

#: How many companies the generated graph has.
COMPANIES = 150
GRAPHS = [(backend, graph) for backend in BACKENDS for graph in ("bundled", "generated")]


@dataclass(frozen=True)
class Loaded:
    """A store holding one of the two graphs, and where it is (for a CLI or an app)."""

    store: Store
    graph: str
    location: str


def load_generated(store: Store, companies: int, seed: int = 3) -> None:
    """Clear the store and load a graph of `companies` generated with `seed`."""
    with tempfile.TemporaryDirectory(prefix="reachgraph-generated-") as out:
        write_tables(generate(companies, seed=seed), Path(out))
        store.clear()
        store.apply_schema()
        load(validate(read_inputs([Path(out)], store.schema), store.schema, store), store)


def busiest(store: Store, count: int) -> list[str]:
    """The jurisdictions with the most REACHES, most first (ties by key)."""
    rows = store.read(
        "MATCH (j:Jurisdiction)-[x:REACHES]->(:Data) WITH j.key AS j, count(x) AS n "
        "RETURN j ORDER BY n DESC, j LIMIT $count",
        {"count": count},
    ).rows
    return [str(row[0]) for row in rows]


def load_graph(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """The body of a module fixture with params=GRAPHS: the graph in a store, read-only
    where the store allows it, so that other processes can open it too."""
    backend, graph = request.param
    folder = tmp_path_factory.mktemp(graph)
    location, store = open_empty(backend, folder, request)
    if graph == "generated":
        load_generated(store, COMPANIES)
    else:
        store.apply_schema()
        load(validate(read_inputs([DATA], store.schema), store.schema, store), store)
    store.close()
    store = open_store(location, read_only=True, password=PASSWORD)
    try:
        yield Loaded(store, graph, location)
    finally:
        store.close()


def graph_id(param: tuple[str, str]) -> str:
    return "-".join(param)
