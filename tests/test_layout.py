"""The package layout: no symlinks, and the wheel is the tree as pyproject.toml maps it.

reachgraph.graph is the top-level graph/ folder, reachgraph.ingest is ingest/, and so on
(setuptools `package-dir`, CONTRIBUTING.md "Layout"). These tests build the wheel from the
tree, check that every tracked file of the package's folders is in it where the mapping puts
it, and run the command line from the unpacked wheel alone. Packaging is not store behaviour:
the run uses the embedded store only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reachgraph.data import BUNDLED

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("reachgraph", "graph", "ingest", "api", "queries", "data")


def tracked(*args: str) -> list[str]:
    done = subprocess.run(
        ["git", "ls-files", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_no_symlink_is_tracked() -> None:
    links = [line.split("\t", 1)[1] for line in tracked("-s") if line.startswith("120000 ")]
    assert links == []


def test_the_editable_install_maps_the_top_level_folders() -> None:
    import reachgraph.api
    import reachgraph.graph
    import reachgraph.ingest
    import reachgraph.queries

    for package, folder in [
        (reachgraph.graph, "graph"),
        (reachgraph.ingest, "ingest"),
        (reachgraph.api, "api"),
        (reachgraph.queries, "queries"),
    ]:
        assert Path(package.__file__ or "") == ROOT / folder / "__init__.py"
    assert ROOT / "data" == BUNDLED


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the tree, as `pip wheel .` builds it (setuptools from the venv)."""
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", ".", "-q", "--no-deps"]
    subprocess.run(
        [*pip_wheel, "--no-build-isolation", "--wheel-dir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("reachgraph-*.whl")
    return built


def test_the_wheel_holds_every_tracked_file_of_the_package_folders(wheel: Path) -> None:
    """Modules, named queries, the schema, the explorer and the bundled data all ship."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path if path.startswith("reachgraph/") else f"reachgraph/{path}"
        for path in tracked("--", *FOLDERS)
    }
    assert expected - names == set()
    assert "reachgraph/queries/reach.cypher" in names
    assert "reachgraph/data/bulk/transparency-reports-2009-2013.csv.gz" in names


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel unpacked as pip installs a pure-Python wheel, away from the tree."""
    target = tmp_path_factory.mktemp("site")
    zipfile.ZipFile(wheel).extractall(target)
    yield target


def test_the_cli_runs_from_the_wheel_alone(unpacked: Path, tmp_path: Path) -> None:
    """`reachgraph ingest` loads the bundled data shipped in the wheel, not the tree's."""

    def cli(*args: str) -> str:
        # The unpacked wheel comes first on the path, so it, not the editable install, is
        # imported (the editable install's import hook is only asked what the path lacks).
        done = subprocess.run(
            [sys.executable, "-c", "from reachgraph.cli import main; main()", *args],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(unpacked)},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import reachgraph.data as d, reachgraph.graph as g; "
            "print(d.BUNDLED); print(g.__file__)",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [
        str(unpacked / "reachgraph/data"),
        str(unpacked / "reachgraph/graph/__init__.py"),
    ]
    assert "ingest" in cli("--help")
    store = str(tmp_path / "store")
    cli("ingest", "--store", store)
    counts = {
        row["name"]: row["count"]
        for row in json.loads(cli("stats", "--store", store, "-f", "json"))["rows"]
    }
    assert counts["Jurisdiction"] > 0 and counts["Source"] > 0
