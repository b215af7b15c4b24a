"""Pages of a named question's answer: `limit` answers at a time, and an opaque cursor to the
next page.

A page is a keyset read: the query's own text, its final `RETURN` turned into a `WITH` that
keeps only the rows after the last one of the previous page in the query's `ORDER BY`, then
`LIMIT`. The Cypher files stay as researchers read them; a question is paged when its
`ORDER BY` names only its columns. Nothing is skipped row by row, so a forged cursor cannot
ask a store to skip past the end (LadybugDB 0.22 crashes on `ORDER BY … SKIP` far beyond it).

The cursor holds the question, a digest of its bound parameters, the limit, the data version
it was issued under and the sort key of the last answer. Under one data version the pages
never overlap or skip: rows that share a sort key (several paths of one answer) are never
split across two pages. A cursor of another data version is a StaleCursor (409): the answer
it was a page of is gone.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from .graph.errors import InvalidParameter, StaleCursor
from .graph.stores import Store
from .queries import NamedQuery, named

#: Most answers in one page.
MAX_LIMIT = 10_000
#: The page size of a whole answer read page by page (streaming).
STREAM_PAGE = 1_000

_FINAL = re.compile(r"^RETURN\s(?P<columns>.*?)^ORDER BY\s(?P<order>[^\n]*?)\s*\Z", re.M | re.S)
_ALIAS = re.compile(r"^\w+$")


@dataclass(frozen=True)
class Page:
    """One page of a question's answer; `next` is the cursor of the next, None at the end."""

    items: list[BaseModel]
    next: str | None


def order_of(query: NamedQuery, backend: str) -> tuple[str, ...] | None:
    """The columns a question's answer is sorted by, or None when it cannot be paged (no
    final `ORDER BY`, or one on something other than its columns)."""
    found = _FINAL.search(query.text(backend))
    if not found:
        return None
    keys = tuple(k.strip() for k in found["order"].split(","))
    columns = {c.name for c in query.columns}
    if not all(_ALIAS.match(k) and k in columns for k in keys):
        return None
    return keys


def pageable(query: NamedQuery) -> bool:
    """Whether the question can be paged on every store."""
    return all(order_of(query, backend) for backend in ("ladybug", "neo4j"))


