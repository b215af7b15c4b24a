"""Reach and exposure by a plain networkx walk of the exported graph, written from
docs/model.md alone (nothing of ingest/derive.py): the baseline of bench/scale.py, and the
independent answer tests/test_reach_traversal.py compares the derived REACHES with. What it
covers and leaves out is said there. The other walks (control chain, dispute story,
precedents, channels) are the baselines of the questions of those names. conflicts and the
what-ifs have none: a walk would need every body of data's exposure for the one, and the
other's baseline is the scratch copy of the changed graph (bench/whatif.py)."""

from __future__ import annotations

import datetime
from typing import Any

import networkx as nx

Day = datetime.date


def holds(edge: dict[str, Any], day: Day, at_least: bool = True) -> bool:
    """The relationship holds on the day. One that holds "at least since" its `from` may hold
    on any day before (an unconfirmed answer on a path of reach); `at_least=False` counts it
    from its `from`, as control_chain and part_of do."""
    start, end = edge.get("valid_from"), edge.get("valid_until")
    if at_least and edge.get("valid_from_at_least"):
        start = None
    return (start is None or start <= day) and (end is None or day < end)


class Walk:
    """The exported graph, walked on one day."""

    def __init__(self, graph: nx.MultiDiGraph, day: Day, *, at_least: bool = True) -> None:
        self.g = graph
        self.day = day
        self.at_least = at_least

    def kind(self, node: str) -> str:
        return str(self.g.nodes[node]["kind"])

    def out(self, node: str, rel: str) -> set[str]:
        return {
            v
            for _, v, k, d in self.g.out_edges(node, keys=True, data=True)
            if k == rel and holds(d, self.day, self.at_least)
        }

    def into(self, node: str, rel: str) -> set[str]:
        return {
            u
            for u, _, k, d in self.g.in_edges(node, keys=True, data=True)
            if k == rel and holds(d, self.day, self.at_least)
        }

    def upwards(self, company: str) -> set[str]:
        """The company and every company above it by SUBSIDIARY_OF on the day."""
        seen, todo = {company}, [company]
        while todo:
            for parent in self.out(todo.pop(), "SUBSIDIARY_OF") - seen:
                seen.add(parent)
                todo.append(parent)
        return seen

    def group(self, company: str) -> set[str]:
        """Every company of the company's group: below any company above it."""
        tops = self.upwards(company)
        seen, todo = set(tops), list(tops)
        while todo:
            for child in self.into(todo.pop(), "SUBSIDIARY_OF") - seen:
                seen.add(child)
                todo.append(child)
        return seen

    def places(self, data: str, basis: str, group: bool) -> set[str]:
        """Where a basis puts the data on the day."""
        holders = self.out(data, "HELD_BY")
        if basis == "territoriality":
            return {p for dc in self.out(data, "STORED_IN") for p in self.out(dc, "LOCATED_IN")}
        if basis == "presence":
            companies = {c for h in holders for c in (self.group(h) if group else {h})}
            return {p for c in companies for p in self.out(c, "HAS_PRESENCE_IN")}
        if basis == "service_targeting":
            return {p for s in self.out(data, "GENERATED_BY") for p in self.out(s, "OFFERED_IN")}
        if basis == "control":
            above = {c for h in holders for c in self.upwards(h)}
            return {p for c in above for p in self.out(c, "INCORPORATED_IN")}
        assert basis == "data_subject", basis
        return self.out(data, "CONCERNS_SUBJECT_IN")

    def jurisdictions(self, place: str) -> set[str]:
        return {place} | self.out(place, "PART_OF")

    def has_standing(self, rule: str) -> bool:
        """Any law, decision or request gives the rule a standing on the day."""
        for rel in ("ESTABLISHED_BY", "REJECTED_BY"):
            for _, source, k, edge in self.g.out_edges(rule, keys=True, data=True):
                if k != rel:
                    continue
                node = self.g.nodes[source]
                if node["kind"] == "Law":
                    start = edge.get("valid_from") or node.get("in_force_from")
                    end = edge.get("valid_until") or node.get("in_force_until")
                    if rel == "REJECTED_BY":
                        end = None
                    if (start is None or start <= self.day) and (end is None or self.day < end):
                        return True
                elif node["date"] <= self.day and not self.overturned(source):
                    return True
        asserted = [r for _, r, k in self.g.out_edges(rule, keys=True) if k == "ASSERTED_BY"]
        return any(self.g.nodes[r]["date"] <= self.day for r in asserted)

    def overturned(self, decision: str) -> bool:
        return any(
            k == "APPEAL_OF"
            and d.get("effect") in ("reverses", "vacates")
            and self.g.nodes[later]["date"] <= self.day
            for later, _, k, d in self.g.in_edges(decision, keys=True, data=True)
        )

    def own_rules(self, jurisdiction: str) -> list[str]:
        """Rules under laws the jurisdiction enacted, that no one is a party to and that are
        in force on the day: a rule reaches nothing while its law is not (docs/model.md,
        REACHES), whatever its standing."""
        laws = [
            law
            for law in self.into(jurisdiction, "ENACTED_BY")
            if not any(k == "PARTY" for _, _, k in self.g.out_edges(law, keys=True))
            and self.in_force(law)
        ]
        return [rule for law in laws for rule in self.into(law, "UNDER")]

    def in_force(self, law: str) -> bool:
        node = self.g.nodes[law]
        start, end = node.get("in_force_from"), node.get("in_force_until")
        return (start is None or start <= self.day) and (end is None or self.day < end)

    def reaches(self, rule: str, data: str, jurisdiction: str) -> bool:
        spec = self.g.nodes[rule]
        shared = set(spec["categories"] or []) & set(self.g.nodes[data]["categories"] or [])
        if not shared or not self.has_standing(rule):
            return False
        group = bool(spec.get("group_presence"))
        return all(
            any(jurisdiction in self.jurisdictions(p) for p in self.places(data, basis, group))
            for basis in spec["bases"]
        )


