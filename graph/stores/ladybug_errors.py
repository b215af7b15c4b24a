"""LadybugDB's errors as reachgraph's: what the engine's message says happened."""

from __future__ import annotations

import re

from ..errors import QueryError, QueryTimeout, WriteRefused

_WRITE_MESSAGE = re.compile(r"read-only (transaction|database)", re.IGNORECASE)


def classify(error: Exception) -> Exception:
    """The reachgraph error for an error LadybugDB raised running a statement."""
    message = str(error)
    if message.startswith("Interrupted"):
        return QueryTimeout("the query ran past its time limit and was cancelled")
    if _WRITE_MESSAGE.search(message):
        return WriteRefused(f"writes are not allowed here: {message}")
    if message.startswith("Buffer manager exception"):
        return QueryError(
            f"the embedded store ran out of memory ({message}); "
            "REACHGRAPH_EMBEDDED_MEMORY_MB bounds it, if set; else the machine's memory does"
        )
    return QueryError(message)
