"""The steps of the synthetic-graph generator (ingest/generate.py), one concern a module."""
