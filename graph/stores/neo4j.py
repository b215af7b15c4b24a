"""The production store: Neo4j 5, through the official driver.

Every write is a batched `UNWIND $rows ... MERGE` on keys that uniqueness constraints
back (its rows and Cypher: neo4j_writes.py). Reads use `execute_query` with READ routing,
so a cluster can send them to its readers, and run in READ access mode, in which the server
refuses writes.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import neo4j
import pandas as pd
from neo4j import GraphDatabase, Query, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ServiceUnavailable,
    TransientError,
)
from neo4j.time import Date, DateTime

from ..errors import (
    ConfigError,
    QueryError,
    QueryRefused,
    QueryTimeout,
    StoreUnavailable,
    WriteRefused,
)
from ..schema import Schema
from .base import QueryResult, Store, StoreOptions, node_value, relationship_value
from .neo4j_layout import ENTITY, NOTES, constraints
from .neo4j_writes import Rows, node_write, relationship_write, write_rows

# The driver logs what it retries ("Unable to retrieve routing information") on its `neo4j`
# logger; where the application configures no logging (the command line), Python's
# last-resort handler would print that raw line before the store's own message. A
# NullHandler stops that; a configured root handler (the API's) still gets the records.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


#: Values the driver gives as Python would: returned as they are, without the checks below
#: (most values of a whole-table read; checked by exact type, the cheapest test).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _native(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Date):
        return value.to_native()
    if isinstance(value, DateTime):
        return value.to_native()
    if isinstance(value, list):
        if all(type(v) in _PLAIN for v in value):
            return value
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Node):
        kind = next(label for label in value.labels if label != ENTITY)
        return node_value(kind, value.element_id, {k: _native(v) for k, v in value.items()})
    if isinstance(value, neo4j.graph.Relationship):
        start, end = value.start_node, value.end_node
        assert start is not None and end is not None
        props = {k: _native(v) for k, v in value.items()}
        return relationship_value(value.type, start.element_id, end.element_id, props)
    return value


def _capped(row_cap: int | None) -> Any:
    """A result transformer that keeps at most `row_cap` records and says if it cut."""

    def transform(result: neo4j.Result) -> QueryResult:
        columns = list(result.keys())
        rows: list[list[Any]] = []
        truncated = False
        for record in result:
            if row_cap is not None and len(rows) >= row_cap:
                truncated = True
                break
            rows.append([_native(v) for v in record.values()])
        return QueryResult(columns, rows, truncated)

    return transform


#: The procedures a read query may call: they read the graph or its schema, nothing else.
#: Others that Neo4j marks READ still act (db.stats.collect, db.resampleIndex, APOC's loaders).
READ_PROCEDURES = frozenset(
    {
        "db.info",
        "db.labels",
        "db.ping",
        "db.propertyKeys",
        "db.relationshipTypes",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.schema.visualization",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
        "db.index.vector.queryNodes",
        "db.index.vector.queryRelationships",
    }
)

#: Plan steps of administration commands (SHOW ..., TERMINATE TRANSACTIONS, users, roles).
_COMMANDS = ("Show", "Terminate", "AdministrationCommand")

#: What each query type of a plan does, for messages.
_QUERY_TYPES = {
    "r": "only reads",
    "rw": "reads and writes",
    "w": "writes",
    "s": "changes the schema or the server",
}


def _steps(plan: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    """Every operator of a query plan, depth first."""
    if plan is None:
        return
    yield plan
    for child in plan.get("children", []):
        yield from _steps(child)


def _classify(error: ClientError) -> Exception:
    code = error.code or ""
    if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
        return WriteRefused(f"writes are not allowed here: {error.message}")
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return QueryTimeout("the query ran past its time limit and was cancelled")
    return QueryError(error.message or str(error))


def _matching(rel_type: str, ends: Sequence[str] | None) -> str:
    """MATCH every relationship `r` of the type, or (keys in $keys) those ending at them."""
    if ends is None:
        return f"MATCH ()-[r:{rel_type}]->()"
    return f"UNWIND $keys AS k MATCH ()-[r:{rel_type}]->(:{ENTITY} {{key: k}})"


class Neo4jStore(Store):
    backend = "neo4j"
    schemes = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

    @classmethod
    def open(cls, location: str, options: StoreOptions) -> Neo4jStore:
        """Reads are read-only whatever `options.read_only` says (`read` runs them so)."""
        return cls(
            location,
            user=options.user or "neo4j",
            password=options.password,
            database=options.database or "neo4j",
        )

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        batch_size: int = 5000,
        schema: Schema | None = None,
    ) -> None:
        super().__init__(schema)
        self.uri = uri
        self.database = database
        self.batch_size = batch_size
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                # Optional properties are often absent (a law with no end date); Neo4j's
                # "property key does not exist" warnings would bury real messages.
                notifications_min_severity="OFF",
            )
            self._driver.verify_connectivity()
        except AuthError as error:
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials of user {user!r}; "
                "set REACHGRAPH_NEO4J_USER and REACHGRAPH_NEO4J_PASSWORD"
            ) from error
        except (ServiceUnavailable, OSError) as error:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {uri}; is the server running, and is that its "
                "host and Bolt port (--store or REACHGRAPH_STORE)? "
                "(scripts/neo4j-test-server start runs a local one)"
            ) from error
        except (ConfigurationError, ValueError) as error:
            raise ConfigError(f"bad Neo4j URI {uri!r}: {error}") from error

    @property
    def location(self) -> str:
        return f"{self.uri} (database {self.database})"

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        try:
            self._driver.execute_query(
                cypher, dict(params or {}), database_=self.database, routing_=RoutingControl.WRITE
            )
        except ClientError as error:
            raise _classify(error) from error
        except ServiceUnavailable as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from error

    def apply_schema(self) -> None:
        for statement in constraints(self.schema):
            self._write(statement)

    def _batches(self, rows: Rows) -> Iterator[Rows]:
        for offset in range(0, len(rows), self.batch_size):
            yield rows[offset : offset + self.batch_size]

    def merge_nodes(self, kind: str, frame: pd.DataFrame, *, new: bool = False) -> None:
        props = {k: p for k, p in self.schema.nodes[kind].properties.items() if k != "key"}
        rows = write_rows(self.shaped(frame, ["key", *props]), props, ["key"])
        cypher = node_write(kind, props, rows, new=new)
        for batch in self._batches(rows):
            self._write(cypher, {"rows": batch})

    def merge_relationships(
        self,
        rel_type: str,
        start_kind: str,
        end_kind: str,
        frame: pd.DataFrame,
        *,
        new: bool = False,
    ) -> None:
        props = self.schema.relationships[rel_type].properties
        rows = write_rows(self.shaped(frame, ["start", "end", *props]), props, ["start", "end"])
        cypher = relationship_write(rel_type, start_kind, end_kind, props, rows, new=new)
        for batch in self._batches(rows):
            self._write(cypher, {"rows": batch})

    def _delete_relationships(self, rel_type: str, ends: Sequence[str] | None) -> None:
        # CALL { } IN TRANSACTIONS needs an implicit transaction: a plain session.run.
        with self._driver.session(database=self.database) as session:
            session.run(
                f"{_matching(rel_type, ends)} "
                "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
                {"keys": list(ends or ())},
            ).consume()

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
        `frame`, in one transaction: readers see the old ones until it commits, and a
        process killed half-way leaves the old ones (the server rolls back a transaction
        whose client is gone)."""
        props = self.schema.relationships[rel_type].properties
        rows = write_rows(self.shaped(frame, ["start", "end", *props]), props, ["start", "end"])
        create = relationship_write(rel_type, start_kind, end_kind, props, rows, new=True)
        try:
            with (
                self._driver.session(database=self.database) as session,
                session.begin_transaction() as tx,
            ):
                delete, keys = f"{_matching(rel_type, ends)} DELETE r", list(ends or ())
                if ends is None:
                    tx.run(delete).consume()
                for offset in range(0, len(keys), self.batch_size):
                    tx.run(delete, {"keys": keys[offset : offset + self.batch_size]}).consume()
                for batch in self._batches(rows):
                    tx.run(create, {"rows": batch}).consume()
                tx.commit()
        except ClientError as error:
            raise _classify(error) from error
        except TransientError as error:
            if "MemoryPoolOutOfMemory" not in (error.code or ""):
                raise StoreUnavailable(f"Neo4j at {self.uri}: {error.message}") from error
            # Over the server's dbms.memory.transaction.total.max: replace them batch by
            # batch instead. Readers may then see them half replaced for a moment, and a
            # kill meanwhile leaves them so until the next run rewrites them.
            warnings.warn(
                f"Neo4j at {self.uri} could not replace every {rel_type} in one transaction "
                f"({len(frame)} rows: {error.message}); replacing them in batches. Raise "
                "dbms.memory.transaction.total.max to keep the replacement atomic.",
                stacklevel=2,
            )
            self._delete_relationships(rel_type, ends)
            self.merge_relationships(rel_type, start_kind, end_kind, frame, new=True)
        except ServiceUnavailable as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from error

    def note(self, name: str) -> str | None:
        rows = self.read(f"MATCH (n:{NOTES} {{name: $name}}) RETURN n.value", {"name": name}).rows
        return rows[0][0] if rows else None

    def set_note(self, name: str, value: str) -> None:
        self._write(
            f"MERGE (n:{NOTES} {{name: $name}}) SET n.value = $value",
            {"name": name, "value": value},
        )

    def read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> QueryResult:
        result: QueryResult = self._read(Query(cypher, timeout=timeout), params, _capped(row_cap))
        return result

    def _read(self, query: Query, params: Mapping[str, Any] | None, transform: Any) -> Any:
        try:
            return self._driver.execute_query(
                query,
                dict(params or {}),
                database_=self.database,
                routing_=RoutingControl.READ,
                result_transformer_=transform,
            )
        except ClientError as error:
            raise _classify(error) from error
        except ServiceUnavailable as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from error

    def guard_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Ask the server for the query's plan (EXPLAIN runs nothing): its type must be
        read-only, and no step may load files or URLs, run a procedure outside
        READ_PROCEDURES, run an administration command or use another database."""
        summary = self._read(Query(f"EXPLAIN {cypher}"), params, neo4j.Result.consume)
        for step in _steps(summary.plan):
            operator, _, database = step["operatorType"].partition("@")
            if operator.startswith(_COMMANDS):
                raise QueryRefused(
                    "administration commands (SHOW, TERMINATE, users, databases) are not "
                    "allowed here; GET /schema describes the graph"
                )
            if database and database != self.database:
                raise QueryRefused(f"only the {self.database!r} database can be queried here")
            if operator == "LoadCSV":
                raise QueryRefused("LOAD CSV is not allowed here: it reads files and URLs")
            if operator == "ProcedureCall":
                name = step.get("args", {}).get("Details", "").partition("(")[0]
                if name not in READ_PROCEDURES:
                    raise QueryRefused(
                        f"the procedure {name} is not allowed here; "
                        f"these are: {', '.join(sorted(READ_PROCEDURES))}"
                    )
        if summary.query_type != "r":
            raise WriteRefused(
                "writes are not allowed here: this query "
                + _QUERY_TYPES.get(summary.query_type, "is not a read")
            )

    def data_version(self) -> str:
        """The bookmark of an empty read transaction: it names the last transaction committed
        to the database, so it changes with every write, whoever makes it."""
        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                session.run("RETURN 1").consume()
                return ",".join(sorted(session.last_bookmarks().raw_values))
        except ServiceUnavailable as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from error

    def clear(self) -> None:
        # CALL { } IN TRANSACTIONS needs an implicit transaction: a plain session.run. The
        # relationships go first, in small batches: a batch of nodes deletes their
        # relationships with them, and REACHES carry their paths as text (about 2.4 kB each
        # on the bundled data), which took a 10,000-node batch past the test server's
        # 256 MB transaction memory.
        with self._driver.session(database=self.database) as session:
            session.run(
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 2000 ROWS"
            ).consume()
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()

    def close(self) -> None:
        self._driver.close()
