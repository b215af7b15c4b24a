"""Find the input files under the paths a user gives, and read each with its reader."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..graph.schema import Schema
from .bulk import read_bulk
from .curated import read_curated
from .problems import Problem
from .rows import RawInput

CURATED = (".yaml", ".yml")
BULK = (".csv", ".jsonl")


def input_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in CURATED + BULK)
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        None,
                        "no .yaml, .yml, .csv or .jsonl files in this folder",
                    )
                )
            files.extend(found)
        elif path.is_file():
            if path.suffix not in CURATED + BULK:
                problems.append(
                    Problem(
                        str(path), None, None, None, "expected a .yaml, .yml, .csv or .jsonl file"
                    )
                )
            else:
                files.append(path)
        else:
            problems.append(Problem(str(path), None, None, None, "no such file or folder"))
    return files, problems


def read_inputs(paths: Iterable[Path], schema: Schema) -> RawInput:
    files, problems = input_files(paths)
    raw = RawInput(problems=problems)
    for file in files:
        reader = read_curated if file.suffix in CURATED else read_bulk
        reader(file, str(file), schema, raw)
    return raw
