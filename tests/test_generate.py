"""The synthetic generator: its tables pass validation, load with the counts they promise,
have the documented shape and scale, and are the same for the same seed. And the files for
`neo4j-admin database import`, written from the same tables and imported by the real tool."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from reachgraph.graph.errors import ReachgraphError
from reachgraph.graph.schema import load_schema
from reachgraph.graph.stores import open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.admin_import import AdminImport, write_admin_import
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.ingest.synthetic.shape import COMPANIES_FOR_1M, DEPTHS
from reachgraph.ingest.validate import Valid

CLI = str(Path(sys.executable).parent / "reachgraph")
SCHEMA = load_schema()


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("generated")
    return out, write_tables(generate(400, seed=3), out)


def test_every_kind_and_type_is_generated(tables: tuple[Path, dict[str, int]]) -> None:
    """Every curated kind and type; never the derived REACHES, which input may not hold."""
    _, written = tables
    assert set(written) == set(SCHEMA.nodes) | set(SCHEMA.curated_relationships)
    assert "REACHES" not in written
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
        reaches = first.relationships["REACHES"].created
        data = written["Data"]
        # every data reaches somewhere, but the answers stay a few per data
        assert data <= reaches <= 15 * data
        assert first.total().created == valid.node_count() + valid.relationship_count() + reaches
        counts = store.counts()
        assert {**counts.nodes, **counts.relationships} == {**written, "REACHES": reaches}
        again = load(validate(read_inputs([out], SCHEMA), SCHEMA, store), store)
        curated = {k: c for k, c in again.relationships.items() if k != "REACHES"}
        assert all(c.created == c.updated == 0 for c in [*again.nodes.values(), *curated.values()])
        assert store.counts().relationships["REACHES"] == reaches
        standings = dict(
            store.read(
                "MATCH ()-[r:REACHES]->() RETURN r.standing AS s, count(*) AS n ORDER BY s"
            ).rows
        )
        assert set(standings) == {"enacted", "asserted", "established", "rejected"}
        strengths = store.read(
            "MATCH ()-[r:REACHES]->() WHERE r.effect = 'blocks' RETURN DISTINCT r.strength"
        ).rows
        assert strengths and all(
            s in ("absolute", "unless_channel", "qualified") for (s,) in strengths
        )


def test_loading_the_same_tables_again_leaves_reaches_unchanged(
    tables: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, _ = tables
    with open_store(str(tmp_path / "store")) as store:
        store.apply_schema()
        first = load(validate(read_inputs([out], SCHEMA), SCHEMA, store), store)
        again = load(validate(read_inputs([out], SCHEMA), SCHEMA, store), store)
    assert again.relationships["REACHES"].created == 0
    assert again.relationships["REACHES"].unchanged == first.relationships["REACHES"].created


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
    party = valid.relationships["PARTY"][("Law", "Jurisdiction")]
    assert set(party["start"]) == set(treaties["key"])
    territories = valid.relationships["TERRITORY_OF"][("Jurisdiction", "Jurisdiction")]
    kinds = valid.nodes["Jurisdiction"].set_index("key")["jurisdiction_kind"]
    assert set(kinds[territories["start"]]) == {"territory"}
    assert set(kinds[territories["end"]]) == {"state"}
    assert set(kinds) == {"state", "supranational", "subnational", "territory"}
    extended = party[party["extension_of"].notna()]
    assert len(extended) and set(kinds[extended["end"]]) == {"territory"}
    presence = valid.relationships["HAS_PRESENCE_IN"][("Company", "Jurisdiction")]
    assert presence["presence_kind"].notna().all() and len(presence) < len(valid.nodes["Company"])


def test_the_rules_are_format_v2(tables: tuple[Path, dict[str, int]]) -> None:
    """Category and basis lists, strength exactly on blocking rules, and a standing link of
    each kind: rules established by their law (some from a later day) or a decision,
    asserted by a request, rejected by a decision."""
    out, _ = tables
    valid = validate(read_inputs([out], SCHEMA), SCHEMA)
    categories = set(SCHEMA.nodes["Data"].properties["categories"].values or ())
    data = valid.nodes["Data"]
    assert all(1 <= len(c) <= 2 and set(c) <= categories for c in data["categories"])
    rules = valid.nodes["ReachRule"]
    assert all(1 <= len(c) <= 2 and set(c) <= categories for c in rules["categories"])
    assert any(len(b) == 2 for b in rules["bases"]) and any("presence" in b for b in rules["bases"])
    blocks = rules["effect"] == "blocks"
    assert blocks.any() and rules.loc[blocks, "strength"].notna().all()
    assert rules.loc[~blocks, "strength"].isna().all()
    assert rules["group_presence"].eq(True).any()
    links = {
        (rel_type, end): set(frame["start"])
        for rel_type in ("ESTABLISHED_BY", "REJECTED_BY", "ASSERTED_BY")
        for (_, end), frame in valid.relationships[rel_type].items()
    }
    assert set(links) == {
        ("ESTABLISHED_BY", "Law"),
        ("ESTABLISHED_BY", "Decision"),
        ("REJECTED_BY", "Decision"),
        ("ASSERTED_BY", "DataRequest"),
    }
    assert set(rules["key"]) == set().union(*links.values())
    asserted = links[("ASSERTED_BY", "DataRequest")]
    assert asserted & (links[("ESTABLISHED_BY", "Decision")] | links[("REJECTED_BY", "Decision")])
    by_law = valid.relationships["ESTABLISHED_BY"][("ReachRule", "Law")]
    assert by_law["valid_from"].notna().any() and by_law["valid_from"].isna().any()
    about = {end for _, end in valid.relationships["ABOUT"]}
    assert about == {"DataRequest", "Law", "Company", "Service"}


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


# --- the neo4j-admin import files --------------------------------------------------------

NEO4J_LIB = (
    Path(os.environ.get("REACHGRAPH_NEO4J_HOME", Path.home() / ".cache/reachgraph/neo4j-5.26"))
    / "lib"
)


@pytest.fixture(scope="module")
def admin_files(
    tables: tuple[Path, dict[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Valid, AdminImport]:
    out, _ = tables
    valid = validate(read_inputs([out], SCHEMA), SCHEMA)
    return valid, write_admin_import(valid, SCHEMA, tmp_path_factory.mktemp("admin"))


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def test_admin_import_headers_and_rows_follow_the_schema(
    admin_files: tuple[Valid, AdminImport],
) -> None:
    valid, written = admin_files
    assert set(written.nodes) == set(valid.nodes)
    assert set(written.relationships) == set(valid.relationships) | {"REACHES"}
    company = _read(written.nodes["Company"])
    assert company[0][0] == "key:ID(Entity)" and company[0][-1] == ":LABEL"
    assert "sources:string[]" in company[0] and "known_from:date" in company[0]
    assert len(company) - 1 == len(valid.nodes["Company"])
    assert {row[-1] for row in company[1:]} == {"Company;Entity"}
    sources = company[0].index("sources:string[]")
    assert any(";" in row[sources] for row in company[1:])  # two sources, one cell
    owned = _read(written.relationships["SUBSIDIARY_OF"])
    assert owned[0][:3] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
    assert {"valid_from:date", "valid_until:date", "share:double"} <= set(owned[0])
    assert len(owned) - 1 == sum(len(f) for f in valid.relationships["SUBSIDIARY_OF"].values())
    reaches = _read(written.relationships["REACHES"])
    assert {"valid_from:date", "bases:string[]", "paths", "known_until:date"} <= set(reaches[0])
    assert len(reaches) > 1 and {row[2] for row in reaches[1:]} == {"REACHES"}
    law = _read(written.nodes["Law"])
    channel = law[0].index("channel:boolean")
    channels = {row[channel] for row in law[1:]}
    assert "true" in channels and channels <= {"", "true", "false"}
    after = written.after.read_text(encoding="utf-8")
    assert "CREATE CONSTRAINT entity_key" in after
    assert "MATCH (n:Jurisdiction) WHERE n.sources IS NULL SET n.sources = [];" in after
    assert written.command().startswith("neo4j-admin database import full neo4j ")


def test_a_list_item_holding_the_array_delimiter_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "Source.csv").write_text(
        "key,title,publisher,date\na;b,T,P,2020-01-01\n", encoding="utf-8"
    )
    (tmp_path / "in" / "Company.csv").write_text("key,name,sources\nc,C,a;b\n", encoding="utf-8")
    valid = validate(read_inputs([tmp_path / "in"], SCHEMA), SCHEMA)
    with pytest.raises(ReachgraphError, match="array delimiter"):
        write_admin_import(valid, SCHEMA, tmp_path / "out")


def test_the_ingest_command_writes_the_import_files(
    tables: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, _ = tables
    done = subprocess.run(
        [CLI, "ingest", str(out), "--neo4j-admin-import", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("neo4j-admin database import full neo4j")
    assert (tmp_path / "nodes" / "Company.csv").exists()
    assert (tmp_path / "relationships" / "REACHES.csv").exists()
    assert (tmp_path / "after-import.cypher").exists()
    assert "the derived REACHES among them" in " ".join(done.stderr.split())


def _expected_properties(valid: Valid) -> int:
    """What the importer counts: every value set, an empty list being no value."""
    frames = [*valid.nodes.values()]
    frames += [
        f.drop(columns=["start", "end"]) for p in valid.relationships.values() for f in p.values()
    ]
    return sum(
        sum(1 for v in frame[c].tolist() if v is not None and v != [])
        for frame in frames
        for c in frame.columns
    )


@pytest.mark.skipif(
    shutil.which("java") is None or not NEO4J_LIB.is_dir() or not any(NEO4J_LIB.glob("*.jar")),
    reason=f"neo4j-admin import not run: needs java and the Neo4j 5.26 jars in {NEO4J_LIB} "
    "(scripts/neo4j-test-server fetch puts them there)",
)
def test_neo4j_admin_imports_every_node_relationship_and_property(
    admin_files: tuple[Valid, AdminImport], tmp_path: Path
) -> None:
    """The real import tool (neo4j-admin's main class) into a scratch database folder."""
    valid, written = admin_files
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={tmp_path / 'data'}\n", encoding="utf-8"
    )
    env = {**os.environ, "NEO4J_HOME": str(tmp_path), "NEO4J_CONF": str(tmp_path / "conf")}
    done = subprocess.run(
        [
            "java",
            "-Xmx512m",
            "-cp",
            f"{NEO4J_LIB}/*",
            "org.neo4j.cli.AdminTool",
            *written.arguments(),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # where the tool writes its import.report
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = re.search(
        r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties", done.stdout
    )
    assert report, done.stdout[-3000:]
    assert int(report.group(1)) == valid.node_count()
    derived = _read(written.relationships["REACHES"])[1:]  # written from the derivation
    assert int(report.group(2)) == valid.relationship_count() + len(derived)
    derived_values = sum(1 for row in derived for cell in row[3:] if cell != "")
    assert int(report.group(3)) == _expected_properties(valid) + derived_values
    assert (tmp_path / "data" / "databases" / "neo4j").is_dir()
