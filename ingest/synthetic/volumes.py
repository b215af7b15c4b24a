"""Transparency-report volumes, and the Source nodes every fact cites."""

from __future__ import annotations

from .columns import Strings, _day, _either, _keys, _pick, _strings
from .shape import PUBLISHERS, SOURCE, SOURCE_TITLES
from .tables import _Jurisdictions, _Tables


class _Volumes(_Tables):
    def volumes(self, jur: _Jurisdictions, companies: Strings) -> None:
        """Transparency-report figures (as `reachgraph import-transparency` loads them): a
        half-year's requests from one jurisdiction to one company, some with a disclosure
        rate, a few estimated or halved from a yearly figure."""
        draw, n = self.draw, self.scaled("RequestVolume")
        keys = _keys("volume", n)
        half = draw.ints(0, 10, n)  # 2009 H1 .. 2013 H2
        year, second = 2009 + half // 2, half % 2 == 1
        start = _strings(f"{y}-{'07' if s else '01'}-01" for y, s in zip(year, second, strict=True))
        end = _strings(
            f"{y + 1}-01-01" if s else f"{y}-07-01" for y, s in zip(year, second, strict=True)
        )
        requests = draw.ints(1, 5000, n)
        disclosed = requests * draw.ints(0, 101, n) // 100
        published = draw.share(0.8, n)
        self.fact(
            "RequestVolume",
            {
                "key": keys,
                "name": _strings(f"Requests for user data, {k}" for k in keys),
                "period_start": start,
                "period_end": end,
                "requests": _strings(map(str, requests)),
                "disclosed_requests": _either(published, _strings(map(str, disclosed)), ""),
                "disclosure_rate": _either(
                    published, _strings(f"{r:.2f}" for r in disclosed / requests), ""
                ),
                "estimated": _either(draw.share(0.05, n), "true", "false"),
                "halved_from_yearly": _either(draw.share(0.05, n), "true", "false"),
            },
        )
        self.relate("FROM_AUTHORITIES_OF", keys, jur.codes[draw.weighted(jur.weights, n)])
        self.relate("REPORTED_BY", keys, companies[draw.ints(0, len(companies), n)])

    def source_nodes(self) -> None:
        draw, count = self.draw, len(self.sources)
        self.tables[SOURCE] = [
            {
                "key": self.sources,
                "title": _pick(SOURCE_TITLES, draw.ints(0, len(SOURCE_TITLES), count))
                + " "
                + _strings(range(count)),
                "publisher": _pick(PUBLISHERS, draw.ints(0, len(PUBLISHERS), count)),
                "date": _day(draw.days("1990-01-01", "2025-06-30", count)),
                "url": "https://example.org/sources/" + self.sources,
            }
        ]
