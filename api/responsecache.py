"""An in-process cache of whole answers to the cacheable GET routes (those that carry an ETag,
api/caching.py), for the data version they were computed from.

A hit sends the bytes and headers the route sent (ETag, Cache-Control, content type and
length) without routing, validation, a query or serialisation; the middlewares outside this
one still run, so each answer gets its own X-Request-ID (and CORS headers). An entry is
served only while the graph's data version is the one its answer was computed for: an
ingest, by the API or by another process, changes the version, and the next request asks
the graph again. Only 200 answers to GET are kept, never errors; requests that carry
If-None-Match go to the route, which answers 304 without a query anyway.

The key is the path and the query string. No cached route reads a request header (the
ones that matter, If-None-Match and CORS's Origin, are handled around it), so none is in
the key; a route that came to read one would have to add it here.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .caching import VERSION, data_version

#: Most answers kept, whatever their size.
MAX_ENTRIES = 10_000

#: What an entry costs beside its body and headers (the key, the objects): an estimate.
OVERHEAD = 200


@dataclass(frozen=True)
class Entry:
    version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    size: int


class ResponseCache:
    """ASGI middleware: add it innermost (before the others), so that they wrap hits too."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_entries: int = MAX_ENTRIES) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        #: One answer may take up to this much: a large export does not empty the cache.
        self.max_entry = max_bytes // 8
        self.entries: OrderedDict[tuple[str, bytes], Entry] = OrderedDict()
        self.size = 0
        #: The data version of the entries last stored; a newer one drops them all.
        self.version: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        key = (scope.get("root_path", "") + scope["path"], scope.get("query_string", b""))
        entry = self.entries.get(key)
        if entry is not None and not _validating(scope):
            version = await _current_version(scope)
            if version == entry.version:
                # While the version was asked, another request may have kept answers of a
                # newer version and dropped this one: it is still right for `version`.
                if self.entries.get(key) is entry:
                    self.entries.move_to_end(key)
                await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
                await send({"type": "http.response.body", "body": entry.body})
                return
            self._drop(key)
            if version is not None:
                scope[VERSION] = version  # the route's ETag needs not ask again
        await self._miss(key, scope, receive, send)

    async def _miss(
        self, key: tuple[str, bytes], scope: Scope, receive: Receive, send: Send
    ) -> None:
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0
        complete = False

        async def keep(message: Message) -> None:
            nonlocal status, headers, size, complete
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                size = sum(len(k) + len(v) for k, v in headers) + OVERHEAD
            elif message["type"] == "http.response.body" and status == 200:
                body = message.get("body", b"")
                size += len(body)
                if size <= self.max_entry:
                    chunks.append(body)
                    complete = not message.get("more_body", False)
                else:
                    status = -1  # too big to keep; sent all the same
            await send(message)

        await self.app(scope, receive, keep)
        version = scope.get(VERSION)
        if status == 200 and complete and isinstance(version, str):
            self._store(key, Entry(version, headers, b"".join(chunks), size))

    def _store(self, key: tuple[str, bytes], entry: Entry) -> None:
        if entry.version != self.version:
            self.entries.clear()
            self.size = 0
            self.version = entry.version
        self._drop(key)
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes or len(self.entries) > self.max_entries:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: tuple[str, bytes]) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= entry.size


def _validating(scope: Scope) -> bool:
    return any(name == b"if-none-match" for name, _ in scope["headers"])


async def _current_version(scope: Scope) -> str | None:
    """The graph's data version now; None when it cannot be read (the route then answers,
    with the problem the store's error makes)."""
    app: Any = scope.get("app")
    try:
        return await data_version(app.state.graph)
    except Exception:
        return None
