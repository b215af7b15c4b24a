"""How the values LadybugDB hands back become reachgraph's: nodes and relationships as the
stores' common dicts (graph/stores/base.py), decimals as numbers."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from .base import node_value, relationship_value


def _id(internal: Mapping[str, int]) -> str:
    return f"{internal['table']}:{internal['offset']}"


#: Values LadybugDB hands back that need no conversion: checked by exact type first, since
#: native runs on every property of every node of every path (about 250 values a row for a
#: path of seven nodes).
_PLAIN = frozenset({str, int, float, bool, datetime.date, datetime.datetime, type(None)})


def native(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        if "_LABEL" in value and ("_SRC" in value or "_ID" in value):
            props = {
                k: native(v) for k, v in value.items() if v is not None and not k.startswith("_")
            }
            if "_SRC" in value:
                return relationship_value(
                    value["_LABEL"], _id(value["_SRC"]), _id(value["_DST"]), props
                )
            return node_value(value["_LABEL"], _id(value["_ID"]), props)
        return {k: native(v) for k, v in value.items()}
    return value
