"""Errors as RFC 9457 problem+json, in one shape everywhere."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from .. import ReachgraphError, StoreUnavailable

PROBLEM = "application/problem+json"
log = logging.getLogger("reachgraph.api")


class ProblemDetail(BaseModel):
    """An error answer (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


def problem(
    status: int, title: str, detail: str | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    body = ProblemDetail(title=title, status=status, detail=detail).model_dump()
    return Response(orjson.dumps(body), status, headers, media_type=PROBLEM)


async def on_reachgraph_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, ReachgraphError)
    retry = {"Retry-After": "1"} if isinstance(error, StoreUnavailable) else None
    return problem(error.status, error.title, str(error), retry)


async def on_http_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    title = HTTPStatus(error.status_code).phrase
    detail = None if error.detail == title else str(error.detail)
    return problem(error.status_code, title, detail, error.headers)


async def on_validation_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
    return problem(422, "Invalid request", details)


async def on_unexpected_error(_: Request, error: Exception) -> Response:
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal error", "an unexpected error; the server log has the details")


def responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The problem answers a route can give, for the OpenAPI schema."""
    return {
        status: {"model": ProblemDetail, "content": {PROBLEM: {}}, "description": _TITLES[status]}
        for status in statuses
    }


_TITLES = {
    400: "Bad request: a bad parameter or query",
    401: "No API key, or a wrong one",
    403: "Refused: writes are off, or the query is not a read",
    404: "Not found",
    408: "The query ran past its time limit",
    409: "Stale cursor: the data changed since the page it follows; ask from the first page",
    413: "The upload is too large",
    422: "Invalid request or input",
    429: "Too many requests: wait for Retry-After seconds",
    500: "Internal error",
    503: "Store unavailable",
}

#: Declared on every route: what any request can meet.
RESPONSES = responses(400, 422, 500, 503)
