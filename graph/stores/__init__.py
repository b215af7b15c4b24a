"""The stores behind one interface, and `open_store`, which picks one from a URI or a path."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..schema import Schema
from .base import Counts, FrameReader, QueryResult, Store, StoreOptions

__all__ = [
    "Counts",
    "FrameReader",
    "QueryResult",
    "Store",
    "StoreOptions",
    "open_store",
    "scratch_store",
    "store_for",
    "stores",
]


@cache
def stores() -> tuple[type[Store], ...]:
    """Every store: a new one is a module in graph/stores/ and its class here. Imported when
    first asked for, so that importing reachgraph loads no driver."""
    from .ladybug import LadybugStore
    from .neo4j import Neo4jStore

    return (LadybugStore, Neo4jStore)


def store_for(location: str) -> type[Store]:
    """The store that opens `location`: the one that declares its URI scheme, or the one that
    opens paths (scheme "") for a location that is no URI."""
    by_scheme = {scheme: store for store in stores() for scheme in store.schemes}
    scheme = urlsplit(location).scheme
    if scheme in by_scheme:
        return by_scheme[scheme]
    if "://" not in location and "" in by_scheme:
        return by_scheme[""]  # a path, also one that reads as a scheme (C:\data)
    known = ", or ".join(f"{_locations(store)} ({store.backend})" for store in stores())
    raise ConfigError(f"unsupported store URI {location!r} (scheme {scheme!r}): give {known}")


def _locations(store: type[Store]) -> str:
    """What the store opens, in words: `a directory path`, `a bolt:// or neo4j:// URI`."""
    uris = [f"{scheme}://" for scheme in store.schemes if scheme]
    said = ["a directory path"] if "" in store.schemes else []
    if uris:
        said.append(
            f"a {', '.join(uris[:-1])} or {uris[-1]} URI" if len(uris) > 1 else f"a {uris[0]} URI"
        )
    return " or ".join(said)


def open_store(
    location: str,
    *,
    read_only: bool = False,
    user: str | None = None,
    password: str = "",
    database: str | None = None,
    memory_mb: int | None = None,
) -> Store:
    """Open the store at `location`, picked by its URI scheme (`Store.schemes`): a Neo4j URI,
    or a directory path for the embedded store.

    `read_only` opens the embedded store read-only (the API does, so an ingest can run
    beside it); `user`, `password` and `database` are for a store on a server (Neo4j);
    `memory_mb` bounds the embedded store's memory (its buffer pool).
    """
    options = StoreOptions(read_only, user, password, database, memory_mb)
    return store_for(location).open(location, options)


def scratch_store(schema: Schema) -> Store:
    """An empty in-memory store with `schema`, whatever store the data comes from: the
    embedded one, which needs no server and is gone when closed (what-if questions)."""
    from .ladybug import LadybugStore

    return LadybugStore(None, schema=schema)
