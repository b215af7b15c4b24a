"""Entities: one by key with its sources, a page of a kind, an entity's neighbourhood."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ... import load_schema
from ...entities import MAX_DEPTH
from ...models import Entity, EntityPage, Neighbourhood
from ..answers import json_answer
from ..caching import NOT_MODIFIED, Tagged
from ..deps import Graph
from ..problems import RESPONSES, responses

router = APIRouter(
    tags=["entities"],
    responses={**RESPONSES, **responses(404), **NOT_MODIFIED},
    route_class=Tagged,
)

# The routes are async and run the query layer (which blocks) in the thread pool themselves:
# a sync route costs a second trip there, as FastAPI validates its answer in the pool too.
# They return their answer as JSON (api/answers.py); `response_model` declares its shape.

Key = Annotated[str, Path(min_length=1, max_length=500, description="The entity's key")]
#: Query parameters of GET /entities that are not filters.
_PAGING = {"kind", "limit", "offset"}


@router.get("/entities/{key}", operation_id="getEntity", response_model=Entity)
async def entity(key: Key, graph: Graph) -> Response:
    """One entity by key: its kind, every property, and its sources resolved to the Source
    nodes they name (title, publisher, date, url)."""
    return json_answer(await run_in_threadpool(graph.entity, key))


@router.get("/entities", operation_id="listEntities", response_model=EntityPage)
async def entities(
    request: Request,
    graph: Graph,
    kind: Annotated[
        str,
        Query(
            description="The node kind (see GET /schema)",
            json_schema_extra={"enum": list(load_schema().nodes)},
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """A page of the entities of one kind, in key order, with the total that match.

    Any other query parameter filters on a property of the kind, by equality
    (`?kind=Decision&fine_currency=EUR`); a list property matches when it contains the value
    (`?kind=Company&sources=src-...`). Dates are ISO days, booleans `true` or `false`. An
    unknown kind or property is a 400 that lists what can be used."""
    filters = {k: v for k, v in request.query_params.items() if k not in _PAGING}
    page = await run_in_threadpool(graph.entities, kind, filters, limit=limit, offset=offset)
    return json_answer(page)


@router.get(
    "/entities/{key}/neighbourhood", operation_id="getNeighbourhood", response_model=Neighbourhood
)
async def neighbourhood(
    key: Key,
    graph: Graph,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Steps from the entity")] = 1,
    limit: Annotated[int, Query(ge=1, le=500, description="Most nodes, the entity included")] = 100,
) -> Response:
    """The entities within `depth` relationships of this one, in either direction, nearest
    first, with the relationships between them; `truncated` when `limit` cut it short."""
    found = await run_in_threadpool(graph.neighbourhood, key, depth=depth, limit=limit)
    return json_answer(found)
