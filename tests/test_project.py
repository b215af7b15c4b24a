"""The project keeps its promises: documented settings, compose file, CI command, lint, types."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from reachgraph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {f"REACHGRAPH_{name.upper()}" for name in Settings.model_fields}


def test_every_setting_is_documented() -> None:
    documented = set(
        re.findall(r"`(REACHGRAPH_[A-Z0-9_]+)`", (ROOT / "docs/settings.md").read_text())
    )
    assert SETTINGS - documented == set(), "settings missing from docs/settings.md"


def test_compose_file_agrees_with_the_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api = compose["services"]["api"]
    env = api["environment"]
    assert set(env) <= SETTINGS, f"unknown settings in compose: {set(env) - SETTINGS}"
    assert f"{env['REACHGRAPH_PORT']}:{env['REACHGRAPH_PORT']}" in api["ports"]
    store = re.fullmatch(r"neo4j://(\w+):(\d+)", env["REACHGRAPH_STORE"])
    assert store, env["REACHGRAPH_STORE"]
    service, bolt_port = store.groups()
    assert service in compose["services"]
    assert any(p.endswith(f":{bolt_port}") for p in compose["services"][service]["ports"])
    password = compose["services"][service]["environment"]["NEO4J_AUTH"].split("/", 1)[1]
    assert env["REACHGRAPH_NEO4J_PASSWORD"] == password
    assert env["REACHGRAPH_NEO4J_USER"] == "neo4j"


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", readme)[:2]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    run, test = readme_commands()
    assert "reachgraph serve" in run and "pytest" in test
    ci = (ROOT / ".ci/run").read_text().splitlines()
    assert test in ci


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    """The code is as `ruff format` writes it (the notebook and docs' Python blocks too)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    """mypy strict on the package as pyproject.toml maps it, and on the tests (scripts/typecheck
    says why a script)."""
    done = subprocess.run(
        [sys.executable, "scripts/typecheck"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
