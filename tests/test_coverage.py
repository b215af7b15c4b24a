"""What `reachgraph stats` says the bundled dataset covers, on both stores, against a count
made here from the curated files themselves; and issue 13's floor for the dataset."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import yaml

from reachgraph.coverage import coverage
from reachgraph.graph.stores import Store
from tests.conftest import DATA


def curated() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    for file in sorted(DATA.rglob("*.yaml")):
        content = yaml.safe_load(file.read_text("utf-8"))
        nodes += content.get("nodes") or []
        relationships += content.get("relationships") or []
    return nodes, relationships


def test_stats_count_the_disputes_and_jurisdictions_in_the_files(bundled: Store) -> None:
    nodes, relationships = curated()
    decided_in = [r for r in relationships if r["type"] == "DECIDED_IN"]
    authority_of = {r["start"]: r["end"] for r in relationships if r["type"] == "BELONGS_TO"}
    acting = {r["end"] for r in relationships if r["type"] in ("ISSUED_BY", "DECIDED_BY")}
    found = coverage(bundled)
    assert found.disputes == len({r["end"] for r in decided_in})
    assert found.decisions == len(decided_in)
    assert found.issuing_jurisdictions == len(
        {authority_of[a] for a in acting if a in authority_of}
    )
    assert (found.unsourced_nodes, found.unsourced_relationships) == (0, 0)
    # Issue 13: at least 40 disputes that reached a decision, from at least 12 jurisdictions
    # on at least three continents.
    assert found.disputes >= 40 and found.issuing_jurisdictions >= 12
    kinds = {n["key"]: n["kind"] for n in nodes}
    by_court: dict[str, set[str]] = defaultdict(set)
    for r in relationships:
        if r["type"] == "DECIDED_BY" and kinds.get(r["end"]) == "Authority":
            by_court[authority_of.get(r["end"], "-")].add(r["start"])
    continents = {
        "europe": {"EU", "BE", "FR", "DE", "IE", "GB", "RU", "SE", "EE", "AT", "ES", "BG"},
        "americas": {"US", "BR", "CA"},
        "asia": {"IN", "CN", "JP", "KR"},
        "africa": {"ZA", "KE"},
        "oceania": {"AU", "NZ"},
    }
    assert sum(1 for places in continents.values() if places & set(by_court)) >= 3
