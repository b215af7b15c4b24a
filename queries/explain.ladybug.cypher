// explain: how are two entities connected? The shortest path between them, in either direction.
//
// Any two nodes by key; the path follows relationships either way, at most 8 steps, and
// skips Source nodes (sources are cited by facts, not connected to them). Turn the path into
// sentences with reachgraph (`reachgraph ask explain`, API /questions/explain); of several
// shortest paths, reachgraph shows the first by node keys.
// LadybugDB variant: `* ALL SHORTEST` (it has no allShortestPaths()), and one node table per kind,
// so an unlabelled match finds a key in any of them.
//
// @param a string  Key of one entity
// @param b string  Key of the other
// @column path_nodes nodes  The nodes of the path, from a to b
// @column path_rels relationships  Its relationships, in order
MATCH (a {key: $a}), (b {key: $b})
MATCH p = (a)-[* ALL SHORTEST 1..8]-(b)
RETURN nodes(p) AS path_nodes, relationships(p) AS path_rels
