"""`reachgraph query` and `reachgraph stats`: named questions, read-only Cypher, counts."""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from ..client import ReachGraph
from ..coverage import coverage
from ..graph.stores import QueryResult
from ..output import Format, print_answers, print_result
from ..paging import ask_page
from ..queries import catalog
from ..questions import Hypothesis, ask, row_model
from ..settings import Settings
from .common import FormatOption, StoreOption, app, err, open_store_of


def _params(items: list[str] | None) -> dict[str, str]:
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected name=value, got {item!r}", param_hint="--param")
        params[name] = value
    return params


def _changes(ends: list[str] | None, adds: list[str] | None) -> list[Hypothesis]:
    changes = []
    for action, items in (("end", ends), ("add", adds)):
        for item in items or []:
            triple, sep, day = item.partition("@")
            parts = triple.split(",")
            if not sep or len(parts) != 3:
                raise typer.BadParameter(
                    f"expected START,TYPE,END@YYYY-MM-DD, got {item!r}", param_hint=f"--{action}"
                )
            changes.append(
                Hypothesis(
                    action=action,
                    start=parts[0],
                    type=parts[1],
                    end=parts[2],
                    on=datetime.date.fromisoformat(day),
                )
            )
    return changes


@app.command()
def query(
    name: Annotated[
        str | None, typer.Argument(help="A named query (see --list).", show_default=False)
    ] = None,
    cypher: Annotated[
        str | None, typer.Option("--cypher", "-c", help="A read-only Cypher query instead.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter, name=value.")
    ] = None,
    end: Annotated[
        list[str] | None,
        typer.Option(help="What-if: end a relationship, START,TYPE,END@YYYY-MM-DD."),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(help="What-if: add a relationship, START,TYPE,END@YYYY-MM-DD."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Under each answer of the table, the sentences of its paths (with sources).",
        ),
    ] = False,
    store: StoreOption = None,
    fmt: FormatOption = Format.table,
    timeout: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Time limit in seconds; with --cypher only lower than REACHGRAPH_QUERY_TIMEOUT "
            "(default: REACHGRAPH_QUERY_TIMEOUT).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Row cap of --cypher, at most REACHGRAPH_ROW_CAP (default: REACHGRAPH_ROW_CAP).",
        ),
    ] = None,
) -> None:
    """Ask a named question (reach, exposure, conflicts, ...) or run read-only Cypher.

    The table shows one line per answer with its short columns; --explain adds the sentences
    of each answer's path, and --format json or csv gives every column. A table longer than
    the terminal is paged (less -FRX unless PAGER or LESS say otherwise).

    -p limit=N pages a named question's answer: N answers, and on stderr the
    -p cursor=... of the next page (while there is one).

    Examples: reachgraph query reach -p jurisdiction=BE -p as_of=2017-11-15;
    reachgraph query control_chain -p company=skype-communications-sarl --end
    skype-communications-sarl,SUBSIDIARY_OF,microsoft-corporation@2017-01-01
    """
    settings = Settings()
    if list_:
        rows = [[q.name, " ".join(p.name for p in q.params), q.summary] for q in catalog().values()]
        print_result(QueryResult(["name", "parameters", "question"], rows), fmt)
        return
    if (name is None) == (cypher is None):
        raise typer.BadParameter("give a query NAME or --cypher, not both or neither")
    if explain and (cypher is not None or fmt is not Format.table):
        raise typer.BadParameter(
            "explains the answers of a named question in a table (json and csv hold the "
            "paths already)",
            param_hint="--explain",
        )
    with open_store_of(store, read_only=True) as graph:
        if cypher is not None:
            # The door the API uses: the statement check, then a read-only read, within the
            # settings' time limit and row cap (--timeout and --limit can only lower them).
            answer = ReachGraph(graph, settings).cypher(
                cypher, _params(param), timeout=timeout, row_cap=limit
            )
            print_result(QueryResult(answer.columns, answer.rows, answer.truncated), fmt)
            return
        assert name is not None
        changes = _changes(end, add)
        if changes:
            compared = ReachGraph(graph, settings).what_if(changes, name, _params(param))
            answers = compared.answers
            err.print(
                f"under the changes: {len(compared.gained)} answer(s) gained, "
                f"{len(compared.lost)} lost, {len(compared.changed)} changed in standing"
            )
        else:
            params = _params(param)
            limit_, cursor = params.pop("limit", None), params.pop("cursor", None)
            if limit_ is None and cursor is None:
                answers = ask(graph, name, params, timeout=timeout or settings.query_timeout)
            else:
                page = ask_page(
                    graph,
                    name,
                    params,
                    limit=limit_,
                    cursor=cursor,
                    timeout=timeout or settings.query_timeout,
                )
                answers = page.items
                # On stderr, so stdout stays the answers (one JSON list, one CSV table).
                err.print(
                    f"next page: -p cursor={page.next}" if page.next else "last page",
                    markup=False,
                    highlight=False,
                )
    print_answers(answers, row_model(name), fmt, name=name, explain=explain)


@app.command()
def stats(store: StoreOption = None, fmt: FormatOption = Format.table) -> None:
    """Node counts per kind and relationship counts per type, and what the graph covers.

    Coverage: the disputes that reached a decision, the jurisdictions issuing requests or
    decisions, and the facts that need a source but have none."""
    with open_store_of(store, read_only=True) as graph:
        counts = graph.counts()
        covered = coverage(graph)
    rows = [["node", k, n] for k, n in counts.nodes.items()]
    rows += [["relationship", t, n] for t, n in counts.relationships.items()]
    rows += [
        ["coverage", "disputes with a decision", covered.disputes],
        ["coverage", "decisions in them", covered.decisions],
        ["coverage", "jurisdictions issuing requests or decisions", covered.issuing_jurisdictions],
        ["coverage", "unsourced nodes (of kinds that need sources)", covered.unsourced_nodes],
        ["coverage", "unsourced relationships", covered.unsourced_relationships],
    ]
    print_result(QueryResult(["group", "name", "count"], rows), fmt)
