"""Requests, proceedings and decisions up the appeal hierarchy, and the reach rules of laws."""

from __future__ import annotations

import numpy as np

from .columns import Ints, Strings, _blank, _day, _either, _keys, _pick, _strings, _year
from .shape import (
    BASES,
    BASIS_WEIGHTS,
    CATEGORIES,
    CURRENCIES,
    EFFECTS,
    ISSUERS,
    OUTCOMES,
    REQUEST_KINDS,
    STATUSES,
    STRENGTHS,
)
from .tables import _Authorities, _Disputes, _Jurisdictions, _Tables


class _DisputesStep(_Tables):
    def disputes(
        self,
        jur: _Jurisdictions,
        companies: Strings,
        data_service: Strings,
        data: Strings,
        holder: Ints,
        authorities: _Authorities,
        laws: Strings,
        treaties: Ints,
    ) -> _Disputes:
        """Requests, the proceedings about some of them (a few also about the law, the company
        or the service), and decisions up the hierarchy, some referring questions to the EU's
        court or following an earlier decision."""
        draw, count = self.draw, self.scaled("DataRequest")
        keys = _keys("request", count)
        state = draw.weighted(jur.weights, count)
        issued = draw.days("2000-01-01", "2024-06-30", count)
        self.fact(
            "DataRequest",
            {
                "key": keys,
                "name": "Request " + _strings(range(count)) + " of " + jur.codes[state],
                "date": _day(issued),
                "request_kind": _pick(REQUEST_KINDS, draw.ints(0, len(REQUEST_KINDS), count)),
                "status": _pick(STATUSES, draw.ints(0, len(STATUSES), count)),
            },
        )
        others = state * authorities.block + 1 + authorities.appeal + authorities.first
        self.relate("ISSUED_BY", keys, authorities.keys[others + draw.ints(0, ISSUERS, count)])
        sought = draw.ints(0, len(data), count)
        self.relate("ADDRESSED_TO", keys, companies[holder[sought]])
        also = np.flatnonzero(draw.share(0.3, count))
        self.relate(
            "SEEKS",
            np.concatenate([keys, keys[also]]),
            data[np.concatenate([sought, draw.other(sought[also], len(data))])],
        )
        per_state = (len(laws) - len(treaties)) // jur.states
        law = state * per_state + draw.ints(0, per_state, count)
        mlat = np.flatnonzero(draw.share(0.2, count))
        self.relate(
            "INVOKES",
            np.concatenate([keys, keys[mlat]]),
            laws[np.concatenate([law, treaties[draw.ints(0, len(treaties), len(mlat))]])],
        )
        # proceedings about some requests, each with one to three decisions
        proceedings = self.scaled("Proceeding")
        about = draw.rng.choice(count, proceedings, replace=False)
        proceeding_keys = _keys("proceeding", proceedings)
        year = _year(issued[about])
        self.fact(
            "Proceeding",
            {
                "key": proceeding_keys,
                "name": "Proceeding about " + keys[about],
                "docket": year + "/" + _strings(range(proceedings)),
            },
        )
        self.relate("ABOUT", proceeding_keys, keys[about])
        also_law = draw.some(0.1, np.ones(proceedings, dtype=bool))
        self.relate("ABOUT", proceeding_keys[also_law], laws[law[about[also_law]]])
        also_company = draw.some(0.05, np.ones(proceedings, dtype=bool))
        self.relate(
            "ABOUT", proceeding_keys[also_company], companies[holder[sought[about[also_company]]]]
        )
        also_service = draw.some(0.05, np.ones(proceedings, dtype=bool))
        self.relate(
            "ABOUT", proceeding_keys[also_service], data_service[sought[about[also_service]]]
        )
        steps = draw.rng.choice(3, proceedings, p=[0.45, 0.35, 0.2]) + 1
        case = np.repeat(np.arange(proceedings), steps)
        step = np.arange(len(case)) - np.repeat(np.cumsum(steps) - steps, steps)
        decided = len(case)
        decision_keys = _keys("decision", decided)
        base = state[about[case]] * authorities.block
        trial = draw.ints(0, authorities.first, proceedings)[case]  # where the case began
        court = np.select(
            [step == 0, step == 1],
            [base + 1 + authorities.appeal + trial, base + 1 + trial % authorities.appeal],
            base,
        )
        day = draw.after(issued[about[case]], 60, 600)
        for later in (1, 2):  # each appeal after the decision it reviews
            at = np.flatnonzero(step == later)
            day[at] = draw.after(day[at - 1], 120, 900)
        code = jur.codes[state[about[case]]]
        fined = np.flatnonzero((step == 0) & draw.share(0.3, decided))
        amount = _blank(decided)
        amount[fined] = _strings(draw.ints(1, 1000, len(fined)) * 500)
        currency = _blank(decided)
        currency[fined] = _strings(CURRENCIES.get(c, "EUR") for c in code[fined].tolist())
        self.fact(
            "Decision",
            {
                "key": decision_keys,
                "name": authorities.names[court] + " " + _day(day),
                "date": _day(day),
                "citation": "ECLI:" + code + ":" + _year(day) + ":" + _strings(range(decided)),
                "outcome": _pick(OUTCOMES, draw.ints(0, len(OUTCOMES), decided)),
                "fine_amount": amount,
                "fine_currency": currency,
            },
        )
        self.relate("DECIDED_IN", decision_keys, proceeding_keys[case])
        self.relate("DECIDED_BY", decision_keys, authorities.keys[court])
        appeals = np.flatnonzero(step > 0)
        self.relate(
            "APPEAL_OF",
            decision_keys[appeals],
            decision_keys[appeals - 1],
            effect=_pick(EFFECTS, draw.ints(0, len(EFFECTS), len(appeals))),
        )
        self.relate("APPLIES", decision_keys, laws[law[about[case]]])
        # a few refer questions to the EU's court (its authorities come last), and are
        # answered by another decision; some follow the holding of an earlier one
        refers = draw.some(0.03, step < 2)
        eu_court = (jur.states - 1) * authorities.block
        self.relate(
            "REFERS_TO", decision_keys[refers], authorities.keys[np.full(len(refers), eu_court)]
        )
        answer = draw.other(refers, decided)
        self.relate("ANSWERS", decision_keys[answer], decision_keys[refers])
        follows = draw.some(0.05, np.ones(decided, dtype=bool))
        earlier = draw.other(follows, decided)
        later_first = day[follows] >= day[earlier]
        self.relate(
            "FOLLOWS",
            decision_keys[np.where(later_first, follows, earlier)],
            decision_keys[np.where(later_first, earlier, follows)],
        )
        return _Disputes(keys, law, issued, decision_keys, law[about[case]], day)

    def rules(
        self,
        laws: Strings,
        begins: Ints,
        national: int,
        eu_laws: Ints,
        conventions: Ints,
        disputes: _Disputes,
    ) -> None:
        """A reach rule per national law and per third multilateral convention (bilateral
        treaties are channels, not reach), each covering one or two categories (a
        convention's only subscriber data) and with a standing link: most established by
        their law (some from a later day), some by a decision applying it, some asserted by
        a request invoking it (half of those later settled by a decision), a few enacted and
        then rejected by a decision."""
        draw = self.draw
        ruled = conventions[draw.some(1 / 3, np.ones(len(conventions), dtype=bool))]
        law = np.concatenate([np.arange(national), ruled])
        count = len(law)
        keys = _keys("rule", count)
        first = draw.rng.choice(len(BASES), count, p=BASIS_WEIGHTS)
        second = draw.other(first, len(BASES))
        two = draw.share(0.15, count)
        # The EU's answers are repeated for each member and a convention's for each party's
        # subdivisions, and most data reaches the EU and the hubs that are party to every
        # convention: their rules are narrow, with two bases that must both hold. The EU's:
        # stored there and about a person there; a convention's: a service offered there by
        # a holder present there (as Budapest Art. 18), for subscriber data only.
        eu = np.isin(law, eu_laws)
        first[eu], second[eu] = BASES.index("territoriality"), BASES.index("data_subject")
        first[national:], second[national:] = (
            BASES.index("service_targeting"),
            BASES.index("presence"),
        )
        two[eu | (np.arange(count) >= national)] = True
        names = _pick(BASES, first)
        bases = names.copy()
        bases[two] = bases[two] + "|" + _pick(BASES, second[two])
        names[two] = names[two] + " and " + _pick(BASES, second[two])
        presence = (first == BASES.index("presence")) | (two & (second == BASES.index("presence")))
        effect = _either(draw.share(0.15, count), "blocks", "compels")
        strength = _either(
            effect == "blocks", _pick(STRENGTHS, draw.ints(0, len(STRENGTHS), count)), ""
        )
        category = draw.ints(0, len(CATEGORIES), count)
        categories = _pick(CATEGORIES, category)
        wider = draw.share(0.3, count) & ~eu
        other = _pick(CATEGORIES, draw.other(category, len(CATEGORIES)))
        categories[wider] = categories[wider] + "|" + other[wider]
        categories[national:] = "subscriber"
        self.fact(
            "ReachRule",
            {
                "key": keys,
                "name": effect + " on " + names + " under " + laws[law],
                "bases": bases,
                "effect": effect,
                "categories": categories,
                "group_presence": _either(presence & draw.share(0.3, count), "true", ""),
                "strength": strength,
            },
        )
        self.relate("UNDER", keys, laws[law])
        by = draw.rng.random(count)
        by_law = (by < 0.6) | (by >= 0.9)
        by_decision = (by >= 0.6) & (by < 0.72)
        asserted = (by >= 0.72) & (by < 0.9)
        settled = asserted & draw.share(0.5, count)
        struck = by >= 0.9
        # by the law, a quarter from a later day than the law's entry into force
        enacted = np.flatnonzero(by_law)
        later = draw.share(0.25, len(enacted))
        since = np.where(later, draw.after(begins[law[enacted]], 30, 720), -1)
        self.relate("ESTABLISHED_BY", keys[enacted], laws[law[enacted]], since)
        asserting = self._applying(law[asserted], disputes.request_law)
        self.relate("ASSERTED_BY", keys[asserted], disputes.requests[asserting])
        decided = np.flatnonzero(by_decision | settled | struck)
        deciding = self._applying(law[decided], disputes.decision_law)
        rejects = struck[decided] | (settled[decided] & draw.share(0.4, len(decided)))
        self.relate(
            "ESTABLISHED_BY", keys[decided[~rejects]], disputes.decisions[deciding[~rejects]]
        )
        self.relate("REJECTED_BY", keys[decided[rejects]], disputes.decisions[deciding[rejects]])

    def _applying(self, laws: Ints, applied: Ints) -> Ints:
        """For each law in `laws`, a position in `applied` holding that law, drawn among
        them; any position where none does."""
        order = np.argsort(applied, kind="stable")
        ordered = applied[order]
        low = np.searchsorted(ordered, laws, "left")
        found = np.searchsorted(ordered, laws, "right") - low
        pick = low + (self.draw.rng.random(len(laws)) * found).astype(np.int64)
        anywhere = self.draw.ints(0, len(applied), len(laws))
        chosen: Ints = np.where(found > 0, order[np.minimum(pick, len(applied) - 1)], anywhere)
        return chosen
