"""The published format: docs/schema.md and docs/curated-format.schema.json are derived from
graph/schema.yaml, are current, and every bundled curated file validates against the latter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reachgraph.graph.jsonschema import curated_format
from reachgraph.graph.schema import load_schema
from reachgraph.graph.schemadocs import schema_markdown
from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import IngestFailed, load, read_inputs, validate
from reachgraph.ingest.curated import TOP_LEVEL, _Loader, without_lines

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI = str(Path(sys.executable).parent / "reachgraph")
REGENERATE = "regenerate with `reachgraph schema --{} -o docs/{}`"
CURATED_FILES = sorted((ROOT / "data").rglob("*.yaml"))


def parsed(text: str) -> Any:
    """A curated document as ingest reads it (dates stay text), without the line keys."""
    loader = _Loader(text)
    try:
        return without_lines(loader.get_single_data())
    finally:
        loader.dispose()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    published = json.loads((DOCS / "curated-format.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(published)
    return jsonschema.Draft202012Validator(
        published, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_json_schema_file_is_current() -> None:
    committed = (DOCS / "curated-format.schema.json").read_text(encoding="utf-8")
    assert json.loads(committed) == curated_format(), REGENERATE.format(
        "json-schema", "curated-format.schema.json"
    )


def test_the_schema_docs_are_current() -> None:
    committed = (DOCS / "schema.md").read_text(encoding="utf-8")
    assert committed == schema_markdown(), REGENERATE.format("docs", "schema.md")


@pytest.mark.parametrize(
    ("flag", "file"),
    [
        ("--json-schema", "curated-format.schema.json"),
        ("--docs", "schema.md"),
        ("--openapi", "openapi.json"),
    ],
)
def test_the_schema_command_prints_the_committed_files(flag: str, file: str) -> None:
    """Each published file is what the command prints now: front-end developers read
    docs/openapi.json, so a route or model change must regenerate it
    (`reachgraph schema --openapi -o docs/openapi.json`)."""
    done = subprocess.run([CLI, "schema", flag], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DOCS / file).read_text(encoding="utf-8")


def test_the_schema_command_wants_one_format() -> None:
    done = subprocess.run([CLI, "schema"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "choose one of --json-schema, --docs and --openapi" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_json_schema_is_derived_from_the_schema() -> None:
    """Every kind, type, writable property, allowed value and required field is there."""
    schema = load_schema()
    published = curated_format(schema)
    defs = published["$defs"]
    assert set(published["properties"]) == TOP_LEVEL
    for kind in schema.nodes.values():
        entry = defs[f"node.{kind.name}"]
        writable = {n for n, p in kind.properties.items() if not p.derived}
        assert set(entry["properties"]) == writable | {"kind"}
        for name, prop in kind.properties.items():
            if prop.values and prop.type == "string":
                assert entry["properties"][name]["enum"] == list(prop.values)
            if prop.required and not prop.derived and not (name == "name" and kind.name_from):
                assert name in entry["required"], (kind.name, name)
        assert ("sources" in entry["required"]) == kind.sources_required
    for rel in schema.curated_relationships.values():
        entry = defs[f"relationship.{rel.name}"]
        assert ({"from", "until"} <= set(entry["properties"])) == rel.temporal
        assert "valid_from" not in entry["properties"]
        for name, prop in rel.own_properties.items():
            assert (name in entry["required"]) == prop.required
    dispatch = published["properties"]["nodes"]["items"]
    assert dispatch["properties"]["kind"]["enum"] == list(schema.nodes)


@pytest.mark.parametrize("path", CURATED_FILES, ids=[p.name for p in CURATED_FILES])
def test_every_bundled_curated_file_validates(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(parsed(path.read_text(encoding="utf-8")))
    ]
    assert errors == []


GOOD = """\
    sources:
      - {key: s1, title: T, publisher: P, date: 2017-11-15}
    nodes:
      - {kind: Company, key: c1, name: C, lei: 549300KJTIIGC8Y1XK20, sources: [s1]}
      - {kind: Jurisdiction, key: US-CA, name: California, jurisdiction_kind: subnational}
    relationships:
      - {start: c1, type: INCORPORATED_IN, end: US-CA, from: 2011-10-13, sources: [s1]}
      - {start: d2, type: APPEAL_OF, end: d1, effect: reverses, sources: [s1]}
    """


def test_a_good_file_validates(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(parsed(textwrap.dedent(GOOD)))) == []


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("nodes: [{kind: Planet, key: p, name: P}]", "'Planet' is not one of"),
        ("nodes: [{kind: Law, key: l, name: L, law_kind: statute, sources: [s]}]", "'citation'"),
        ("nodes: [{kind: Company, key: c, name: C}]", "'sources' is a required property"),
        ("nodes: [{kind: Company, key: c, name: C, sources: []}]", "should be non-empty"),
        ("nodes: [{kind: Company, key: c, name: C, colour: red, sources: [s]}]", "'colour'"),
        (
            "nodes: [{kind: Jurisdiction, key: be, name: B, jurisdiction_kind: state}]",
            "does not match",
        ),
        (
            "nodes: [{kind: Jurisdiction, key: FR, name: F, jurisdiction_kind: country}]",
            "'country'",
        ),
        ("nodes: [{kind: Company, key: c, name: [a], sources: [s]}]", "is not of type 'string'"),
        ("sources: [{key: s, title: T, publisher: P, date: 15/11/2017}]", "does not match"),
        ("sources: [{key: s, title: T, publisher: P, date: 2017-13-45}]", "is not a 'date'"),
        ("relationships: [{start: a, type: OWNS, end: b, sources: [s]}]", "'OWNS' is not one of"),
        (
            "relationships: [{start: a, type: ABOUT, end: b, from: 2017-01-01, sources: [s]}]",
            "'from' was unexpected",
        ),
        ("relationships: [{start: a, type: APPEAL_OF, end: b, sources: [s]}]", "'effect'"),
        ("relationships: [{start: a, type: PART_OF, end: b}]", "'sources' is a required"),
        ("entities: []", "'entities' was unexpected"),
    ],
)
def test_the_json_schema_rejects_a_wrong_file(
    entry: str, fragment: str, validator: jsonschema.Draft202012Validator
) -> None:
    messages = [e.message for e in validator.iter_errors(parsed(entry))]
    messages += [c.message for e in validator.iter_errors(parsed(entry)) for c in e.context or []]
    assert any(fragment in m for m in messages), messages


def _example() -> str:
    """The worked example of docs/curated-format.md (its first YAML block)."""
    page = (DOCS / "curated-format.md").read_text(encoding="utf-8")
    return page.split("```yaml\n", 1)[1].split("```", 1)[0]


#: How docs/curated-format.md breaks its example to show the errors: (from, to).
BREAKAGE = [
    ("date: 2017-11-15\n    outcome: conviction", "date: 2017-11-31\n    outcome: conviction"),
    ("fine_currency: EUR\n    holding", "fine_currency: EURO\n    holding"),
    (
        "APPEALS_TO, end: be-court-of-appeal-antwerp,",
        "APPEALS_TO, end: be-court-of-appeal-antwerpen,",
    ),
    ("to cooperate\n    sources: [src-lexgo-2017-01-26-skype]\n", "to cooperate\n"),
]


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An embedded store holding the bundled dataset, as the page's examples assume."""
    with open_store(str(tmp_path_factory.mktemp("bundled") / "store")) as store:
        store.apply_schema()
        try:
            valid = validate(read_inputs([ROOT / "data"], store.schema), store.schema)
        except IngestFailed:
            pytest.skip("data/ does not validate yet (see test_the_bundled_data_validates)")
        load(valid, store)
        yield store


