"""Incremental REACHES: deriving only the bodies of data a change affects gives what
deriving everything gives (ingest/affected.py, ingest/rederive.py).

In memory, on random sequences of changes (hypothesis): each change is made to the curated
graph, the answers of the data `affected` names are derived anew and the others kept; after
the sequence they must equal a full derivation of the changed graph. The graphs are the
bundled dataset and a generated one, read from an in-memory embedded store (the derivation
does not depend on the store; the store-level tests below run on both stores).

On both stores: `reachgraph ingest` of generated tables changed at random, version after
version; after each, a full rebuild must find nothing to write, and the load derived fewer
bodies of data than the graph holds. A first load derives from the graph it wrote, which
must be the graph read back. A store whose note says a load was killed half-way is
derived whole; a load that writes nothing derives nothing.
"""

from __future__ import annotations

import csv
import datetime
import gc
import random
import shutil
import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reachgraph.data import BUNDLED
from reachgraph.graph.schema import load_schema
from reachgraph.graph.stores import Store, scratch_store
from reachgraph.ingest import rederive as rederive_module
from reachgraph.ingest.affected import affected
from reachgraph.ingest.curated_graph import Edge, Graph
from reachgraph.ingest.derive import DERIVED, Deriver
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.ingest.load import load
from reachgraph.ingest.read import read_inputs
from reachgraph.ingest.rederive import NOTE, PENDING, rebuild
from reachgraph.ingest.validate import validate

DAYS = [datetime.date(y, m, 1) for y, m in ((2001, 1), (2012, 6), (2016, 1), (2018, 6), (2021, 3))]


