"""The bundled dataset: reference/ and disputes/ (curated YAML) and bulk/ (transparency reports).

A package, so that it ships in the wheel and is found the same way from the editable install
(pyproject.toml maps reachgraph.data to this folder); ingest reads only its data files."""

from pathlib import Path

#: This folder, wherever reachgraph is installed.
BUNDLED = Path(__file__).resolve().parent
