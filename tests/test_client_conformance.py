"""The query layer gives the same answers on every store (LadybugDB, Neo4j), field for field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from reachgraph.client import ReachGraph
from reachgraph.graph.errors import NotFound
from reachgraph.graph.stores import Store
from reachgraph.models import Source
from tests.api_helpers import load_sample
from tests.conftest import BACKENDS, open_empty

CASES: dict[str, Callable[[ReachGraph], Any]] = {
    "entity": lambda g: g.entity("be-cass-2019-02-19-skype"),
    "entities": lambda g: g.entities("Company", limit=500),
    "entities-filtered": lambda g: g.entities("Decision", {"fine_currency": "EUR"}),
    "search": lambda g: g.search("skype communications"),
    "search-by-kind": lambda g: g.search("be", "Authority", limit=100),
    "neighbourhood": lambda g: g.neighbourhood("skype-communications-sarl", depth=3, limit=500),
    "neighbourhood-cut": lambda g: g.neighbourhood("BE", depth=2, limit=40),
    "schema": lambda g: g.schema(),
}


@pytest.fixture(scope="module")
def graphs(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, ReachGraph]]:
    folder = tmp_path_factory.mktemp("client")
    opened = {backend: ReachGraph(open_empty(backend, folder, request)[1]) for backend in BACKENDS}
    try:
        for graph in opened.values():
            load_sample(graph.store)
        yield opened
    finally:
        for graph in opened.values():
            graph.close()


@pytest.mark.parametrize("case", list(CASES))
def test_every_store_gives_the_same_answer(graphs: dict[str, ReachGraph], case: str) -> None:
    (first, answer), *others = ((b, CASES[case](g).model_dump()) for b, g in graphs.items())
    assert others, "one store only: nothing to compare"
    for backend, answered in others:
        assert answered == answer, f"{backend} answers otherwise than {first}"


def test_a_remembered_kind_follows_the_data(store: Store) -> None:
    """ReachGraph remembers the kind of a key; when the node goes, or comes back as another
    kind, the answer follows the data all the same."""
    graph = ReachGraph(store)

    def put(kind: str) -> None:
        store.clear()
        store.merge_nodes(kind, pd.DataFrame([{"key": "k-1", "name": "One", "sources": ["s-1"]}]))

    put("Company")
    assert graph.entity("k-1").kind == "Company"
    assert graph.entity("k-1").sources == [Source(key="s-1")]  # unresolved, as before
    store.clear()
    with pytest.raises(NotFound):
        graph.entity("k-1")
    with pytest.raises(NotFound):
        graph.node("k-1")
    put("Authority")
    assert graph.entity("k-1").kind == "Authority"
    put("Company")
    assert graph.node("k-1").kind == "Company"
    assert graph.neighbourhood("k-1").nodes[0].kind == "Company"
