"""Every command and route the README and docs/*.md show exists and works (issue 15).

- Each `reachgraph ...` line of a code block is run, as a user would type it, against a
  scratch copy of the bundled dataset (its `--store`, if any, becomes the scratch store; a
  line with a Neo4j URI or a `serve` line is run with `--help` instead, since no Neo4j or
  server is theirs here). Lines shown after a `$ ` prompt (transcripts of a failure or of
  files the page invents) or with a placeholder (`...`) must name a real command and options.
  A command list (`reachgraph X   what it does`) must name real commands.
- Each `GET /...`, `POST /...` route named in backticks is a route of the app.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reachgraph.api.app import create_app
from tests.api_helpers import settings_for
from tests.conftest import ROOT

CLI = str(Path(sys.executable).parent / "reachgraph")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```", re.M | re.S)
ROUTE = re.compile(r"`(GET|POST|HEAD) (/[^`?\s]*)")


def documented() -> Iterator[tuple[str, str]]:
    """(page:line, command) of every reachgraph line in a code block, continuations joined."""
    for page in PAGES:
        text = page.read_text("utf-8")
        for block in BLOCK.finditer(text):
            first = text[: block.start(1)].count("\n") + 1
            lines = block.group(1).split("\n")
            number = 0
            while number < len(lines):
                line, start = lines[number], number
                while line.endswith("\\") and number + 1 < len(lines):
                    number += 1
                    line = line[:-1] + " " + lines[number].strip()
                number += 1
                command = line.strip()
                if re.match(r"(\$ )?(\S+=\S+ )*reachgraph ", command):
                    yield f"{page.relative_to(ROOT)}:{first + start}", command


COMMANDS = list(documented())


def test_the_docs_show_commands() -> None:
    assert len(COMMANDS) >= 20, COMMANDS


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = str(tmp_path_factory.mktemp("docs") / "store")
    done = subprocess.run([CLI, "ingest", "--store", store], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return store


def words_of(command: str) -> tuple[list[str], bool]:
    """The command's words without prompt, environment and comment; and whether it is a
    transcript (after `$ `) or a command list line (words, then two spaces and prose)."""
    # After a prompt, or with a placeholder (`cursor=eyJw...`): shown, not to be run as is.
    transcript = command.startswith("$ ") or "..." in command or "…" in command
    command = command.removeprefix("$ ")
    listed = re.match(r"(reachgraph [a-z-]+) {2,}[^#\s-]", command)
    if listed:
        return listed.group(1).split(), True
    words = shlex.split(command, comments=True)
    while words and "=" in words[0] and not words[0].startswith("-"):
        words.pop(0)  # VAR=value before the command
    return words, transcript


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_a_documented_command_works(where: str, command: str, scratch: str) -> None:
    words, shown_only = words_of(command)
    assert words[0] == "reachgraph", where
    args = words[1:]
    if "--store" in args:
        at = args.index("--store") + 1
        remote = "://" in args[at]
        args[at] = scratch
    else:
        remote = False
        if args and args[0] in ("query", "stats", "export", "check-sources", "import-transparency"):
            args += ["--store", scratch]
    if shown_only or remote or (args and args[0] in ("serve", "ingest", "init")):
        # A transcript, a list line, a Neo4j or server command, or one that writes: its
        # command and options must exist.
        name = [a for a in args if not a.startswith("-")][:1]
        done = subprocess.run([CLI, *name, "--help"], capture_output=True, text=True)
        assert done.returncode == 0, f"{where}: {command}\n{done.stderr}"
        options = {a.split("=")[0] for a in args if a.startswith("--")}
        missing = [o for o in options if o not in done.stdout]
        assert not missing, f"{where}: {command} uses options its --help does not list: {missing}"
        return
    done = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{where}: {command}\n{done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{where}: {command} printed nothing"


def test_every_documented_route_exists(scratch: str) -> None:
    app = create_app(settings_for(scratch))
    with TestClient(app) as client:
        routes = {
            (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
            for path, operations in app.openapi()["paths"].items()
            for method in operations
        }
        # Pages for people are not in the OpenAPI schema: the explorer answers at /.
        if client.get("/").status_code == 200:
            routes.add(("GET", "/"))
    routes |= {("HEAD", path) for method, path in routes if method == "GET"}
    named = {
        (method, re.sub(r"\{[^}]+\}", "{}", path.rstrip("/") or "/"))
        for page in PAGES
        for method, path in ROUTE.findall(page.read_text("utf-8"))
    }
    assert len(named) >= 15, named

    def served(method: str, path: str) -> bool:
        """A route of the app is this path, or an instance of it (`/questions/{name}` is
        one route per named question in the schema)."""
        pattern = re.compile(re.escape(path).replace(re.escape("{}"), "[^/]+") + "$")
        return any(m == method and (p == path or pattern.match(p)) for m, p in routes)

    assert not [route for route in named if not served(*route)], sorted(named)
