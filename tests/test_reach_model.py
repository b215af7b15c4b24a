"""The reach model v2, each rule tested alone on a scratch dispute (tests/model/), both stores.

The scratch file is written in the documented curated format, as a new user would write one,
and loaded through the ordinary ingest: no code knows its keys.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reachgraph.graph.errors import InvalidParameter, NotFound
from reachgraph.graph.stores import Store
from reachgraph.output import UNCONFIRMED, answers_table
from reachgraph.questions import Hypothesis, ask, exposure
from reachgraph.whatif import hypothetical
from tests.api_helpers import load_sample
from tests.conftest import BACKENDS, open_empty

SCRATCH = Path(__file__).parent / "model" / "scratch-dispute.yaml"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture(scope="module", params=BACKENDS)
def scratch(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    _, graph = open_empty(request.param, tmp_path_factory.mktemp("scratch"), request)
    load_sample(graph, [SCRATCH])
    try:
        yield graph
    finally:
        graph.close()


def rows(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    return [answer.model_dump() for answer in ask(store, name, params)]


def find(answers: list[dict[str, Any]], **fields: Any) -> list[dict[str, Any]]:
    return [a for a in answers if all(a.get(k) == v for k, v in fields.items())]


GROUP_RULE = "ex-br-group-presence"
US_RULE = "ex-us-presence"
READING = "ex-br-service-content"


def test_presence_of_a_group_company_reaches_data_held_by_another(scratch: Store) -> None:
    """Marco Civil style: Example Messenger is not in Brazil, but its group is (through
    Example Brasil) from the day Messenger joins it; the rule also needs the user in Brazil."""
    before = rows(scratch, "reach", jurisdiction="BR", as_of=day("2014-10-05"))
    after = rows(scratch, "reach", jurisdiction="BR", as_of=day("2014-10-06"))
    assert not find(before, rule=GROUP_RULE)
    reached = find(after, rule=GROUP_RULE, data="ex-chat-user-br")
    assert len(reached) == 1
    answer = reached[0]
    assert answer["bases"] == ["presence", "data_subject"]
    assert len(answer["paths"]) == 2  # every matching path: one per basis
    presence = answer["paths"][0]
    assert presence["nodes"][:5] == [
        "ex-chat-user-br",
        "ex-messenger",
        "ex-parent",
        "ex-brasil",
        "BR",
    ]
    assert presence["steps"][3]["sentence"] == (
        "Example Brasil Ltda. is present in Brazil (establishment) since 2011-01-01 [src-a]"
    )
    # The user in Switzerland is held by the same company: the combined rule does not reach it.
    assert not find(after, rule=GROUP_RULE, data="ex-chat-user-ch")


def test_a_branch_closed_before_the_day_reaches_nothing(scratch: Store) -> None:
    open_ = rows(scratch, "reach", jurisdiction="US", as_of=day("1999-12-31"))
    closed = rows(scratch, "reach", jurisdiction="US", as_of=day("2000-01-01"))
    assert find(open_, data="ex-trader-records", rule="ex-us-presence", bases=["presence"])
    assert not find(closed, data="ex-trader-records")


def test_a_fact_known_only_from_its_first_evidence_holds_at_least_since_then(
    scratch: Store,
) -> None:
    """The branch is evidenced from 1980 (`from_at_least`): from then the answer holds "at
    least since" 1980; before, it is listed as unconfirmed, never silently dropped."""
    before = find(rows(scratch, "reach", jurisdiction="US", as_of=day("1979-06-01")), rule=US_RULE)
    during = find(rows(scratch, "reach", jurisdiction="US", as_of=day("1990-01-01")), rule=US_RULE)
    assert [(a["data"], a["unconfirmed"], a["valid_until"]) for a in before] == [
        ("ex-trader-records", True, day("1980-01-01"))
    ]
    assert [(a["unconfirmed"], a["valid_from"], a["valid_from_at_least"]) for a in during] == [
        (False, day("1980-01-01"), True)
    ]
    presence = [s for p in during[0]["paths"] for s in p["steps"] if s["type"] == "HAS_PRESENCE_IN"]
    assert presence[0]["valid_from_at_least"] is True
    assert presence[0]["sentence"].endswith("from at least 1980-01-01 until 2000-01-01 [src-a]"), (
        presence[0]["sentence"]
    )
    # The conflict with Swiss secrecy is unconfirmed too before 1980.
    early = rows(scratch, "conflicts", as_of=day("1979-06-01"))
    later = rows(scratch, "conflicts", as_of=day("1990-01-01"))
    assert [(c["data"], c["unconfirmed"]) for c in early] == [("ex-trader-records", True)]
    assert [(c["data"], c["unconfirmed"]) for c in later] == [("ex-trader-records", False)]


