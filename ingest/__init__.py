"""Ingest: read curated YAML files and bulk tables, validate everything, then load.

parse (curated.py, bulk.py) -> validate (validate.py) -> diff and load (load.py).
Nothing is written unless the whole input is valid.
"""

from .load import LoadReport, load
from .problems import IngestFailed, Problem
from .read import read_inputs
from .validate import validate

__all__ = ["IngestFailed", "LoadReport", "Problem", "load", "read_inputs", "validate"]
