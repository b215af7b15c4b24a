"""How the embedded store lays the schema out: a node table per kind, a relationship table per
type, each column typed as graph/schema.yaml declares it."""

from __future__ import annotations

from ..schema import Property, Schema

#: The LadybugDB type of each schema property type.
_TYPES = {
    "string": "STRING",
    "text": "STRING",
    "date": "DATE",
    "integer": "INT64",
    "float": "DOUBLE",
    "boolean": "BOOLEAN",
    "string_list": "STRING[]",
}

#: The table of the store's notes about itself (Store.note), outside the schema's graph.
NOTES = "ReachgraphNote"


def _column(name: str, prop: Property) -> str:
    return f"{name} {_TYPES[prop.type]}"


def ddl(schema: Schema) -> list[str]:
    """The CREATE statements for every node and relationship table of the schema."""
    statements = []
    for kind in schema.nodes.values():
        columns = [
            _column(name, prop) + (" PRIMARY KEY" if name == "key" else "")
            for name, prop in kind.properties.items()
        ]
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {kind.name}({', '.join(columns)})")
    for rel in schema.relationships.values():
        pairs = [f"FROM {start} TO {end}" for start, end in rel.pairs]
        columns = [_column(name, prop) for name, prop in rel.properties.items()]
        statements.append(
            f"CREATE REL TABLE IF NOT EXISTS {rel.name}({', '.join(pairs + columns)})"
        )
    statements.append(
        f"CREATE NODE TABLE IF NOT EXISTS {NOTES}(name STRING PRIMARY KEY, value STRING)"
    )
    return statements
