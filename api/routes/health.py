"""Liveness, readiness and counts."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ..caching import NOT_MODIFIED, etag
from ..deps import Graph
from ..problems import RESPONSES

router = APIRouter(tags=["health"], responses=RESPONSES)


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    backend: str
    data_version: str


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


@router.get("/healthz", operation_id="healthz")
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", operation_id="readyz")
def readyz(graph: Graph) -> Ready:
    """The store answers a query; `data_version` changes whenever the graph's data does."""
    return Ready(status="ready", backend=graph.ping(), data_version=graph.data_version())


@router.get("/stats", operation_id="stats", dependencies=[Depends(etag)], responses=NOT_MODIFIED)
def stats(graph: Graph) -> Stats:
    """Node counts per kind and relationship counts per type."""
    counts = graph.counts()
    return Stats(nodes=counts.nodes, relationships=counts.relationships)
