"""The graph, or the neighbourhood of one entity, as a file: node-link JSON, GraphML, GEXF or
CSV (a zip of nodes.csv and edges.csv), streamed as it is written (reachgraph/export.py)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from ...entities import MAX_DEPTH
from ...export.formats import MEDIA_TYPES, SUFFIXES
from ...export.write import iter_export
from ..caching import NOT_MODIFIED, etag
from ..deps import Graph
from ..problems import RESPONSES, responses


class ExportFormat(StrEnum):
    node_link = "node-link"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"


#: The JSON Schema of a node-link file, for the OpenAPI schema.
NODE_LINK = {
    "type": "object",
    "required": ["directed", "multigraph", "graph", "nodes", "edges"],
    "properties": {
        "directed": {"type": "boolean"},
        "multigraph": {"type": "boolean"},
        "graph": {"type": "object"},
        "nodes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "kind", "key", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string"},
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "sources": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "edges": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["source", "target", "key", "type"],
                "properties": {
                    "source": {"type": "string"},
                    "target": {"type": "string"},
                    "key": {"type": "string"},
                    "type": {"type": "string"},
                    "sources": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

_FILE = {"type": "string", "format": "binary"}
_EXPORTED = {
    200: {
        "description": "The file, streamed: node-link JSON, GraphML, GEXF, or a zip of "
        "nodes.csv and edges.csv. Dates are ISO days; in GraphML, GEXF and CSV lists are "
        "JSON text. Unset values are left out.",
        "content": {
            media: {"schema": NODE_LINK if fmt == "node-link" else _FILE}
            for fmt, media in MEDIA_TYPES.items()
        },
    }
}

router = APIRouter(
    tags=["export"],
    responses={**RESPONSES, **responses(404), **NOT_MODIFIED},
    dependencies=[Depends(etag)],
)

#: Characters kept from a key in a file name; others become `_`.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@router.get(
    "/export/{format}",
    operation_id="exportGraph",
    response_class=StreamingResponse,
    responses=_EXPORTED,  # type: ignore[arg-type]
)
def export(
    format: Annotated[ExportFormat, Path(description="The file format")],
    graph: Graph,
    response: Response,
    around: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=500,
            description="Only the entities within `depth` steps of this one (either "
            "direction) and the relationships between them; the whole graph without it",
        ),
    ] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Steps from `around`")] = 1,
) -> StreamingResponse:
    """The whole graph, or the neighbourhood of `around`, as a file that networkx, Gephi or
    pandas read; `reachgraph.export.read_export` reads it back with its types. Nodes carry
    `kind`, `key`, `name`, `sources` and their properties; edges their `type`,
    `valid_from`, `valid_until`, `sources` and properties."""
    exported = graph.to_networkx(around=around, depth=depth)
    name = "reachgraph" + (f"-{_UNSAFE.sub('_', around)}-{depth}" if around else "")
    headers = {
        "Content-Disposition": f'attachment; filename="{name}{SUFFIXES[format]}"',
        **{k: v for k, v in response.headers.items() if k in ("etag", "cache-control")},
    }
    return StreamingResponse(
        iter_export(exported, format.value, graph.store.schema),
        media_type=MEDIA_TYPES[format],
        headers=headers,
    )
