"""The acceptance examples of DOMAIN.md and the project's own cases, on both stores.

Every test asks the bundled dataset through the question layer, as a notebook user would.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from pydantic import BaseModel

from reachgraph.graph.errors import NotFound
from reachgraph.graph.stores import Store
from reachgraph.questions import Hypothesis, ask, exposure
from reachgraph.whatif import hypothetical

SKYPE_DATA = "skype-user-data-be-2012"
SKYPE = "skype-communications-sarl"
WHATSAPP_DATA = "whatsapp-messages-duque-de-caxias-2016"
DUBLIN_MAILBOX = "outlook-mailbox-dublin-2013"
ANTWERP_2017 = "be-hvb-antwerpen-2017-11-15-skype"
DAY = datetime.date(2017, 11, 15)


def rows(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    return [answer.model_dump() for answer in ask(store, name, params)]


def sources_of(store: Store, key: str) -> set[str]:
    result = store.read("MATCH (d:Decision {key: $key}) RETURN d.sources", {"key": key})
    return set(result.rows[0][0])


def test_belgium_reaches_the_skype_data_on_service_targeting(bundled: Store) -> None:
    reached = [
        r
        for r in rows(bundled, "reach", jurisdiction="BE", as_of=DAY)
        if r["data"] == SKYPE_DATA and "service_targeting" in r["bases"]
    ]
    assert reached, "reach(BE, 2017-11-15) must include the Skype user data"
    path = reached[0]["path"]
    assert path["nodes"][:2] == [SKYPE_DATA, "skype"]
    assert [s["type"] for s in path["steps"]][:2] == ["GENERATED_BY", "OFFERED_IN"]
    antwerp = sources_of(bundled, ANTWERP_2017)
    assert any(antwerp & set(r["path"]["sources"]) for r in reached), (
        "the Antwerp decision of 2017-11-15 must be among the sources"
    )
    held = bundled.read(
        "MATCH (:Data {key: $d})-[:HELD_BY]->(c:Company) RETURN c.key", {"d": SKYPE_DATA}
    ).rows
    assert held == [[SKYPE]]


def test_exposure_of_the_skype_data_shows_the_luxembourg_objection(bundled: Store) -> None:
    answer = exposure(bundled, SKYPE_DATA, DAY)
    compelling = {(_f(r, "jurisdiction"), b) for r in answer.compelling for b in _f(r, "bases")}
    assert ("BE", "service_targeting") in compelling
    assert ("LU", "territoriality") in compelling
    assert "LU" in {_f(r, "jurisdiction") for r in answer.blocking}
    be_lu = [c for c in answer.conflicts if (c.compelling, c.blocking) == ("BE", "LU")]
    assert be_lu, "Belgium compels what Luxembourg's law blocks: a conflict"
    channels = {
        _f(c, "channel") for c in ask(bundled, "channels", {"a": "BE", "b": "LU", "as_of": DAY})
    }
    for conflict in be_lu:
        assert set(conflict.channels) == channels
        assert conflict.channelled == bool(channels)


def test_exposure_agrees_with_the_conflicts_query(bundled: Store) -> None:
    from_exposure = {
        (c.compelling, c.compelling_rule, c.blocking, c.blocking_rule, tuple(c.channels))
        for c in exposure(bundled, SKYPE_DATA, DAY).conflicts
    }
    from_query = {
        (
            r["compelling"],
            r["compelling_rule"],
            r["blocking"],
            r["blocking_rule"],
            tuple(sorted(r["channels"])),
        )
        for r in rows(bundled, "conflicts", as_of=DAY)
        if r["data"] == SKYPE_DATA
    }
    assert from_exposure == from_query and from_query


def test_a_conflict_is_channelled_by_an_mlat_and_another_is_not(bundled: Store) -> None:
    conflicts = rows(bundled, "conflicts", as_of=DAY)
    # Brazil's orders for WhatsApp messages against the US bar on disclosing content to a
    # foreign government (18 U.S.C. § 2702), with the Brazil-US MLAT between them.
    br_us = [
        c
        for c in conflicts
        if c["data"] == WHATSAPP_DATA and (c["compelling"], c["blocking"]) == ("BR", "US")
    ]
    assert br_us and all("br-us-mlat-2001" in c["channels"] for c in br_us)
    # § 2702 binds providers subject to US law: it no longer blocks Skype's Luxembourg data.
    assert not [c for c in conflicts if c["data"] == SKYPE_DATA and c["blocking"] == "US"]
    russia = [c for c in conflicts if c["blocking"] == "RU"]
    assert russia and all(c["channels"] == [] for c in russia)


def test_control_chain_reaches_microsoft_only_after_the_acquisition(bundled: Store) -> None:
    after = rows(bundled, "control_chain", company=SKYPE, as_of="2012-01-01")
    top = [r for r in after if r["ultimate"]]
    assert [r["company"] for r in top] == ["microsoft-corporation"]
    assert top[0]["depth"] == 1
    orders = {
        r["parent"]
        for r in rows(
            bundled, "part_of", jurisdiction=top[0]["incorporated_in"], as_of="2012-01-01"
        )
    }
    assert top[0]["incorporated_in"] == "US" or "US" in orders
    assert top[0]["path"]["steps"][0]["sentence"].startswith(
        "Skype Communications S.à r.l. is a subsidiary of Microsoft Corporation since 2011-10-13"
    )
    before = rows(bundled, "control_chain", company=SKYPE, as_of="2011-01-01")
    assert [r["company"] for r in before] == [SKYPE] and before[0]["ultimate"]


def test_the_skype_dispute_story_runs_up_the_appeal_hierarchy(bundled: Store) -> None:
    story = rows(bundled, "dispute_story", key="be-skype-refusal-case")
    levels = [r["level"] for r in story]
    assert levels == ["first_instance", "appeal", "supreme"]
    mechelen, antwerp, cassation = story
    assert "Mechelen" in mechelen["court"]
    assert (mechelen["fine_amount"], mechelen["fine_currency"]) == (30000, "EUR")
    assert antwerp["decision"] == ANTWERP_2017 and antwerp["date"] == DAY
    assert antwerp["appeal_of"] == mechelen["decision"] and antwerp["appeal_effect"] == "affirms"
    assert antwerp["fine_amount"] == 30000
    assert cassation["appeal_of"] == antwerp["decision"]
    assert story == rows(bundled, "dispute_story", key=story[0]["request"])


def test_us_reaches_the_dublin_mailbox_only_under_the_cloud_act(bundled: Store) -> None:
    before = {r["data"] for r in rows(bundled, "reach", jurisdiction="US", as_of="2016-07-15")}
    assert DUBLIN_MAILBOX not in before
    after = [
        r
        for r in rows(bundled, "reach", jurisdiction="US", as_of="2018-03-24")
        if r["data"] == DUBLIN_MAILBOX
    ]
    assert {(tuple(r["bases"]), r["citation"]) for r in after if r["standing"] == "enacted"} >= {
        (("control",), "18 U.S.C. § 2713")
    }
    assert "US" in rows(bundled, "reach", jurisdiction="US", as_of="2018-03-24")[0]["law_of"]


def test_a_rule_stops_counting_on_the_day_it_ends(bundled: Store) -> None:
    while_valid = rows(bundled, "reach", jurisdiction="US", as_of="2015-06-01")
    assert any(
        r["data"] == DUBLIN_MAILBOX and r["rule"] == "us-sca-2703-control-reading"
        for r in while_valid
    )
    ended = rows(bundled, "reach", jurisdiction="US", as_of="2016-07-14")
    assert not any(r["rule"] == "us-sca-2703-control-reading" for r in ended)


def test_territoriality_and_data_subject_bases(bundled: Store) -> None:
    luxembourg = rows(bundled, "reach", jurisdiction="LU", as_of=DAY)
    assert any(r["data"] == SKYPE_DATA and r["bases"] == ["territoriality"] for r in luxembourg)
    linkedin = exposure(bundled, "linkedin-russian-users-personal-data", datetime.date(2016, 12, 1))
    assert ("RU", "data_subject") in {
        (_f(r, "jurisdiction"), b) for r in linkedin.blocking for b in _f(r, "bases")
    }


def test_membership_ends_on_its_until_day(bundled: Store) -> None:
    assert "EU" in {
        r["parent"] for r in rows(bundled, "part_of", jurisdiction="GB", as_of="2019-06-01")
    }
    assert rows(bundled, "part_of", jurisdiction="GB", as_of="2020-02-01") == []


def test_as_known_on_counts_only_facts_published_by_then(bundled: Store) -> None:
    known_now = rows(bundled, "reach", jurisdiction="US", as_of="2018-03-24")
    known_2017 = rows(
        bundled, "reach", jurisdiction="US", as_of="2018-03-24", known_on="2017-12-31"
    )
    assert any(r["rule"] == "us-cloud-act-2713-control" for r in known_now)
    assert not any(r["rule"] == "us-cloud-act-2713-control" for r in known_2017)
    assert {r["data"] for r in known_2017} <= {r["data"] for r in known_now}


def test_what_if_answers_without_writing(bundled: Store) -> None:
    counts = bundled.counts()
    moved = [
        Hypothesis(
            action="end",
            start=SKYPE_DATA,
            type="STORED_IN",
            end="skype-luxembourg-servers",
            on=datetime.date(2017, 1, 1),
        ),
        Hypothesis(
            action="add",
            start=SKYPE_DATA,
            type="STORED_IN",
            end="microsoft-dublin-datacenter",
            on=datetime.date(2017, 1, 1),
        ),
    ]
    with hypothetical(bundled, moved) as what_if:
        after = exposure(what_if, SKYPE_DATA, DAY)
        later = exposure(what_if, SKYPE_DATA, datetime.date(2018, 6, 1))
    assert "LU" not in {_f(r, "jurisdiction") for r in after.compelling + after.blocking}
    assert "EU" in {_f(r, "jurisdiction") for r in later.blocking}, "GDPR Art. 48 once it applies"
    real = exposure(bundled, SKYPE_DATA, DAY)
    assert "LU" in {_f(r, "jurisdiction") for r in real.compelling}
    assert bundled.counts() == counts


def test_precedents_come_in_date_order_with_their_stance(bundled: Store) -> None:
    control = rows(bundled, "precedents", basis="control")
    dates = [r["date"] for r in control]
    assert dates == sorted(dates)
    stances = {(r["decision"], r["stance"]) for r in control}
    assert ("us-ca2-2016-07-14-microsoft", "rejected") in stances
    assert ("us-sdny-2014-04-25-microsoft", "established") in stances
    targeting = {r["decision"] for r in rows(bundled, "precedents", basis="service_targeting")}
    assert "be-cass-2015-12-01-yahoo" in targeting


def test_explain_reads_the_shortest_path_as_sentences(bundled: Store) -> None:
    [answer] = rows(bundled, "explain", a=SKYPE_DATA, b="microsoft-corporation")
    assert answer["path"]["nodes"] == [SKYPE_DATA, SKYPE, "microsoft-corporation"]
    assert [s["sentence"].split(" [")[0] for s in answer["path"]["steps"]] == [
        "Skype call, message and account data of a Belgian suspect (Mechelen investigation, "
        "2012) is held by Skype Communications S.à r.l. since 2012-09-01",
        "Skype Communications S.à r.l. is a subsidiary of Microsoft Corporation since 2011-10-13",
    ]


def test_explain_joins_entities_of_any_two_kinds_and_names_an_unknown_key(
    bundled: Store,
) -> None:
    # LadybugDB's variant has the endpoints' kinds written in (queries/__init__.py): a
    # jurisdiction to a decision takes other labels than data to a company.
    [answer] = rows(bundled, "explain", a="BE", b=ANTWERP_2017)
    assert answer["path"]["nodes"][0] == "BE"
    assert answer["path"]["nodes"][-1] == ANTWERP_2017
    with pytest.raises(NotFound, match="parameter 'a': no node with key 'no-such-entity'"):
        rows(bundled, "explain", a="no-such-entity", b="microsoft-corporation")
    with pytest.raises(NotFound, match="parameter 'b'"):
        rows(bundled, "explain", a=SKYPE_DATA, b="no-such-entity")


def _f(answer: BaseModel, name: str) -> Any:
    return answer.model_dump()[name]
