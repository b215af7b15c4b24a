"""The embedded store: LadybugDB (the maintained fork of Kùzu), in process, no server.

The store is a directory holding the database file `graph.lbug`. Writes go through
`LOAD FROM <DataFrame>` with a CAST per column (the schema gives the types): it is an
order of magnitude faster than `UNWIND $rows`, and the CASTs let a column that is empty in
one batch still bind to its declared type.
"""

from __future__ import annotations

import decimal
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ladybug
import pandas as pd

from ..errors import QueryError, QueryTimeout, StoreUnavailable, WriteRefused
from ..schema import Property, Schema
from .base import QueryResult, Store, node_value, relationship_value

DB_FILE = "graph.lbug"

_TYPES = {
    "string": "STRING",
    "text": "STRING",
    "date": "DATE",
    "integer": "INT64",
    "float": "DOUBLE",
    "boolean": "BOOLEAN",
    "string_list": "STRING[]",
}


def _column(name: str, prop: Property) -> str:
    return f"{name} {_TYPES[prop.type]}"


def ddl(schema: Schema) -> list[str]:
    """The CREATE statements for every node and relationship table of the schema."""
    statements = []
    for kind in schema.nodes.values():
        columns = [
            _column(name, prop) + (" PRIMARY KEY" if name == "key" else "")
            for name, prop in kind.properties.items()
        ]
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {kind.name}({', '.join(columns)})")
    for rel in schema.relationships.values():
        pairs = [f"FROM {start} TO {end}" for start, end in rel.pairs]
        columns = [_column(name, prop) for name, prop in rel.properties.items()]
        statements.append(
            f"CREATE REL TABLE IF NOT EXISTS {rel.name}({', '.join(pairs + columns)})"
        )
    return statements


def _id(internal: Mapping[str, int]) -> str:
    return f"{internal['table']}:{internal['offset']}"


def _native(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        if "_LABEL" in value and "_SRC" in value:
            props = {k: _native(v) for k, v in value.items() if not k.startswith("_")}
            return relationship_value(
                value["_LABEL"], _id(value["_SRC"]), _id(value["_DST"]), props
            )
        if "_LABEL" in value and "_ID" in value:
            props = {k: _native(v) for k, v in value.items() if not k.startswith("_")}
            return node_value(value["_LABEL"], _id(value["_ID"]), props)
        return {k: _native(v) for k, v in value.items()}
    return value


_WRITE_MESSAGE = re.compile(r"read-only (transaction|database)", re.IGNORECASE)


def _classify(error: Exception, cypher: str) -> Exception:
    message = str(error)
    if message.startswith("Interrupted"):
        return QueryTimeout("the query ran past its time limit and was cancelled")
    if _WRITE_MESSAGE.search(message):
        return WriteRefused(f"writes are not allowed here: {message}")
    return QueryError(message)


class LadybugStore(Store):
    backend = "ladybug"

    def __init__(
        self, path: str | Path | None, *, read_only: bool = False, schema: Schema | None = None
    ) -> None:
        """Open the store in the directory `path`, creating it if needed; `None` opens an
        empty in-memory store (what-if questions run on one)."""
        super().__init__(schema)
        self.path = Path(path).expanduser() if path is not None else None
        self.read_only = read_only
        try:
            self._db = ladybug.Database(self._file(), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as error:
            raise StoreUnavailable(
                f"cannot open the embedded store at {self.path}: {error}"
            ) from error
        # One connection is not safe to share between threads (the API's worker threads).
        self._lock = threading.Lock()

    def _file(self) -> str:
        if self.path is None:
            return ":memory:"
        file = self.path / DB_FILE
        if self.read_only and not file.exists():
            raise StoreUnavailable(
                f"no embedded store at {self.path}; create it with `reachgraph init` or "
                "`reachgraph ingest`"
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(
                f"cannot create the embedded store at {self.path}: {error}"
            ) from error
        return str(file)

    @property
    def location(self) -> str:
        return str(self.path) if self.path else "memory"

    def _execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> Any:
        try:
            return self._conn.execute(cypher, dict(params or {}))
        except RuntimeError as error:
            raise _classify(error, cypher) from error

    def apply_schema(self) -> None:
        with self._lock:
            for statement in ddl(self.schema):
                self._execute(statement)

    def _casts(self, props: Mapping[str, Property], target: str) -> str:
        return ", ".join(
            f"{target}.{name} = CAST({name} AS {_TYPES[prop.type]})" for name, prop in props.items()
        )

    def merge_nodes(self, kind: str, frame: pd.DataFrame, *, new: bool = False) -> None:
        if frame.empty:
            return
        props = self.schema.nodes[kind].properties
        frame = self.shaped(frame, list(props))
        if new:
            cypher = f"COPY {kind} FROM $rows"
        else:
            rest = {k: p for k, p in props.items() if k != "key"}
            cypher = (
                f"LOAD FROM $rows MERGE (n:{kind} {{key: CAST(key AS STRING)}}) "
                f"SET {self._casts(rest, 'n')}"
            )
        with self._lock:
            self._execute(cypher, {"rows": frame})

    def merge_relationships(
        self,
        rel_type: str,
        start_kind: str,
        end_kind: str,
        frame: pd.DataFrame,
        *,
        new: bool = False,
    ) -> None:
        if frame.empty:
            return
        props = self.schema.relationships[rel_type].properties
        # `start` and `end` are keywords of LadybugDB's Cypher; rename them for LOAD FROM.
        frame = self.shaped(frame, ["start", "end", *props])
        frame.columns = ["start_key", "end_key", *props]
        if new:
            cypher = f"COPY {rel_type} FROM $rows (from='{start_kind}', to='{end_kind}')"
        else:
            cypher = (
                f"LOAD FROM $rows "
                f"MATCH (a:{start_kind} {{key: CAST(start_key AS STRING)}}) "
                f"MATCH (b:{end_kind} {{key: CAST(end_key AS STRING)}}) "
                f"MERGE (a)-[r:{rel_type}]->(b) SET {self._casts(props, 'r')}"
            )
        with self._lock:
            self._execute(cypher, {"rows": frame})

    def read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> QueryResult:
        with self._lock:
            self._conn.set_query_timeout(int((timeout or 0) * 1000))
            began = False
            try:
                if not self.read_only:
                    self._execute("BEGIN TRANSACTION READ ONLY")
                    began = True
                result = self._execute(cypher, params)
                columns = result.get_column_names()
                rows: list[list[Any]] = []
                truncated = False
                while result.has_next():
                    if row_cap is not None and len(rows) >= row_cap:
                        truncated = True
                        break
                    rows.append(_native(result.get_next()))
                result.close()
            finally:
                if began:
                    self._end_read_transaction()
                self._conn.set_query_timeout(0)
        return QueryResult(columns, rows, truncated)

    def _end_read_transaction(self) -> None:
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as error:
            # A failed or interrupted query has already ended the transaction.
            if "No active transaction" not in str(error):
                raise

    def clear(self) -> None:
        """Drop every table (relationships first) and create them anew: faster than
        deleting row by row, and it also drops tables of an older schema."""
        with self._lock:
            tables = self._execute("CALL show_tables() RETURN name, type").get_all()
            for name, _ in sorted(tables, key=lambda table: table[1] != "REL"):
                self._execute(f"DROP TABLE IF EXISTS {name}")
        self.apply_schema()

    def close(self) -> None:
        self._conn.close()
        self._db.close()
