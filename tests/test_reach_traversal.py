"""The derived answers against an independent traversal: reach and exposure as lookups on
REACHES (ingest/derive.py) must be what a plain walk of the exported graph finds, written
with networkx from docs/model.md alone (bench/nx_reach.py, also bench/scale.py's baseline),
on the bundled data and a generated graph, on both stores.

Covered: rules of a jurisdiction's own laws (ENACTED_BY it, no PARTY), both effects; the
five bases as docs/model.md draws them (territoriality, presence with and without
`group_presence`, service_targeting, control through SUBSIDIARY_OF*, data_subject), every
relationship on a path in force on the day (one that holds "at least since" its `from` on
any day before too: an unconfirmed answer is an answer), the place being the jurisdiction
or one step PART_OF it on the day; every basis of a rule holding for the same jurisdiction; the
categories the rule shares with the data; and whether the rule has any standing on the day
(a law's span, a decision or request dated by then, a decision reversed or vacated on
appeal no longer counting). Not covered: treaties (PARTY) and the copies of the EU's
answers for its members, `known_on`, which standing wins and whether an answer is
unconfirmed (the test asks for every standing and compares which (data, rule) pairs are
answered).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import networkx as nx
import pytest

from bench.nx_reach import Walk, own_laws
from reachgraph.client import ReachGraph
from reachgraph.export import to_networkx
from tests.generated import GRAPHS, Loaded, busiest, graph_id, load_graph

Day = datetime.date
DAYS = [Day(2009, 6, 1), Day(2014, 1, 1), Day(2017, 1, 1), Day(2019, 6, 1), Day(2024, 1, 1)]


@pytest.fixture(scope="module", params=GRAPHS, ids=graph_id)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    yield from load_graph(request, tmp_path_factory)


def cases(loaded: Loaded, graph: nx.MultiDiGraph) -> tuple[list[str], list[str]]:
    """Jurisdictions and data sets to ask about."""
    if loaded.graph == "bundled":
        places = ["US", "BE", "BR", "IN", "LU", "EU", "CN", "RU", "IE"]
    else:
        places = busiest(loaded.store, 6)
    data = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "Data")
    return places, data[:: max(1, len(data) // 40)]


def test_reach_is_what_a_traversal_finds(loaded: Loaded) -> None:
    rg = ReachGraph(loaded.store)
    graph = to_networkx(rg)
    laws = own_laws(graph)
    places, _ = cases(loaded, graph)
    data = [n for n, d in graph.nodes(data=True) if d["kind"] == "Data"]
    compared = 0
    for day in DAYS:
        walk = Walk(graph, day)
        for place in places:
            indexed = {
                (a.data, a.rule)  # type: ignore[attr-defined]
                for a in rg.ask("reach", {"jurisdiction": place, "as_of": day, "standing": "all"})
                if a.law_of == place and a.law in laws  # type: ignore[attr-defined]
            }
            walked = {
                (d, rule)
                for rule in walk.own_rules(place)
                if graph.nodes[rule]["effect"] == "compels"
                for d in data
                if walk.reaches(rule, d, place)
            }
            assert indexed == walked, (place, day, indexed ^ walked)
            compared += len(walked)
    assert compared > 20


def test_exposure_is_what_a_traversal_finds(loaded: Loaded) -> None:
    rg = ReachGraph(loaded.store)
    graph = to_networkx(rg)
    laws = own_laws(graph)
    _, sample = cases(loaded, graph)
    jurisdictions = [n for n, d in graph.nodes(data=True) if d["kind"] == "Jurisdiction"]
    compared = 0
    for day in DAYS[::2]:
        walk = Walk(graph, day)
        rules = {j: walk.own_rules(j) for j in jurisdictions}
        for d in sample:
            answer = rg.exposure(d, day, standing="all")
            indexed = {
                (a.jurisdiction, a.effect, a.rule)
                for a in [*answer.compelling, *answer.blocking]
                if a.law in laws
            }
            walked = {
                (j, graph.nodes[rule]["effect"], rule)
                for j in jurisdictions
                for rule in rules[j]
                if walk.reaches(rule, d, j)
            }
            assert indexed == walked, (d, day, indexed ^ walked)
            compared += len(walked)
    assert compared > 5
