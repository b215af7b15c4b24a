"""Which bodies of data a change can give other REACHES, so ingest derives only theirs.

A body of data's answers (derive.py) are computed from what the derivation looks up in the
graph, each lookup at one node: a node's properties, or its relationships of one type. If
none of the nodes it looked up changed (its properties, or a relationship at it created,
updated or removed), the computation runs the same and gives the same answers. So a body of
data needs deriving anew when a changed node or an end of a changed relationship is among the
nodes its derivation looks up; `affected` finds every such body of data, and some more (a
superset is only slower, never wrong):

- **The law's side** (`Deriver.home`: a jurisdiction's laws, their rules, their standings,
  its members) is run for each jurisdiction with laws while every lookup is noted (each
  rule's standings once); a jurisdiction whose lookups meet the change counts as changed
  itself.
- **The data's side** (the walks of each basis's paths, then one PART_OF up) is walked
  backwards from each changed node: every body of data from which some walk, or a walk's
  PART_OF parent, stands on a changed node. Backwards, the walk ignores the days and the
  rule that a walk visits a node once, which can only find more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from .curated_graph import Edge, Graph
from .derive import Deriver

V = TypeVar("V")


class Footprint:
    """The keys looked up since it was last emptied."""

    def __init__(self) -> None:
        self.keys: set[str] = set()


class _Watched(dict[str, V]):
    """A copy of a dict of the graph that notes each key looked up in it."""

    def __init__(self, items: dict[str, V], footprint: Footprint) -> None:
        super().__init__(items)
        self.footprint = footprint

    def __getitem__(self, key: str) -> V:
        self.footprint.keys.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.footprint.keys.add(key)
        return super().get(key, default)


def watched(graph: Graph, footprint: Footprint) -> Graph:
    """A copy of the graph whose lookups by key note the key in `footprint`."""
    copy = Graph(graph.schema)
    copy.nodes = _Watched(graph.nodes, footprint)
    copy.kind = _Watched(graph.kind, footprint)
    for index, source in ((copy.out, graph.out), (copy.into, graph.into)):
        for rel_type, by_node in source.items():
            index[rel_type] = _Watched(by_node, footprint)
    for rel_type in graph.schema.relationships:
        for index in (copy.out, copy.into):
            index.setdefault(rel_type, _Watched({}, footprint))
    return copy


def _law_side(graph: Graph) -> dict[str, set[str]]:
    """Each key the law's side of a jurisdiction looks up, with the jurisdictions that do."""
    index = _LAW_SIDES.get(graph)
    if index is not None:
        return index
    footprint = Footprint()
    deriver = Deriver(watched(graph, footprint))
    rules: dict[str, set[str]] = {}
    for rule, kind in graph.kind.items():
        if kind == "ReachRule":
            footprint.keys = set()
            deriver.standings(rule)
            rules[rule] = footprint.keys
    index = defaultdict(set)
    for home in set(graph.into["ENACTED_BY"]) | set(graph.into["PARTY"]):
        footprint.keys = set()
        offers = deriver.home(home).offers  # standings come from the cache: added below
        for key in footprint.keys.union(*(rules[o.rule["key"]] for o in offers)):
            index[key].add(home)
    _LAW_SIDES[graph] = index
    return index


def changed_homes(graph: Graph, changed: Collection[str]) -> set[str]:
    """The jurisdictions whose law's side looks up a changed key (on the graph before or
    after the change: until it looks one up, that side runs the same on both)."""
    law_side = _law_side(graph)
    return set().union(*(law_side.get(key, ()) for key in changed))


#: The law's side of a graph, found once per graph (what-if asks it of one graph often).
_LAW_SIDES: WeakKeyDictionary[Graph, dict[str, set[str]]] = WeakKeyDictionary()


def affected(graph: Graph, changed: Collection[str], before: Graph | None = None) -> set[str]:
    """The bodies of data whose REACHES may differ once the nodes `changed` (a changed node,
    or an end of a changed relationship) changed; `graph` is the graph after the change,
    `before` the one before it, if known (its law's side may be known already)."""
    targets = set(changed) | changed_homes(before or graph, changed)
    found: set[str] = set()
    for spec in graph.schema.reach_bases.values():
        for path in (spec.path, spec.group_path):
            if path:
                found |= _starts(graph, tuple(path), targets)
    return found


def _starts(graph: Graph, path: tuple[str, ...], targets: set[str]) -> set[str]:
    """The bodies of data from which a walk of `path`, or its PART_OF parent at the end,
    stands on one of `targets`: the walk of Deriver.walks, run backwards over states (node,
    steps taken), where a repeated step (`T*`) may be taken again from where it is."""
    end = len(path)
    todo = [(key, at) for key in targets for at in range(end + 1)]
    todo += [(part.start, end) for key in targets for part in graph.into["PART_OF"].get(key, ())]
    seen: set[tuple[str, int]] = set()
    starts: set[str] = set()
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        key, at = state
        if at == 0 and graph.kind.get(key) == "Data":
            starts.add(key)
        if at > 0:
            step = path[at - 1]
            if step.endswith("*"):
                todo.append((key, at - 1))  # the repeat taken no more times
            else:
                todo += [(before, at - 1) for before in _before(graph, step, key)]
        if at < end and path[at].endswith("*"):
            todo += [(before, at) for before in _before(graph, path[at], key)]
    return starts


def _before(graph: Graph, step: str, key: str) -> list[str]:
    """The nodes from which `step` leads to `key`."""
    rel_type = step.strip("<*")
    if step.startswith("<"):  # walked against the relationship: from its end to its start
        edges: list[Edge] = graph.out[rel_type].get(key, [])
        return [edge.end for edge in edges]
    return [edge.start for edge in graph.into[rel_type].get(key, [])]
