"""Exports (reachgraph/export/): the graph as networkx and pandas, files in four formats that
read back to the same typed graph, the neighbourhood and answer-path scopes, the CLI and the
API. Expected values come from the store, read another way, never from a list kept here."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
import pytest
from fastapi.testclient import TestClient
from networkx.readwrite import json_graph
from pydantic import BaseModel

from reachgraph.client import ReachGraph
from reachgraph.export import (
    FORMATS,
    edge_types,
    iter_export,
    node_types,
    read_export,
    write_export,
)
from reachgraph.graph.errors import NotFound, QueryError
from reachgraph.graph.schema import load_schema
from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables
from tests.api_helpers import is_problem, settings_for
from tests.conftest import DATA, PASSWORD

CLI = str(Path(sys.executable).parent / "reachgraph")
SCHEMA = load_schema()
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "text": str,
    "date": datetime.date,
    "integer": int,
    "float": float,
    "boolean": bool,
    "string_list": list,
}


@pytest.fixture(scope="module")
def whole(bundled: Store) -> nx.MultiDiGraph:
    """The whole bundled dataset, exported once per store."""
    return ReachGraph(bundled).to_networkx()


def nodes_of(g: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return dict(g.nodes(data=True))


def edges_of(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(u, v, k): data for u, v, k, data in g.edges(keys=True, data=True)}


def assert_same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert isinstance(b, nx.MultiDiGraph)
    assert nodes_of(a) == nodes_of(b)
    assert edges_of(a) == edges_of(b)
    assert a.number_of_edges() == b.number_of_edges()


def assert_typed(g: nx.MultiDiGraph) -> None:
    """Every attribute has the Python type of its schema type, or is None."""
    by_kind, by_type = node_types(SCHEMA), edge_types(SCHEMA)
    for key, attrs in g.nodes(data=True):
        assert set(attrs) == set(by_kind[attrs["kind"]]), key
        for name, type_ in by_kind[attrs["kind"]].items():
            assert attrs[name] is None or isinstance(attrs[name], PYTHON_TYPES[type_]), (key, name)
        assert attrs["key"] == key and isinstance(attrs["sources"], list)
    for u, v, k, attrs in g.edges(keys=True, data=True):
        assert attrs["type"] == k and set(attrs) == set(by_type[k]), (u, v, k)
        for name, type_ in by_type[k].items():
            assert attrs[name] is None or isinstance(attrs[name], PYTHON_TYPES[type_]), (u, k, name)


# -- the whole graph ----------------------------------------------------------------------------


def test_the_whole_graph_holds_every_node_and_relationship_of_the_store(
    bundled: Store, whole: nx.MultiDiGraph
) -> None:
    counts = bundled.counts()
    assert Counter(kind for _, kind in whole.nodes(data="kind")) == +Counter(counts.nodes)
    curated = {t: n for t, n in counts.relationships.items() if t != "REACHES"}  # derived
    assert Counter(k for _, _, k in whole.edges(keys=True)) == +Counter(curated)
    assert_typed(whole)


def test_node_attributes_are_the_entities_the_query_layer_reads(
    bundled: Store, whole: nx.MultiDiGraph
) -> None:
    graph = ReachGraph(bundled)
    for key, attrs in whole.nodes(data=True):
        node = graph.node(key)
        assert (attrs["kind"], attrs["name"], attrs["sources"]) == (
            node.kind,
            node.name,
            node.sources,
        )
        shown = {k: v for k, v in attrs.items() if v is not None}
        for top in ("kind", "key", "name", "sources"):
            shown.pop(top)
        assert shown == node.properties, key


def test_edge_attributes_are_the_relationships_the_store_holds(
    bundled: Store, whole: nx.MultiDiGraph
) -> None:
    rows = bundled.read("MATCH (a)-[r]->(b) RETURN a.key, r, b.key").rows
    stored = {
        (start, end, r["_type"]): {k: v for k, v in r.items() if not k.startswith("_")}
        for start, r, end in rows
        if r["_type"] != "REACHES"  # derived answers, which exports leave out
    }
    exported = {
        edge: {k: v for k, v in attrs.items() if v is not None and k != "type"}
        for edge, attrs in edges_of(whole).items()
    }
    for attrs in stored.values():
        attrs.setdefault("sources", [])
    assert exported == stored


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_the_same_graph(
    whole: nx.MultiDiGraph, fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / f"graph.{fmt}"
    write_export(whole, path, fmt)
    from_file = read_export(path, fmt)
    assert_same(whole, from_file)
    assert_typed(from_file)
    assert_same(whole, read_export(path.read_bytes(), fmt))


def test_the_files_are_what_other_tools_read(whole: nx.MultiDiGraph, tmp_path: Path) -> None:
    """networkx's own readers read every file: the graph's shape and plain attributes."""
    keys = set(whole.nodes)
    data = orjson.loads(b"".join(iter_export(whole, "node-link")))
    plain = json_graph.node_link_graph(data, edges="edges")
    assert set(plain.nodes) == keys and set(plain.edges(keys=True)) == set(whole.edges(keys=True))
    graphml = nx.read_graphml(io.BytesIO(b"".join(iter_export(whole, "graphml"))))
    assert set(graphml.nodes) == keys and graphml.number_of_edges() == whole.number_of_edges()
    gexf = nx.read_gexf(io.BytesIO(b"".join(iter_export(whole, "gexf"))))
    assert {n: d["label"] for n, d in gexf.nodes(data=True)} == dict(whole.nodes(data="name"))
    with zipfile.ZipFile(io.BytesIO(b"".join(iter_export(whole, "csv")))) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        archive.extractall(tmp_path)
    assert_same(whole, read_export(tmp_path, "csv"))  # the unzipped folder reads too


def test_attributes_a_notebook_adds_are_written_too(whole: nx.MultiDiGraph) -> None:
    g = whole.copy()
    nx.set_node_attributes(g, nx.degree_centrality(g), "centrality")
    nx.set_node_attributes(g, {n: i % 2 == 0 for i, n in enumerate(g)}, "picked")
    for fmt in ("node-link", "graphml", "gexf"):
        back = read_export(b"".join(iter_export(g, fmt)), fmt)
        assert dict(back.nodes(data="centrality")) == dict(g.nodes(data="centrality")), fmt
        assert dict(back.nodes(data="picked")) == dict(g.nodes(data="picked")), fmt
    as_csv = read_export(b"".join(iter_export(g, "csv")), "csv")
    assert {n: float(c) for n, c in as_csv.nodes(data="centrality")} == dict(
        g.nodes(data="centrality")
    )


def test_pandas_frames_hold_the_same_rows(bundled: Store, whole: nx.MultiDiGraph) -> None:
    nodes, edges = ReachGraph(bundled).to_pandas()
    assert list(nodes.columns[:4]) == ["key", "kind", "name", "sources"]
    assert list(edges.columns[:6]) == [
        "start",
        "end",
        "type",
        "valid_from",
        "valid_until",
        "sources",
    ]
    assert len(nodes) == whole.number_of_nodes() and len(edges) == whole.number_of_edges()
    for row in nodes.to_dict("records"):
        attrs = whole.nodes[row["key"]]
        assert {k: v for k, v in row.items() if v is not None} == {
            k: v for k, v in attrs.items() if v is not None
        }
    for row in edges.to_dict("records"):
        attrs = whole.edges[row.pop("start"), row.pop("end"), row["type"]]
        assert {k: v for k, v in row.items() if v is not None} == {
            k: v for k, v in attrs.items() if v is not None
        }


# -- scopes -------------------------------------------------------------------------------------


def most_connected(whole: nx.MultiDiGraph, kind: str) -> str:
    found: str = max(
        (n for n, k in whole.nodes(data="kind") if k == kind), key=lambda n: (whole.degree(n), n)
    )
    return found


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_around_a_node_is_every_node_within_depth_and_the_relationships_between_them(
    bundled: Store, whole: nx.MultiDiGraph, depth: int
) -> None:
    centre = most_connected(whole, "Service")
    around = ReachGraph(bundled).to_networkx(around=centre, depth=depth)
    assert_same(nx.ego_graph(whole, centre, radius=depth, undirected=True), around)
    kind = whole.nodes[centre]["kind"]
    curated = "|".join(SCHEMA.curated_relationships)
    reached = bundled.read(
        f"MATCH (a:{kind} {{key: $key}})-[:{curated}*1..{depth}]-(b) RETURN DISTINCT b.key",
        {"key": centre},
    ).rows
    assert set(around.nodes) == {centre} | {row[0] for row in reached}
    assert around.number_of_nodes() < whole.number_of_nodes()
    nodes, edges = ReachGraph(bundled).to_pandas(around=centre, depth=depth)
    assert set(nodes["key"]) == set(around.nodes) and len(edges) == around.number_of_edges()


def answer_paths(answers: list[BaseModel]) -> tuple[set[str], set[tuple[str, str, str]]]:
    keys: set[str] = set()
    steps: set[tuple[str, str, str]] = set()
    for answer in answers:
        for path in getattr(answer, "paths", None) or [answer.path]:  # type: ignore[attr-defined]
            keys.update(path.nodes)
            steps.update((s.start, s.end, s.type) for s in path.steps)
    return keys, steps


def test_answers_give_the_nodes_and_relationships_on_their_paths(
    bundled: Store, whole: nx.MultiDiGraph
) -> None:
    graph = ReachGraph(bundled)
    answers = graph.ask("reach", {"jurisdiction": "BE", "as_of": "2017-11-15"})
    assert answers
    keys, steps = answer_paths(answers)
    on_paths = graph.to_networkx(answers=answers)
    assert set(on_paths.nodes) == keys and set(on_paths.edges(keys=True)) == steps
    assert_same(whole.edge_subgraph(steps).copy(), on_paths)


def test_an_exposure_gives_the_paths_of_its_answers(bundled: Store, whole: nx.MultiDiGraph) -> None:
    graph = ReachGraph(bundled)
    data = most_connected(whole, "Data")
    exposure = graph.exposure(data, datetime.date(2018, 1, 1))
    rows = exposure.compelling + exposure.blocking
    assert rows
    keys, steps = answer_paths(rows)
    assert_same(graph.to_networkx(answers=rows), graph.to_networkx(answers=[exposure]))
    assert set(graph.to_networkx(answers=[exposure]).edges(keys=True)) == steps
    assert set(graph.to_networkx(answers=[exposure]).nodes) == keys


def test_scopes_refuse_what_they_cannot_answer(bundled: Store) -> None:
    graph = ReachGraph(bundled)
    with pytest.raises(NotFound):
        graph.to_networkx(around="no-such-key")
    with pytest.raises(QueryError, match="depth"):
        graph.to_networkx(around="EU", depth=0)
    with pytest.raises(QueryError, match="not both"):
        graph.to_networkx(around="EU", answers=[])
    assert graph.to_networkx(answers=[]).number_of_nodes() == 0
    with pytest.raises(QueryError, match="format"):
        write_export(nx.MultiDiGraph(), "unused", "pdf")


def test_a_read_only_store_exports_what_another_writer_added(tmp_path: Path) -> None:
    """The API's store is read-only; an ingest beside it must show in the next export."""
    where, tables = str(tmp_path / "store"), tmp_path / "tables"
    write_tables(generate(30, seed=3), tables)
    with open_store(where) as writer:
        writer.apply_schema()
        load(validate(read_inputs([tables], writer.schema), writer.schema, writer), writer)
    with ReachGraph.open(where, read_only=True) as graph:
        before = graph.to_networkx().number_of_nodes()
        with open_store(where) as writer:
            load(validate(read_inputs([DATA], writer.schema), writer.schema, writer), writer)
            expected = sum(writer.counts().nodes.values())
        assert graph.to_networkx().number_of_nodes() == expected > before


