"""The typed answers of the query layer (reachgraph/client.py), which the API returns as JSON.

Entities are described by graph/schema.yaml: `kind` takes the schema's node kinds, and
`properties` holds the properties the schema declares for that kind.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from .graph.schema import Property, Schema, load_schema

#: A property's value as stored: text, a number, a flag, a day or a list of keys or values.
Value = str | bool | int | float | datetime.date | list[str] | None

#: The node kinds of the schema, offered as the values of `kind` in the OpenAPI schema.
KIND = Field(
    description="The node kind (see GET /schema)",
    json_schema_extra={"enum": list(load_schema().nodes)},
)


class Source(BaseModel):
    """A Source node that states a fact: a judgment, an official journal, an article."""

    key: str
    title: str | None = None
    publisher: str | None = None
    date: datetime.date | None = None
    url: str | None = None


class Node(BaseModel):
    """A node: its kind, key, name, the keys of its sources and its other properties."""

    kind: str = KIND
    key: str
    name: str
    sources: list[str] = []
    properties: dict[str, Value] = {}


class Entity(BaseModel):
    """A node with its sources resolved to the Source nodes they name (a key with no Source
    node behind it comes back with the key alone)."""

    kind: str = KIND
    key: str
    name: str
    sources: list[Source] = []
    properties: dict[str, Value] = {}


class EntityPage(BaseModel):
    """One page of the nodes of a kind, in key order, and how many match in all."""

    kind: str = KIND
    total: int
    limit: int
    offset: int
    items: list[Node]


class Hit(BaseModel):
    """A search result and how it matched: `exact` (the key or the whole name), `prefix` (the
    key or the name starts with the query), `word` (a word starts with it) or `contains`."""

    kind: str = KIND
    key: str
    name: str
    match: Literal["exact", "prefix", "word", "contains"]


class SearchResults(BaseModel):
    query: str
    items: list[Hit]
    truncated: bool = Field(description="More nodes matched than `limit`")


class Relationship(BaseModel):
    """A relationship between two nodes, named by their keys."""

    type: str
    start: str
    end: str
    sources: list[str] = []
    properties: dict[str, Value] = {}


class Neighbourhood(BaseModel):
    """The nodes within `depth` steps of an entity (in either direction), nearest first, and
    the relationships from every node nearer than `depth` to the others."""

    key: str
    depth: int
    nodes: list[Node]
    relationships: list[Relationship]
    truncated: bool = Field(description="More nodes lie within `depth` than `limit`")


class CypherRequest(BaseModel):
    """A read-only Cypher query with its parameters, and optional lower limits."""

    query: str = Field(
        min_length=1, max_length=100_000, examples=["MATCH (c:Company) RETURN c.key, c.name"]
    )
    params: dict[str, Any] = Field(default_factory=dict, description="Values of the $parameters")
    timeout: float | None = Field(
        None, gt=0, description="Time limit in seconds; at most REACHGRAPH_QUERY_TIMEOUT"
    )
    row_cap: int | None = Field(
        None, gt=0, description="Most rows to return; at most REACHGRAPH_ROW_CAP"
    )


class CypherAnswer(BaseModel):
    """Rows of a read-only query. Nodes and relationships come back as objects with `_kind`
    or `_type`, a store-specific `_id` (`_start`, `_end`), and their properties."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="The row cap cut the answer short")


class PropertyInfo(BaseModel):
    name: str
    type: str
    required: bool
    description: str | None = None
    values: list[str] | None = Field(None, description="The only values it takes")
    derived: bool = Field(False, description="Computed at ingest, never written by hand")

    @classmethod
    def of(cls, name: str, prop: Property) -> PropertyInfo:
        return cls(
            name=name,
            type=prop.type,
            required=prop.required,
            description=prop.description,
            values=list(prop.values) if prop.values else None,
            derived=prop.derived,
        )


class KindInfo(BaseModel):
    name: str
    description: str
    properties: list[PropertyInfo]


class RelationshipInfo(BaseModel):
    name: str
    sentence: str
    pairs: list[tuple[str, str]] = Field(description="The (start kind, end kind) it connects")
    temporal: bool = Field(description="It carries valid_from and valid_until")
    properties: list[PropertyInfo]


class SchemaInfo(BaseModel):
    """The node kinds and relationship types of the graph, with their properties."""

    version: int
    kinds: list[KindInfo]
    relationships: list[RelationshipInfo]

    @classmethod
    def of(cls, schema: Schema) -> SchemaInfo:
        return cls(
            version=schema.version,
            kinds=[
                KindInfo(
                    name=kind.name,
                    description=kind.description.strip(),
                    properties=[PropertyInfo.of(n, p) for n, p in kind.properties.items()],
                )
                for kind in schema.nodes.values()
            ],
            relationships=[
                RelationshipInfo(
                    name=rel.name,
                    sentence=rel.sentence,
                    pairs=list(rel.pairs),
                    temporal=rel.temporal,
                    properties=[PropertyInfo.of(n, p) for n, p in rel.properties.items()],
                )
                for rel in schema.relationships.values()
            ],
        )


class Change(BaseModel):
    created: int
    updated: int
    unchanged: int


class IngestReport(BaseModel):
    """What an ingest wrote: per node kind and relationship type, rows created, updated and
    left unchanged."""

    nodes: dict[str, Change]
    relationships: dict[str, Change]
