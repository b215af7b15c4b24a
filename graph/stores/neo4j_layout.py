"""How the Neo4j store lays the schema out: the label every node carries and the constraints.

Apart from the store (graph/stores/neo4j.py) so that what writes files for Neo4j's offline
importer (ingest/admin_import.py) shares them without importing the driver.
"""

from __future__ import annotations

from ..schema import Schema

#: The label every node carries beside its kind: one uniqueness constraint on it makes
#: keys unique across the whole graph and lets a query find any node by key.
ENTITY = "Entity"
#: The label of the store's notes about itself (Store.note), outside the schema's graph.
NOTES = "ReachgraphNote"


def constraints(schema: Schema) -> list[str]:
    """The constraints and indexes Neo4j needs for the schema."""
    statements = [
        f"CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.key IS UNIQUE"
    ]
    for kind in schema.nodes:
        statements.append(
            f"CREATE CONSTRAINT {kind.lower()}_key IF NOT EXISTS "
            f"FOR (n:{kind}) REQUIRE n.key IS UNIQUE"
        )
    return statements
