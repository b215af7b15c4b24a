"""Write validated input as CSV for `neo4j-admin database import full`, the fastest way to
a first, large load of Neo4j (it builds a new database offline, without transactions).

One node file per kind (`key:ID(Entity)`: keys are unique across the graph, so one ID
space; a `:LABEL` column with `Kind;Entity`, as the Neo4j store labels nodes) and one
relationship file per type (`:START_ID(Entity)`, `:END_ID(Entity)`, `:TYPE`). Headers carry
the schema's types (`valid_from:date`, `share:double`, `sources:string[]` with `;` between
items); an empty cell sets no property, as a missing value does in the store. The files
cannot say "an empty list" (the importer reads it as no value), so `after-import.cypher`
sets those, and creates the constraints the Neo4j store relies on: run it once Neo4j is up.

The derived REACHES relationships are written too (`relationships/REACHES.csv`): reachgraph
does not run the importer, and Neo4j is stopped while it runs, so they cannot be derived on
the store after the import. They are derived beforehand exactly as a load derives them, by
loading the input into a temporary embedded store (ingest/derive.py); a later
`reachgraph ingest` into the imported database finds them unchanged.
"""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..graph.errors import ReachgraphError
from ..graph.schema import Property, Schema
from ..graph.stores import Store, open_store
from ..graph.stores.neo4j_layout import ENTITY, constraints
from .derive import DERIVED
from .load import load
from .validate import Valid

#: The importer's default array delimiter.
ARRAY_DELIMITER = ";"
#: Header type of each schema property type (no suffix: string).
HEADER_TYPES = {
    "string": "",
    "text": "",
    "date": ":date",
    "integer": ":long",
    "float": ":double",
    "boolean": ":boolean",
    "string_list": ":string[]",
}


@dataclass(frozen=True)
class AdminImport:
    """The files written and the command that imports them."""

    nodes: dict[str, Path]
    relationships: dict[str, Path]
    #: Cypher to run on the imported database: constraints, then the empty lists.
    after: Path
    multiline: bool
    database: str = "neo4j"

    def arguments(self) -> list[str]:
        """The arguments after `neo4j-admin`."""
        args = ["database", "import", "full", self.database, "--overwrite-destination"]
        args.append(f"--array-delimiter={ARRAY_DELIMITER}")
        if self.multiline:
            args.append("--multiline-fields=true")
        args += [f"--nodes={path}" for path in self.nodes.values()]
        args += [f"--relationships={path}" for path in self.relationships.values()]
        return args

    def command(self) -> str:
        return shlex.join(["neo4j-admin", *self.arguments()])


def _cell(values: pd.Series, prop: Property) -> pd.Series:
    """A column as the importer reads it (a date writes itself as ISO); None stays empty."""
    if prop.type == "string_list":

        def joined(items: Any) -> str | None:
            if not isinstance(items, list) or not items:
                return None
            for item in items:
                if ARRAY_DELIMITER in item:
                    raise ReachgraphError(
                        f"{item!r} holds {ARRAY_DELIMITER!r}, the array delimiter of the "
                        "neo4j-admin import files; it cannot be written to them"
                    )
            return ARRAY_DELIMITER.join(items)

        return pd.Series([joined(v) for v in values.tolist()], index=values.index, dtype=object)
    if prop.type == "boolean":
        return values.map({True: "true", False: "false"}).astype(object)
    return values


def _write(frame: pd.DataFrame, header: list[str], text: list[str], path: Path) -> bool:
    """Write the rows; True when a cell of the `text` columns holds a line break."""
    frame.to_csv(path, index=False, header=header, na_rep="", lineterminator="\n")
    return any(frame[c].str.contains("\n", regex=False).any() for c in text)


def _empty_lists(frame: pd.DataFrame, props: dict[str, Property]) -> list[str]:
    """The list properties that are an empty list on some row."""
    return [
        name
        for name, p in props.items()
        if p.type == "string_list" and any(v == [] for v in frame[name].tolist())
    ]


def _text(props: dict[str, Property]) -> list[str]:
    return [name for name, p in props.items() if p.type in ("string", "text")]


def derive_reaches(valid: Valid, schema: Schema) -> pd.DataFrame:
    """The REACHES rows a load of `valid` into an empty store derives (start, end and every
    property), derived in a temporary embedded store."""
    columns = ["start", "end", *schema.relationships[DERIVED].properties]
    with (
        tempfile.TemporaryDirectory(prefix="reachgraph-derive-") as folder,
        open_store(str(Path(folder) / "store")) as store,
    ):
        store.apply_schema()
        load(valid, store)
        rows = store.read(
            f"MATCH (a:Jurisdiction)-[r:{DERIVED}]->(b:Data) RETURN a.key, b.key, "
            + ", ".join(f"r.{name}" for name in columns[2:])
        ).rows
    return pd.DataFrame(rows, columns=columns)


def write_admin_import(
    valid: Valid, schema: Schema, out: Path, *, database: str = "neo4j"
) -> AdminImport:
    """Write `valid` under `out` (nodes/, relationships/) for `neo4j-admin database import`,
    with the REACHES relationships derived from it."""
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    (out / "relationships").mkdir(parents=True, exist_ok=True)
    nodes: dict[str, Path] = {}
    multiline = False
    after = [f"{statement};" for statement in constraints(schema)]
    for kind, frame in valid.nodes.items():
        props = schema.nodes[kind].properties
        frame = Store.shaped(frame, list(props))
        rows = pd.DataFrame({name: _cell(frame[name], p) for name, p in props.items()})
        rows[":LABEL"] = f"{kind}{ARRAY_DELIMITER}{ENTITY}"
        header = [
            f"key:ID({ENTITY})" if name == "key" else name + HEADER_TYPES[p.type]
            for name, p in props.items()
        ]
        for name in _empty_lists(frame, props):
            after.append(f"MATCH (n:{kind}) WHERE n.{name} IS NULL SET n.{name} = [];")
        nodes[kind] = out / "nodes" / f"{kind}.csv"
        multiline |= _write(rows, [*header, ":LABEL"], _text(props), nodes[kind])
    relationships: dict[str, Path] = {}
    tables = [
        (rel_type, pd.concat(pairs.values(), ignore_index=True))
        for rel_type, pairs in valid.relationships.items()
    ]
    if valid.node_count():
        tables.append((DERIVED, derive_reaches(valid, schema)))
    for rel_type, frame in tables:
        props = schema.relationships[rel_type].properties
        frame = Store.shaped(frame, ["start", "end", *props])
        rows = pd.DataFrame(
            {
                ":START_ID": frame["start"],
                ":END_ID": frame["end"],
                ":TYPE": rel_type,
                **{name: _cell(frame[name], p) for name, p in props.items()},
            }
        )
        header = [f":START_ID({ENTITY})", f":END_ID({ENTITY})", ":TYPE"]
        header += [name + HEADER_TYPES[p.type] for name, p in props.items()]
        for name in _empty_lists(frame, props):
            after.append(f"MATCH ()-[r:{rel_type}]->() WHERE r.{name} IS NULL SET r.{name} = [];")
        relationships[rel_type] = out / "relationships" / f"{rel_type}.csv"
        multiline |= _write(rows, header, _text(props), relationships[rel_type])
    (out / "after-import.cypher").write_text("\n".join(after) + "\n", encoding="utf-8")
    return AdminImport(nodes, relationships, out / "after-import.cypher", multiline, database)
