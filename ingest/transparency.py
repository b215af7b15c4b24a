"""Import transparency-report volumes: government requests for user data per provider,
requesting country and half-year (data/bulk/transparency-reports-2009-2013.csv).

Each row becomes a RequestVolume node, linked FROM_AUTHORITIES_OF the requesting
Jurisdiction and REPORTED_BY the provider's Company, and citing two Sources: the provider's
transparency report for the period (publisher: the provider) and the compilation it was read
in. Providers map to the graph's companies where it has them; companies and jurisdictions
the store lacks are created. The tables then go through the normal path (ingest.validate,
ingest.load): all or nothing, and a second import writes nothing.

The compilers' caveats are kept as properties, not hidden: `estimated` where Twitter
published "<10" (written 5.5), `halved_from_yearly` where a yearly figure was halved into two
half-years, and an empty cell stays empty ("not published"), never 0.

A newer file with the same columns needs no code change; a provider this module does not
know becomes a Company keyed by its name. A malformed row (a count that is not a number, a
period or country this module cannot read) is refused with the file, line and column named,
and nothing is written.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import BUNDLED
from ..graph.schema import Schema, load_schema
from ..graph.stores import Store
from .load import LoadReport, Progress, load
from .problems import IngestFailed, Problem
from .rows import RawInput, decode
from .transparency_compilation import (
    COLUMNS,
    COMPILATION,
    ESTIMATE,
    ESTIMATING_PROVIDER,
    HALVED_FROM_YEARLY,
    TERRITORIES,
    country_code,
    provider,
    slug,
)
from .validate import validate

#: The table bundled with reachgraph (gzipped: a .csv under data/ would be read by
#: `reachgraph ingest` as a bulk table named after a node kind).
DEFAULT_TABLE = BUNDLED / "bulk" / "transparency-reports-2009-2013.csv.gz"

_PERIOD = re.compile(r"^(\d{4}) \((1st|2nd) half\)$")


@dataclass
class TransparencyImport:
    """What an import read and did."""

    rows: int
    providers: int
    jurisdictions: int
    companies_created: list[str]
    jurisdictions_created: list[str]
    report: LoadReport


def _records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record with the line it starts on (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    end = reader.line_num
    for record in reader:
        start, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        yield start, dict(zip(header, record, strict=False))


def _text(path: Path, name: str, into: RawInput) -> str | None:
    """The file's text; a `.gz` file is decompressed first."""
    if path.suffix != ".gz":
        return decode(path, name, into)
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        into.problems.append(Problem(name, None, None, None, f"cannot read the file: {error}"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        into.problems.append(Problem(name, line, None, None, f"not UTF-8: {error.reason}"))
        return None


def _number(text: str) -> float | None:
    """A count as the compilation writes it ("1,165", "5.5", empty); ValueError if not."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise ValueError(text)
    return value


class _Rows:
    """Reads the rows into typed values, collecting problems located by line and column."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, line: int, record: str | None, role: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, record, COLUMNS[role], message))

    def count(self, line: int, row: dict[str, str], role: str) -> tuple[float | None, bool]:
        """The count in the row's column, and whether it is the "<10" estimate."""
        raw = (row.get(COLUMNS[role]) or "").strip()
        if raw == "<10":
            return ESTIMATE, True
        try:
            value = _number(raw)
        except ValueError:
            self.problem(line, row.get(COLUMNS["id"]), role, f"{raw!r} is not a number (0 or more)")
            return None, False
        estimated = value == ESTIMATE and row.get(COLUMNS["provider"]) == ESTIMATING_PROVIDER
        return value, estimated


def read_transparency(
    path: Path, store: Store | None = None, schema: Schema | None = None
) -> tuple[RawInput, dict[str, Any]]:
    """The node and relationship tables of the file, with the problems found; and counts.

    Companies and jurisdictions are added to the tables only where the store lacks them.
    `schema` (default: the store's) names the kind of the sources."""
    source_kind = (schema or (store.schema if store is not None else load_schema())).source_kind
    name = str(path)
    raw = RawInput()
    text = _text(path, name, raw)
    if text is None:
        return raw, {}
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [column for column in COLUMNS.values() if column not in header]
    for column in missing:
        raw.problems.append(Problem(name, 1, None, column, "the column is missing"))
    if missing:
        return raw, {}
    rows = _Rows(name)
    origin: dict[str, Any] = {"_file": name, "_lines": None}
    sources: dict[str, dict[str, Any]] = {}
    first_source: dict[str, str] = {}
    countries: dict[str, tuple[str, int]] = {}
    count = 0
    for line, row in _records(text):
        count += 1
        record = (row.get(COLUMNS["id"]) or "").strip() or None
        at = {**origin, "_line": line}
        who = (row.get(COLUMNS["provider"]) or "").strip()
        if not who:
            rows.problem(line, record, "provider", "the provider is missing")
        period = (row.get(COLUMNS["period"]) or "").strip()
        found = _PERIOD.match(period)
        if not found:
            rows.problem(
                line,
                record,
                "period",
                f"{period!r} is not a period this importer reads: "
                "write 'YYYY (1st half)' or 'YYYY (2nd half)'",
            )
        else:
            year = int(found.group(1))
            given = (row.get(COLUMNS["year"]) or "").strip()
            if given != str(year):
                rows.problem(line, record, "year", f"{given!r} is not the period's year {year}")
        country = (row.get(COLUMNS["country"]) or "").strip()
        code = country_code(country)
        if code is None:
            rows.problem(
                line,
                record,
                "country",
                f"unknown country {country!r}: not an ISO 3166 name; add it to "
                "COUNTRY_EXCEPTIONS in ingest/transparency_compilation.py",
            )
        requests, estimated_requests = rows.count(line, row, "requests")
        disclosed, estimated_disclosed = rows.count(line, row, "disclosed")
        rate, _ = rows.count(line, row, "rate")
        accounts, estimated_accounts = rows.count(line, row, "accounts")
        if rate is not None and rate > 100:
            rows.problem(line, record, "rate", f"{rate} is not a percentage (0 to 100)")
        if not who or not found or code is None:
            continue
        company = provider(who)
        half = 1 if found.group(2) == "1st" else 2
        start = datetime.date(year, 1 if half == 1 else 7, 1)
        end = datetime.date(year, 7, 1) if half == 1 else datetime.date(year + 1, 1, 1)
        source = f"src-transparency-{slug(who)}-{year}-h{half}"
        if source not in sources:
            sources[source] = {
                "key": source,
                "title": f"{who} transparency report: requests for user data, {period}",
                "publisher": who,
                "date": COMPILATION["date"],
                "url": company.url,
                **at,
            }
        first_source.setdefault(company.key, source)
        countries.setdefault(code, (country, line))
        key = f"requests-{company.key}-{code.lower()}-{year}-h{half}"
        cited = [source, COMPILATION["key"]]
        raw.add_node(
            "RequestVolume",
            {
                "key": key,
                "name": f"{who}: requests from {country}, {period}",
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "requests": requests,
                "disclosed_requests": disclosed,
                "disclosure_rate": None if rate is None else rate / 100,
                "accounts": accounts,
                "estimated": estimated_requests or estimated_disclosed or estimated_accounts,
                "halved_from_yearly": (who, year) in HALVED_FROM_YEARLY,
                "sources": cited,
                **at,
            },
        )
        raw.add_relationship(
            "FROM_AUTHORITIES_OF", {"start": key, "end": code, "sources": cited, **at}
        )
        raw.add_relationship(
            "REPORTED_BY", {"start": key, "end": company.key, "sources": cited, **at}
        )
    raw.problems.extend(rows.problems)
    if rows.problems:
        return raw, {}
    raw.add_node(source_kind, {**COMPILATION, **origin, "_line": 1})
    for row in sources.values():
        raw.add_node(source_kind, row)
    companies = {provider(s["publisher"]).key: s for s in sources.values()}
    known = store.kinds_of(sorted({*companies, *countries})) if store is not None else {}
    created_companies = []
    for key in sorted(companies):
        if key in known:
            continue
        who = companies[key]["publisher"]
        raw.add_node(
            "Company",
            {"key": key, "name": provider(who).name, "sources": [first_source[key]], **origin}
            | {"_line": companies[key]["_line"]},
        )
        created_companies.append(key)
    created_jurisdictions = []
    for code in sorted(countries):
        if code in known:
            continue
        country, line = countries[code]
        kind = "territory" if code in TERRITORIES else "state"
        raw.add_node(
            "Jurisdiction",
            {"key": code, "name": country, "jurisdiction_kind": kind, **origin, "_line": line},
        )
        created_jurisdictions.append(code)
    return raw, {
        "rows": count,
        "providers": len(companies),
        "jurisdictions": len(countries),
        "companies_created": created_companies,
        "jurisdictions_created": created_jurisdictions,
    }


def import_transparency(
    path: Path,
    store: Store,
    *,
    schema: Schema | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> TransparencyImport:
    """Validate the file's tables against the store and load them; all or nothing.

    Raises IngestFailed, naming file, line and column, if any row is malformed."""
    schema = schema or store.schema
    raw, counts = read_transparency(path, store, schema)
    if raw.problems:
        raise IngestFailed(raw.problems)
    valid = validate(raw, schema, store)
    report = load(valid, store, dry_run=dry_run, progress=progress)
    return TransparencyImport(report=report, **counts)
