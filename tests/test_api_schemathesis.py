"""schemathesis, against the app's own OpenAPI schema over the embedded store holding the
bundled dataset: no request it makes gets a 5xx, an undocumented status, or an answer that
does not match the schema.

schemathesis' pytest integration (`from_fixture`) does not run under pytest 9, so each
operation's strategy is run here with hypothesis directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from reachgraph.api.app import create_app
from reachgraph.graph.stores import open_store
from tests.api_helpers import load_sample, settings_for

#: Hypothesis examples per operation: the whole run stays around a minute on 2 cores.
EXAMPLES = 100
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Every operation of the API (building the app opens no store), with valid requests, and
#: with invalid ones where it takes parameters or a body.
OPERATIONS = [
    (method.upper(), path, mode)
    for path, methods in create_app(settings_for("unused")).openapi()["paths"].items()
    for method, spec in methods.items()
    for mode in schemathesis.GenerationMode
    if mode == schemathesis.GenerationMode.POSITIVE
    or spec.get("parameters")
    or spec.get("requestBody")
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    location = str(tmp_path_factory.mktemp("schemathesis") / "store")
    with open_store(location) as store:
        load_sample(store)
    application = create_app(settings_for(location, query_timeout=2.0))
    with TestClient(application):  # runs the lifespan, which opens the store
        yield application


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    OPERATIONS,
    ids=[f"{m} {p} {g.value}-ladybug" for m, p, g in OPERATIONS],
)
def test_the_api_keeps_to_its_schema(
    app: FastAPI, method: str, path: str, mode: schemathesis.GenerationMode
) -> None:
    """Positive requests (valid by the schema) and negative ones (invalid on purpose)."""
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_to_schema(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(checks=CHECKS)

    keeps_to_schema()
