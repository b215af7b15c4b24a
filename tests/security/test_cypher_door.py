"""The write-and-escape corpus (attacks.yaml) through every door to Cypher, on both stores.

Each attack goes through POST /cypher (the real app), `reachgraph query -c` (the real entry
point, `reachgraph.cli.main`) and `ReachGraph.cypher` over a store opened for writing (the
weakest of the three: no read-only database file, only a read-only transaction). Each must
be refused with a 4xx or a non-zero exit, leave the graph as it was (counts, nodes,
relationships, tables or last transaction), create no file, and never show the content of
the secret file it names.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from reachgraph.cli import main
from reachgraph.client import ReachGraph
from reachgraph.graph.errors import QueryError, ReachgraphError
from tests.api_helpers import settings_for
from tests.conftest import PASSWORD
from tests.security.graphs import OUTCOMES, Target, fingerprint

CORPUS = yaml.safe_load((Path(__file__).parent / "attacks.yaml").read_text(encoding="utf-8"))
#: In the secret file only: an answer or message holding it has read the file.
TOKEN = "s3cr3t-7f9a2c41"
ROW_CAP = 5
TIMEOUT = 5.0


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("server-files")
    file = folder / "secret.csv"
    file.write_text(f"a,b\n{TOKEN},{TOKEN}\n")
    return file


@pytest.fixture(scope="module")
def api(target: Target) -> Iterator[TestClient]:
    settings = settings_for(target.location, row_cap=ROW_CAP, query_timeout=TIMEOUT)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def library(target: Target) -> ReachGraph:
    """ReachGraph over the test's own writable store (not closed: the target owns it)."""
    return ReachGraph(target.store, settings_for(target.location, row_cap=ROW_CAP))


def _fill(value: Any, places: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in places.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, places) for v in value]
    return value


def through_http(api: TestClient, query: str, params: dict[str, Any]) -> tuple[str, str]:
    response = api.post("/cypher", json={"query": query, "params": params})
    text = response.text
    if response.status_code >= 500:
        return "5xx", f"{response.status_code} {text}"
    if response.status_code < 400:
        return "executed", f"{response.status_code} {text}"
    assert response.headers["content-type"] == "application/problem+json", text
    assert response.json()["detail"], text
    return "refused", f"{response.status_code} {text}"


def through_cli(
    target: Target,
    query: str,
    params: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[str, str]:
    monkeypatch.setenv("REACHGRAPH_NEO4J_PASSWORD", PASSWORD)
    monkeypatch.setenv("REACHGRAPH_ROW_CAP", str(ROW_CAP))
    monkeypatch.setenv("REACHGRAPH_QUERY_TIMEOUT", str(TIMEOUT))
    argv = ["reachgraph", "query", "--store", target.location, "-f", "json", "-c", query]
    for name, value in params.items():
        argv += ["-p", f"{name}={value}"]
    monkeypatch.setattr(sys, "argv", argv)
    capsys.readouterr()
    try:
        main()
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    except Exception as error:  # anything main() lets escape is a crash
        return "5xx", f"crash: {error!r}"
    out, err = capsys.readouterr()
    text = f"exit {code}\n{out}\n{err}"
    if code in (0, None):
        return "executed", text
    assert err.strip(), "a refusal must say why"
    return "refused", text


def through_library(library: ReachGraph, query: str, params: dict[str, Any]) -> tuple[str, str]:
    try:
        answer = library.cypher(query, params)
    except QueryError as error:
        if 400 <= error.status < 500:
            return "refused", f"{error.status} {error}"
        return "5xx", f"{error.status} {error}"
    except ReachgraphError as error:
        return "5xx", f"{error.status} {error}"
    return "executed", answer.model_dump_json()


CASES = [pytest.param(case, id=case["id"]) for case in CORPUS]


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    ids = [case["id"] for case in CORPUS]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES)
def test_every_door_refuses_the_attack(
    case: dict[str, Any],
    target: Target,
    api: TestClient,
    library: ReachGraph,
    secret: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if target.backend not in case.get("stores", [target.backend]):
        pytest.skip(f"an attack on {', '.join(case['stores'])} only")
    out = tmp_path / "out"
    out.mkdir()
    places = {
        "canary": str(out / "canary"),
        "canary_dir": str(out),
        "secret": str(secret),
        "secret_dir": str(secret.parent),
        "secret_url": secret.as_uri(),
    }
    query = _fill(case["query"], places)
    params = _fill(case.get("params") or {}, places)
    # What LadybugDB's LOAD FROM <name> would find by looking through the caller's frames.
    secret_rows = pd.DataFrame({"a": [TOKEN]})  # noqa: F841

    answers = {
        "http": through_http(api, query, params),
        "cli": through_cli(target, query, params, monkeypatch, capsys),
        "library": through_library(library, query, params),
    }
    for door, (outcome, _) in answers.items():
        OUTCOMES.append((target.backend, door, outcome))

    after = fingerprint(target.store)
    changed = after != target.baseline
    if changed:
        target.restore()
    report = "\n".join(
        f"{door}: {outcome}: {text[:400]}" for door, (outcome, text) in answers.items()
    )
    assert all(outcome == "refused" for outcome, _ in answers.values()), report
    assert not changed, f"the graph changed:\n{report}"
    assert list(out.iterdir()) == [], f"files written: {list(out.iterdir())}\n{report}"
    assert all(TOKEN not in text for _, text in answers.values()), f"secret leaked:\n{report}"


READS = {
    "ladybug": ["CALL show_tables() RETURN name", "MATCH (n:Company) RETURN n.key ORDER BY n.key"],
    "neo4j": ["CALL db.labels() YIELD label RETURN label", "MATCH (n:Company) RETURN n.key"],
}


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Company) WHERE n.name <> 'CREATE (x)' RETURN n.key AS download ORDER BY n.key",
        "MATCH (n:Company) // then DETACH DELETE n\nRETURN count(n) AS n",
        "MATCH (n:Company {key: $key}) RETURN n.name",
        "UNWIND range(1, 20) AS x RETURN x",
        "INTROSPECT",
    ],
    ids=["write-words-in-strings", "write-words-in-comments", "parameter", "row-cap", "introspect"],
)
def test_every_door_still_answers_reads(
    query: str,
    target: Target,
    api: TestClient,
    library: ReachGraph,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The control: the doors refuse attacks, not everything."""
    queries = READS[target.backend] if query == "INTROSPECT" else [query]
    for text in queries:
        params = {"key": "acme"} if "$key" in text else {}
        answers = {
            "http": through_http(api, text, params),
            "cli": through_cli(target, text, params, monkeypatch, capsys),
            "library": through_library(library, text, params),
        }
        assert all(outcome == "executed" for outcome, _ in answers.values()), answers
        if text.startswith("UNWIND"):
            # The row cap holds on every door, the command line too.
            assert all('"truncated":true' in t.replace(" ", "") for _, t in answers.values())
