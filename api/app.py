"""`create_app()`: the FastAPI application, built from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from ..graph.errors import ReachgraphError
from ..settings import Settings
from .deps import open_graph
from .problems import on_http_error, on_reachgraph_error, on_validation_error
from .routes import health


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
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_exception_handler(ReachgraphError, on_reachgraph_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.include_router(health.router)
    return app
