"""Writes through the API: upload a curated file to ingest, with the API key only."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
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


class RateLimit:
    """At most `per_minute` write requests from one client address in any 60 s, counted
    before the key is checked, so guessing keys is slowed down too."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and now - seen[0] > 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, int(60 - (now - seen[0])) + 1)
                raise HTTPException(
                    429,
                    f"Too many uploads: at most {self.per_minute} a minute from one client",
                    headers={"Retry-After": str(wait)},
                )
            seen.append(now)
            if len(self._seen) > 10_000:  # forget idle clients rather than grow without end
                for address in [a for a, times in self._seen.items() if not times]:
                    del self._seen[address]


_LIMITERS = threading.Lock()


def rate_limit(request: Request) -> None:
    """One RateLimit per app, made on its first upload."""
    with _LIMITERS:
        limiter: RateLimit | None = getattr(request.app.state, "ingest_rate_limit", None)
        if limiter is None:
            limiter = request.app.state.ingest_rate_limit = RateLimit(
                request.app.state.settings.ingest_per_minute
            )
    limiter.check(request.client.host if request.client else "unknown")


def require_api_key(request: Request, key: Annotated[str | None, Security(API_KEY)]) -> None:
    """403 when the API takes no writes (no REACHGRAPH_API_KEY), 401 for a missing or wrong key.
    The key is compared in constant time (hmac.compare_digest)."""
    expected = request.app.state.settings.api_key
    if expected is None or not expected.get_secret_value():
        raise HTTPException(
            403, "Writes through the API are off: the server has no REACHGRAPH_API_KEY"
        )
    if key is None or not hmac.compare_digest(key.encode(), expected.get_secret_value().encode()):
        raise HTTPException(
            401, "A valid X-API-Key header is required", headers={"WWW-Authenticate": "ApiKey"}
        )


router = APIRouter(
    tags=["ingest"],
    responses={**RESPONSES, **responses(401, 403, 413, 429)},
    dependencies=[Depends(rate_limit), Depends(require_api_key)],
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
            pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.ya?ml$",
            max_length=200,
            description="The file's name, used in problem messages: ASCII letters, digits, "
            "`_`, `.` and `-`, not starting with `.` or `-`, ending in .yaml or .yml",
        ),
    ] = "upload.yaml",
) -> IngestReport:
    """Validate one curated YAML file and load it, all or nothing: 422 lists every problem
    (file, line, field) and writes nothing. Loading is idempotent: the same file twice
    changes nothing the second time. Needs the X-API-Key header."""
    declared = request.headers.get("content-length", "0")
    too_large = f"Upload too large: {name}: at most {MAX_UPLOAD // 2**20} MiB"
    if declared.isdigit() and int(declared) > MAX_UPLOAD:
        raise HTTPException(413, too_large)
    # Read the body in chunks and stop at the cap: a chunked upload declares no length.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise HTTPException(413, too_large)
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise HTTPException(422, f"Empty upload {name}: send the YAML file as the request body")
    return await run_in_threadpool(graph.ingest, {name: body})
