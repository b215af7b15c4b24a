"""reachgraph: whose law reaches which data, on what basis, as of when, and who says so.

What the query layer passes on from the layers below it: the API imports these from here,
never from graph/ or queries/ (CONTRIBUTING.md, "Layout").
"""

from .graph.errors import InvalidParameter, ReachgraphError, StoreUnavailable
from .graph.schema import Schema, load_schema
from .graph.stores import QueryResult, Store, open_store
from .queries import NamedQuery, catalog

__all__ = [
    "InvalidParameter",
    "NamedQuery",
    "QueryResult",
    "ReachgraphError",
    "Schema",
    "Store",
    "StoreUnavailable",
    "catalog",
    "load_schema",
    "open_store",
]
