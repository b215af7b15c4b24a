// explain: how are two entities connected? The shortest path between them, in either direction.
//
// Any two nodes by key; the path follows curated relationships either way, at most 8 steps
// (not the derived REACHES: an answer is explained by the facts it derives from; sources are
// cited by facts, not connected to them). Turn the path into
// sentences with reachgraph (`reachgraph ask explain`, API /questions/explain); of several
// shortest paths, reachgraph shows the first by node keys.
// Neo4j variant: allShortestPaths() and the Entity label's key index.
//
// @param a Entity  Key of one entity
// @param b Entity  Key of the other
// @column path_nodes nodes  The nodes of the path, from a to b
// @column path_rels relationships  Its relationships, in order
MATCH (a:Entity {key: $a}), (b:Entity {key: $b})
MATCH p = allShortestPaths((a)-[*..8]-(b))
WHERE none(r IN relationships(p) WHERE type(r) = 'REACHES')
RETURN nodes(p) AS path_nodes, relationships(p) AS path_rels
