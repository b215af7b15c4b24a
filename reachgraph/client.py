"""The query layer: `ReachGraph` answers the API's (and a notebook's) questions from a store.

Every answer is the same on both stores: the Cypher here is portable, and where a store
answers in its own order, the answer is sorted here.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .coverage import Coverage, coverage
from .entities import EntityLookups
from .graph.stores import Counts, Store, open_store
from .ingest.curated_graph import Graph
from .models import (
    Change,
    CypherAnswer,
    IngestReport,
    SchemaInfo,
)
from .paging import STREAM_PAGE, Page, ask_all, ask_page
from .questions import Exposure, Hypothesis, ask, exposure
from .settings import Settings
from .whatif import WhatIf, what_if

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


class ReachGraph(EntityLookups):
    """Questions about the graph in one store. Open one with `ReachGraph.open()`, or wrap a
    store you opened; close it (or use `with`) when done."""

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        *,
        writer: Callable[[], Store] | None = None,
    ) -> None:
        """`writer` opens a store to write to for `ingest`; by default it writes to `store`."""
        self.store = store
        self.settings = settings or Settings()
        self._writer = writer
        self._ingesting = threading.Lock()
        # key -> kind, most recently used last: see node().
        self._kinds: OrderedDict[str, str] = OrderedDict()
        self._kinds_lock = threading.Lock()
        # (data version, curated graph) for what-ifs: see curated_graph().
        self._graph: tuple[str, Graph] | None = None
        self._graph_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        location: str | None = None,
        settings: Settings | None = None,
        *,
        read_only: bool = True,
    ) -> ReachGraph:
        """Open the store at `location` (default: REACHGRAPH_STORE). Read-only, the embedded
        store can be read while an ingest in another process writes it; `ingest` then opens
        a writable store of its own for the time of the load."""
        settings = settings or Settings()

        def connect(read_only: bool) -> Store:
            return open_configured(location, settings, read_only=read_only)

        return cls(connect(read_only), settings, writer=lambda: connect(False))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ReachGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the graph as a whole -------------------------------------------------------------

    def ping(self) -> str:
        """Run a query; the store's backend when it answers, StoreUnavailable when not."""
        self._read("RETURN 1")
        return self.store.backend

    def data_version(self) -> str:
        """Changes whenever the graph's data changes (see Store.data_version)."""
        return self.store.data_version()

    def schema(self) -> SchemaInfo:
        return SchemaInfo.of(self.store.schema)

    def counts(self) -> Counts:
        return self.store.counts()

    def coverage(self) -> Coverage:
        return coverage(self.store)

    # -- the named questions (queries/) ---------------------------------------------------

    def ask(self, name: str, params: Mapping[str, Any] | None = None) -> list[BaseModel]:
        """The answers of a named question, each with the path that explains it."""
        return ask(self.store, name, params, timeout=self.settings.query_timeout)

    def page(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page:
        """One page of a named question's answer (reachgraph/paging.py): the first `limit`
        answers, or those after `cursor`, the `next` of the page before. Its `next` is None
        on the last page; a cursor from before the data changed is a StaleCursor."""
        return ask_page(
            self.store,
            name,
            params,
            limit=limit,
            cursor=cursor,
            timeout=self.settings.query_timeout,
        )

    def stream(
        self, name: str, params: Mapping[str, Any] | None = None, *, limit: int = STREAM_PAGE
    ) -> Iterator[BaseModel]:
        """A named question's whole answer, read `limit` answers at a time: for answers too
        large to hold at once. The data must not change meanwhile (StaleCursor)."""
        return ask_all(self.store, name, params, limit=limit, timeout=self.settings.query_timeout)

    def exposure(
        self,
        data: str,
        as_of: datetime.date | None = None,
        known_on: datetime.date | None = None,
        standing: str | list[str] | None = None,
    ) -> Exposure:
        """Who compels and who blocks the data on the day, and the conflicts with channels."""
        return exposure(
            self.store, data, as_of, known_on, standing, timeout=self.settings.query_timeout
        )

    def what_if(
        self, changes: list[Hypothesis], name: str, params: Mapping[str, Any] | None = None
    ) -> WhatIf:
        """A named question under hypothetical changes, never written, beside the real
        answers (reachgraph/whatif.py)."""
        return what_if(
            self.store,
            self.curated_graph(),
            changes,
            name,
            params,
            timeout=self.settings.query_timeout,
        )

    def curated_graph(self) -> Graph:
        """The curated graph in memory, read once per data version (for what-ifs)."""
        version = self.data_version()
        with self._graph_lock:
            if self._graph is None or self._graph[0] != version:
                self._graph = (version, Graph.read(self.store))
            return self._graph[1]

    # -- exports (reachgraph/export/) ------------------------------------------------------

    def to_networkx(
        self,
        *,
        around: str | None = None,
        depth: int = 1,
        answers: list[BaseModel] | None = None,
    ) -> nx.MultiDiGraph:
        """The whole graph, the nodes within `depth` steps of `around` and the relationships
        between them, or what lies on the paths of `answers` (of `ask`), as a MultiDiGraph:
        nodes by key, edges keyed by type, typed attributes (see reachgraph.export)."""
        from .export.scope import to_networkx

        return to_networkx(self, around=around, depth=depth, answers=answers)

    def to_pandas(
        self,
        *,
        around: str | None = None,
        depth: int = 1,
        answers: list[BaseModel] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The same as `to_networkx`, as two DataFrames: nodes and edges."""
        from .export.scope import to_pandas

        return to_pandas(self, around=around, depth=depth, answers=answers)

    # -- researchers' own queries ---------------------------------------------------------

    def cypher(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> CypherAnswer:
        """Run a researcher's read-only query. Writes, files, settings and administration are
        refused before it runs (Store.guard_read); the time limit and the row cap are the
        settings', or lower ones given here."""
        self.store.guard_read(text, params)
        seconds = min(timeout or self.settings.query_timeout, self.settings.query_timeout)
        cap = min(row_cap or self.settings.row_cap, self.settings.row_cap)
        result = self.store.read(text, params, timeout=seconds, row_cap=cap)
        return CypherAnswer(columns=result.columns, rows=result.rows, truncated=result.truncated)

    # -- writes ---------------------------------------------------------------------------

    def ingest(self, files: Mapping[str, bytes]) -> IngestReport:
        """Validate curated files (name -> content) and load them, all or nothing, through a
        store opened for writing just for this load. Problems name the files as given."""
        folder = Path(tempfile.mkdtemp(prefix="reachgraph-ingest-"))
        try:
            named = {}
            for name, content in files.items():
                path = folder / Path(name).name
                path.write_bytes(content)
                named[str(path)] = name
            with self._ingesting:
                writer = self._writer() if self._writer else None
                try:
                    report = _load(writer or self.store, list(map(Path, named)), named)
                finally:
                    if writer:
                        writer.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return report


def open_configured(location: str | None, settings: Settings, *, read_only: bool) -> Store:
    """The store at `location` (default: REACHGRAPH_STORE), with the settings' Neo4j user,
    password and database: how both ReachGraph.open and the CLI's commands open one."""
    return open_store(
        location or settings.store,
        read_only=read_only,
        user=settings.neo4j_user,
        password=settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
        memory_mb=settings.embedded_memory_mb,
    )


def _load(store: Store, paths: list[Path], names: Mapping[str, str]) -> IngestReport:
    from .ingest import IngestFailed, load, read_inputs, validate

    store.apply_schema()
    try:
        valid = validate(read_inputs(paths, store.schema), store.schema, store)
    except IngestFailed as failed:
        raise IngestFailed(
            [replace(p, file=names.get(p.file, p.file)) for p in failed.problems]
        ) from None
    report = load(valid, store)

    def changes(groups: Mapping[str, Any]) -> dict[str, Change]:
        return {
            name: Change(created=c.created, updated=c.updated, unchanged=c.unchanged)
            for name, c in groups.items()
        }

    return IngestReport(nodes=changes(report.nodes), relationships=changes(report.relationships))
