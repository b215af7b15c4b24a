"""The clients researchers bring, py2neo and cypher-shell, read the named query files as they
are from the real Neo4j and get reachgraph's own rows (docs/clients.md).

Neo4j only: both clients speak Bolt, which the embedded store does not serve.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from py2neo import Graph, Node
from py2neo.errors import ClientError

from reachgraph.graph.stores import Store, open_store
from reachgraph.queries import named
from tests.conftest import PASSWORD, ROOT, load_bundled

QUERIES = ROOT / "queries"
CYPHER_SHELL = ROOT / "scripts" / "cypher-shell"
DAY = datetime.date(2017, 11, 15)
FOREVER = datetime.date(9999, 12, 31)
STANDINGS = ["enacted", "asserted", "established"]
REACH = {"jurisdiction": "BE", "as_of": DAY, "known_on": FOREVER, "standing": STANDINGS}


@pytest.fixture(scope="module")
def neo4j_bundled(neo4j_uri: str) -> Iterator[Store]:
    """The Neo4j store holding the bundled dataset, loaded as the `bundled` fixture does."""
    graph = open_store(neo4j_uri, password=PASSWORD)
    load_bundled(graph)
    try:
        yield graph
    finally:
        graph.close()


def reachgraph_rows(store: Store, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """What reachgraph itself reads for the named query: the text and bound parameters that
    `reachgraph.questions.ask` runs, before it shapes the rows into answers."""
    query = named(name)
    bound = query.bind(params)
    kinds = query.resolve(bound, store.kind_of, store.keys_of)
    return store.read(query.cypher(store.backend, kinds), bound).records()


# ---------------------------------------------------------------------------------- py2neo


def test_py2neo_reads_reach_as_reachgraph_does(neo4j_uri: str, neo4j_bundled: Store) -> None:
    from py2neo import Graph

    graph = Graph(neo4j_uri, auth=("neo4j", PASSWORD))
    rows = graph.run((QUERIES / "reach.cypher").read_text(), REACH).data()
    ours = reachgraph_rows(neo4j_bundled, "reach", REACH)
    assert len(ours) >= 2
    # datetime.date parameters round-trip; dates come back as py2neo's own
    # interchange.time.Date, which equals the datetime.date reachgraph returns and turns
    # into one with to_native().
    decided = [row["decided_on"] for row in rows]
    assert {type(day).__module__ for day in decided} == {"interchange.time"}
    assert [day.to_native() for day in decided] == [row["decided_on"] for row in ours]
    assert rows == ours


def test_py2neo_reads_control_chain_nodes_as_its_own_node_type(
    neo4j_uri: str, neo4j_bundled: Store
) -> None:
    params = {"company": "google-llc", "as_of": DAY, "known_on": FOREVER}
    graph = Graph(neo4j_uri, auth=("neo4j", PASSWORD))
    rows = graph.run((QUERIES / "control_chain.cypher").read_text(), params).data()
    ours = reachgraph_rows(neo4j_bundled, "control_chain", params)
    scalars = ["depth", "company", "name", "incorporated_in", "ultimate"]
    assert [[row[c] for c in scalars] for row in rows] == [
        [row[c] for c in scalars] for row in ours
    ]
    assert [r["company"] for r in rows] == ["google-llc", "alphabet-inc"]
    # Nodes come back as py2neo.Node (labels and properties), not reachgraph's plain dicts
    # with `_kind` and `_id`: compare them by label and key.
    for theirs, mine in zip(rows, ours, strict=True):
        assert all(isinstance(node, Node) for node in theirs["path_nodes"])
        assert [
            (n.has_label(m["_kind"]), n["key"])
            for n, m in zip(theirs["path_nodes"], mine["path_nodes"], strict=True)
        ] == [(True, m["key"]) for m in mine["path_nodes"]]


def test_py2neo_cannot_send_a_datetime_with_a_time_zone(neo4j_uri: str) -> None:
    """No named query takes one (their parameters are strings, dates and lists of strings,
    which all round-trip), but a researcher's own script may: py2neo 2021.2's packer fails
    on the client before anything is sent. Read back, it comes as interchange.time.DateTime
    with its zone, but to_native() drops the zone."""
    graph = Graph(neo4j_uri, auth=("neo4j", PASSWORD))
    moment = datetime.datetime(2017, 11, 15, 12, 0, tzinfo=datetime.UTC)
    with pytest.raises(TypeError, match="utcoffset"):
        graph.evaluate("RETURN toString($moment)", moment=moment)
    read = graph.evaluate("RETURN datetime('2017-11-15T12:00Z')")
    assert read.tzinfo is not None
    assert read.to_native() == moment.replace(tzinfo=None)


def test_py2neo_readonly_transaction_refuses_a_write(neo4j_uri: str, neo4j_bundled: Store) -> None:
    graph = Graph(neo4j_uri, auth=("neo4j", PASSWORD))
    tx = graph.begin(readonly=True)
    with pytest.raises(ClientError) as refused:
        tx.run("CREATE (n:X)")
        graph.commit(tx)
    assert str(refused.value) == (
        "[Statement.AccessMode] Writing in read access mode not allowed. Attempted write to neo4j"
    )
    assert neo4j_bundled.read("MATCH (n:X) RETURN count(n)").rows == [[0]]


# ---------------------------------------------------------------------------- cypher-shell


@pytest.fixture(scope="module")
def cypher_shell() -> Path:
    """scripts/cypher-shell with its jars fetched from Maven Central."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        message = (
            f"cypher-shell tests skipped: {' and '.join(missing)} not found. Install a JDK 17+ "
            "and Maven so scripts/cypher-shell can fetch cypher-shell 5.26 from Maven Central."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    fetched = subprocess.run([CYPHER_SHELL, "fetch"], capture_output=True, text=True)
    if fetched.returncode != 0:
        message = f"scripts/cypher-shell fetch failed:\n{fetched.stderr[-3000:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CYPHER_SHELL


