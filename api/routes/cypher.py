"""The read-only door for researchers' own Cypher."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ...models import CypherAnswer, CypherRequest
from ..deps import Graph
from ..problems import RESPONSES, responses

router = APIRouter(tags=["cypher"], responses={**RESPONSES, **responses(403, 408)})


@router.post("/cypher", operation_id="runCypher")
async def cypher(request: CypherRequest, graph: Graph) -> CypherAnswer:
    """Run a read-only Cypher query with parameters.

    Writes, schema changes, files (LOAD CSV, LOAD FROM, COPY), settings, procedures outside a
    short read-only list and administration commands are refused with 403 before the query
    runs. The query stops at the time limit (408) and returns at most the row cap, with
    `truncated` set when it cut the answer. A query the store cannot run is a 400 with the
    store's message. docs/api.md lists the rules for each store."""
    return await run_in_threadpool(
        graph.cypher,
        request.query,
        request.params,
        timeout=request.timeout,
        row_cap=request.row_cap,
    )
