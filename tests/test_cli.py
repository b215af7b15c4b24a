"""The command line as a user runs it: a real process, real stores."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd

from reachgraph.graph.stores import open_store

CLI = str(Path(sys.executable).parent / "reachgraph")
COMMANDS = ["init", "ingest", "rederive", "query", "stats", "serve", "export", "generate"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=300)


def test_help_lists_every_command() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in COMMANDS:
        assert command in done.stdout
    for command in COMMANDS:
        sub = run(command, "--help")
        assert sub.returncode == 0 and "Usage" in sub.stdout, command


def test_a_wrong_store_uri_is_one_line_that_says_what_to_do() -> None:
    done = run("stats", "--store", "http://localhost:7474")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "neo4j://" in done.stderr and "directory" in done.stderr


def test_a_stopped_neo4j_is_one_line_that_says_what_to_do() -> None:
    done = run("stats", "--store", "bolt://127.0.0.1:9")  # nothing listens on port 9
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in done.stderr


def test_an_unreachable_neo4j_is_one_line_with_no_driver_log_before_it() -> None:
    """neo4j:// first asks for a routing table; the driver logs its failure, which used to
    print a raw "Unable to retrieve routing information" line before the message."""
    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run("stats", "--store", f"neo4j://127.0.0.1:{port}")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: cannot reach Neo4j at neo4j://127.0.0.1:{port};")
    assert "REACHGRAPH_STORE" in done.stderr


def test_a_wrong_neo4j_password_says_which_setting_to_fix(neo4j_uri: str) -> None:
    env = {"REACHGRAPH_NEO4J_PASSWORD": "not-the-password", "PATH": "/usr/bin:/bin"}
    done = run("stats", "--store", neo4j_uri, env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "REACHGRAPH_NEO4J_PASSWORD" in done.stderr


def test_query_prints_json_and_refuses_writes(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert run("init", "--store", store).returncode == 0
    done = run(
        "query", "--store", store, "-c", "RETURN $x AS x, 1 + 1 AS y", "-p", "x=é", "-f", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "columns": ["x", "y"],
        "rows": [{"x": "é", "y": 2}],
        "truncated": False,
    }
    refused = run("query", "--store", store, "-c", "CREATE (:Company {key: 'x', name: 'x'})")
    assert refused.returncode == 1 and "not allowed" in refused.stderr
    stats = run("stats", "--store", store, "-f", "csv")
    assert "node,Company,0" in stats.stdout


def test_unknown_input_to_a_question_exits_2_naming_the_parameter(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    scratch = Path(__file__).parent / "model" / "scratch-dispute.yaml"
    assert run("ingest", scratch.as_posix(), "--store", store).returncode == 0
    for args, named in (
        (["reach", "-p", "jurisdiction=xx"], "'jurisdiction'"),
        (["exposure", "-p", "data=nope"], "'data'"),
        (["precedents", "-p", "basis=foo"], "'basis'"),
        (["reach", "-p", "jurisdiction=BR", "-p", "as_of=2016-02-30"], "'as_of'"),
    ):
        done = run("query", *args, "--store", store)
        assert done.returncode == 2, (args, done.stderr)
        assert named in done.stderr and "Traceback" not in done.stderr
    lower = run(
        "query",
        "reach",
        "-p",
        "jurisdiction=br",
        "-p",
        "as_of=2017-01-01",
        "--store",
        store,
        "-f",
        "json",
    )
    upper = run(
        "query",
        "reach",
        "-p",
        "jurisdiction=BR",
        "-p",
        "as_of=2017-01-01",
        "--store",
        store,
        "-f",
        "json",
    )
    assert lower.returncode == 0 and json.loads(lower.stdout) == json.loads(upper.stdout) != []


def test_rederive_writes_back_only_reaches_that_differ(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert run("ingest", "--store", store).returncode == 0
    same = run("rederive", "--store", store)
    assert same.returncode == 0 and "none differed" in same.stderr, same.stderr
    # REACHES lost by a write that bypassed ingest: ingest trusts its note, rederive fixes it.
    with open_store(store) as graph:
        total = graph.counts().relationships["REACHES"]
        graph.replace_relationships(
            "REACHES", "Jurisdiction", "Data", pd.DataFrame(columns=["start", "end"])
        )
    assert "REACHES derived anew for 0 bodies of data" in run("ingest", "--store", store).stderr
    fixed = run("rederive", "--store", store)
    assert fixed.returncode == 0 and f"{total} REACHES" in fixed.stderr
    assert f"{total} written, as they differed" in fixed.stderr
