"""What routes depend on: the open store, wrapped in the query layer."""

from __future__ import annotations

from fastapi import Request

from ..graph.stores import Store, open_store
from ..settings import Settings


def open_graph(settings: Settings) -> Store:
    """The API opens the embedded store read-only, so an ingest can run beside it."""
    return open_store(
        settings.store,
        read_only=True,
        neo4j_user=settings.neo4j_user,
        neo4j_password=settings.neo4j_password.get_secret_value(),
        neo4j_database=settings.neo4j_database,
    )


def graph(request: Request) -> Store:
    store: Store = request.app.state.graph
    return store
