"""The visual explorer: a single page at `/`, its assets under `/explorer/`.

Plain HTML, JavaScript and CSS in api/explorer/ (cytoscape.js vendored into
api/explorer/vendor/ by scripts/vendor-frontend), calling the API's own GET routes. Kept out
of the OpenAPI schema: it is a page for people, not an operation of the API.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request, Response
from starlette.staticfiles import StaticFiles

#: Where the page and its assets are.
EXPLORER = Path(__file__).resolve().parent.parent / "explorer"
#: What the page may load and run: only what this server serves (the vendored library
#: included), and links out to the sources, which need no permission.
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)
_files = StaticFiles(directory=EXPLORER)


async def _serve(path: str, request: Request) -> Response:
    # StaticFiles looks the file up inside EXPLORER only (a `..` cannot leave it), answers
    # 304 to a matching If-None-Match or If-Modified-Since, and raises 404 (a problem+json).
    response = await _files.get_response(os.path.normpath(path), request.scope)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = POLICY
    return response


@router.api_route("/", methods=["GET", "HEAD"])
async def page(request: Request) -> Response:
    """The explorer page."""
    return await _serve("index.html", request)


@router.api_route("/explorer/{path:path}", methods=["GET", "HEAD"])
async def asset(path: str, request: Request) -> Response:
    """The page's scripts, styles and vendored libraries."""
    return await _serve(path, request)