def test_the_table_lists_unconfirmed_answers_apart(scratch: Store) -> None:
    answers = ask(scratch, "reach", {"jurisdiction": "US", "as_of": day("1979-06-01")})
    lines = answers_table(answers, "reach", type(answers[0])).splitlines()
    heading = lines.index(UNCONFIRMED)
    assert heading >= 2 and any("ex-trader-records" in line for line in lines[heading + 1 :])
    assert not any("ex-trader-records" in line for line in lines[:heading])
    confirmed = ask(scratch, "reach", {"jurisdiction": "US", "as_of": day("1990-01-01")})
    table = answers_table(confirmed, "reach", type(confirmed[0]))
    assert UNCONFIRMED not in table and "≥ 1980-01-01" in table


def test_a_rule_reaches_only_the_categories_it_covers(scratch: Store) -> None:
    answers = rows(scratch, "reach", jurisdiction="BR", as_of=day("2017-01-01"))
    reading = find(answers, rule=READING)
    assert [a["data"] for a in reading] == ["ex-chat-user-br"]
    assert reading[0]["categories"] == ["content"]
    assert reading[0]["categories_not_reached"] == ["subscriber"]
    # The account data holds subscriber data only: the content rule does not reach it.
    assert not find(answers, rule=READING, data="ex-chat-account-br")
    assert find(answers, rule=GROUP_RULE, data="ex-chat-account-br")


@pytest.mark.parametrize(
    ("as_of", "standing", "decided_by"),
    [
        ("2015-11-30", None, None),  # nobody has claimed it yet
        ("2015-12-01", "asserted", "ex-br-order"),
        ("2016-05-01", "asserted", "ex-br-order"),
        ("2016-05-02", "established", "ex-br-2016"),
        ("2018-02-14", "established", "ex-br-2016"),
        ("2018-02-15", "rejected", "ex-br-2018"),
    ],
)
def test_standing_follows_the_request_and_the_decisions_on_their_days(
    scratch: Store, as_of: str, standing: str | None, decided_by: str | None
) -> None:
    every = rows(scratch, "reach", jurisdiction="BR", as_of=day(as_of), standing="all")
    found = find(every, rule=READING)
    assert [(a["standing"], a["decided_by"]) for a in found] == (
        [(standing, decided_by)] if standing else []
    )
    default = find(rows(scratch, "reach", jurisdiction="BR", as_of=day(as_of)), rule=READING)
    assert bool(default) == (standing not in (None, "rejected"))


def test_only_what_a_court_confirmed(scratch: Store) -> None:
    confirmed = rows(
        scratch, "reach", jurisdiction="BR", as_of=day("2017-01-01"), standing="established"
    )
    assert {a["rule"] for a in confirmed} == {READING}
    assert confirmed[0]["court"] == "Example Brazilian court"


def test_a_decision_not_yet_published_does_not_change_the_standing(scratch: Store) -> None:
    """The 2018 reversal's source is published on 2018-03-01: known on 2018-02-20, the rule
    still stands established by the 2016 ruling."""
    known_before = rows(
        scratch, "reach", jurisdiction="BR", as_of=day("2018-03-01"), known_on=day("2018-02-20")
    )
    assert [a["standing"] for a in find(known_before, rule=READING)] == ["established"]
    known_after = rows(
        scratch, "reach", jurisdiction="BR", as_of=day("2018-03-01"), known_on=day("2018-03-01")
    )
    assert not find(known_after, rule=READING)


