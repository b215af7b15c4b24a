"""The stores behind one interface, and `open_store`, which picks one from a URI or a path."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import ConfigError
from ..schema import Schema
from .base import Counts, FrameReader, QueryResult, Store

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

__all__ = [
    "NEO4J_SCHEMES",
    "Counts",
    "FrameReader",
    "QueryResult",
    "Store",
    "open_store",
    "scratch_store",
]


def open_store(
    location: str,
    *,
    read_only: bool = False,
    neo4j_user: str = "neo4j",
    neo4j_password: str = "",
    neo4j_database: str = "neo4j",
) -> Store:
    """Open the store at `location`: a Neo4j URI, or a directory for the embedded store.

    `read_only` opens the embedded store read-only (the API does, so an ingest can run
    beside it); Neo4j reads are always read-only through `Store.read`.
    """
    scheme = urlsplit(location).scheme
    if scheme in NEO4J_SCHEMES:
        from .neo4j import Neo4jStore

        return Neo4jStore(
            location, user=neo4j_user, password=neo4j_password, database=neo4j_database
        )
    if "://" in location:
        raise ConfigError(
            f"unsupported store URI {location!r}: use a neo4j://, neo4j+s:// or bolt:// URI "
            "for Neo4j, or a directory path for the embedded store"
        )
    from .ladybug import LadybugStore

    return LadybugStore(location, read_only=read_only)


def scratch_store(schema: Schema) -> Store:
    """An empty in-memory store with `schema`, whatever store the data comes from: the
    embedded one, which needs no server and is gone when closed (what-if questions)."""
    from .ladybug import LadybugStore

    return LadybugStore(None, schema=schema)
