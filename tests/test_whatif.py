"""What-if: the overlay on derived answers gives what a scratch copy gives, on both stores.

The overlay derives again, in memory, only the answers of the data a change can touch and
keeps the store's other answers (reachgraph/whatif.py); the scratch copy writes the whole
changed graph to an in-memory store and derives everything. Each change below is asked both
ways, for every jurisdiction and every body of data the bundled graph holds.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from reachgraph.graph.errors import QueryError
from reachgraph.graph.stores import Store
from reachgraph.ingest.affected import affected
from reachgraph.ingest.curated_graph import Graph
from reachgraph.questions import Hypothesis, ask
from reachgraph.whatif import apply, hypothetical, overlay, what_if

DAYS = [datetime.date(2016, 7, 13), datetime.date(2018, 6, 1)]
CHANGES = {
    "skype sold": [
        Hypothesis(
            action="end",
            start="skype-communications-sarl",
            type="SUBSIDIARY_OF",
            end="microsoft-corporation",
            on=datetime.date(2016, 1, 1),
        )
    ],
    "skype data moved to Dublin": [
        Hypothesis(
            action="end",
            start="skype-user-data-be-2012",
            type="STORED_IN",
            end="skype-luxembourg-servers",
            on=datetime.date(2016, 1, 1),
        ),
        Hypothesis(
            action="add",
            start="skype-user-data-be-2012",
            type="STORED_IN",
            end="microsoft-dublin-datacenter",
            on=datetime.date(2016, 1, 1),
        ),
    ],
    "the US no longer party to the Budapest Convention": [
        Hypothesis(
            action="end",
            start="coe-budapest-convention",
            type="PARTY",
            end="US",
            on=datetime.date(2016, 1, 1),
        )
    ],
}


def dumped(answers: list[Any]) -> list[dict[str, Any]]:
    return [a.model_dump(mode="json") for a in answers]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_overlay_answers_as_a_scratch_copy_does(bundled: Store, change: str) -> None:
    graph = Graph.read(bundled)
    changes = CHANGES[change]
    jurisdictions = [row[0] for row in bundled.read("MATCH (j:Jurisdiction) RETURN j.key").rows]
    data = [row[0] for row in bundled.read("MATCH (d:Data) RETURN d.key").rows]
    with hypothetical(bundled, changes, graph) as copy:
        for day in DAYS:
            for name, key, values in (
                ("reach", "jurisdiction", jurisdictions),
                ("exposure", "data", data),
            ):
                for value in values:
                    params = {key: value, "as_of": day}
                    by_overlay = overlay(bundled, graph, changes, name, params)
                    assert by_overlay is not None
                    assert dumped(by_overlay[1]) == dumped(ask(copy, name, params)), (
                        name,
                        value,
                        day,
                    )


def touched(graph: Graph, change: str) -> set[str]:
    changes = CHANGES[change]
    return affected(apply(graph, changes), {k for c in changes for k in (c.start, c.end)})


def test_only_the_data_a_change_can_touch_is_derived_again(bundled: Store) -> None:
    graph = Graph.read(bundled)
    sold = touched(graph, "skype sold")
    assert "skype-user-data-be-2012" in sold
    # A group's companies share paths (presence of the group): Microsoft's data may be
    # touched; data of another group may not.
    assert "yahoo-mail-identification-data-be-2007" not in sold
    # The law's side: the data whose paths reach the US, not all.
    party = touched(graph, "the US no longer party to the Budapest Convention")
    data = {row[0] for row in bundled.read("MATCH (d:Data) RETURN d.key").rows}
    assert party and party < data


def test_the_difference_names_what_was_gained_lost_and_changed(bundled: Store) -> None:
    graph = Graph.read(bundled)
    params = {"jurisdiction": "US", "as_of": datetime.date(2018, 6, 1)}
    answer = what_if(bundled, graph, CHANGES["skype sold"], "reach", params)
    real = ask(bundled, "reach", params)
    assert answer.overlay
    lost = {(a.data, a.rule) for a in answer.lost}
    assert lost and {data for data, _ in lost} == {"skype-user-data-be-2012"}
    assert {(a.data, a.rule) for a in answer.answers} == (
        {(a.data, a.rule) for a in real} - lost  # type: ignore[attr-defined]
    )
    assert answer.gained == [] and answer.changed == []
    moved = what_if(
        bundled,
        graph,
        CHANGES["skype data moved to Dublin"],
        "exposure",
        {"data": "skype-user-data-be-2012", "as_of": datetime.date(2018, 6, 1)},
    )
    lost_to = {(a.jurisdiction, a.effect) for a in moved.lost}
    assert {("LU", "blocks"), ("LU", "compels")} <= lost_to  # no longer stored there
    assert not any(a.jurisdiction == "LU" for a in moved.answers)


def test_a_bad_change_is_refused_before_any_work(bundled: Store) -> None:
    graph = Graph.read(bundled)
    nothing = Hypothesis(
        action="end",
        start="skype-user-data-be-2012",
        type="STORED_IN",
        end="microsoft-dublin-datacenter",
        on=datetime.date(2016, 1, 1),
    )
    with pytest.raises(QueryError, match="there is no"):
        what_if(bundled, graph, [nothing], "reach", {"jurisdiction": "BE"})
