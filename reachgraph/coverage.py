"""What the graph covers, as `reachgraph stats` reports it beside the counts: how many
disputes reached a decision, in how many jurisdictions, and whether every fact that needs a
source has one."""

from __future__ import annotations

from dataclasses import dataclass

from .graph.stores import Store

#: A dispute: a proceeding with at least one decision given in it.
DISPUTES = """
MATCH (p:Proceeding)<-[:DECIDED_IN]-(d:Decision)
RETURN count(DISTINCT p) AS disputes, count(d) AS decisions
"""
#: Jurisdictions whose authorities issued a request or gave a decision.
ISSUING = """
MATCH (j:Jurisdiction)<-[:BELONGS_TO]-(a:Authority)<-[:ISSUED_BY|DECIDED_BY]-()
RETURN count(DISTINCT j) AS n
"""


@dataclass(frozen=True)
class Coverage:
    disputes: int
    decisions: int
    issuing_jurisdictions: int
    #: Nodes and relationships without a source, of the kinds and types that need one.
    unsourced_nodes: int
    unsourced_relationships: int


def coverage(store: Store) -> Coverage:
    ((disputes, decisions),) = store.read(DISPUTES).rows
    ((issuing,),) = store.read(ISSUING).rows
    schema = store.schema
    missing = "WHERE x.sources IS NULL OR size(x.sources) = 0 RETURN count(x)"
    nodes = sum(
        store.read(f"MATCH (x:{kind}) {missing}").rows[0][0]
        for kind, spec in schema.nodes.items()
        if spec.sources_required
    )
    relationships = sum(
        store.read(f"MATCH ()-[x:{rel_type}]->() {missing}").rows[0][0]
        for rel_type in schema.curated_relationships
    )
    return Coverage(disputes, decisions, issuing, nodes, relationships)
