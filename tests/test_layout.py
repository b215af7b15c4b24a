"""The package layout: no symlinks, and the wheel is the tree as pyproject.toml maps it.

reachgraph.graph is the top-level graph/ folder, reachgraph.ingest is ingest/, and so on
(setuptools `package-dir`, CONTRIBUTING.md "Layout"). These tests build the wheel from the
tree, check that every tracked file of the package's folders is in it where the mapping puts
it, and run the command line from the unpacked wheel alone. Packaging is not store behaviour:
the run uses the embedded store only.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from reachgraph.data import BUNDLED
from reachgraph.graph.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("reachgraph", "graph", "ingest", "api", "queries", "data")
#: The most lines a module holds: past that it holds more than one idea.
LONGEST = 400


def package_modules() -> dict[str, Path]:
    """Every module of the package by its name, found as pyproject.toml maps the packages."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping: dict[str, str] = setuptools["package-dir"]

    def folder(package: str) -> str:
        if package in mapping:
            return mapping[package]
        parent, _, name = package.rpartition(".")
        return f"{folder(parent)}/{name}" if parent else package

    modules = {}
    for package in setuptools["packages"]:
        for path in (ROOT / folder(package)).glob("*.py"):
            modules[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return modules


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
    """The wheel built, as `pip wheel .` builds it (setuptools from the venv), from a copy of
    the tracked files: a build/ folder left in the tree by an earlier build would add the
    modules it still holds to the wheel."""
    source = tmp_path_factory.mktemp("source")
    for path in tracked():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, source / path)
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", ".", "-q", "--no-deps"]
    subprocess.run(
        [*pip_wheel, "--no-build-isolation", "--wheel-dir", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("reachgraph-*.whl")
    return built


def test_the_wheel_holds_every_tracked_file_of_the_package_folders(wheel: Path) -> None:
    """Modules, named queries, the schema, the explorer and the bundled data all ship."""
    names = {n for n in zipfile.ZipFile(wheel).namelist() if not n.startswith("reachgraph-")}
    expected = {
        path if path.startswith("reachgraph/") else f"reachgraph/{path}"
        for path in tracked("--", *FOLDERS)
    }
    assert expected - names == set()  # nothing missing
    assert names - expected == set()  # and nothing else
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


#: The stores' drivers and the stores' own modules: imported only inside graph/stores/.
STORES = "reachgraph.graph.stores"
BACKEND_MODULES = {"ladybug", "neo4j", f"{STORES}.ladybug", f"{STORES}.neo4j"}


def in_stores(name: str) -> bool:
    return name == STORES or name.startswith(f"{STORES}.")


def imported(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every module `name` imports, at any depth of its code (in functions too, and under
    TYPE_CHECKING): `from X import Y` is module X.Y where that is a module, else X."""
    package = name if path.stem == "__init__" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def test_no_backend_module_is_imported_outside_the_stores() -> None:
    """What differs between stores is declared on Store (graph/stores/base.py) and
    implemented once per store; everything else sees only that."""
    modules = package_modules()
    leaks = [
        f"{name} imports {target}"
        for name, path in modules.items()
        if not in_stores(name)
        for target in imported(name, path, modules)
        if target in BACKEND_MODULES or target.split(".")[0] in {"ladybug", "neo4j"}
    ]
    assert leaks == []
    # The rule reads the stores' own imports the same way: they do import the backends.
    stores = {t for n, p in modules.items() if in_stores(n) for t in imported(n, p, modules)}
    assert stores >= BACKEND_MODULES


#: What the API may not import: it asks the query layer (reachgraph/), whose __init__.py passes
#: on what the API needs from below (the errors, the schema, the named queries' catalog).
BELOW_THE_QUERY_LAYER = ("reachgraph.graph", "reachgraph.ingest", "reachgraph.queries")


def test_the_api_imports_only_the_query_layer() -> None:
    """yente's rule: routes call the query layer, never the stores, ingest or the queries."""
    modules = package_modules()
    api = {n: p for n, p in modules.items() if n.split(".")[:2] == ["reachgraph", "api"]}
    leaks = [
        f"{name} imports {target}"
        for name, path in api.items()
        for target in imported(name, path, modules)
        if any(target == below or target.startswith(f"{below}.") for below in BELOW_THE_QUERY_LAYER)
    ]
    assert leaks == []
    assert {"reachgraph.api.app", "reachgraph.api.routes.questions"} <= set(api)


def test_the_package_has_no_import_cycle() -> None:
    modules = package_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        graph.add_edges_from(
            (name, target) for target in imported(name, path, modules) if target in modules
        )
    graph.remove_edges_from(nx.selfloop_edges(graph))
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []
    assert graph.has_edge("reachgraph.client", "reachgraph.export.scope")  # edges were read


def test_no_module_is_over_400_lines() -> None:
    lines = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package_modules().values()
    }
    assert len(lines) > 50  # the mapping was read: every module is counted
    assert {path: n for path, n in lines.items() if n > LONGEST} == {}


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring constants of the module, its classes and its functions."""
    scopes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, scopes)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_the_source_kind_and_ownership_are_read_from_the_schema() -> None:
    """graph/schema.yaml names the kind of sources and the ownership relationship
    (`source_kind`, `ownership`); code reads them from `Schema`, never spells them: no string
    that is one of them, or names one as a Cypher label or type (`(s:Source)`), outside
    graph/schema.py. Prose (docstrings, examples in messages) may mention them."""
    schema = load_schema()
    names = {schema.source_kind, schema.ownership}
    label = re.compile(rf":({'|'.join(map(re.escape, names))})\b")
    spelled = []
    for name, path in package_modules().items():
        if name == "reachgraph.graph.schema":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prose = _docstrings(tree)
        spelled += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in prose
            and (node.value in names or label.search(node.value))
        ]
    assert spelled == []
