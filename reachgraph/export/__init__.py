"""The graph for notebooks, networkx, Gephi and pandas, and files that read back the same.

`to_networkx(graph)` is the whole graph as a `networkx.MultiDiGraph`; `around=KEY` (with
`depth`) keeps the nodes within `depth` steps of KEY, either direction, and every
relationship between them (what `networkx.ego_graph(..., undirected=True)` keeps); `answers`
keeps the nodes and relationships on the paths of answers of `ReachGraph.ask` (or
`exposure`). `to_pandas` gives the same as two DataFrames, nodes and edges.

A node is its key, with attributes `kind`, `key`, `name`, `sources` (a list, empty when
none) and every property the schema declares for its kind (None when unset; `search_text`,
which only serves search, is left out). An edge's key is its relationship type, with
attributes `type`, `valid_from`, `valid_until` (None when open, and on types without dates),
`sources` and the type's other properties. Values have Python types: `datetime.date` for
dates, lists for lists.

`write_export(g, path, format)` / `iter_export(g, format)` write a graph in one of FORMATS,
and `read_export(path or bytes, format)` reads it back to the same graph with the same typed
attributes: GraphML, GEXF and CSV hold dates as ISO days and lists as JSON text, and reading
turns them back by the types in graph/schema.yaml. Unset values are left out of every file.
Attributes a notebook adds that the schema does not declare are written too, and read back
as the format gives them (text in CSV).

- `node-link`: networkx's node-link JSON (`json_graph.node_link_graph(data, edges="edges")`
  reads it);
- `graphml`, `gexf`: for Gephi, yEd, Cytoscape, networkx's readers; a node's label in GEXF is
  its name;
- `csv`: a zip holding `nodes.csv` (key, kind, name, sources, then every property) and
  `edges.csv` (start, end, type, valid_from, valid_until, sources, then every property);
  `read_export` also reads a folder holding those two files.

Writers produce the file in chunks (`iter_export`), so a large graph is never held a second
time as text.

The parts: `scope` (what an export holds, read from the store), `attributes` (from the
schema), `frames` (pandas), `formats`, `write` and `read`.
"""

from .attributes import edge_types, node_types
from .formats import FORMATS, MEDIA_TYPES, SUFFIXES, Format
from .frames import frames
from .read import read_export
from .scope import to_networkx, to_pandas
from .write import iter_export, write_export

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "Format",
    "edge_types",
    "frames",
    "iter_export",
    "node_types",
    "read_export",
    "to_networkx",
    "to_pandas",
    "write_export",
]
