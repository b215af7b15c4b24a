"""What the API tests share: a small real graph, and the settings of an app over a store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from reachgraph.graph.stores import Store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.settings import Settings
from tests.conftest import PASSWORD, ROOT

#: The bundled dataset (its reference files cite sources of several disputes): every kind
#: of node, a few hundred facts.
SAMPLE = [ROOT / "data"]


def load_sample(store: Store, paths: list[Path] = SAMPLE) -> None:
    store.apply_schema()
    load(validate(read_inputs(paths, store.schema), store.schema, store), store)


def settings_for(location: str, **overrides: Any) -> Settings:
    """Settings of an API over the store at `location`, whatever REACHGRAPH_* the shell has."""
    values: dict[str, Any] = {
        "store": location,
        "neo4j_user": "neo4j",
        "neo4j_password": SecretStr(PASSWORD),
        "neo4j_database": "neo4j",
        "query_timeout": 10.0,
        "row_cap": 1000,
        "cors_origins": [],
        "api_key": None,
        "response_cache_mb": 32,
        **overrides,
    }
    return Settings(**values)


#: The row cap of the API that the `client` fixture serves.
ROW_CAP = 50


def is_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body
