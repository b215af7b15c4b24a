"""The query layer gives the same answers on LadybugDB and on Neo4j, field for field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from reachgraph.client import ReachGraph
from reachgraph.graph.errors import NotFound
from reachgraph.graph.stores import Store, open_store
from reachgraph.models import Source
from tests.api_helpers import load_sample
from tests.conftest import PASSWORD

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
    tmp_path_factory: pytest.TempPathFactory, neo4j_uri: str
) -> Iterator[tuple[ReachGraph, ReachGraph]]:
    stores = (
        open_store(str(tmp_path_factory.mktemp("client") / "store")),
        open_store(neo4j_uri, neo4j_password=PASSWORD),
    )
    for store in stores:
        store.clear()
        load_sample(store)
    ladybug, neo4j = (ReachGraph(store) for store in stores)
    with ladybug, neo4j:
        yield ladybug, neo4j


@pytest.mark.parametrize("case", list(CASES))
def test_both_stores_give_the_same_answer(graphs: tuple[ReachGraph, ReachGraph], case: str) -> None:
    ladybug, neo4j = (CASES[case](graph).model_dump() for graph in graphs)
    assert ladybug == neo4j


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
