// explain: how are two entities connected? The shortest path between them, in either direction.
//
// Any two nodes by key; the path follows curated relationships either way, at most 8 steps
// (not the derived REACHES: an answer is explained by the facts it derives from; sources are
// cited by facts, not connected to them). Turn the path into
// sentences with reachgraph (`reachgraph ask explain`, API /questions/explain); of several
// shortest paths, reachgraph shows the first by node keys.
// LadybugDB variant: `* ALL SHORTEST` (it has no allShortestPaths()), and each endpoint's kind
// written in by reachgraph (`:$a_kind`, see queries/__init__.py): unlabelled, each endpoint
// costs a scan of every node table (on 1M nodes 633 ms against 35 ms labelled).
//
// @param a Entity  Key of one entity
// @param b Entity  Key of the other
// @column path_nodes nodes  The nodes of the path, from a to b
// @column path_rels relationships  Its relationships, in order
MATCH p = (a:$a_kind {key: $a})-[* ALL SHORTEST 1..8 (r, n | WHERE label(r) <> 'REACHES')]-(b:$b_kind {key: $b})
RETURN nodes(p) AS path_nodes, relationships(p) AS path_rels
