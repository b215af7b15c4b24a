"""Authorities (court hierarchies and others), statutes and treaties with their parties."""

from __future__ import annotations

import numpy as np

from .columns import Ints, Strings, _blank, _day, _either, _keys, _pick, _strings, _year
from .shape import OTHER_AUTHORITIES, TERRITORIES, TOPICS
from .tables import _Authorities, _Jurisdictions, _Tables


class _Law(_Tables):
    def authorities(self, jur: _Jurisdictions) -> _Authorities:
        """Per state: a supreme court, appeal courts, first-instance courts, the others."""
        first = max(2, self.n // 40_000)
        appeal = max(1, first // 3)
        roles = [("court", "supreme", "Supreme Court")]
        roles += [("court", "appeal", f"Court of Appeal {i + 1}") for i in range(appeal)]
        roles += [
            ("court", "first_instance", f"Court of First Instance {i + 1}") for i in range(first)
        ]
        roles += [(kind, "", name) for kind, name in OTHER_AUTHORITIES]
        block = len(roles)
        state = np.repeat(np.arange(jur.states), block)
        role = np.tile(np.arange(block), jur.states)
        keys = _keys("authority", len(state))
        names = jur.names[state] + " " + _pick([name for *_, name in roles], role)
        self.fact(
            "Authority",
            {
                "key": keys,
                "name": names,
                "authority_kind": _pick([kind for kind, *_ in roles], role),
                "level": _pick([level for _, level, _ in roles], role),
            },
        )
        self.relate("BELONGS_TO", keys, jur.codes[state])
        base = np.arange(jur.states) * block
        courts_of_appeal = (base[:, None] + 1 + np.arange(appeal)).ravel()
        first_courts = base[:, None] + 1 + appeal + np.arange(first)
        their_appeal = base[:, None] + 1 + np.arange(first) % appeal
        self.relate(
            "APPEALS_TO",
            keys[np.concatenate([first_courts.ravel(), courts_of_appeal])],
            keys[np.concatenate([their_appeal.ravel(), np.repeat(base, appeal)])],
        )
        return _Authorities(keys, names, block, appeal, first)

    def laws(self, jur: _Jurisdictions) -> tuple[Strings, Ints, Ints, Ints]:
        """National laws (a block per state, the EU's last) and then the treaties; the
        laws' keys, the day each came into force, the treaties' positions and, of those, the
        multilateral conventions'."""
        draw = self.draw
        per_state = max(1, round(self.scaled("Law") / jur.states))
        national = jur.states * per_state
        treaties = max(4, self.scaled("treaty"))
        keys = _keys("law", national + treaties)
        state = np.repeat(np.arange(jur.states), per_state)
        begins = draw.days("1950-01-01", "2024-06-30", national + treaties)
        year = _year(begins)
        number = _strings(range(national + treaties))
        topic = _pick(TOPICS, draw.ints(0, len(TOPICS), national + treaties))
        eu = state == jur.states - 1
        kind = _pick(("statute", "code", "decree"), draw.ints(0, 3, national))
        kind[np.arange(national) % per_state == 0] = "constitution"
        kind[eu] = _pick(("regulation", "directive"), draw.ints(0, 2, int(eu.sum())))
        names = jur.names[state] + " " + topic[:national] + " Act " + year[:national]
        citation = jur.codes[state] + " Law " + year[:national] + "/" + number[:national]
        citation[eu] = "Regulation (EU) " + year[:national][eu] + "/" + number[:national][eu]
        celex = _blank(national + treaties)
        celex[:national][eu] = "3" + year[:national][eu] + "R" + number[:national][eu]
        # treaties: mostly bilateral MLATs and executive agreements, some conventions
        bilateral = draw.share(0.7, treaties)
        agreement = bilateral & draw.share(0.25, treaties)
        parties = np.where(bilateral, 2, draw.ints(5, 60, treaties))
        treaty = np.repeat(np.arange(treaties), parties)
        party = draw.weighted(jur.weights, len(treaty))
        keep = np.sort(np.unique(treaty * len(jur.codes) + party, return_index=True)[1])
        treaty, party = treaty[keep], party[keep]
        first_party = party[np.searchsorted(treaty, np.arange(treaties))]
        title = _either(
            agreement,
            "Executive Agreement on Access to Electronic Data",
            _either(
                bilateral, "Mutual Legal Assistance Treaty", "Convention on " + topic[national:]
            ),
        )
        names = np.concatenate(
            [names, jur.names[first_party] + " " + title + " " + number[national:]]
        )
        citation = np.concatenate(
            [citation, "Treaty Series " + year[national:] + " No. " + number[national:]]
        )
        kind = np.concatenate([kind, _either(agreement, "executive_agreement", "treaty")])
        channel = np.concatenate(
            [_blank(national), _either(bilateral | draw.share(0.5, treaties), "true", "false")]
        )
        ends = draw.until(begins, 0.05, 365, 9000)
        self.fact(
            "Law",
            {
                "key": keys,
                "name": names,
                "citation": citation,
                "law_kind": kind,
                "celex": celex,
                "in_force_from": _day(begins),
                "in_force_until": _day(ends),
                "channel": channel,
            },
        )
        self.relate("ENACTED_BY", keys, jur.codes[np.concatenate([state, first_party])])
        joined = draw.after(begins[national + treaty], 0, 1500)
        self.relate(
            "PARTY", keys[national + treaty], jur.codes[party], joined, draw.until(joined, 0.03)
        )
        self.extensions(jur, keys[national + treaty], party, joined)
        return keys, begins, national + np.arange(treaties), national + np.flatnonzero(~bilateral)

    def extensions(self, jur: _Jurisdictions, treaty: Strings, party: Ints, joined: Ints) -> None:
        """A third of the time, a state party with territories extends the treaty to one of
        them (its own PARTY, with `extension_of`), unless that territory is a party already."""
        codes = jur.codes.tolist()
        own = {code: [t for t, state in TERRITORIES.items() if state == code] for code in codes}
        parties = set(zip(treaty.tolist(), (codes[p] for p in party.tolist()), strict=True))
        rows = np.arange(len(party))
        extend = self.draw.share(1 / 3, len(rows))
        pick = self.draw.ints(0, 1 << 30, len(rows))
        start: list[str] = []
        end: list[str] = []
        state: list[str] = []
        since: list[int] = []
        for row, yes, which in zip(rows.tolist(), extend.tolist(), pick.tolist(), strict=True):
            theirs = own[codes[party[row]]]
            if not yes or not theirs:
                continue
            territory = theirs[which % len(theirs)]
            if (treaty[row], territory) in parties:
                continue
            parties.add((treaty[row], territory))
            start.append(treaty[row])
            end.append(territory)
            state.append(codes[party[row]])
            since.append(int(joined[row]))
        later = self.draw.after(np.array(since, dtype=np.int64), 30, 3000)
        self.relate("PARTY", _strings(start), _strings(end), later, extension_of=_strings(state))
