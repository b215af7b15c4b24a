"""Errors as RFC 9457 problem+json, in one shape everywhere."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import ORJSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..graph.errors import ReachgraphError

PROBLEM = "application/problem+json"


class ProblemDetail(BaseModel):
    """An error answer (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


def problem(status: int, title: str, detail: str | None = None) -> ORJSONResponse:
    body = ProblemDetail(title=title, status=status, detail=detail).model_dump()
    return ORJSONResponse(body, status_code=status, media_type=PROBLEM)


async def on_reachgraph_error(_: Request, error: Exception) -> ORJSONResponse:
    assert isinstance(error, ReachgraphError)
    return problem(error.status, error.title, str(error))


async def on_http_error(_: Request, error: Exception) -> ORJSONResponse:
    assert isinstance(error, HTTPException)
    return problem(error.status_code, str(error.detail))


async def on_validation_error(_: Request, error: Exception) -> ORJSONResponse:
    assert isinstance(error, RequestValidationError)
    details = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
    )
    return problem(422, "Invalid request", details)


#: Declared on every route so the OpenAPI schema documents the error shape.
RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ProblemDetail, "content": {PROBLEM: {}}, "description": title}
    for status, title in ((400, "Bad request"), (422, "Invalid request"),
                          (503, "Store unavailable"))
}