# -- the CLI and the API -----------------------------------------------------------------------


def cli(location: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "REACHGRAPH_NEO4J_PASSWORD": PASSWORD, "REACHGRAPH_NEO4J_USER": "neo4j"}
    return subprocess.run(
        [CLI, "export", "--store", location, *args], capture_output=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def exported(location: str) -> nx.MultiDiGraph:
    """The whole graph of the store the API and the CLI tests use."""
    with ReachGraph.open(location, settings_for(location), read_only=True) as graph:
        return graph.to_networkx()


def test_the_cli_writes_every_format(location: str, exported: nx.MultiDiGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            out = Path(folder) / f"graph-{fmt}"
            done = cli(location, "--format", fmt, "--out", str(out))
            assert done.returncode == 0, done.stderr
            assert_same(exported, read_export(out, fmt))
            assert f"{exported.number_of_nodes()} nodes".encode() in done.stderr


def test_the_cli_writes_a_neighbourhood_to_stdout_and_says_what_is_wrong(
    location: str, exported: nx.MultiDiGraph
) -> None:
    centre = most_connected(exported, "Company")
    done = cli(location, "-f", "graphml", "--around", centre, "--depth", "2")
    assert done.returncode == 0, done.stderr
    expected = nx.ego_graph(exported, centre, radius=2, undirected=True)
    assert_same(expected, read_export(done.stdout, "graphml"))
    unknown = cli(location, "-f", "gexf", "--around", "no-such-key")
    assert unknown.returncode == 2 and b"Traceback" not in unknown.stderr
    assert unknown.stderr.decode().strip() == "error: no entity with key 'no-such-key'"
    zipped = cli(location, "-f", "csv")
    assert zipped.returncode == 2 and b"--out" in zipped.stderr and not zipped.stdout
    unknown_format = cli(location, "-f", "pdf")
    assert unknown_format.returncode == 2 and b"node-link" in unknown_format.stderr


MEDIA = {
    "node-link": "application/json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "application/zip",
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_api_streams_every_format(
    client: TestClient, exported: nx.MultiDiGraph, fmt: str
) -> None:
    response = client.get(f"/export/{fmt}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == MEDIA[fmt]
    assert "content-length" not in response.headers  # streamed, not built whole
    assert response.headers["content-disposition"].startswith('attachment; filename="reachgraph.')
    assert_same(exported, read_export(response.content, fmt))
    again = client.get(f"/export/{fmt}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_the_api_exports_a_neighbourhood(client: TestClient, exported: nx.MultiDiGraph) -> None:
    centre = most_connected(exported, "Company")
    response = client.get("/export/node-link", params={"around": centre, "depth": 2})
    assert response.status_code == 200, response.text
    assert f'filename="reachgraph-{centre}-2.json"' in response.headers["content-disposition"]
    expected = nx.ego_graph(exported, centre, radius=2, undirected=True)
    assert_same(expected, read_export(response.content, "node-link"))


def test_the_api_export_answers_problems(client: TestClient) -> None:
    is_problem(client.get("/export/gexf", params={"around": "no-such-key"}), 404)
    is_problem(client.get("/export/pdf"), 422)
    is_problem(client.get("/export/csv", params={"around": "EU", "depth": 0}), 422)
    spec = client.get("/openapi.json").json()["paths"]["/export/{format}"]["get"]
    assert spec["operationId"] == "exportGraph"
    assert set(spec["responses"]["200"]["content"]) == set(MEDIA.values())
    assert {"304", "404", "422", "503"} <= set(spec["responses"])


# -- scale -------------------------------------------------------------------------------------


def test_a_synthetic_graph_of_100k_nodes_round_trips(tmp_path: Path) -> None:
    """Embedded store only: 25,000 companies give about 100,000 nodes and 300,000
    relationships; the export reads each kind and type whole and writes in chunks."""
    began = time.perf_counter()
    tables = tmp_path / "tables"
    write_tables(generate(25_000, seed=7), tables)
    with open_store(str(tmp_path / "store")) as store:
        store.apply_schema()
        load(validate(read_inputs([tables], store.schema), store.schema, store), store)
        counts = store.counts()
        g = ReachGraph(store).to_networkx()
    assert g.number_of_nodes() == sum(counts.nodes.values()) > 95_000
    # The derived REACHES are answers, not facts: exports leave them out.
    assert (
        g.number_of_edges() == sum(counts.relationships.values()) - counts.relationships["REACHES"]
    )
    for fmt in ("node-link", "csv"):
        chunks = list(iter_export(g, fmt))
        assert len(chunks) > 10 and max(map(len, chunks)) < 1 << 20  # streamed, in pieces
        assert_same(g, read_export(b"".join(chunks), fmt))
    assert time.perf_counter() - began < 120
