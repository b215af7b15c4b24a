"""The export formats: their names, media types and file suffixes."""

from __future__ import annotations

from typing import Literal, get_args

Format = Literal["node-link", "graphml", "gexf", "csv"]
FORMATS: tuple[str, ...] = get_args(Format)

#: The media type and file suffix of each format.
MEDIA_TYPES = {
    "node-link": "application/json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "application/zip",
}
SUFFIXES = {"node-link": ".json", "graphml": ".graphml", "gexf": ".gexf", "csv": ".zip"}
