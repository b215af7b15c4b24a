"""The embedded store: LadybugDB (the maintained fork of Kùzu), in process, no server.

The store is a directory holding the database file `graph.lbug`. Writes go through
`LOAD FROM <DataFrame>` with a CAST per column (the schema gives the types): it is an
order of magnitude faster than `UNWIND $rows`, and the CASTs let a column that is empty in
one batch still bind to its declared type.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ladybug
import pandas as pd

from ..errors import QueryError, QueryRefused, QueryTimeout, StoreUnavailable
from ..schema import Property, Schema
from .base import QueryResult, Store, StoreOptions
from .ladybug_errors import classify
from .ladybug_guard import _one_statement, guard_read
from .ladybug_layout import _TYPES, NOTES, ddl
from .ladybug_values import native

DB_FILE = "graph.lbug"


#: How long a read-only store waits for a writer in another process to finish rewriting the
#: database file before it answers StoreUnavailable.
REOPEN_WAIT = 5.0

#: (modification time, size) of the database file and of its write-ahead log, None if absent.
Stamps = tuple[tuple[int, int] | None, ...]


class LadybugStore(Store):
    backend = "ladybug"
    schemes = ("",)  # a directory path
    local_data_version = True  # two stat() calls

    @classmethod
    def open(cls, location: str, options: StoreOptions) -> LadybugStore:
        return cls(location, read_only=options.read_only, memory_mb=options.memory_mb)

    def __init__(
        self,
        path: str | Path | None,
        *,
        read_only: bool = False,
        schema: Schema | None = None,
        memory_mb: int | None = None,
    ) -> None:
        """Open the store in the directory `path`, creating it if needed; `None` opens an
        empty in-memory store (what-if questions run on one). `memory_mb` bounds its
        buffer pool (the pages it keeps, and its queries' hash tables and sorts); LadybugDB's
        default is 80% of the machine's memory, for each process that opens a store."""
        super().__init__(schema)
        self.path = Path(path).expanduser() if path is not None else None
        self.read_only = read_only
        self.memory_mb = memory_mb
        #: The files whose stamps make the data version, as strings: _files runs several
        #: times a read, and joining paths there cost more than the stat() calls.
        self._stamped = (
            [str(self.path / name) for name in (DB_FILE, f"{DB_FILE}.wal")] if self.path else []
        )
        self._writes = 0  # the data version of an in-memory store
        # One connection is not safe to share between threads (the API's worker threads).
        self._lock = threading.Lock()
        self._db, self._conn, self._opened = self._connect()
        #: The connection's query timeout (ms, 0 for none), set only when it changes.
        self._timeout_ms = 0

    def _connect(self) -> tuple[ladybug.Database, ladybug.Connection, Stamps]:
        stamps = self._files()
        try:
            pool = (self.memory_mb or 0) * 2**20
            db = ladybug.Database(self._file(), read_only=self.read_only, buffer_pool_size=pool)
            return db, ladybug.Connection(db), stamps
        except RuntimeError as error:
            raise StoreUnavailable(
                f"cannot open the embedded store at {self.path}: {error}"
            ) from error

    def _files(self) -> Stamps:
        stamps: list[tuple[int, int] | None] = []
        for file in self._stamped:
            try:
                stat = os.stat(file)
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except FileNotFoundError:
                stamps.append(None)
        return tuple(stamps)

    def data_version(self) -> str:
        """Stamps of the database file and its write-ahead log: a commit in any process
        grows the log, a checkpoint rewrites the file. An in-memory store counts its writes."""
        if self.path is None:
            return f"memory-{self._writes}"
        return "/".join("-" if s is None else f"{s[0]}.{s[1]}" for s in self._files())

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

    def _execute(
        self, cypher: str, params: Mapping[str, Any] | None = None, timeout_ms: int = 0
    ) -> Any:
        """Run a statement with a time limit (ms; 0, the default, for none). The limit is
        left on the connection and set again only when it changes: setting it is a call into
        the connection that the next statement applies, which cost every read two of them
        when each reset it (bench/api.py)."""
        if timeout_ms != self._timeout_ms:
            self._conn.set_query_timeout(timeout_ms)
            self._timeout_ms = timeout_ms
        try:
            return self._conn.execute(cypher, dict(params or {}))
        except RuntimeError as error:
            raise classify(error) from error

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
            self._writes += 1

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
            self._writes += 1

    def replace_relationships(
        self,
        rel_type: str,
        start_kind: str,
        end_kind: str,
        frame: pd.DataFrame,
        *,
        ends: Sequence[str] | None = None,
    ) -> None:
        """Every relationship of `rel_type` (or those ending at `ends`) replaced by those of
        `frame`, in one transaction: a process killed half-way leaves the old ones
        (LadybugDB replays only committed transactions from its write-ahead log), never
        none or some."""
        props = self.schema.relationships[rel_type].properties
        frame = self.shaped(frame, ["start", "end", *props])
        frame.columns = ["start_key", "end_key", *props]
        with self._lock:
            self._execute("BEGIN TRANSACTION")
            try:
                if ends is None:
                    self._execute(f"MATCH ()-[r:{rel_type}]->() DELETE r")
                else:
                    self._execute(
                        f"UNWIND $keys AS k MATCH ()-[r:{rel_type}]->(:{end_kind} {{key: k}}) "
                        "DELETE r",
                        {"keys": list(ends)},
                    )
                if not frame.empty:
                    self._execute(
                        f"COPY {rel_type} FROM $rows (from='{start_kind}', to='{end_kind}')",
                        {"rows": frame},
                    )
            except BaseException:
                self._end_read_transaction()
                raise
            self._execute("COMMIT")
            self._writes += 1

    def note(self, name: str) -> str | None:
        with self._lock:
            rows = self._execute(
                f"MATCH (n:{NOTES} {{name: $name}}) RETURN n.value", {"name": name}
            ).get_all()
        return rows[0][0] if rows else None

    def set_note(self, name: str, value: str) -> None:
        with self._lock:
            self._execute(
                f"MERGE (n:{NOTES} {{name: $name}}) SET n.value = $value",
                {"name": name, "value": value},
            )
            self._writes += 1

    def read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> QueryResult:
        _one_statement(cypher)
        with self._lock:
            if not self.read_only:
                return self._read(cypher, params, timeout, row_cap)
            return self._read_current(cypher, params, timeout, row_cap)

    def _read_current(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        timeout: float | None,
        row_cap: int | None,
    ) -> QueryResult:
        """A read-only LadybugDB handle reads the file as it was when it was opened, and a
        checkpoint by a writer in another process rewrites pages underneath it (the handle
        then reads wrong values). So reopen when the files have changed, and read again when
        the database file changed during the read."""
        for _ in range(3):
            self._refresh()
            opened = self._opened[0]
            try:
                result = self._read(cypher, params, timeout, row_cap)
            except (QueryRefused, QueryTimeout):
                raise
            except QueryError:
                if self._files()[0] == opened:
                    raise
                continue
            if self._files()[0] == opened:
                return result
        raise StoreUnavailable(
            f"the embedded store at {self.path} kept changing during the read (an ingest is "
            "writing it); retry in a moment"
        )

    def _refresh(self) -> None:
        """Reopen a read-only store whose files another process has changed. While that
        process is writing, opening can fail: when only the write-ahead log has grown, the old
        handle still reads the last checkpoint consistently; when the file itself changed,
        wait for the writer."""
        deadline = time.monotonic() + REOPEN_WAIT
        while self._files() != self._opened:
            rewritten = self._files()[0] != self._opened[0]
            try:
                connection = self._connect()
            except StoreUnavailable:
                if not rewritten:
                    return
                if time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"the embedded store at {self.path} is being rewritten by another "
                        "process (an ingest); retry in a moment"
                    ) from None
                time.sleep(0.05)
                continue
            self.close()
            self._db, self._conn, self._opened = connection
            self._timeout_ms = 0
            return

    def _read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        timeout: float | None,
        row_cap: int | None,
    ) -> QueryResult:
        timeout_ms = int((timeout or 0) * 1000)
        began = False
        try:
            if not self.read_only:
                self._execute("BEGIN TRANSACTION READ ONLY", timeout_ms=timeout_ms)
                began = True
            result = self._execute(cypher, params, timeout_ms)
            columns = result.get_column_names()
            rows: list[list[Any]] = []
            truncated = False
            while result.has_next():
                if row_cap is not None and len(rows) >= row_cap:
                    truncated = True
                    break
                rows.append(native(result.get_next()))
            result.close()
        finally:
            if began:
                self._end_read_transaction()
        return QueryResult(columns, rows, truncated)

    def read_frame(self, cypher: str) -> pd.DataFrame:
        """The whole answer of a trusted read query as a DataFrame, converted by LadybugDB in
        one go (several times faster than `read` for a whole table: the ingest reads tables
        back to compare them with its input). Dates come as datetime64, missing values as
        NaN or NaT. A read-only store first reopens on files another process changed, as
        `read` does."""
        with self._lock:
            if self.read_only:
                self._refresh()
            began = False
            try:
                if not self.read_only:
                    self._execute("BEGIN TRANSACTION READ ONLY")
                    began = True
                frame: pd.DataFrame = self._execute(cypher).get_as_df()
            finally:
                if began:
                    self._end_read_transaction()
        return frame

    def guard_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Read the query's words, as graph/stores/ladybug_guard.py says."""
        guard_read(cypher, params)

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
            self._writes += 1
        self.apply_schema()

    def close(self) -> None:
        self._conn.close()
        self._db.close()
