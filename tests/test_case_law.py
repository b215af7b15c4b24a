"""The project's own case law: what the bundled data must answer about each dispute, before
and after each decision, on both stores (tests/cases/<dispute>.yaml beside data/disputes/).

Each check asks a named question (or exposure) with its parameters; every `has` entry must
match some answer and no `lacks` entry any answer, field by field (lists as sets); exposure
checks may list `conflicts` that must be there and `no_conflicts` that must not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from reachgraph.graph.stores import Store
from reachgraph.questions import ask, exposure
from tests.conftest import DATA

CASES = Path(__file__).parent / "cases"


def _checks() -> list[Any]:
    found = []
    for file in sorted(CASES.glob("*.yaml")):
        for number, check in enumerate(yaml.safe_load(file.read_text("utf-8"))["checks"], 1):
            label = f"{file.stem}-{number}-{check['ask']}"
            found.append(pytest.param(check, id=label))
    return found


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list):
        return isinstance(actual, list) and sorted(map(str, expected)) == sorted(map(str, actual))
    return bool(str(expected) == str(actual)) if actual is not None else expected is None


def _matches(entry: dict[str, Any], row: dict[str, Any]) -> bool:
    return all(_same(value, row.get(field)) for field, value in entry.items())


def test_every_dispute_has_its_case_law() -> None:
    disputes = {f.stem for f in (DATA / "disputes").glob("*.yaml")}
    assert disputes <= {f.stem for f in CASES.glob("*.yaml")}


@pytest.mark.parametrize("check", _checks())
def test_case_law(bundled: Store, check: dict[str, Any]) -> None:
    params = check["params"]
    conflicts: list[dict[str, Any]] = []
    if check["ask"] == "exposure":
        answer = exposure(
            bundled,
            params["data"],
            params.get("as_of"),
            params.get("known_on"),
            params.get("standing"),
        )
        rows = [r.model_dump() for r in [*answer.compelling, *answer.blocking]]
        conflicts = [c.model_dump() for c in answer.conflicts]
    else:
        rows = [r.model_dump() for r in ask(bundled, check["ask"], params)]
    shown = [{k: v for k, v in r.items() if k not in ("path", "paths")} for r in rows]
    for entry in check.get("has", []):
        assert any(_matches(entry, row) for row in rows), f"missing {entry} in {shown}"
    for entry in check.get("lacks", []):
        assert not any(_matches(entry, row) for row in rows), f"unexpected {entry} in {shown}"
    for entry in check.get("conflicts", []):
        assert any(_matches(entry, c) for c in conflicts), f"no conflict {entry} in {conflicts}"
    for entry in check.get("no_conflicts", []):
        assert not any(_matches(entry, c) for c in conflicts), f"conflict {entry} in {conflicts}"
