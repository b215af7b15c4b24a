"""The commercial side: jurisdictions, companies and their ownership, services, data centres
and data."""

from __future__ import annotations

import itertools

import numpy as np
import pycountry

from .columns import Ints, Strings, _blank, _day_number, _either, _keys, _pick, _strings
from .shape import (
    CITIES,
    DATA_CATEGORY_SETS,
    DEPTHS,
    EU_ACCESSION,
    EU_LEFT,
    HUBS,
    LEGAL_FORMS,
    OWNERSHIP,
    PRESENCE_KINDS,
    PRODUCTS,
    SUBDIVISIONS,
    TERRITORIES,
    WORDS,
)
from .tables import _Jurisdictions, _Tables


class _World(_Tables):
    def jurisdictions(self) -> _Jurisdictions:
        countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
        codes = _strings([c.alpha_2 for c in countries] + ["EU", *SUBDIVISIONS])
        names = _strings(
            [getattr(c, "common_name", c.name) for c in countries]
            + ["European Union"]
            + [pycountry.subdivisions.get(code=code).name for code in SUBDIVISIONS]  # type: ignore[no-untyped-call]
        )
        kinds = ["territory" if c.alpha_2 in TERRITORIES else "state" for c in countries] + [
            "supranational"
        ]
        kinds += ["subnational"] * len(SUBDIVISIONS)
        self.tables["Jurisdiction"] = [
            {"key": codes, "name": names, "jurisdiction_kind": _strings(kinds)}
        ]
        self.relate("TERRITORY_OF", _strings(TERRITORIES), _strings(TERRITORIES.values()))
        members = [(code, day) for day, joined in EU_ACCESSION.items() for code in joined.split()]
        self.relate(
            "PART_OF",
            _strings(code for code, _ in members),
            _strings("EU" for _ in members),
            np.array([_day_number(day) for _, day in members]),
            np.array([_day_number(EU_LEFT[c]) if c in EU_LEFT else -1 for c, _ in members]),
        )
        self.relate(
            "PART_OF", _strings(SUBDIVISIONS), _strings(s.split("-")[0] for s in SUBDIVISIONS)
        )
        position = {code: i for i, code in enumerate(codes.tolist())}
        states = len(countries) + 1
        rank = np.full(states, float(len(HUBS)))
        rank[[position[hub] for hub in HUBS]] = np.arange(len(HUBS))
        weights = 1.0 / (rank + 1.0) ** 1.3
        weights[position["EU"]] = 0.0  # no company is incorporated in the EU as such
        return _Jurisdictions(codes, names, states, weights / weights.sum())

    def companies(self, jur: _Jurisdictions) -> tuple[Strings, Ints]:
        n, draw = self.n, self.draw
        keys = _keys("company", n)
        founded = draw.days("1950-01-01", "2020-12-31", n)
        country = draw.weighted(jur.weights, n)
        names = (
            _pick(WORDS, draw.ints(0, len(WORDS), n))
            + " "
            + _pick(WORDS, draw.ints(0, len(WORDS), n))
            + " "
            + _strings(range(n))
            + " "
            + _pick(LEGAL_FORMS, draw.ints(0, len(LEGAL_FORMS), n))
        )
        lei = _blank(n)
        has_lei = np.flatnonzero(draw.share(0.4, n))
        alphabet = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
        letters = alphabet[draw.rng.integers(0, 36, (len(has_lei), 18))]
        digits = alphabet[draw.rng.integers(26, 36, (len(has_lei), 2))]
        code = np.ascontiguousarray(np.concatenate([letters, digits], axis=1)).view("S20")
        lei[has_lei] = code.ravel().astype(str).astype(object)
        wikidata = _blank(n)
        has_qid = np.flatnonzero(draw.share(0.2, n))
        wikidata[has_qid] = "Q" + _strings(draw.ints(1000, 130_000_000, len(has_qid)))
        self.fact("Company", {"key": keys, "name": names, "lei": lei, "wikidata": wikidata})
        self.relate("INCORPORATED_IN", keys, jur.codes[country], founded)
        hq = np.flatnonzero(draw.share(0.3, n))
        abroad = draw.share(0.2, len(hq))
        hq_country = np.where(abroad, draw.weighted(jur.weights, len(hq)), country[hq])
        self.relate("HEADQUARTERED_IN", keys[hq], jur.codes[hq_country], founded[hq])
        # a few have a branch, an office or a legal representative abroad (presence)
        present = draw.some(0.04, np.ones(n, dtype=bool))
        where = draw.weighted(jur.weights, len(present))
        us, ie = (int(np.flatnonzero(jur.codes == code)[0]) for code in ("US", "IE"))
        home = where == country[present]
        where[home] = np.where(country[present][home] == us, ie, us)
        self.relate(
            "HAS_PRESENCE_IN",
            keys[present],
            jur.codes[where],
            draw.after(founded[present], 0, 3000),
            presence_kind=_pick(PRESENCE_KINDS, draw.ints(0, len(PRESENCE_KINDS), len(present))),
        )
        self.ownership(keys, founded)
        return keys, founded

    def ownership(self, keys: Strings, founded: Ints) -> None:
        """Forests: a company below depth 0 is owned by one a level above it."""
        draw = self.draw
        sizes = np.floor(np.array(DEPTHS) * self.n).astype(int)
        sizes[0] += self.n - sizes.sum()
        levels = np.split(draw.rng.permutation(self.n), np.cumsum(sizes)[:-1])
        share_text = _strings(f"{v / 100:.2f}" for v in range(101))
        for above, level in itertools.pairwise(levels):
            if not len(above) or not len(level):
                continue
            owner = above[draw.ints(0, len(above), len(level))]
            since = draw.after(np.maximum(founded[level], founded[owner]), 0, 3000)
            sold = draw.until(since, 0.15 if len(above) > 1 else 0.0, 365, 6000)
            resold = np.flatnonzero(sold >= 0)
            position = np.searchsorted(np.sort(above), owner[resold])
            buyer = np.sort(above)[draw.other(position, len(above))]
            child = np.concatenate([level, level[resold]])
            share = draw.ints(50, 101, len(child))
            self.relate(
                OWNERSHIP,
                keys[child],
                keys[np.concatenate([owner, buyer])],
                np.concatenate([since, sold[resold]]),
                np.concatenate([sold, np.full(len(resold), -1)]),
                share=_either(draw.share(0.9, len(child)), share_text[share], ""),
            )

    def services(
        self, jur: _Jurisdictions, companies: Strings, founded: Ints
    ) -> tuple[Strings, Ints, Ints, tuple[Ints, Ints]]:
        draw, count = self.draw, self.scaled("Service")
        keys = _keys("service", count)
        names = (
            _pick(WORDS, draw.ints(0, len(WORDS), count))
            + " "
            + _pick(PRODUCTS, draw.ints(0, len(PRODUCTS), count))
            + " "
            + _strings(range(count))
        )
        self.fact("Service", {"key": keys, "name": names})
        first = draw.ints(0, self.n, count)
        launched = draw.after(founded[first], 0, 5000)
        handed_over = draw.until(launched, 0.05, 365, 4000)
        moved = np.flatnonzero(handed_over >= 0)
        operator = first.copy()
        operator[moved] = draw.other(first[moved], self.n)
        self.relate("OPERATED_BY", keys, companies[first], launched, handed_over)
        self.relate("OPERATED_BY", keys[moved], companies[operator[moved]], handed_over[moved])
        # heavy-tailed: most services in a handful of countries, a few almost everywhere
        reach = np.clip(np.rint(np.exp(draw.rng.normal(1.33, 1.05, count))), 1, jur.states)
        service = np.repeat(np.arange(count), reach.astype(np.int64))
        country = draw.weighted(jur.weights, len(service))
        keep = np.sort(np.unique(service * len(jur.codes) + country, return_index=True)[1])
        service, country = service[keep], country[keep]
        since = draw.after(launched[service], 0, 2000)
        until = draw.until(since, 0.1)
        self.relate("OFFERED_IN", keys[service], jur.codes[country], since, until)
        return keys, operator, launched, (service, country)

    def data_centres(self, jur: _Jurisdictions, companies: Strings) -> Strings:
        draw, count = self.draw, self.scaled("DataCenter")
        keys = _keys("datacenter", count)
        country = jur.codes[draw.weighted(jur.weights, count)]
        city = _strings(
            CITIES[code][i % len(CITIES[code])] if code in CITIES else ""
            for i, code in enumerate(country.tolist())
        )
        names = "Data centre " + _strings(range(count)) + " (" + country + ")"
        self.fact("DataCenter", {"key": keys, "name": names, "city": city})
        opened = draw.days("1995-01-01", "2023-12-31", count)
        self.relate("LOCATED_IN", keys, country, opened)
        self.relate("OPERATED_BY", keys, companies[draw.ints(0, self.n, count)], opened)
        return keys

    def data(
        self,
        jur: _Jurisdictions,
        companies: Strings,
        services: Strings,
        operator: Ints,
        launched: Ints,
        offered: tuple[Ints, Ints],
        centres: Strings,
    ) -> tuple[Strings, Ints, Ints]:
        """The data, the company holding each and the service generating it."""
        draw, count = self.draw, self.scaled("Data")
        keys = _keys("data", count)
        service = draw.ints(0, len(services), count)
        categories = _pick(DATA_CATEGORY_SETS, draw.ints(0, len(DATA_CATEGORY_SETS), count))
        what = _strings(c.replace("|", " and ") for c in categories.tolist())
        names = services[service] + " " + what + " records " + _strings(range(count))
        self.fact("Data", {"key": keys, "name": names, "categories": categories})
        self.relate("GENERATED_BY", keys, services[service])
        holder = operator[service]
        since = draw.after(launched[service], 0, 1500)
        self.relate("HELD_BY", keys, companies[holder], since)
        # in one centre; a fifth moved once, a quarter of the rest also kept in a second one
        centre = draw.ints(0, len(centres), count)
        moved_on = draw.until(since, 0.2, 90, 3000)
        moved = np.flatnonzero(moved_on >= 0)
        copy = np.flatnonzero(draw.share(0.25, count) & (moved_on < 0))
        self.relate("STORED_IN", keys, centres[centre], since, moved_on)
        self.relate(
            "STORED_IN",
            keys[moved],
            centres[draw.other(centre[moved], len(centres))],
            moved_on[moved],
        )
        self.relate(
            "STORED_IN", keys[copy], centres[draw.other(centre[copy], len(centres))], since[copy]
        )
        # about people where the service is offered: one country, a fifth a second one
        offered_service, offered_country = offered
        first = np.searchsorted(offered_service, np.arange(len(services)))
        reach = np.bincount(offered_service, minlength=len(services))
        subject = np.concatenate([np.arange(count), np.flatnonzero(draw.share(0.2, count))])
        of = service[subject]
        country = offered_country[
            first[of] + (draw.rng.random(len(subject)) * reach[of]).astype(int)
        ]
        keep = np.sort(np.unique(subject * len(jur.codes) + country, return_index=True)[1])
        self.relate(
            "CONCERNS_SUBJECT_IN",
            keys[subject[keep]],
            jur.codes[country[keep]],
            since[subject[keep]],
        )
        return keys, holder, service