def ingest(store: Store, folder: Path) -> Any:
    """Load a folder as `reachgraph ingest` does; the load's report."""
    return load(validate(read_inputs([folder], store.schema), store.schema, store), store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_tables(generate(400, seed=1), folder)
    return folder


@pytest.fixture(scope="module", params=["bundled", "generated"])
def graph(request: pytest.FixtureRequest, generated: Path) -> Graph:
    """The curated graph of the bundled dataset or of the generated tables."""
    folder = BUNDLED if request.param == "bundled" else generated
    store = scratch_store(load_schema())
    try:
        store.apply_schema()
        ingest(store, folder)
        return Graph.read(store)
    finally:
        store.close()


# -- in memory ------------------------------------------------------------------------


class Editable:
    """A curated graph as nodes and a list of edges, changed one step at a time."""

    def __init__(self, graph: Graph) -> None:
        self.schema = graph.schema
        self.nodes = {key: dict(props) for key, props in graph.nodes.items()}
        self.kind = dict(graph.kind)
        self.edges = [e for by_key in graph.out.values() for es in by_key.values() for e in es]

    def graph(self) -> Graph:
        out = Graph(self.schema)
        out.nodes, out.kind = self.nodes, self.kind
        for edge in self.edges:
            out.add(edge)
        return out

    def change(self, draw: Any) -> set[str]:
        """One random change; the keys it touches (a node, or a relationship's two ends)."""
        what = draw(st.sampled_from(["until", "from", "drop", "add", "node"]))
        if what == "node":
            return {self._node(draw)}
        if what == "add":
            return self._add(draw)
        at = draw(st.integers(0, len(self.edges) - 1))
        edge = self.edges[at]
        if what == "drop":
            del self.edges[at]
        else:
            name = "valid_until" if what == "until" else "valid_from"
            props = {**edge.props, name: draw(st.sampled_from([None, *DAYS]))}
            self.edges[at] = Edge(edge.type, edge.start, edge.end, props)
        return {edge.start, edge.end}

    def _add(self, draw: Any) -> set[str]:
        rel_type = draw(st.sampled_from(sorted(self.schema.curated_relationships)))
        start_kind, end_kind = draw(st.sampled_from(self.schema.relationships[rel_type].pairs))
        starts = sorted(k for k, kind in self.kind.items() if kind == start_kind)
        ends = sorted(k for k, kind in self.kind.items() if kind == end_kind)
        if not starts or not ends:
            return set()
        start, end = draw(st.sampled_from(starts)), draw(st.sampled_from(ends))
        if start == end or any(
            (e.start, e.type, e.end) == (start, rel_type, end) for e in self.edges
        ):
            return set()
        props = {"valid_from": draw(st.sampled_from([None, *DAYS])), "sources": ["test"]}
        self.edges.append(Edge(rel_type, start, end, props))
        return {start, end}

    def _node(self, draw: Any) -> str:
        kind = draw(st.sampled_from(["Data", "ReachRule", "Law", "Decision"]))
        keys = sorted(k for k, v in self.kind.items() if v == kind)
        key: str = draw(st.sampled_from(keys))
        props = dict(self.nodes[key])
        categories = st.lists(st.sampled_from(self.schema.categories), min_size=1, unique=True)
        if kind in ("Data", "ReachRule"):
            props["categories"] = draw(categories)
        if kind == "ReachRule":
            props["group_presence"] = draw(st.booleans())
        if kind == "Law":
            props["in_force_until"] = draw(st.sampled_from([None, *DAYS]))
        if kind == "Decision":
            props["date"] = draw(st.sampled_from(DAYS))
        self.nodes = {**self.nodes, key: props}
        return key


def comparable(rows: Iterator[dict[str, Any]]) -> Counter[str]:
    return Counter(repr(sorted(row.items())) for row in rows)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incremental_equals_full_on_random_changes(graph: Graph, data: st.DataObject) -> None:
    editable = Editable(graph)
    rows = list(Deriver(graph).rows())
    derived_again = 0
    for _ in range(data.draw(st.integers(1, 4), label="changes")):
        touched = editable.change(data.draw)
        changed = editable.graph()
        redo = affected(changed, touched)
        derived_again += len(redo)
        rows = [r for r in rows if r["end"] not in redo] + list(Deriver(changed).rows(redo))
    full = comparable(Deriver(editable.graph()).rows())
    assert comparable(iter(rows)) == full


def test_a_change_far_from_a_body_of_data_leaves_it_alone(graph: Graph) -> None:
    """Not everything: ending one STORED_IN affects that body of data and no other that is
    stored elsewhere, held by others and offered in no place it reaches."""
    stored = next(e for es in graph.out["STORED_IN"].values() for e in es)
    redo = affected(graph, {stored.start, stored.end})
    data = [k for k, kind in graph.kind.items() if kind == "Data"]
    assert stored.start in redo
    assert len(redo) < len(data)


def test_a_deriver_and_its_graph_are_freed_after_use(graph: Graph) -> None:
    """Its caches are its own: a long-lived process (the API's what-ifs, repeated ingests)
    does not keep every Deriver and the graph it derived from."""
    deriver = Deriver(Editable(graph).graph())
    assert list(deriver.rows())
    freed = weakref.ref(deriver)
    del deriver
    gc.collect()
    assert freed() is None


# -- on the stores --------------------------------------------------------------------

ENDED = ["2010-06-01", "2017-03-01", "2019-09-01"]


def changed_version(source: Path, target: Path, seed: int) -> None:
    """A copy of the tables with a few random rows changed: spans ended, reopened, and the
    categories of a body of data and of a rule."""
    rng = random.Random(seed)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    for name in rng.sample(
        ["STORED_IN", "OFFERED_IN", "SUBSIDIARY_OF", "PARTY", "HAS_PRESENCE_IN", "PART_OF"], 3
    ):
        rows = _rows(target / f"{name}.csv")
        if not rows or "until" not in rows[0]:
            continue
        for row in rng.sample(rows, min(3, len(rows))):
            until = rng.choice(["", *ENDED])
            row["until"] = until if not until or row["from"] < until else ""
        _write(target / f"{name}.csv", rows)
    for name in ("Data", "ReachRule"):
        rows = _rows(target / f"{name}.csv")
        row = rng.choice(rows)
        row["categories"] = "|".join(rng.sample(["traffic", "content", "subscriber"], 2))
        _write(target / f"{name}.csv", rows)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_ingest_derives_only_what_changes_touch(
    store: Store, generated: Path, tmp_path: Path
) -> None:
    first = ingest(store, generated)
    assert first.relationships[DERIVED].created > 0
    data = store.counts().nodes["Data"]
    folder = tmp_path / "version"
    for seed in range(3):
        changed_version(generated, folder, seed)
        report = ingest(store, folder)
        derived = report.relationships[DERIVED]
        assert rebuild(store).written == 0, f"version {seed}: incremental != full"
        assert derived.created + derived.unchanged == store.counts().relationships[DERIVED]
    # The last version again: nothing written, nothing derived.
    again = ingest(store, folder).relationships[DERIVED]
    assert again.created == 0
    assert data == store.counts().nodes["Data"]


@pytest.mark.parametrize("tables", ["bundled", "generated"])
def test_a_first_load_derives_from_the_graph_it_wrote(
    store: Store, generated: Path, tables: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty store a load derives from the graph it wrote instead of reading it
    back: that graph is the one the store gives back, fact for fact and type for type, and
    deriving from the store read back finds nothing to change. A later load reads back."""
    given: list[Graph | None] = []
    real = rederive_module.rederive

    def spy(store: Store, changed: Any = None, *, graph: Graph | None = None) -> Any:
        given.append(graph)
        return real(store, changed, graph=graph)

    monkeypatch.setattr(rederive_module, "rederive", spy)
    folder = BUNDLED if tables == "bundled" else generated
    assert ingest(store, folder).relationships[DERIVED].created > 0
    written = given[-1]
    assert written is not None
    assert facts(written) == facts(Graph.read(store))
    assert rebuild(store).written == 0
    ingest(store, folder)
    assert given[-1] is None


def facts(graph: Graph) -> tuple[dict[str, Any], Counter[str]]:
    """Every node and relationship with its properties' values and types, comparable."""

    def typed(props: dict[str, Any]) -> str:
        return repr(sorted((k, type(v).__name__, v) for k, v in props.items()))

    nodes = {key: (graph.kind[key], typed(props)) for key, props in graph.nodes.items()}
    edges = Counter(
        f"{e.type} {e.start} {e.end} {typed(e.props)}"
        for by_start in graph.out.values()
        for edges in by_start.values()
        for e in edges
    )
    return nodes, edges


def test_a_store_left_pending_is_derived_whole(store: Store, generated: Path) -> None:
    ingest(store, generated)
    right = store.counts().relationships[DERIVED]
    store.replace_relationships(DERIVED, "Jurisdiction", "Data", _no_rows(store))
    assert store.counts().relationships[DERIVED] == 0
    # A load that changes nothing trusts the store's REACHES while its note vouches for them
    assert ingest(store, generated).relationships[DERIVED].created == 0
    assert store.counts().relationships[DERIVED] == 0
    # ... and derives them all when the note says a load was killed half-way.
    store.set_note(NOTE, PENDING)
    assert ingest(store, generated).relationships[DERIVED].created == right
    assert store.counts().relationships[DERIVED] == right
    assert store.note(NOTE) != PENDING


def _no_rows(store: Store) -> Any:
    import pandas as pd

    return pd.DataFrame(columns=["start", "end", *store.schema.relationships[DERIVED].properties])
