"""The graph core: the schema (declared once, in schema.yaml) and the stores that hold it."""
