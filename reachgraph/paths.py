"""Turn the paths that named queries return into steps and sentences a person can check.

Stores return a path as its nodes and its relationships (graph/stores/base.py gives both
stores one shape). A step is one relationship read in its own direction; its sentence comes
from the relationship's `sentence` in graph/schema.yaml, with its dates and sources:
"Skype Communications S.à r.l. is a subsidiary of Microsoft Corporation since 2011-10-13
[src-microsoft-8k-2011-10-13]".
"""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import BaseModel

from .graph.schema import Schema, load_schema


class Step(BaseModel):
    """One relationship on a path, read from its start node to its end node."""

    start: str
    type: str
    end: str
    valid_from: datetime.date | None = None
    #: `valid_from` is only the first evidence: the fact held at least since then.
    valid_from_at_least: bool = False
    valid_until: datetime.date | None = None
    sources: list[str] = []
    sentence: str


class Path(BaseModel):
    """A path as node keys (in walking order), its steps, and every source along it."""

    nodes: list[str]
    steps: list[Step]
    sources: list[str]

    @property
    def sentences(self) -> list[str]:
        return [step.sentence for step in self.steps]


def _name(node: dict[str, Any]) -> str:
    return str(node.get("name") or node.get("key"))


def _when(rel: dict[str, Any]) -> str:
    start, end = rel.get("valid_from"), rel.get("valid_until")
    at_least = "at least " if rel.get("valid_from_at_least") else ""
    if start and end:
        return f" from {at_least}{start} until {end}"
    if start:
        return f" {at_least}since {start}"
    if end:
        return f" until {end}"
    return ""


def sentence(
    rel: dict[str, Any], start: dict[str, Any], end: dict[str, Any], schema: Schema | None = None
) -> str:
    template = (schema or load_schema()).relationships[rel["_type"]].sentence
    words = {k: str(v).replace("_", " ") for k, v in rel.items() if not k.startswith("_")}
    text = template.format_map(
        {"effect": "rules on", "presence_kind": "presence", **words}
        | {"start": _name(start), "end": _name(end)}
    )
    cited = f" [{', '.join(rel['sources'])}]" if rel.get("sources") else ""
    return text[0].upper() + text[1:] + _when(rel) + cited


def to_path(
    nodes: list[dict[str, Any]], rels: list[dict[str, Any]], schema: Schema | None = None
) -> Path:
    """The path of a query row. Consecutive repeats of a node are dropped: LadybugDB lists
    the node of a zero-length segment twice."""
    walk: list[dict[str, Any]] = []
    for node in nodes:
        if not walk or walk[-1]["_id"] != node["_id"]:
            walk.append(node)
    by_id = {node["_id"]: node for node in walk}
    steps = []
    for rel in rels:
        start, end = by_id[rel["_start"]], by_id[rel["_end"]]
        steps.append(
            Step(
                start=start["key"],
                type=rel["_type"],
                end=end["key"],
                valid_from=rel.get("valid_from"),
                valid_until=rel.get("valid_until"),
                sources=rel.get("sources", []),
                sentence=sentence(rel, start, end, schema),
            )
        )
    sources: list[str] = []
    for item in [*walk, *rels]:
        for source in item.get("sources", []):
            if source not in sources:
                sources.append(source)
    return Path(nodes=[node["key"] for node in walk], steps=steps, sources=sources)
