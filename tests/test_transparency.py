"""The transparency-report importer (ingest/transparency.py) on both stores: every row loads,
a second import writes nothing, a malformed file is refused with line and column named and
leaves the graph as it was, and the request_volumes question answers with the file's own
figures (computed here from the CSV, not typed in)."""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reachgraph.graph.stores import Store
from reachgraph.ingest import IngestFailed, load, read_inputs, validate
from reachgraph.ingest.transparency import DEFAULT_TABLE, import_transparency
from reachgraph.ingest.transparency_compilation import COLUMNS, country_code
from reachgraph.questions import ask
from tests.graph_dump import differences, dump

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "reachgraph")


def csv_rows() -> list[dict[str, str]]:
    text = gzip.decompress(DEFAULT_TABLE.read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def number(text: str) -> float | None:
    return float(text.replace(",", "")) if text.strip() else None


def count(store: Store, cypher: str) -> int:
    value: int = store.read(cypher).rows[0][0]
    return value


def test_the_import_loads_every_row(store: Store) -> None:
    rows = csv_rows()
    began = time.perf_counter()
    done = import_transparency(DEFAULT_TABLE, store)
    seconds = time.perf_counter() - began
    print(f"transparency import on {store.backend}: {len(rows)} rows in {seconds:.2f} s")
    assert done.rows == len(rows) == 948
    assert done.report.nodes["RequestVolume"].created == len(rows)
    assert count(store, "MATCH (v:RequestVolume) RETURN count(v)") == len(rows)
    linked = (
        "MATCH (v:RequestVolume)-[:FROM_AUTHORITIES_OF]->(:Jurisdiction), "
        "(v)-[:REPORTED_BY]->(:Company) RETURN count(DISTINCT v)"
    )
    assert count(store, linked) == len(rows)
    providers = {row["Service Provider"] for row in rows}
    assert count(store, "MATCH (c:Company) RETURN count(c)") == len(providers)
    countries = {row["Country"] for row in rows}
    assert count(store, "MATCH (j:Jurisdiction) RETURN count(j)") == len(countries)
    # Every volume cites the provider's report for its period and the compilation.
    cited = store.read(
        "MATCH (v:RequestVolume {key: 'requests-google-llc-be-2012-h2'}) RETURN v.sources"
    ).rows[0][0]
    assert cited == ["src-transparency-google-2012-h2", "src-ali-ce-transparency-reports-2009-2013"]
    publisher = store.read(
        "MATCH (s:Source {key: 'src-transparency-google-2012-h2'}) RETURN s.publisher, s.url"
    ).rows[0]
    assert publisher[0] == "Google" and publisher[1].startswith("http://www.google.com/")


def test_a_second_import_changes_nothing(store: Store) -> None:
    import_transparency(DEFAULT_TABLE, store)
    before = dump(store)
    again = import_transparency(DEFAULT_TABLE, store)
    total = again.report.total()
    assert (total.created, total.updated) == (0, 0)
    assert again.companies_created == [] and again.jurisdictions_created == []
    assert differences(before, dump(store)) == []


def test_existing_companies_and_jurisdictions_are_linked_not_created(store: Store) -> None:
    bundled = read_inputs([ROOT / "data"], store.schema)
    load(validate(bundled, store.schema, store), store)
    google = store.read("MATCH (c:Company {key: 'google-llc'}) RETURN c.name, c.sources").rows
    done = import_transparency(DEFAULT_TABLE, store)
    assert "google-llc" not in done.companies_created
    assert "twitter-inc" in done.companies_created
    assert "BE" not in done.jurisdictions_created and "CI" in done.jurisdictions_created
    assert store.read("MATCH (c:Company {key: 'google-llc'}) RETURN c.name, c.sources").rows == (
        google
    )
    reported = count(
        store,
        "MATCH (:RequestVolume)-[:REPORTED_BY]->(c:Company {key: 'google-llc'}) RETURN count(*)",
    )
    assert reported == sum(row["Service Provider"] == "Google" for row in csv_rows())


def test_a_malformed_file_is_refused_with_line_and_column_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    import_transparency(DEFAULT_TABLE, store)
    before = dump(store)
    header = list(csv_rows()[0])
    bad = tmp_path / "newer.csv"
    with bad.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerow(["Belgium - Google, 2014", "Google", "2014", "2014 (1st half)",
                         "Belgium", "140", "90", "64", "160"])  # fmt: skip
        writer.writerow(["Belgium - Yahoo, 2014", "Yahoo", "2014", "2014 (1st half)",
                         "Belgium", "12 requests", "", "", ""])  # fmt: skip
        writer.writerow(["Atlantis - Google, 2014", "Google", "2014", "2014 (1st half)",
                         "Atlantis", "3", "1", "33", "3"])  # fmt: skip
    with pytest.raises(IngestFailed) as refused:
        import_transparency(bad, store)
    found = {(p.file, p.line, p.field) for p in refused.value.problems}
    assert found == {
        (str(bad), 3, COLUMNS["requests"]),
        (str(bad), 4, COLUMNS["country"]),
    }
    message = str(refused.value)
    assert "'12 requests' is not a number" in message
    assert "unknown country 'Atlantis'" in message
    assert differences(before, dump(store)) == []


def test_request_volumes_answers_with_the_files_figures(store: Store) -> None:
    import_transparency(DEFAULT_TABLE, store)
    expected = {
        row["Period"]: row
        for row in csv_rows()
        if row["Country"] == "Belgium" and row["Service Provider"] == "Google"
        if row["Year"] in ("2012", "2013")
    }
    answers = ask(
        store,
        "request_volumes",
        {
            "jurisdiction": "be",
            "company": "google-llc",
            "from": "2012-01-01",
            "until": "2014-01-01",
        },
    )
    assert len(answers) == len(expected) == 4
    rate = COLUMNS["rate"]
    for answer in answers:
        start = answer.period_start  # type: ignore[attr-defined]
        row = expected[f"{start.year} ({'1st' if start.month == 1 else '2nd'} half)"]
        assert answer.requests == number(row[COLUMNS["requests"]])  # type: ignore[attr-defined]
        assert answer.disclosed_requests == number(row[COLUMNS["disclosed"]])  # type: ignore[attr-defined]
        assert answer.disclosure_rate == pytest.approx(number(row[rate]) / 100)  # type: ignore[attr-defined,operator]
        assert answer.accounts == number(row[COLUMNS["accounts"]])  # type: ignore[attr-defined]
        assert answer.estimated is False  # type: ignore[attr-defined]
    by_company = ask(store, "request_volumes", {"company": "google-llc"})
    assert len(by_company) == sum(r["Service Provider"] == "Google" for r in csv_rows())


def test_the_caveats_are_kept(store: Store) -> None:
    import_transparency(DEFAULT_TABLE, store)
    rows = csv_rows()
    estimated = sum(
        r["Service Provider"] == "Twitter"
        and "5.5" in (r[COLUMNS["requests"]], r[COLUMNS["disclosed"]], r[COLUMNS["accounts"]])
        for r in rows
    )
    assert estimated > 0
    assert count(store, "MATCH (v:RequestVolume) WHERE v.estimated RETURN count(v)") == estimated
    halved = sum(
        (r["Service Provider"], r["Year"]) in {("Microsoft", "2012"), ("Verizon", "2013")}
        for r in rows
    )
    flagged = count(
        store,
        "MATCH (v:RequestVolume)-[:REPORTED_BY]->(c:Company) WHERE v.halved_from_yearly "
        "AND c.key IN ['microsoft-corporation', 'verizon-communications-inc'] RETURN count(v)",
    )
    assert flagged == halved > 0
    # Verizon published no disclosure rate: empty, not 0.
    unpublished = sum(r["Service Provider"] == "Verizon" and not r[COLUMNS["rate"]] for r in rows)
    assert unpublished > 0
    empty = count(
        store,
        "MATCH (v:RequestVolume)-[:REPORTED_BY]->(:Company {key: 'verizon-communications-inc'}) "
        "WHERE v.disclosure_rate IS NULL RETURN count(v)",
    )
    assert empty == unpublished


def test_country_names_map_to_iso_codes() -> None:
    assert country_code("Belgium") == "BE"
    assert country_code("Russia") == "RU"
    assert country_code("Czech Republic") == "CZ"
    assert country_code("Atlantis") is None


def test_the_command_prints_a_summary_and_refuses_bad_input(tmp_path: Path) -> None:
    where = str(tmp_path / "store")
    ran = subprocess.run(
        [CLI, "import-transparency", "--store", where], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert "948 rows (19 providers, 116 jurisdictions" in ran.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(f'"{c}"' for c in COLUMNS.values())
        + "\nx,Google,2014,2014 (spring),Belgium,1,1,100,1\n",
        encoding="utf-8",
    )
    refused = subprocess.run(
        [CLI, "import-transparency", str(bad), "--store", where], capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert f"{bad}:2" in refused.stderr and "field 'Period'" in refused.stderr


def test_the_question_is_an_api_route(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from reachgraph.api.app import create_app
    from tests.api_helpers import settings_for

    where = str(tmp_path / "store")
    ran = subprocess.run(
        [CLI, "import-transparency", "--store", where], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    expected = [
        r for r in csv_rows() if r["Country"] == "Germany" and r["Service Provider"] == "Facebook"
    ]
    with TestClient(create_app(settings_for(where, row_cap=1000))) as client:
        answer = client.get(
            "/questions/request_volumes", params={"jurisdiction": "de", "company": "any"}
        )
        assert answer.status_code == 200, answer.text
        facebook = [a for a in answer.json() if a["company"] == "meta-platforms-inc"]
        assert sorted(a["requests"] for a in facebook) == sorted(
            float(r[COLUMNS["requests"]].replace(",", "")) for r in expected
        )
        assert expected
        wrong = client.get("/questions/request_volumes", params={"from": "2013-13-01"})
        assert wrong.status_code == 422
