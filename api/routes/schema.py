"""The schema of the graph."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...models import SchemaInfo
from ..caching import NOT_MODIFIED, etag
from ..deps import Graph
from ..problems import RESPONSES

router = APIRouter(
    tags=["schema"], responses={**RESPONSES, **NOT_MODIFIED}, dependencies=[Depends(etag)]
)


@router.get("/schema", operation_id="getSchema")
def schema(graph: Graph) -> SchemaInfo:
    """Node kinds, relationship types (with the kinds they connect and the sentence that reads
    them) and their properties, as declared in graph/schema.yaml."""
    return graph.schema()
