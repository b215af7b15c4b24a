"""The typed errors of reachgraph. The CLI prints them as one line; the API maps them to HTTP."""

from __future__ import annotations


class ReachgraphError(Exception):
    """Base of every error reachgraph raises on purpose. `status` is the HTTP status it maps to."""

    status = 500
    title = "Internal error"
    #: The command line's exit status for it (2: the user's input names what is not there).
    exit_code = 1


class ConfigError(ReachgraphError):
    """A setting or a store URI that cannot work."""

    status = 400
    title = "Bad configuration"


class StoreUnavailable(ReachgraphError):
    """The store cannot be reached or opened (server down, wrong password, locked file)."""

    status = 503
    title = "Store unavailable"


class NotFound(ReachgraphError):
    """An entity, a key or a named query that is not there: an error that names it, never an
    empty answer."""

    status = 404
    title = "Not found"
    exit_code = 2


class QueryError(ReachgraphError):
    """A query the store rejected: a syntax error, an unknown label, a bad parameter."""

    status = 400
    title = "Query error"


class InvalidParameter(QueryError):
    """A parameter of a question that cannot be: not a date, not one of the allowed values,
    unknown or missing."""

    status = 422
    title = "Invalid parameter"
    exit_code = 2


class StaleCursor(ReachgraphError):
    """A cursor to the next page of an answer whose data has changed since: the answer it
    was a page of is gone, and the question must be asked again from its first page."""

    status = 409
    title = "Stale cursor"
    exit_code = 2


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
