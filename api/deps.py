"""What routes depend on: the query layer over the store, opened once per app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..client import ReachGraph
from ..settings import Settings


def open_graph(settings: Settings) -> ReachGraph:
    """The API opens the embedded store read-only, so an ingest can run beside it."""
    return ReachGraph.open(settings.store, settings, read_only=True)


async def graph(request: Request) -> ReachGraph:
    """Async, as it only looks the graph up: a sync dependency costs a trip through the
    thread pool on every request (bench/api.py)."""
    reach: ReachGraph = request.app.state.graph
    return reach


Graph = Annotated[ReachGraph, Depends(graph)]
