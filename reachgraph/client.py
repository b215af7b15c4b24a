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
from .graph.errors import NotFound, QueryError
from .graph.schema import NodeKind, Property, fold
from .graph.stores import Counts, QueryResult, Store, open_store
from .ingest.curated_graph import Graph
from .models import (
    Change,
    CypherAnswer,
    Entity,
    EntityPage,
    Hit,
    IngestReport,
    Neighbourhood,
    Node,
    Relationship,
    SchemaInfo,
    SearchResults,
    Source,
)
from .paging import STREAM_PAGE, Page, ask_all, ask_page
from .questions import Exposure, Hypothesis, ask, exposure
from .settings import Settings
from .whatif import WhatIf, what_if

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

#: Properties every node has, which answers show beside `properties`, not in it; and
#: search_text, which only serves search.
_TOP = ("key", "name", "sources", "search_text")

#: The property types a list of entities can be filtered on (a list property by membership).
_FILTERABLE = ("string", "date", "integer", "float", "boolean", "string_list")

MAX_DEPTH = 3
MAX_SEARCH_WORDS = 8
#: Most keys whose kind a ReachGraph remembers (a few MB at most).
KINDS_REMEMBERED = 65_536


class ReachGraph:
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
        location = location or settings.store

        def connect(read_only: bool) -> Store:
            return open_store(
                location,
                read_only=read_only,
                neo4j_user=settings.neo4j_user,
                neo4j_password=settings.neo4j_password.get_secret_value(),
                neo4j_database=settings.neo4j_database,
            )

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

    # -- entities -------------------------------------------------------------------------

    def kind_of(self, key: str) -> str:
        """The kind of the node with `key`; NotFound if there is none."""
        kind = self.store.kind_of(key)
        if kind is None:
            raise NotFound(f"no entity with key {key!r}")
        return kind

    def node(self, key: str) -> Node:
        """The node with `key` and every property; NotFound if there is none.

        The kind of a key looked up before is remembered, which spares kind_of (a query over
        every kind) on both stores. A remembered kind needs no checking against the data
        version: keys are unique across the graph (ingest/validate.py; a constraint on
        Neo4j), so a node found under it is the one; when none is (the node went, or came
        back as another kind), the kind is looked up afresh."""
        with self._kinds_lock:
            kind = self._kinds.get(key)
            if kind is not None:
                self._kinds.move_to_end(key)
        if kind is not None:
            found = self._node_of(kind, key)
            if found is not None:
                return found
            with self._kinds_lock:
                self._kinds.pop(key, None)
        kind = self.kind_of(key)
        found = self._node_of(kind, key)
        if found is None:  # deleted between the two reads
            raise NotFound(f"no entity with key {key!r}")
        with self._kinds_lock:
            self._kinds[key] = kind
            if len(self._kinds) > KINDS_REMEMBERED:
                self._kinds.popitem(last=False)
        return found

    def _node_of(self, kind: str, key: str) -> Node | None:
        rows = self._read(f"MATCH (n:{kind} {{key: $key}}) RETURN n", {"key": key}).rows
        return _node(rows[0][0]) if rows else None

    def entity(self, key: str) -> Entity:
        """The node with `key`, every property, and its sources resolved."""
        node = self.node(key)
        return Entity(
            kind=node.kind,
            key=node.key,
            name=node.name,
            sources=self.sources(node.sources),
            properties=node.properties,
        )

    def sources(self, keys: list[str]) -> list[Source]:
        """The Source nodes with these keys, in the order given."""
        if not keys:
            return []
        rows = self._read(
            "UNWIND $keys AS k MATCH (s:Source {key: k}) "
            "RETURN s.key, s.title, s.publisher, s.date, s.url",
            {"keys": keys},
        ).rows
        found = {row[0]: Source(**dict(zip(Source.model_fields, row, strict=True))) for row in rows}
        return [found.get(key) or Source(key=key) for key in keys]

    def entities(
        self,
        kind: str,
        filters: Mapping[str, Any] | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
    ) -> EntityPage:
        """The nodes of `kind` whose properties equal `filters` (a list property: contains
        the value), in key order. Values may be text, as in a URL, or typed."""
        spec = self._kind(kind)
        where, params = [], {}
        for position, (name, raw) in enumerate(sorted((filters or {}).items())):
            prop = spec.properties.get(name)
            if prop is None or prop.type not in _FILTERABLE or name == "search_text":
                allowed = [n for n, p in spec.properties.items() if p.type in _FILTERABLE]
                raise QueryError(
                    f"{kind} cannot be filtered on {name!r}; it can on: "
                    + ", ".join(n for n in allowed if n != "search_text")
                )
            params[f"f{position}"] = _typed(name, prop, raw)
            if prop.type == "string_list":
                where.append(f"$f{position} IN n.{name}")
            else:
                where.append(f"n.{name} = $f{position}")
        match = f"MATCH (n:{kind})" + (f" WHERE {' AND '.join(where)}" if where else "")
        total = int(self._read(f"{match} RETURN count(n)", params).rows[0][0])
        # Past the end, ask nothing: LadybugDB 0.22 crashes on ORDER BY ... SKIP far beyond it.
        rows = (
            self._read(
                f"{match} RETURN n ORDER BY n.key SKIP $offset LIMIT $limit",
                {**params, "offset": offset, "limit": limit},
            ).rows
            if offset < total
            else []
        )
        return EntityPage(
            kind=kind, total=total, limit=limit, offset=offset, items=[_node(r[0]) for r in rows]
        )

    def search(self, text: str, kind: str | None = None, *, limit: int = 20) -> SearchResults:
        """Nodes whose key or name contains every word of `text`, ignoring case and accents:
        exact matches first, then prefixes, word prefixes and the rest; by key within each."""
        query = " ".join(fold(text).split())
        words = query.split()[:MAX_SEARCH_WORDS]
        if not words:
            raise QueryError("search for at least one letter or digit")
        label = f":{self._kind(kind).name}" if kind else ""
        params: dict[str, Any] = {f"w{i}": word for i, word in enumerate(words)}
        contains = " AND ".join(f"n.search_text CONTAINS $w{i}" for i in range(len(words)))
        # search_text is the folded key, a space and the folded name; keys have no spaces.
        # (LadybugDB reads `a CONTAINS b + c` as `(a CONTAINS b) + c`: parenthesise.)
        key = "toLower(n.key)"
        rows = self._read(
            f"MATCH (n{label}) WHERE {contains} "
            "WITH n, CASE "
            f"WHEN {key} = $q OR n.search_text = ({key} + $spaced) THEN 0 "
            f"WHEN n.search_text STARTS WITH $q "
            f"OR n.search_text STARTS WITH ({key} + $spaced) THEN 1 "
            "WHEN n.search_text CONTAINS $spaced OR n.search_text CONTAINS $hyphened THEN 2 "
            "ELSE 3 END AS rank "
            "RETURN n, rank ORDER BY rank, n.key LIMIT $limit",
            {
                **params,
                "q": query,
                "spaced": f" {query}",
                "hyphened": f"-{query}",
                "limit": limit + 1,
            },
        ).rows
        matches = ("exact", "prefix", "word", "contains")
        items = [
            Hit(kind=node.kind, key=node.key, name=node.name, match=matches[rank])
            for node, rank in ((_node(row[0]), row[1]) for row in rows[:limit])
        ]
        return SearchResults(query=text, items=items, truncated=len(rows) > limit)

    def neighbourhood(self, key: str, *, depth: int = 1, limit: int = 100) -> Neighbourhood:
        """Nodes up to `depth` steps from `key` (either direction), at most `limit` of them
        counting the entity itself, nearest first and by kind and key within a step."""
        if not 1 <= depth <= MAX_DEPTH:
            raise QueryError(f"depth is 1 to {MAX_DEPTH}")
        centre = self.node(key)
        nodes = {key: centre}
        relationships: dict[tuple[str, str, str], Relationship] = {}
        frontier = {key: centre.kind}
        truncated = False
        for _ in range(depth):
            found: dict[str, Node] = {}
            for group in sorted(set(frontier.values())):
                keys = sorted(k for k, kind in frontier.items() if kind == group)
                steps, cut = self._steps(group, keys, limit)
                truncated |= cut
                for rel, other in steps:
                    relationships[(rel.type, rel.start, rel.end)] = rel
                    if other.key not in nodes:
                        found[other.key] = other
            room = limit - len(nodes)
            fresh = sorted(found.values(), key=lambda n: (n.kind, n.key))
            if len(fresh) > room:
                fresh, truncated = fresh[:room], True
            nodes.update((n.key, n) for n in fresh)
            frontier = {n.key: n.kind for n in fresh}
            if not frontier:
                break
        kept = [
            rel
            for _, rel in sorted(relationships.items())
            if rel.start in nodes and rel.end in nodes
        ]
        return Neighbourhood(
            key=key,
            depth=depth,
            nodes=list(nodes.values()),
            relationships=kept,
            truncated=truncated,
        )

    def _steps(
        self, kind: str, keys: list[str], limit: int
    ) -> tuple[list[tuple[Relationship, Node]], bool]:
        """The relationships of the nodes of `kind` with these keys, each with the node at its
        other end, in (node, other node) order, and whether some had to be left out."""
        cap = 4 * limit
        curated = "|".join(self.store.schema.curated_relationships)  # not the derived REACHES
        result = self._read(
            f"UNWIND $keys AS k MATCH (a:{kind} {{key: k}})-[r:{curated}]-(b) "
            "RETURN a, r, b ORDER BY a.key, b.key",
            {"keys": keys},
            row_cap=cap,
        )
        rows = result.rows
        if result.truncated:
            # The last pair may have lost some of its relationships: leave it out whole.
            last = (rows[-1][0]["key"], rows[-1][2]["key"])
            rows = [row for row in rows if (row[0]["key"], row[2]["key"]) != last]
        steps = []
        for a, r, b in rows:
            forward = r["_start"] == a["_id"]
            start, end = (a["key"], b["key"]) if forward else (b["key"], a["key"])
            props = {k: v for k, v in r.items() if not k.startswith("_") and k != "sources"}
            rel = Relationship(
                type=r["_type"],
                start=start,
                end=end,
                sources=r.get("sources") or [],
                properties=props,
            )
            steps.append((rel, _node(b)))
        return steps, result.truncated

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

    # -- helpers --------------------------------------------------------------------------

    def _kind(self, kind: str) -> NodeKind:
        try:
            return self.store.schema.nodes[kind]
        except KeyError:
            raise QueryError(
                f"no kind {kind!r}; the kinds are {', '.join(self.store.schema.nodes)}"
            ) from None

    def _read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, row_cap: int | None = None
    ) -> QueryResult:
        return self.store.read(cypher, params, timeout=self.settings.query_timeout, row_cap=row_cap)


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


def _node(value: Mapping[str, Any]) -> Node:
    """A node as the stores return it (graph/stores/base.py: node_value) as a Node."""
    return Node(
        kind=value["_kind"],
        key=value["key"],
        name=value.get("name") or value["key"],
        sources=value.get("sources") or [],
        properties={k: v for k, v in value.items() if not k.startswith("_") and k not in _TOP},
    )


def _typed(name: str, prop: Property, raw: Any) -> Any:
    """A filter value of the property's type, from text (as a URL gives it) or typed."""
    if not isinstance(raw, str) or prop.type in ("string", "text", "string_list"):
        return raw
    try:
        if prop.type == "date":
            return datetime.date.fromisoformat(raw)
        if prop.type == "integer":
            return int(raw)
        if prop.type == "float":
            return float(raw)
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError
    except ValueError:
        raise QueryError(f"{name} takes a {prop.type}, not {raw!r}") from None
