"""Writes through the API: upload a curated file to ingest, with the API key only."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from ...models import IngestReport
from ..deps import Graph
from ..problems import RESPONSES, responses

MAX_UPLOAD = 20 * 1024 * 1024
API_KEY = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="The key set in REACHGRAPH_API_KEY"
)


def require_api_key(request: Request, key: Annotated[str | None, Security(API_KEY)]) -> None:
    """403 when the API takes no writes (no REACHGRAPH_API_KEY), 401 for a missing or wrong key."""
    expected = request.app.state.settings.api_key
    if expected is None or not expected.get_secret_value():
        raise HTTPException(
            403, "Writes through the API are off: the server has no REACHGRAPH_API_KEY"
        )
    if key is None or not secrets.compare_digest(
        key.encode(), expected.get_secret_value().encode()
    ):
        raise HTTPException(
            401, "A valid X-API-Key header is required", headers={"WWW-Authenticate": "ApiKey"}
        )


router = APIRouter(
    tags=["ingest"],
    responses={**RESPONSES, **responses(401, 403, 413)},
    dependencies=[Depends(require_api_key)],
)


@router.post(
    "/ingest",
    operation_id="ingest",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One curated YAML file (docs/curated-format.md)",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def ingest(
    request: Request,
    graph: Graph,
    name: Annotated[
        str,
        Query(
            pattern=r"^[\w.-]+\.ya?ml$",
            max_length=200,
            description="The file's name, used in problem messages",
        ),
    ] = "upload.yaml",
) -> IngestReport:
    """Validate one curated YAML file and load it, all or nothing: 422 lists every problem
    (file, line, field) and writes nothing. Loading is idempotent: the same file twice
    changes nothing the second time. Needs the X-API-Key header."""
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_UPLOAD:
        raise HTTPException(413, f"Upload too large: at most {MAX_UPLOAD // 2**20} MiB")
    body = await request.body()
    if len(body) > MAX_UPLOAD:
        raise HTTPException(413, f"Upload too large: at most {MAX_UPLOAD // 2**20} MiB")
    if not body.strip():
        raise HTTPException(422, "Empty upload: send the YAML file as the request body")
    return await run_in_threadpool(graph.ingest, {name: body})
