"""Liveness, readiness and counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ...graph.stores import Store
from ..deps import graph
from ..problems import RESPONSES

router = APIRouter(tags=["health"], responses=RESPONSES)


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    backend: str


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


@router.get("/healthz", operation_id="healthz")
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", operation_id="readyz")
def readyz(store: Annotated[Store, Depends(graph)]) -> Ready:
    """The store answers a query."""
    store.read("RETURN 1")
    return Ready(status="ready", backend=store.backend)


@router.get("/stats", operation_id="stats")
def stats(store: Annotated[Store, Depends(graph)]) -> Stats:
    """Node counts per kind and relationship counts per type."""
    counts = store.counts()
    return Stats(nodes=counts.nodes, relationships=counts.relationships)
