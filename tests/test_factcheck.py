"""The fact-check of sources (`reachgraph check-sources`, ingest/factcheck.py), both stores:
the bundled data passes clean; a source older than the decision it reports is named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reachgraph.graph.stores import Store
from reachgraph.ingest.factcheck import premature_sources, undated_sources
from tests.api_helpers import load_sample

CLI = str(Path(sys.executable).parent / "reachgraph")
EARLY = """
title: A decision reported by a source dated before it
sources:
  - {key: src-early, title: An article, publisher: Example, date: 2015-01-01}
  - {key: src-on-the-day, title: The judgment, publisher: Example Court, date: 2016-05-02}
nodes:
  - {kind: Authority, key: ex-court, name: Example court, authority_kind: court,
     sources: [src-on-the-day]}
  - {kind: Proceeding, key: ex-case, name: Example case, sources: [src-on-the-day]}
  - {kind: Decision, key: ex-ruling, name: Example ruling, date: 2016-05-02, outcome: upheld,
     sources: [src-on-the-day]}
relationships:
  - {start: ex-ruling, type: DECIDED_IN, end: ex-case, sources: [src-on-the-day]}
  - {start: ex-ruling, type: DECIDED_BY, end: ex-court, sources: [src-early]}
"""


def test_the_bundled_data_passes_clean(bundled: Store) -> None:
    assert undated_sources(bundled) == []
    assert premature_sources(bundled) == []


def test_a_source_older_than_its_decision_is_named(store: Store, tmp_path: Path) -> None:
    file = tmp_path / "early.yaml"
    file.write_text(EARLY, encoding="utf-8")
    load_sample(store, [file])
    [finding] = premature_sources(store)
    assert (finding.fact, finding.source) == ("ex-ruling", "src-early")
    assert str(finding.source_date) == "2015-01-01" and str(finding.fact_date) == "2016-05-02"


def test_the_command_exits_1_naming_the_finding(tmp_path: Path) -> None:
    file, where = tmp_path / "early.yaml", str(tmp_path / "store")
    file.write_text(EARLY, encoding="utf-8")
    run = [CLI, "ingest", str(file), "--store", where]
    assert subprocess.run(run, capture_output=True, timeout=120).returncode == 0
    done = subprocess.run(
        [CLI, "check-sources", "--store", where], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "ex-ruling (2016-05-02) cites src-early, dated 2015-01-01" in done.stderr
