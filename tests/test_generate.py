"""The synthetic generator: its tables pass validation, load with the counts they promise,
have the documented shape and scale, and are the same for the same seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from reachgraph.graph.schema import load_schema
from reachgraph.graph.stores import open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import COMPANIES_FOR_1M, DEPTHS, generate, write_tables

CLI = str(Path(sys.executable).parent / "reachgraph")
SCHEMA = load_schema()


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("generated")
    return out, write_tables(generate(400, seed=3), out)


def test_every_kind_and_type_is_generated(tables: tuple[Path, dict[str, int]]) -> None:
    _, written = tables
    assert set(written) == set(SCHEMA.nodes) | set(SCHEMA.relationships)
    assert all(count > 0 for count in written.values())


def test_the_tables_validate_and_load_with_the_counts_written(
    tables: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, written = tables
    valid = validate(read_inputs([out], SCHEMA), SCHEMA)
    assert valid.node_count() == sum(n for t, n in written.items() if t in SCHEMA.nodes)
    with open_store(str(tmp_path / "store")) as store:
        store.apply_schema()
        first = load(valid, store)
        assert first.total().created == valid.node_count() + valid.relationship_count()
        counts = store.counts()
        assert {**counts.nodes, **counts.relationships} == written
        again = load(validate(read_inputs([out], SCHEMA), SCHEMA, store), store)
        assert again.total().created == again.total().updated == 0


def test_the_shape_is_realistic(tables: tuple[Path, dict[str, int]]) -> None:
    out, _ = tables
    valid = validate(read_inputs([out], SCHEMA), SCHEMA)
    ownership = valid.relationships["SUBSIDIARY_OF"][("Company", "Company")]
    forest = nx.DiGraph(list(zip(ownership["start"], ownership["end"], strict=True)))
    assert nx.is_directed_acyclic_graph(forest)
    assert 1 < nx.dag_longest_path_length(forest) <= len(DEPTHS) - 1
    assert ownership["valid_until"].notna().any()  # some companies were sold on
    eu = valid.relationships["PART_OF"][("Jurisdiction", "Jurisdiction")].set_index("start")
    assert str(eu.loc["BE", "valid_from"]) == "1958-01-01"
    assert str(eu.loc["GB", "valid_until"]) == "2020-02-01"
    offered = valid.relationships["OFFERED_IN"][("Service", "Jurisdiction")]
    per_service = offered.groupby("start").size()
    assert per_service.min() == 1 and per_service.max() > 20
    appeals = valid.relationships["APPEAL_OF"][("Decision", "Decision")]
    assert set(appeals["effect"]) <= set(
        SCHEMA.relationships["APPEAL_OF"].properties["effect"].values or ()
    )
    treaties = valid.nodes["Law"].query("law_kind in ['treaty', 'executive_agreement']")
    assert treaties["channel"].notna().all()
    assert set(valid.relationships["PARTY"][("Law", "Jurisdiction")]["start"]) == set(
        treaties["key"]
    )


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    write_tables(generate(60, seed=11), tmp_path / "a")
    write_tables(generate(60, seed=11), tmp_path / "b")
    write_tables(generate(60, seed=12), tmp_path / "c")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert (tmp_path / "a" / "Company.csv").read_bytes() != (
        tmp_path / "c" / "Company.csv"
    ).read_bytes()


def test_the_scale_is_as_documented() -> None:
    """--help promises about 4 nodes and 12 relationships per company."""
    companies = COMPANIES_FOR_1M // 5
    counts = {name: len(next(iter(t.values()))) for name, t in generate(companies).items()}
    nodes = sum(n for name, n in counts.items() if name in SCHEMA.nodes)
    relationships = sum(counts.values()) - nodes
    assert nodes / companies == pytest.approx(4, rel=0.05)
    assert relationships / companies == pytest.approx(12, rel=0.05)


def test_the_command_writes_the_tables(tmp_path: Path) -> None:
    done = subprocess.run(
        [CLI, "generate", "--companies", "30", "--out", str(tmp_path), "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "SUBSIDIARY_OF.csv").exists() and "Company.csv" in done.stdout
    assert "nodes and" in done.stderr
    help_text = subprocess.run([CLI, "generate", "--help"], capture_output=True, text=True)
    assert "4 nodes and 12 relationships per company" in " ".join(help_text.stdout.split())