def test_a_conflict_per_category_with_the_blocking_strength(scratch: Store) -> None:
    answer = exposure(scratch, "ex-trader-records", day("1990-01-01"))
    assert [(c.compelling, c.blocking) for c in answer.conflicts] == [("US", "CH")]
    conflict = answer.conflicts[0]
    assert conflict.categories == ["business_records"]
    assert conflict.strength == "absolute"
    assert not conflict.channelled and not conflict.lifted
    whole = rows(scratch, "conflicts", as_of=day("1990-01-01"))
    assert [(c["data"], c["compelling"], c["blocking"], c["strength"]) for c in whole] == [
        ("ex-trader-records", "US", "CH", "absolute")
    ]


def test_a_treaty_reaches_a_territory_only_from_its_extension(scratch: Store) -> None:
    before = rows(scratch, "channels", a="US", b="GL", as_of=day("2020-05-31"))
    after = rows(scratch, "channels", a="us", b="gl", as_of=day("2020-06-01"))
    denmark = rows(scratch, "channels", a="US", b="DK", as_of=day("2019-01-01"))
    assert before == []
    assert [c["channel"] for c in after] == ["ex-convention"]
    assert [c["channel"] for c in denmark] == ["ex-convention"]


def test_decision_links_show_in_the_story_and_precedents(scratch: Store) -> None:
    story = rows(scratch, "dispute_story", key="ex-br-case")
    by_decision = {r["decision"]: r for r in story}
    assert by_decision["ex-br-2016"]["refers_to"] == "ex-br-high-court"
    assert by_decision["ex-br-2016"]["answered_by"] == "ex-br-2018"
    assert by_decision["ex-br-2018"]["answers"] == "ex-br-2016"
    assert by_decision["ex-br-2018"]["appeal_effect"] == "reverses"
    # A proceeding about a law, not a request.
    challenge = rows(scratch, "dispute_story", key="ex-br-law")
    assert [(r["proceeding"], r["decision"], r["follows"]) for r in challenge] == [
        ("ex-const-case", "ex-const-2020", ["ex-br-2018"])
    ]
    assert challenge[0]["request"] is None
    precedents = rows(scratch, "precedents", basis="service_targeting")
    assert [(p["decision"], p["stance"], p["answers"]) for p in precedents] == [
        ("ex-br-2016", "established", None),
        ("ex-br-2018", "rejected", "ex-br-2016"),
    ]
    path = rows(scratch, "explain", a="ex-const-2020", b="ex-br-2016")[0]["path"]
    assert [s["type"] for s in path["steps"]] == ["FOLLOWS", "ANSWERS"]


@pytest.mark.parametrize(
    ("name", "params", "error", "named"),
    [
        ("reach", {"jurisdiction": "XX"}, NotFound, "jurisdiction"),
        ("exposure", {"data": "nope"}, NotFound, "data"),
        ("exposure", {"data": "BR"}, NotFound, "data"),
        ("control_chain", {"company": "ex-chat"}, NotFound, "company"),
        ("precedents", {"basis": "foo"}, InvalidParameter, "basis"),
        ("reach", {"jurisdiction": "BR", "standing": "sure"}, InvalidParameter, "standing"),
        ("reach", {"jurisdiction": "BR", "as_of": "2015-13-01"}, InvalidParameter, "as_of"),
    ],
)
def test_unknown_input_is_an_error_that_names_it(
    scratch: Store, name: str, params: dict[str, str], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=f"'{named}'"):
        ask(scratch, name, params)


def test_codes_are_case_insensitive_and_close_keys_are_suggested(scratch: Store) -> None:
    assert rows(scratch, "reach", jurisdiction="br", as_of=day("2017-01-01")) == rows(
        scratch, "reach", jurisdiction="BR", as_of=day("2017-01-01")
    )
    with pytest.raises(NotFound, match="did you mean ex-chat-user-"):
        ask(scratch, "exposure", {"data": "ex-chat-user"})


def test_what_if_derives_the_answers_anew(scratch: Store) -> None:
    """Closing the Brazilian establishment ends the group presence from that day."""
    change = Hypothesis(
        action="end", start="ex-brasil", type="HAS_PRESENCE_IN", end="BR", on=day("2016-01-01")
    )
    with hypothetical(scratch, [change]) as what_if:
        after = rows(what_if, "reach", jurisdiction="BR", as_of=day("2016-06-01"))
    assert not find(after, rule=GROUP_RULE)
    assert find(rows(scratch, "reach", jurisdiction="BR", as_of=day("2016-06-01")), rule=GROUP_RULE)
