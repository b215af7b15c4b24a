"""Every named query gives the same answers, row for row, on every store (LadybugDB, Neo4j)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from reachgraph.graph.stores import Store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.transparency import DEFAULT_TABLE, import_transparency
from reachgraph.queries import catalog
from reachgraph.questions import ask
from tests.conftest import BACKENDS, DATA, open_empty

#: Parameters for every named query; more than one set where the answer turns on a date.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("reach", {"jurisdiction": "BE", "as_of": "2017-11-15"}),
    ("reach", {"jurisdiction": "US", "as_of": "2018-03-24"}),
    ("reach", {"jurisdiction": "US", "as_of": "2018-03-24", "known_on": "2017-12-31"}),
    ("reach", {"jurisdiction": "EU", "as_of": "2026-11-01"}),
    ("exposure", {"data": "skype-user-data-be-2012", "as_of": "2017-11-15"}),
    ("exposure", {"data": "icloud-data-mainland-china-users", "as_of": "2022-01-01"}),
    ("conflicts", {"as_of": "2017-11-15"}),
    ("conflicts", {"as_of": "2022-01-01"}),
    ("channels", {"a": "US", "b": "IE", "as_of": "2017-11-15"}),
    ("part_of", {"jurisdiction": "GB", "as_of": "2019-06-01"}),
    ("control_chain", {"company": "skype-communications-sarl", "as_of": "2012-01-01"}),
    ("control_chain", {"company": "linkedin-corporation", "as_of": "2020-01-01"}),
    ("dispute_story", {"key": "be-skype-refusal-case"}),
    ("dispute_story", {"key": "us-microsoft-ireland-warrant-case"}),
    ("explain", {"a": "skype-user-data-be-2012", "b": "microsoft-corporation"}),
    ("explain", {"a": "yahoo-inc", "b": "be-cass-2019-02-19-skype"}),
    ("precedents", {"basis": "service_targeting"}),
    ("precedents", {"basis": "control"}),
    ("request_volumes", {"jurisdiction": "be", "from": "2012-01-01", "until": "2013-01-01"}),
    ("request_volumes", {"company": "google-llc", "until": "2010-01-01"}),
]


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Store]]:
    folder = tmp_path_factory.mktemp("conformance")
    opened = {backend: open_empty(backend, folder, request)[1] for backend in BACKENDS}
    for store in opened.values():
        store.apply_schema()
        load(validate(read_inputs([DATA], store.schema), store.schema, store), store)
        import_transparency(DEFAULT_TABLE, store)
    yield opened
    for store in opened.values():
        store.close()


def test_every_named_query_has_a_case() -> None:
    assert {name for name, _ in CASES} == set(catalog())


def answers(store: Store, name: str, params: dict[str, Any]) -> list[bytes]:
    rows = [
        orjson.dumps(a.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
        for a in ask(store, name, params)
    ]
    return sorted(rows)


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_every_store_gives_the_same_answers(
    stores: dict[str, Store], name: str, params: dict[str, Any]
) -> None:
    first, *others = ((backend, answers(store, name, params)) for backend, store in stores.items())
    assert first[1], f"{name} {params} has no answer; the case tests nothing"
    assert others, "one store only: nothing to compare"
    for backend, answered in others:
        assert answered == first[1], f"{backend} answers otherwise than {first[0]}"
