"""reachgraph: whose law reaches which data, on what basis, as of when, and who says so."""

from .graph.errors import ReachgraphError
from .graph.schema import Schema, load_schema
from .graph.stores import QueryResult, Store, open_store

__all__ = ["QueryResult", "ReachgraphError", "Schema", "Store", "load_schema", "open_store"]
