"""The bundled dataset loads the same on both stores, and loading is idempotent.

`reachgraph ingest` (the real command, as a process) loads whatever `data/` holds at run
time on LadybugDB and on Neo4j: both end with the same nodes and relationships, a second
run reports everything unchanged, and an input with one property edited reports exactly
one update and changes only that property.

While the dataset is being written, a file may refer to keys not defined yet. The
idempotency tests then run on the largest part of `data/` that validates (and warn which
files they left out); `test_the_bundled_data_validates` fails until the whole does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from reachgraph.graph.schema import load_schema
from reachgraph.graph.stores import open_store
from reachgraph.ingest import IngestFailed, read_inputs, validate
from reachgraph.ingest.curated import _Loader
from tests.conftest import BACKENDS, PASSWORD
from tests.graph_dump import Dump, counts, differences, dump, report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CLI = str(Path(sys.executable).parent / "reachgraph")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".csv", ".jsonl"))


def _problems(paths: list[Path]) -> list[str]:
    try:
        validate(read_inputs(paths, load_schema()), load_schema())
    except IngestFailed as failed:
        return [str(p) for p in failed.problems]
    return []


def keep_what_validates(folder: Path) -> list[str]:
    """Delete the files of `folder` that have problems, again until the rest validates
    (a file may only break because of one left out before); the files deleted."""
    left_out: list[str] = []
    for _ in range(20):
        try:
            validate(read_inputs([folder], load_schema()), load_schema())
            return left_out
        except IngestFailed as failed:
            broken = {Path(p.file) for p in failed.problems if Path(p.file).is_file()}
            if not broken:
                raise
            for path in sorted(broken):
                left_out.append(str(path.relative_to(folder)))
                path.unlink()
    raise AssertionError(f"still invalid after leaving out {left_out}")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled data: all of `data/`, or the largest part that validates."""
    copy = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(DATA, copy)
    left_out = keep_what_validates(copy)
    if left_out:
        warnings.warn(f"bundled data not valid yet, left out: {left_out}", stacklevel=2)
    assert _files(copy), "nothing in data/ validates"
    return copy


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Where `reachgraph ingest --store` writes, and the environment it needs; empty."""
    if request.param == "ladybug":
        yield str(tmp_path / "store"), {}
        return
    uri: str = request.getfixturevalue("neo4j_uri")
    with open_store(uri, password=PASSWORD) as store:
        store.clear()
    yield uri, {"REACHGRAPH_NEO4J_PASSWORD": PASSWORD}


def ingest(folder: Path, location: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [CLI, "ingest", str(folder), "--store", location],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200", **env},
    )
    assert done.returncode == 0, done.stderr
    return done


def stored(location: str) -> Dump:
    read_only = "://" not in location
    with open_store(location, read_only=read_only, password=PASSWORD) as store:
        return dump(store)


def test_the_bundled_data_validates() -> None:
    problems = _problems([DATA])
    assert problems == [], "\n".join(problems)


def test_files_that_do_not_validate_yet_are_left_out(tmp_path: Path) -> None:
    """The fallback the other tests use while the dataset is being written."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    if _problems([copy]):
        pytest.skip("data/ does not validate yet (see test_the_bundled_data_validates)")
    (copy / "disputes" / "draft.yaml").write_text(
        "relationships:\n  - {start: acme-draft, type: PART_OF, end: EU, sources: [src-x]}\n"
    )
    before = _files(copy)
    assert keep_what_validates(copy) == [str(Path("disputes") / "draft.yaml")]
    assert _files(copy) == [p for p in before if p.name != "draft.yaml"]


def test_the_default_ingest_is_the_bundled_data(tmp_path: Path) -> None:
    """`reachgraph ingest` without paths loads data/ (the README's first command)."""
    if _problems([DATA]):
        pytest.skip("data/ does not validate yet (see test_the_bundled_data_validates)")
    done = subprocess.run(
        [CLI, "ingest", "--store", str(tmp_path / "store"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    total = sum(created for created, _, _ in report(done.stdout).values())
    assert f"{total} would be created, 0 would be updated, 0 unchanged" in done.stderr
    assert total > 0


def test_a_second_run_changes_nothing(bundled: Path, target: tuple[str, dict[str, str]]) -> None:
    location, env = target
    first = ingest(bundled, location, env)
    loaded = stored(location)
    total = sum(counts(loaded).values())
    assert all(updated == unchanged == 0 for _, updated, unchanged in report(first.stdout).values())
    assert f"{total} were created, 0 were updated, 0 unchanged" in first.stderr

    second = ingest(bundled, location, env)
    assert f"0 were created, 0 were updated, {total} unchanged" in second.stderr
    per_table = report(second.stdout)
    assert {name: change for name, change in per_table.items() if change[:2] != (0, 0)} == {}
    assert sum(unchanged for _, _, unchanged in per_table.values()) == total
    after = stored(location)
    assert after == loaded, differences(loaded, after)


def test_both_stores_hold_the_same_graph(bundled: Path, neo4j_uri: str, tmp_path: Path) -> None:
    """Identical counts per kind and type, and in fact identical nodes and relationships."""
    with open_store(neo4j_uri, password=PASSWORD) as store:
        store.clear()
    ingest(bundled, neo4j_uri, {"REACHGRAPH_NEO4J_PASSWORD": PASSWORD})
    ingest(bundled, str(tmp_path / "store"), {})
    embedded, server = stored(str(tmp_path / "store")), stored(neo4j_uri)
    assert counts(embedded) == counts(server)
    assert sum(counts(embedded).values()) > 0
    assert embedded == server, differences(embedded, server)


def _edit_one_url(folder: Path) -> tuple[str, str, str]:
    """Change the url of the first Source that has one, in place; (key, old, new)."""
    for path in _files(folder):
        if path.suffix not in (".yaml", ".yml"):
            continue
        text = path.read_text(encoding="utf-8")
        loader = _Loader(text)
        try:
            document = loader.get_single_data()
        finally:
            loader.dispose()
        for source in document.get("sources") or []:
            url = source.get("url")
            if not isinstance(url, str):
                continue
            lines = text.split("\n")
            number = source["__lines__"]["url"] - 1
            assert url in lines[number], (path, number)
            lines[number] = lines[number].replace(url, url + "?edited=1", 1)
            path.write_text("\n".join(lines), encoding="utf-8")
            return source["key"], url, url + "?edited=1"
    raise AssertionError("no Source with a url in the bundled data")


def test_one_edited_property_is_one_update(
    bundled: Path, target: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    location, env = target
    ingest(bundled, location, env)
    before = stored(location)
    edited = tmp_path / "edited"
    shutil.copytree(bundled, edited)
    key, old, new = _edit_one_url(edited)

    done = ingest(edited, location, env)
    total = sum(counts(before).values())
    assert f"0 were created, 1 were updated, {total - 1} unchanged" in done.stderr
    per_table = report(done.stdout)
    assert per_table["Source"][:2] == (0, 1)
    assert all(change[:2] == (0, 0) for name, change in per_table.items() if name != "Source")

    after = stored(location)
    assert differences(before, after) != []
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"Source"}
    url = list(load_schema().nodes["Source"].properties).index("url")
    old_rows = set(before["Source"]) - set(after["Source"])
    new_rows = set(after["Source"]) - set(before["Source"])
    assert len(old_rows) == len(new_rows) == 1
    (was,), (now,) = old_rows, new_rows
    assert was[0] == now[0] == key
    assert (was[url], now[url]) == (old, new)
    assert was[:url] + was[url + 1 :] == now[:url] + now[url + 1 :]
