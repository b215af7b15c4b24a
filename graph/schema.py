"""Load the schema declared in schema.yaml and answer questions about it.

The YAML file is the only place where node kinds, relationships and properties are
declared; store DDL, validation models, the curated-format JSON Schema and the docs are
all derived from the `Schema` object returned by `load_schema()`.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

PropertyType = Literal["string", "text", "date", "integer", "float", "boolean", "string_list"]
CodeList = Literal["iso3166", "iso4217"]


class Property(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: PropertyType
    required: bool = False
    values: tuple[str, ...] | None = None
    pattern: str | None = None
    codes: CodeList | None = None
    description: str | None = None
    derived: bool = False
    curated_name: str | None = None


class NodeKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str
    sources_required: bool
    key_codes: CodeList | None = None
    key_hint: str | None = None
    name_from: str | None = None
    own_properties: dict[str, Property] = Field(default_factory=dict, alias="properties")
    properties: dict[str, Property] = Field(default_factory=dict, alias="all_properties")
    #: Fields of an earlier format, each with what to write instead.
    retired: dict[str, str] = Field(default_factory=dict)


class _Shown(dict[str, str]):
    """Placeholders of a sentence that were not given read as `(name)`."""

    def __missing__(self, key: str) -> str:
        return f"({key})"


class RelType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    sentence: str
    pairs: tuple[tuple[str, str], ...]
    temporal: bool
    description: str | None = None
    #: Computed at ingest from the curated graph (REACHES), never written by hand.
    derived: bool = False
    own_properties: dict[str, Property] = Field(default_factory=dict, alias="properties")
    properties: dict[str, Property] = Field(default_factory=dict, alias="all_properties")

    def reads(self, start: str, end: str) -> str:
        """The sentence with this start and end; its other placeholders as `(name)`."""
        return self.sentence.format_map(_Shown(start=start, end=end))


class ReachBasis(BaseModel):
    """The path from a body of data to a place whose law reaches it on one basis."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: tuple[str, ...]
    group_path: tuple[str, ...] | None = None


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    #: The kind of the nodes that state facts, whose keys `sources` properties hold.
    source_kind: str
    #: The relationship from a company to its owner, which may not run in a cycle.
    ownership: str
    node_properties: dict[str, Property]
    relationship_properties: dict[str, Property]
    temporal_properties: dict[str, Property]
    categories: tuple[str, ...]
    reach_bases: dict[str, ReachBasis]
    nodes: dict[str, NodeKind]
    relationships: dict[str, RelType]

    @model_validator(mode="after")
    def _roles_are_declared(self) -> Schema:
        if self.source_kind not in self.nodes:
            raise ValueError(f"source_kind {self.source_kind!r} is no node kind")
        if self.ownership not in self.curated_relationships:
            raise ValueError(f"ownership {self.ownership!r} is no curated relationship type")
        return self

    def node(self, kind: str) -> NodeKind:
        return self.nodes[kind]

    def relationship(self, rel_type: str) -> RelType:
        return self.relationships[rel_type]

    @property
    def curated_relationships(self) -> dict[str, RelType]:
        """The relationship types people write (every one but the derived REACHES)."""
        return {name: rel for name, rel in self.relationships.items() if not rel.derived}

    @property
    def derived_relationships(self) -> dict[str, RelType]:
        return {name: rel for name, rel in self.relationships.items() if rel.derived}


def _complete(raw: dict[str, object]) -> dict[str, object]:
    """Give every kind its name and its full property map (common properties first)."""
    nodes = raw["nodes"]
    rels = raw["relationships"]
    assert isinstance(nodes, dict) and isinstance(rels, dict)
    common_node = dict(raw["node_properties"])  # type: ignore[call-overload]
    common_rel = dict(raw["relationship_properties"])  # type: ignore[call-overload]
    temporal = dict(raw["temporal_properties"])  # type: ignore[call-overload]
    for name, kind in nodes.items():
        kind["name"] = name
        kind["all_properties"] = {**common_node, **kind.get("properties", {})}
    for name, rel in rels.items():
        rel["name"] = name
        extra = temporal if rel.get("temporal") else {}
        rel["all_properties"] = {**extra, **common_rel, **rel.get("properties", {})}
    return raw


@cache
def load_schema() -> Schema:
    """The project's schema, parsed once per process."""
    text = resources.files(__package__).joinpath("schema.yaml").read_text(encoding="utf-8")
    return Schema.model_validate(_complete(yaml.safe_load(text)))


def fold(text: str) -> str:
    """Text lower-cased and stripped of accents: how names are matched in search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
