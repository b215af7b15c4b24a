"""Fixtures of the security tests: a store holding a tiny graph on each backend, and the table
of figures: every attack is recorded in `graphs.OUTCOMES` as (store, door, outcome), and at the
end of the run the attempts, refusals, executions and 5xx answers per store and door are
printed (and written as JSON to $REACHGRAPH_SECURITY_FIGURES when that is set).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, open_empty
from tests.security.graphs import OUTCOMES, Target, fingerprint, load_tiny_graph
from tests.security.hostile import FIGURES


@pytest.fixture(scope="module", params=BACKENDS)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    location, store = open_empty(request.param, tmp_path_factory.mktemp("security"), request)
    load_tiny_graph(store)
    try:
        yield Target(request.param, location, store, fingerprint(store))
    finally:
        store.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    _hostile_figures(terminalreporter)
    if not OUTCOMES:
        return
    table: dict[tuple[str, str], Counter[str]] = {}
    for store, door, outcome in OUTCOMES:
        table.setdefault((store, door), Counter())[outcome] += 1
    terminalreporter.write_line(
        "security corpus: attempts, refused, executed, 5xx per store and door"
    )
    figures = []
    for (store, door), counts in sorted(table.items()):
        row = {
            "store": store,
            "door": door,
            "attempts": sum(counts.values()),
            "refused": counts["refused"],
            "executed": counts["executed"],
            "5xx": counts["5xx"],
        }
        figures.append(row)
        terminalreporter.write_line(
            f"  {store:8} {door:8} attempts {row['attempts']:4}  refused {row['refused']:4}  "
            f"executed {row['executed']:3}  5xx {row['5xx']:3}"
        )
    out = os.environ.get("REACHGRAPH_SECURITY_FIGURES")
    if out:
        Path(out).write_text(json.dumps(figures, indent=2) + "\n")


def _hostile_figures(terminalreporter: pytest.TerminalReporter) -> None:
    """Hostile files and bad HTTP input: cases, refused, 5xx, empty 200s, worst time and memory
    per store and door (tests/security/hostile.py: FIGURES)."""
    if not FIGURES:
        return
    table: dict[tuple[str, str], list[tuple[str, str, float, float]]] = {}
    for store, door, case, outcome, seconds, peak in FIGURES:
        table.setdefault((store, door), []).append((case, outcome, seconds, peak))
    terminalreporter.write_line(
        "hostile input: cases, refused, 5xx, empty 200, max seconds and MB per case"
    )
    for (store, door), rows in sorted(table.items()):
        outcomes = Counter(outcome for _, outcome, _, _ in rows)
        slowest = max(rows, key=lambda r: r[2])
        largest = max(rows, key=lambda r: r[3])
        terminalreporter.write_line(
            f"  {store:8} {door:12} cases {len(rows):4}  refused {outcomes['refused']:4}  "
            f"answered {outcomes['answered']:4}  5xx {outcomes['5xx']:2}  "
            f"empty-200 {outcomes['empty-200']:2}  "
            f"max {slowest[2]:5.2f} s ({slowest[0]})  {largest[3]:6.1f} MB ({largest[0]})"
        )
