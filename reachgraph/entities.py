"""Entity lookups of the query layer (reachgraph/client.py): one node, a page of a kind,
search, a neighbourhood. `ReachGraph` has them from `EntityLookups`; this module holds them
apart from the named questions, exports and writes."""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .graph.errors import NotFound, QueryError
from .graph.schema import NodeKind, Property, fold
from .graph.stores import QueryResult, Store
from .models import (
    Entity,
    EntityPage,
    Hit,
    Neighbourhood,
    Node,
    Relationship,
    SearchResults,
    Source,
)
from .settings import Settings

#: Properties every node has, which answers show beside `properties`, not in it; and
#: search_text, which only serves search.
_TOP = ("key", "name", "sources", "search_text")

#: The property types a list of entities can be filtered on (a list property by membership).
_FILTERABLE = ("string", "date", "integer", "float", "boolean", "string_list")

MAX_DEPTH = 3
MAX_SEARCH_WORDS = 8
#: Most keys whose kind a ReachGraph remembers (a few MB at most).
KINDS_REMEMBERED = 65_536


class EntityLookups:
    """The entity lookups of a ReachGraph, over its store."""

    store: Store
    settings: Settings
    _kinds: OrderedDict[str, str]
    _kinds_lock: threading.Lock

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
            f"UNWIND $keys AS k MATCH (s:{self.store.schema.source_kind} {{key: k}}) "
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