def shell(tool: Path, uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            tool,
            "-a",
            uri,
            "-u",
            "neo4j",
            "-p",
            PASSWORD,
            "--access-mode",
            "read",
            "--format",
            "plain",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def plain(value: Any) -> str:
    """A value as cypher-shell's plain format prints it: Cypher literals, where a string's
    double quotes are escaped and nothing else is (so a string ending in a backslash cannot
    be told from one followed by an escaped quote)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(plain(item) for item in value) + "]"
    if isinstance(value, datetime.date | int):
        return str(value)
    raise TypeError(f"no plain rendering for {value!r} here")


def plain_lines(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    return [", ".join(columns)] + [", ".join(plain(row[c]) for c in columns) for row in rows]


@pytest.mark.parametrize(
    ("name", "params", "shell_params"),
    [
        (
            "reach",
            REACH,
            [
                'jurisdiction => "BE"',
                'as_of => date("2017-11-15")',
                'known_on => date("9999-12-31")',
                'standing => ["enacted", "asserted", "established"]',
            ],
        ),
        (
            "channels",
            {"a": "BE", "b": "US", "as_of": DAY, "known_on": FOREVER},
            [
                'a => "BE"',
                'b => "US"',
                'as_of => date("2017-11-15")',
                'known_on => date("9999-12-31")',
            ],
        ),
    ],
)
def test_cypher_shell_reads_a_query_file_as_reachgraph_does(
    cypher_shell: Path,
    neo4j_uri: str,
    neo4j_bundled: Store,
    name: str,
    params: dict[str, Any],
    shell_params: list[str],
) -> None:
    args = [arg for p in shell_params for arg in ("--param", p)]
    run = shell(cypher_shell, neo4j_uri, *args, "-f", str(QUERIES / f"{name}.cypher"))
    assert run.returncode == 0, run.stderr
    ours = reachgraph_rows(neo4j_bundled, name, params)
    assert ours
    assert run.stdout.splitlines() == plain_lines(ours, [c.name for c in named(name).columns])


def test_cypher_shell_refuses_a_write_in_read_access_mode(
    cypher_shell: Path, neo4j_uri: str, neo4j_bundled: Store
) -> None:
    run = shell(cypher_shell, neo4j_uri, "CREATE (n:X)")
    assert run.returncode == 1
    assert run.stderr.strip() == "Writing in read access mode not allowed. Attempted write to neo4j"
    assert neo4j_bundled.read("MATCH (n:X) RETURN count(n)").rows == [[0]]
