"""Search by key or name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ... import load_schema
from ...models import SearchResults
from ..caching import NOT_MODIFIED, etag
from ..deps import Graph
from ..problems import RESPONSES

router = APIRouter(
    tags=["entities"], responses={**RESPONSES, **NOT_MODIFIED}, dependencies=[Depends(etag)]
)


@router.get("/search", operation_id="search")
def search(
    graph: Graph,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find")],
    kind: Annotated[
        str | None,
        Query(
            description="Only entities of this kind",
            json_schema_extra={"enum": list(load_schema().nodes)},
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResults:
    """Entities whose key or name contains every word of `q`, ignoring case and accents
    (`cour de cassation`; `liege` finds `Liège`): exact matches first, then prefixes, word
    prefixes and the rest."""
    return graph.search(q, kind, limit=limit)