def problems_of(path: Path, store: Store) -> list[str]:
    try:
        load(validate(read_inputs([path], store.schema), store.schema, store), store, dry_run=True)
    except IngestFailed as failed:
        return [str(p) for p in failed.problems]
    return []


def test_the_worked_example_is_valid(
    validator: jsonschema.Draft202012Validator, bundled_store: Store, tmp_path: Path
) -> None:
    example = _example()
    assert list(validator.iter_errors(parsed(example))) == []
    (tmp_path / "skype-belgium-example.yaml").write_text(example, encoding="utf-8")
    assert problems_of(tmp_path / "skype-belgium-example.yaml", bundled_store) == []


def test_the_errors_shown_are_the_errors_given(
    bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _example()
    for old, new in BREAKAGE:
        assert broken.count(old) == 1, old
        broken = broken.replace(old, new)
    monkeypatch.chdir(tmp_path)
    Path("skype-belgium-broken.yaml").write_text(broken, encoding="utf-8")
    given = problems_of(Path("skype-belgium-broken.yaml"), bundled_store)
    page = (DOCS / "curated-format.md").read_text(encoding="utf-8")
    shown = [line for line in page.splitlines() if line.startswith("skype-belgium-broken.yaml:")]
    assert shown == given
    assert f"error: {len(given)} problem(s) in the input; nothing was written:" in page