def own_laws(graph: nx.MultiDiGraph) -> set[str]:
    """Laws of one jurisdiction's own (no PARTY)."""
    return {
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "Law" and not any(k == "PARTY" for _, _, k in graph.out_edges(n, keys=True))
    }


def exposure(graph: nx.MultiDiGraph, data: str, day: Day) -> set[tuple[str, str, str]]:
    """(jurisdiction, effect, rule) of every own-law rule that reaches the data on the day:
    the places its bases put the data, the jurisdictions those are (part of), their rules."""
    walk = Walk(graph, day)
    bases = {"territoriality", "presence", "service_targeting", "control", "data_subject"}
    places = set().union(*(walk.places(data, b, True) for b in bases))
    candidates = set().union(*(walk.jurisdictions(p) for p in places)) if places else set()
    return {
        (j, graph.nodes[rule]["effect"], rule)
        for j in candidates
        for rule in walk.own_rules(j)
        if walk.reaches(rule, data, j)
    }


def reach(graph: nx.MultiDiGraph, jurisdiction: str, day: Day) -> set[tuple[str, str]]:
    """(data, rule) of every compelling own-law rule of the jurisdiction on the day."""
    walk = Walk(graph, day)
    rules = [r for r in walk.own_rules(jurisdiction) if graph.nodes[r]["effect"] == "compels"]
    data = [n for n, d in graph.nodes(data=True) if d["kind"] == "Data"]
    return {(d, r) for r in rules for d in data if walk.reaches(r, d, jurisdiction)}


def control_chain(graph: nx.MultiDiGraph, company: str, day: Day) -> set[str]:
    """The companies above the company on the day."""
    return Walk(graph, day, at_least=False).upwards(company) - {company}


def dispute_story(graph: nx.MultiDiGraph, proceeding: str) -> list[tuple[str, ...]]:
    """(decision, court, the decision it appeals) of each decision in the proceeding, by
    date: the walk behind the dispute_story question (its requests and references left out)."""

    def ends(node: str, rel: str) -> list[str]:
        return [v for _, v, k in graph.out_edges(node, keys=True) if k == rel]

    decisions = [u for u, _, k in graph.in_edges(proceeding, keys=True) if k == "DECIDED_IN"]
    rows = [
        (str(graph.nodes[d]["date"]), d, *ends(d, "DECIDED_BY")[:1], *ends(d, "APPEAL_OF")[:1])
        for d in decisions
    ]
    return sorted(rows)


def precedents(graph: nx.MultiDiGraph, basis: str) -> list[tuple[str, str, str]]:
    """(decision, rule, stance) of every decision that established or rejected a rule on the
    basis. A networkx graph has no index by kind, so the walk looks at every node."""
    stance = {"ESTABLISHED_BY": "established", "REJECTED_BY": "rejected"}
    return sorted(
        (decision, rule, stance[k])
        for rule, d in graph.nodes(data=True)
        if d["kind"] == "ReachRule" and basis in (d.get("bases") or [])
        for _, decision, k in graph.out_edges(rule, keys=True)
        if k in stance and graph.nodes[decision]["kind"] == "Decision"
    )


def channels(graph: nx.MultiDiGraph, a: str, b: str, day: Day) -> set[tuple[str, str, str]]:
    """(instrument, party on a's side, party on b's) of every channel in force on the day
    between the two jurisdictions, the orders they are part of or their parts (territorial
    extensions and `known_on` left out)."""
    walk = Walk(graph, day, at_least=False)

    def near(j: str) -> set[str]:
        return {j} | walk.out(j, "PART_OF") | walk.into(j, "PART_OF")

    found = set()
    for x in near(a):
        for law in walk.into(x, "PARTY"):
            if graph.nodes[law].get("channel") and walk.in_force(law):
                found |= {(law, x, y) for y in walk.out(law, "PARTY") & near(b) if y != x}
    return found
