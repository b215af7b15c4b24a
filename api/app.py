"""`create_app()`: the FastAPI application, built from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import ReachgraphError
from ..settings import Settings
from .caching import NotModified, on_not_modified
from .deps import open_graph
from .problems import on_http_error, on_reachgraph_error, on_unexpected_error, on_validation_error
from .requestid import HEADER, RequestId, configure_logging
from .responsecache import ResponseCache
from .routes import cypher, entities, explorer, export, health, ingest, questions, schema, search


class HeadAsGet:
    """HEAD answers as GET does, without the body (RFC 9110 9.3.2): FastAPI routes declared
    with GET answer HEAD with 405 by themselves. Outermost, so the cache, ETag checks and
    headers (Content-Length included) are the GET answer's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.graph = open_graph(settings)
        try:
            yield
        finally:
            app.state.graph.close()

    app = FastAPI(
        title="reachgraph",
        summary="Whose law reaches which data, on what basis, as of when, and who says so.",
        description="Errors are RFC 9457 problem+json. GET answers carry an ETag tied to the "
        "graph's data version. docs/api.md describes every endpoint.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_exception_handler(ReachgraphError, on_reachgraph_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(NotModified, on_not_modified)
    app.add_exception_handler(Exception, on_unexpected_error)
    for router in (health, schema, entities, search, questions, cypher, ingest, explorer, export):
        app.include_router(router.router)
    if settings.response_cache_mb > 0:
        # Innermost: CORS and the request id wrap the answers it gives.
        app.add_middleware(ResponseCache, max_bytes=int(settings.response_cache_mb * 2**20))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "If-None-Match", "X-API-Key", HEADER],
            expose_headers=["ETag", "Link", HEADER],
        )
    app.add_middleware(RequestId)
    app.add_middleware(HeadAsGet)
    configure_logging()
    return app
