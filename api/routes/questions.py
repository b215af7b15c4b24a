"""The named questions: one GET route per query in queries/, typed from the query's header.

No `from __future__ import annotations` here: the routes are built at import time from
models made at run time, and FastAPI must see those classes, not their names.
"""

import datetime
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool

from ... import InvalidParameter, NamedQuery, ReachgraphError, catalog
from ...paging import MAX_LIMIT, STREAM_PAGE, Page, pageable
from ...questions import Exposure, Hypothesis, row_model
from ..caching import NOT_MODIFIED, etag
from ..deps import Graph
from ..problems import RESPONSES, ProblemDetail, responses

#: 404: a parameter names no entity of its kind; 408: a question past the time limit;
#: 409: a page's cursor from before the data changed.
router = APIRouter(
    tags=["questions"], responses={**RESPONSES, **responses(404, 408, 409), **NOT_MODIFIED}
)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """A day is written YYYY-MM-DD: pydantic alone would also take a datetime at midnight or
    a number of seconds, and answer for a day the user did not write."""
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("expected an ISO date, YYYY-MM-DD")
    return value


IsoDay = Annotated[datetime.date, BeforeValidator(_iso_day)]
_PARAM_TYPES: dict[str, Any] = {"string": str, "date": IsoDay, "integer": int}


_LIMIT = (
    "Page through the answer: at most this many answers, and a Link header with "
    'rel="next" to the next page while there is one (default: the whole answer)'
)
_CURSOR = (
    "The cursor of the next page, as the previous page's Link header gives it; one from "
    "before the data changed is a 409"
)
_FORMAT = (
    "json (default): one list; ndjson: the whole answer as JSON lines, one answer a line, "
    "read from the store a page at a time (not with limit or cursor)"
)
NDJSON = "application/x-ndjson"
Limit = Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description=_LIMIT)]
Cursor = Annotated[str | None, Query(min_length=1, description=_CURSOR)]
Format = Annotated[Literal["json", "ndjson"] | None, Query(description=_FORMAT)]
_PAGING: dict[str, Any] = {
    "limit": (int | None, Field(None, ge=1, le=MAX_LIMIT, description=_LIMIT)),
    "cursor": (str | None, Field(None, min_length=1, description=_CURSOR)),
    "format": (Literal["json", "ndjson"] | None, Field(None, description=_FORMAT)),
}
#: The 200 answer of a paged question, as JSON lines too.
_LINES: dict[int | str, dict[str, Any]] = {
    200: {"content": {NDJSON: {"schema": {"type": "string"}}}, "description": "The answers"}
}


async def _answer(
    request: Request,
    response: Response,
    graph: Any,
    name: str,
    values: dict[str, Any],
    paging: tuple[int | None, str | None, str | None],
) -> Any:
    """The whole answer, a page of it, or the whole answer streamed as JSON lines."""
    limit, cursor, format_ = paging
    if format_ == "ndjson":
        if limit is not None or cursor is not None:
            raise InvalidParameter(
                "parameter 'format': ndjson streams the whole answer; leave out limit and cursor"
            )
        first = await run_in_threadpool(lambda: graph.page(name, values, limit=STREAM_PAGE))
        # A returned response does not get the headers the ETag dependency set: copy them.
        kept = {k: v for k, v in response.headers.items() if k in ("etag", "cache-control")}
        return StreamingResponse(
            _lines(graph, name, values, first), media_type=NDJSON, headers=kept
        )
    if limit is None and cursor is None:
        return await run_in_threadpool(graph.ask, name, values)
    page = await run_in_threadpool(lambda: graph.page(name, values, limit=limit, cursor=cursor))
    return _paged(request, response, page)


def _lines(graph: Any, name: str, values: dict[str, Any], page: Page) -> Iterator[bytes]:
    """Each answer as a line, page after page (run in the thread pool by Starlette). Should
    the data change on the way, the last line is a problem (409) instead of more answers."""
    while True:
        for item in page.items:
            yield orjson.dumps(item.model_dump(mode="json")) + b"\n"
        if page.next is None:
            return
        try:
            page = graph.page(name, values, cursor=page.next)
        except ReachgraphError as error:
            problem = ProblemDetail(title=error.title, status=error.status, detail=str(error))
            yield orjson.dumps(problem.model_dump()) + b"\n"
            return


def _paged(request: Request, response: Response, page: Page) -> list[BaseModel]:
    """The page's answers; the next page's address in a Link header, if there is one."""
    if page.next is not None:
        url = request.url.include_query_params(cursor=page.next)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    return page.items


def _params_model(query: NamedQuery) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for param in query.params:
        # Keys and schema values are text here; ask() checks them against the graph.
        kind = _PARAM_TYPES.get(param.type, str)
        if param.default is None:
            fields[param.name] = (
                kind,
                Field(description=param.description, min_length=1)
                if kind is str
                else Field(description=param.description),
            )
        else:
            fields[param.name] = (
                kind | None,
                Field(None, description=f"{param.description} (default: {param.default})"),
            )
    if pageable(query):
        fields.update(_PAGING)
    # An unknown parameter (a typo such as as_ofx) is a 422, not a silent default.
    model: type[BaseModel] = create_model(
        f"{query.name.title().replace('_', '')}Params",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )
    return model