def check_limit(raw: Any) -> int:
    """A page size from text or a number: 1 to MAX_LIMIT."""
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise InvalidParameter(f"parameter 'limit' must be a whole number, got {raw!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(f"parameter 'limit' must be 1 to {MAX_LIMIT}, got {limit}")
    return limit


def _digest(name: str, bound: Mapping[str, Any]) -> str:
    text = orjson.dumps({"q": name, **bound}, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def _encode(value: Any) -> Any:
    return {"d": value.isoformat()} if isinstance(value, datetime.date) else value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.date.fromisoformat(value["d"])
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(value)


@dataclass(frozen=True)
class Cursor:
    digest: str
    version: str
    limit: int
    after: tuple[Any, ...]

    def text(self) -> str:
        body = orjson.dumps(
            {
                "p": self.digest,
                "v": self.version,
                "l": self.limit,
                "a": list(map(_encode, self.after)),
            }
        )
        return base64.urlsafe_b64encode(body).decode().rstrip("=")

    @classmethod
    def read(cls, text: str, keys: int) -> Cursor:
        """A cursor from its text; InvalidParameter when it is not one this server gave."""
        try:
            body = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            after = tuple(_decode(v) for v in body["a"])
            cursor = cls(str(body["p"]), str(body["v"]), check_limit(body["l"]), after)
            if len(after) != keys:
                raise ValueError(after)
            return cursor
        except (ValueError, TypeError, KeyError, binascii.Error, orjson.JSONDecodeError):
            raise InvalidParameter(
                "parameter 'cursor' is not a cursor of this question: pass on the one the "
                "previous page gave, unchanged"
            ) from None


def _after(keys: tuple[str, ...], after: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    """The condition 'sorts after `after`' on `keys`, nulls last as both stores sort them."""
    params = {f"after_{i}": v for i, v in enumerate(after) if v is not None}
    condition = "false"
    for i in reversed(range(len(keys))):
        key, value = keys[i], after[i]
        if value is None:
            greater, equal = "false", f"{key} IS NULL"
        else:
            greater, equal = f"({key} > $after_{i} OR {key} IS NULL)", f"{key} = $after_{i}"
        condition = f"{greater} OR ({equal} AND ({condition}))"
    return condition, params


def page_cypher(
    text: str, keys: tuple[str, ...], columns: list[str], after: tuple[Any, ...] | None
) -> tuple[str, dict[str, Any]]:
    """A question's text reading one page: the rows after `after` (None: from the start),
    in order; the caller adds the `LIMIT`."""
    found = _FINAL.search(text)
    assert found, "order_of() said the question is paged"
    head = text[: found.start()]
    where, params = ("", {}) if after is None else _after(keys, after)
    return (
        f"{head}WITH {found['columns'].strip()}\n"
        + (f"WHERE {where}\n" if where else "")
        + f"RETURN {', '.join(columns)}\nORDER BY {', '.join(keys)}",
        params,
    )


def ask_page(
    store: Store,
    name: str,
    params: Mapping[str, Any] | None,
    *,
    limit: Any = None,
    cursor: str | None = None,
    timeout: float | None = None,
) -> Page:
    """One page of a named question's answer: the first `limit` answers, or those after
    `cursor` (whose limit holds unless another is given)."""
    from .questions import answers

    query = named(name)
    keys = order_of(query, store.backend)
    if keys is None:
        raise InvalidParameter(f"{name} is not paged: its answer is small; ask without 'limit'")
    bound = query.bind(params or {})
    kinds = query.resolve(bound, store.kind_of, store.keys_of)
    digest = _digest(name, bound)
    version = store.data_version()
    after = None
    if cursor:
        given = Cursor.read(cursor, len(keys))
        if given.digest != digest:
            raise InvalidParameter(
                f"parameter 'cursor' belongs to other parameters of {name} (or to another day's "
                "'today'): ask again without it"
            )
        if given.version != version:
            raise StaleCursor(
                f"parameter 'cursor' is of data version {given.version}, and the graph is now at "
                f"{version}: the data changed since its page; ask again without it"
            )
        after = given.after
        size = check_limit(limit) if limit is not None else given.limit
    elif limit is None:
        raise InvalidParameter("parameter 'limit' is required to page (or give a 'cursor')")
    else:
        size = check_limit(limit)
    columns = [c.name for c in query.columns]
    text, extra = page_cypher(query.cypher(store.backend, kinds), keys, columns, after)
    records, more = _rows(store, text, {**bound, **extra}, keys, size, timeout)
    if store.data_version() != version:
        raise StaleCursor("the data changed while the page was read; ask again")
    items = answers(query, records)
    next_cursor = None
    if more:
        end = tuple(records[-1][k] for k in keys)
        next_cursor = Cursor(digest, version, size, end).text()
    return Page(items, next_cursor)


def _rows(
    store: Store,
    text: str,
    params: dict[str, Any],
    keys: tuple[str, ...],
    size: int,
    timeout: float | None,
) -> tuple[list[dict[str, Any]], bool]:
    """The rows of the first `size` sort keys (one answer can come in several rows, one per
    path), and whether more follow. Reads twice as many rows until the page is whole.
    The limit is written into the text, not passed as a parameter: LadybugDB 0.22 runs
    `LIMIT $n` much slower than the same `LIMIT 101` (a page of 50 conflicts on a 23k-node
    graph: 91 against 52 ms; of reach, 3.7 against 1.6 ms)."""
    fetch = 2 * size + 1
    while True:
        records = store.read(f"{text}\nLIMIT {fetch:d}", params, timeout=timeout).records()
        seen: set[tuple[Any, ...]] = set()
        for position, record in enumerate(records):
            seen.add(tuple(record[k] for k in keys))
            if len(seen) > size:
                return records[:position], True
        if len(records) < fetch:
            return records, False
        fetch *= 2


def ask_all(
    store: Store,
    name: str,
    params: Mapping[str, Any] | None,
    *,
    limit: int = STREAM_PAGE,
    timeout: float | None = None,
) -> Iterator[BaseModel]:
    """The whole answer, read page by page: memory holds one page at a time."""
    cursor = None
    while True:
        page = ask_page(store, name, params, limit=limit, cursor=cursor, timeout=timeout)
        yield from page.items
        if page.next is None:
            return
        cursor = page.next
