"""Answers sent as the JSON their model writes, without FastAPI's round trip through it."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_answer(model: BaseModel) -> Response:
    """The model as JSON, as FastAPI would send it, for a route declared with the model as
    its `response_model` (the OpenAPI schema) that returns this instead: for a returned
    model, FastAPI dumps it to a dict, validates the dict back into the model and then
    serialises that (docs/benchmarks.md, HTTP API)."""
    return Response(model.model_dump_json(), media_type="application/json")