def _route(query: NamedQuery) -> None:
    params_model = _params_model(query)
    answer = row_model(query.name)

    # Async, running the query in the thread pool itself: a sync route costs a second trip
    # there, as FastAPI validates its answer in the pool too (bench/api.py).
    async def endpoint(
        request: Request,
        response: Response,
        params: Annotated[params_model, Query()],  # type: ignore[valid-type]
        graph: Graph,
    ) -> Any:
        values = params.model_dump(exclude_none=True)  # type: ignore[attr-defined]
        paging = tuple(values.pop(k, None) for k in ("limit", "cursor", "format"))
        return await _answer(request, response, graph, query.name, values, paging)

    router.add_api_route(
        f"/questions/{query.name}",
        endpoint,
        methods=["GET"],
        response_model=list[answer],  # type: ignore[valid-type]
        operation_id="ask" + query.name.title().replace("_", ""),
        summary=query.summary,
        description=query.description,
        dependencies=[Depends(etag)],
        responses=_LINES if pageable(query) else None,
    )


for _query in catalog().values():
    _route(_query)


AsOf = Annotated[IsoDay | None, Query(description="The day (default: today)")]
KnownOn = Annotated[
    IsoDay | None,
    Query(description="Count only facts published by this day (default: all)"),
]
Standing = Annotated[
    str | None,
    Query(
        description="Standings to include, comma-separated: enacted, asserted, established, "
        "rejected, or all (default: all but rejected)"
    ),
]


@router.get(
    "/reach/{jurisdiction}",
    operation_id="getReach",
    dependencies=[Depends(etag)],
    response_model=list[row_model("reach")],  # type: ignore[misc]
    responses=_LINES,
)
async def jurisdiction_reach(
    request: Request,
    response: Response,
    jurisdiction: Annotated[
        str, Path(min_length=1, description="Jurisdiction code, e.g. BE (any case)")
    ],
    graph: Graph,
    as_of: AsOf = None,
    known_on: KnownOn = None,
    standing: Standing = None,
    limit: Limit = None,
    cursor: Cursor = None,
    format: Format = None,
) -> Any:
    """Which data the jurisdiction's law reaches on the day, on which bases, with what
    standing, and why (the `reach` question; an unknown code is a 404). With `limit`, one
    page of it, and a Link header to the next."""
    values = {"jurisdiction": jurisdiction, "as_of": as_of, "known_on": known_on}
    values |= {"standing": standing}
    return await _answer(request, response, graph, "reach", values, (limit, cursor, format))


@router.get("/exposure/{data}", operation_id="getExposure", dependencies=[Depends(etag)])
async def data_exposure(
    data: Annotated[str, Path(min_length=1, description="Key of the Data node")],
    graph: Graph,
    as_of: AsOf = None,
    known_on: KnownOn = None,
    standing: Standing = None,
) -> Exposure:
    """Who can compel the data on the day, whose law blocks its disclosure, and the
    conflicts between them with the instruments that channel requests across each (an
    unknown key is a 404)."""
    return await run_in_threadpool(graph.exposure, data, as_of, known_on, standing)


QuestionName = StrEnum("QuestionName", [(name, name) for name in catalog()])  # type: ignore[misc]
"""The named questions, so an unknown name is a 422 the schema announces, not a 404."""


class WhatIfRequest(BaseModel):
    """A named question, asked under hypothetical changes that are never written."""

    params: dict[str, str] = Field(
        default_factory=dict, description="The question's parameters, as text"
    )
    changes: list[Hypothesis] = Field(min_length=1, max_length=50)


@router.post("/questions/{name}/what-if", operation_id="askWhatIf")
def what_if(
    name: Annotated[QuestionName, Path(description="A named question (see GET /questions)")],
    request: WhatIfRequest,
    graph: Graph,
) -> dict[str, Any]:
    """Ask a named question under relationships ended or added from a day on (data moved,
    a subsidiary sold, a service withdrawn, a branch closed), never written: the answers,
    and those gained, lost and changed in standing against the real ones."""
    return graph.what_if(request.changes, name.value, request.params).model_dump(mode="json")


class QuestionInfo(BaseModel):
    name: str
    question: str
    parameters: list[str]
    columns: list[str]


@router.get("/questions", operation_id="listQuestions")
def questions() -> list[QuestionInfo]:
    """The named questions, their parameters and columns."""
    return [
        QuestionInfo(
            name=q.name,
            question=q.summary,
            parameters=[p.name for p in q.params],
            columns=[c.name for c in q.columns],
        )
        for q in catalog().values()
    ]
