"""The typed errors of reachgraph. The CLI prints them as one line; the API maps them to HTTP."""

from __future__ import annotations


class ReachgraphError(Exception):
    """Base of every error reachgraph raises on purpose. `status` is the HTTP status it maps to."""

    status = 500
    title = "Internal error"


class ConfigError(ReachgraphError):
    """A setting or a store URI that cannot work."""

    status = 400
    title = "Bad configuration"


class StoreUnavailable(ReachgraphError):
    """The store cannot be reached or opened (server down, wrong password, locked file)."""

    status = 503
    title = "Store unavailable"


class NotFound(ReachgraphError):
    status = 404
    title = "Not found"


class QueryError(ReachgraphError):
    """A query the store rejected: a syntax error, an unknown label, a bad parameter."""

    status = 400
    title = "Query error"


class QueryRefused(QueryError):
    """A query the read-only door does not run: it would write, touch files or settings, or
    reach beyond the graph."""

    status = 403
    title = "Query refused"


class WriteRefused(QueryRefused):
    """A write attempted through a read-only door."""

    title = "Write refused"


class QueryTimeout(QueryError):
    """A query that ran past its time limit and was cancelled."""

    status = 408
    title = "Query timed out"
