"""HTTP caching tied to the graph's data version: an ETag on every GET answer, and 304 Not
Modified when the client already holds the answer for the current data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from ..client import ReachGraph
from .deps import Graph

#: The scope key under which the ETag dependency finds the data version that the response
#: cache (api/responsecache.py) already read for the request, and leaves the one it used: a
#: route that sets it is cacheable, and its answer was computed for that version.
VERSION = "reachgraph.data_version"

#: Caches may keep answers but must ask again each time (the ETag makes asking cheap).
CACHE_CONTROL = "no-cache"


#: The answer a cached GET route can give, for the OpenAPI schema.
NOT_MODIFIED: dict[int | str, dict[str, object]] = {
    304: {"description": "Not Modified: the ETag in If-None-Match is current; no body"}
}


class NotModified(Exception):
    def __init__(self, etag: str) -> None:
        self.etag = etag


async def etag(request: Request, response: Response, graph: Graph) -> None:
    """Set ETag and Cache-Control; answer 304 (before any query runs) when If-None-Match
    names the current ETag. For routes that copy the tag into a Response they make
    themselves (a stream); a router whose routes return whole answers takes `Tagged`."""
    tag = await current_tag(request, graph)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = CACHE_CONTROL


async def current_tag(request: Request, graph: ReachGraph) -> str:
    """The ETag of the answer to `request` now; NotModified when If-None-Match names it. The
    tag changes with the data and with the app's version.

    The data version is the one the response cache read for this request, if it did; the one
    used is left in the scope, which tells the cache the answer may be kept, and for what
    data (api/responsecache.py)."""
    current = request.scope.get(VERSION)
    if not isinstance(current, str):
        current = request.scope[VERSION] = await data_version(graph)
    tag = _tag(request.app.version, current)
    given = request.headers.get("if-none-match")
    if given and (
        given.strip() == "*"
        or tag.removeprefix("W/") in (t.strip().removeprefix("W/") for t in given.split(","))
    ):
        raise NotModified(tag)
    return tag


def _tag(app_version: str, data_version: str) -> str:
    version = f"{app_version}:{data_version}"
    return f'W/"{hashlib.blake2b(version.encode(), digest_size=12).hexdigest()}"'


class Tagged(APIRoute):
    """A route that does what the `etag` dependency does, without being one: the tag is
    checked before the route's parameters and dependencies are (a 304 runs no query), and
    set on the answer, whether the route returns a model or a Response, and FastAPI has no
    dependency on Request, Response and Graph to resolve for it on every request (the
    entity lookups are the API's most frequent requests; docs/benchmarks.md, HTTP API)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tagged(request: Request) -> Response:
            tag = await current_tag(request, request.app.state.graph)
            response = await handler(request)
            response.headers["ETag"] = tag
            response.headers["Cache-Control"] = CACHE_CONTROL
            return response

        return tagged


async def data_version(graph: ReachGraph) -> str:
    """The graph's data version without holding up the event loop: asked directly where the
    store reads it locally (cheaper than a trip through the thread pool), else in a thread."""
    if graph.store.local_data_version:
        return graph.data_version()
    return await run_in_threadpool(graph.data_version)


async def on_not_modified(_: Request, error: Exception) -> Response:
    assert isinstance(error, NotModified)
    return Response(status_code=304, headers={"ETag": error.etag, "Cache-Control": CACHE_CONTROL})
