"""What a newcomer sees (issue 15): the default query table, ingest's stderr, serve --help,
HEAD on the GET routes, accent-insensitive search. Real processes on the embedded store."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reachgraph import output
from reachgraph.client import ReachGraph
from reachgraph.graph.stores import Store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.questions import row_model

CLI = str(Path(sys.executable).parent / "reachgraph")
BE = ["reach", "-p", "jurisdiction=BE", "-p", "as_of=2017-11-15"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """A store with the bundled dataset, and the `reachgraph ingest` run that loaded it."""
    store = str(tmp_path_factory.mktemp("newcomer") / "store")
    done = run("ingest", "--store", store)
    assert done.returncode == 0, done.stderr
    yield store, done


def query(store: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = run("query", *args, "--store", store)
    assert done.returncode == 0, done.stderr
    return done


def test_the_default_reach_table_is_one_line_per_answer_without_sentences(
    ingested: tuple[str, Any],
) -> None:
    store, _ = ingested
    answers = json.loads(query(store, *BE, "-f", "json").stdout)
    assert len(answers) >= 2
    lines = query(store, *BE).stdout.splitlines()
    assert len(lines) == 2 + len(answers)  # heading, rule, one line per answer
    assert lines[0].split() == ["data", "rule", "law", "bases", "standing", "since", "sources"]
    sentences = [s["sentence"] for a in answers for p in a["paths"] for s in p["steps"]]
    table = "\n".join(lines)
    assert not any(sentence in table for sentence in sentences)
    assert "[src-" not in table and "->" not in table
    for answer, line in zip(answers, lines[2:], strict=True):
        sources = {s for p in answer["paths"] for s in p["sources"]}
        assert line.split()[:3] == [answer["data"], answer["rule"], answer["law"]]
        assert answer["standing"] in line and answer["valid_from"] in line
        assert line.split()[-1] == str(len(sources))


def test_explain_prints_each_answers_sentences_under_it(ingested: tuple[str, Any]) -> None:
    store, _ = ingested
    answers = json.loads(query(store, *BE, "-f", "json").stdout)
    explained = query(store, *BE, "--explain").stdout.splitlines()
    rows = [i for i, line in enumerate(explained) if not line.startswith("    ")][2:]
    assert len(rows) == len(answers)
    for answer, start, end in zip(answers, rows, [*rows[1:], len(explained)], strict=True):
        under = [line.strip() for line in explained[start + 1 : end]]
        assert under == [s["sentence"] for p in answer["paths"] for s in p["steps"]]
        assert under and explained[start].startswith(answer["data"])


def test_explain_goes_with_a_table_only(ingested: tuple[str, Any]) -> None:
    store, _ = ingested
    done = run("query", *BE, "--explain", "-f", "json", "--store", store)
    assert done.returncode == 2 and "--explain" in done.stderr


def test_json_and_csv_keep_every_column(ingested: tuple[str, Any]) -> None:
    store, _ = ingested
    model = row_model("reach")
    answers = json.loads(query(store, *BE, "-f", "json").stdout)
    assert set(answers[0]) == set(model.model_fields)
    rows = list(csv.reader(io.StringIO(query(store, *BE, "-f", "csv").stdout)))
    fields = [c for c in model.model_fields if c != "path"]
    assert rows[0] == [*fields, "path", "explanation", "sources"]
    assert len(rows) == 1 + len(answers)
    assert answers[0]["path"]["steps"][0]["sentence"] in rows[1][rows[0].index("explanation")]


@pytest.mark.parametrize(
    ("args", "heading"),
    [
        (["exposure", "-p", "data=skype-user-data-be-2012", "-p", "as_of=2017-11-15"], "effect"),
        (["control_chain", "-p", "company=skype-communications-sarl"], "depth"),
        (["precedents", "-p", "basis=presence"], "stance"),
        (["explain", "-p", "a=skype", "-p", "b=BE"], "steps"),
    ],
)
def test_every_question_has_one_short_line_per_answer(
    ingested: tuple[str, Any], args: list[str], heading: str
) -> None:
    store, _ = ingested
    answers = json.loads(query(store, *args, "-f", "json").stdout)
    lines = query(store, *args).stdout.splitlines()
    assert heading in lines[0].split()
    assert len(lines) == 2 + len(answers) and answers
    assert "[src-" not in "\n".join(lines)


def test_a_terminal_width_cuts_cells_not_lines(ingested: tuple[str, Any]) -> None:
    store, _ = ingested
    from reachgraph.graph.stores import open_store
    from reachgraph.questions import ask

    with open_store(store, read_only=True) as graph:
        answers = ask(graph, "reach", {"jurisdiction": "BE", "as_of": "2017-11-15"})
    text = output.answers_table(answers, "reach", row_model("reach"), explain=True, width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "…" in text.splitlines()[2]


def test_long_output_is_paged_in_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    written = io.StringIO()
    monkeypatch.setattr("reachgraph.output.click.echo_via_pager", paged.append)
    monkeypatch.setattr("shutil.get_terminal_size", lambda: os.terminal_size((80, 10)))
    written.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdout", written)
    output.emit("short\n")
    assert paged == [] and written.getvalue() == "short\n"
    output.emit("line\n" * 30)
    assert paged == ["line\n" * 29 + "line"]
    assert written.getvalue() == "short\n"
    monkeypatch.setattr(written, "isatty", lambda: False)
    output.emit("line\n" * 30)
    assert len(paged) == 1 and written.getvalue().count("line") == 30


def test_ingest_is_quiet_without_verbose_and_ends_with_one_summary_table(
    ingested: tuple[str, Any],
) -> None:
    store, first = ingested
    assert "rows written" not in first.stderr
    assert first.stderr.strip().count("\n") == 0  # the one summary line
    assert "relationships valid" in first.stderr and first.stderr.strip().endswith(" s")
    heading = next(line for line in first.stdout.splitlines() if "kind or type" in line)
    cells = [c.strip() for c in heading.strip("┃ ").split("┃")]
    assert cells == ["group", "kind or type", "created", "updated", "unchanged", "seconds"]
    rows = [line for line in first.stdout.splitlines() if line.startswith("│")]
    assert any("│ Company " in row for row in rows) and any("│ REACHES " in row for row in rows)
    for row in rows:
        float(row.strip("│ ").split("│")[-1])  # every row has its seconds
    again = run("ingest", "--store", store, "-v")
    assert again.returncode == 0, again.stderr
    written = [line for line in again.stderr.splitlines() if line.endswith("rows written")]
    assert "Company: 0 rows written" in written and len(written) > 10


def test_serve_help_describes_every_option() -> None:
    done = subprocess.run(
        [CLI, "serve", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert done.returncode == 0
    text = " ".join(done.stdout.replace("│", " ").split())
    for option, words in (
        ("--store", "REACHGRAPH_STORE"),
        ("--host", "REACHGRAPH_HOST, else 127.0.0.1"),
        ("--port", "REACHGRAPH_PORT, else 8000"),
    ):
        assert option in text and words in text, option


@pytest.mark.parametrize("route", ["/stats", "/healthz", "/readyz", "/schema"])
def test_head_answers_as_get_without_a_body(client: TestClient, route: str) -> None:
    got = client.get(route)
    head = client.head(route)
    assert got.status_code == head.status_code == 200
    assert head.content == b"" and got.content
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    if "etag" in got.headers:
        assert head.headers["etag"] == got.headers["etag"]


def test_head_on_a_post_only_route_is_still_405(client: TestClient) -> None:
    assert client.head("/cypher").status_code == 405


@pytest.mark.parametrize("typed", ["liege", "LIEGE", "Liège", "cour d'appel de liege"])
def test_search_ignores_accents_and_case(store: Store, tmp_path: Path, typed: str) -> None:
    """The bundled data has no Liège: a scratch node stands in, loaded as ingest loads it
    (which folds its search_text); its key does not say liege, so only the name can match."""
    table = tmp_path / "Source.csv"
    table.write_text(
        "key,title,publisher,date\nsrc-scratch-court,Cour d'appel de Liège,Moniteur,2017-11-15\n",
        encoding="utf-8",
    )
    store.apply_schema()
    load(validate(read_inputs([table], store.schema), store.schema, store), store)
    found = ReachGraph(store).search(typed)
    assert [(hit.key, hit.name) for hit in found.items] == [
        ("src-scratch-court", "Cour d'appel de Liège")
    ]
    assert ReachGraph(store).search("liegeois").items == []
