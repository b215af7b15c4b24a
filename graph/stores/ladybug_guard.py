"""What a read query may do on the embedded store, read from its words before it runs.

LadybugDB cannot say what a statement does before running it, and its read-only transaction
lets some statements act (see READ_STARTS); so the query's words are read outside comments
and literals. graph/stores/ladybug.py calls `guard_read` for `Store.guard_read`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import QueryError, QueryRefused, WriteRefused

#: Comments, blanked to a space before a query's words are read, and string literals and
#: quoted names, blanked to `''`: so `RETURN 'COPY'` or `// LOAD` contain no word that
#: matters. A line comment ends at CR or LF, as LadybugDB's lexer ends it.
_COMMENTS = r"//[^\n\r]*|/\*.*?\*/"
_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`"
_LITERALS = re.compile(f"({_COMMENTS})|{_QUOTED}", re.S)


def _keyword(word: str) -> re.Pattern[str]:
    """Where `word` stands as a keyword in code: not inside a longer identifier, not a
    property (`n.load`) or a parameter (`$load`). Only an ASCII letter or `_` before it
    makes it part of a name: LadybugDB's lexer splits `LIMIT 1LOAD FROM ...` and
    `1e3LOAD` into a number and the keyword, so a digit before it does not hide it."""
    return re.compile(rf"(?<![A-Za-z_.$]){word}(?![A-Za-z0-9_])", re.IGNORECASE)


_FIRST = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
_LOAD = _keyword("LOAD")
_CALL = _keyword("CALL")
#: What a CALL the door runs looks like: a bare function name and its arguments.
_CALLED = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\(?)")

#: How a read query begins. Whatever else a statement starts with either writes (refused by
#: the read-only transaction anyway) or is let through by it while it acts: COPY ... TO
#: writes files, EXPORT/IMPORT DATABASE, ATTACH/DETACH/USE reach other databases,
#: BEGIN/COMMIT/ROLLBACK end the read-only transaction, INSTALL fetches code, and
#: CHECKPOINT on a read-only database crashes the process.
READ_STARTS = ("MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL")
_WRITE_STARTS = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "DROP", "ALTER")

#: The table functions a read query may CALL: they describe the graph and nothing else.
READ_FUNCTIONS = frozenset({"show_tables", "table_info", "show_connection", "db_version"})

#: LadybugDB 0.22 crashes the process on `ORDER BY ... SKIP n LIMIT m` when n passes the
#: number of rows by about 17,000; a SKIP up to this is safe whatever the rows.
MAX_SKIP = 10_000
_SKIP = _keyword("SKIP")
#: The amount after SKIP, and what follows it: an operator, or a letter or digit that
#: continues it (`1e5`), makes it an expression.
_AMOUNT = re.compile(r"\s*(\d+|\$[A-Za-z0-9_]+)?(\s*[-+*/%^(.\[]|[A-Za-z0-9_])?")


def _code(cypher: str) -> str:
    return _LITERALS.sub(lambda m: " " if m.group(1) else " '' ", cypher)


def _one_statement(cypher: str) -> None:
    """LadybugDB runs every statement of `a; b`, and `COMMIT; CREATE ...` would end the
    read-only transaction before writing: a read is one statement."""
    rest = _code(cypher).partition(";")[2]
    if rest.strip(" \t\r\n;"):
        raise QueryError("one statement per query: remove the ';' between statements")


def guard_read(cypher: str, params: Mapping[str, Any] | None = None) -> None:
    """LadybugDB cannot say what a statement does before running it, and its read-only
    transaction lets some statements act (see READ_STARTS); so read the query's words,
    outside comments and literals: it must start like a read, LOAD (FROM a file or an
    extension) is refused, CALL runs only READ_FUNCTIONS, named plainly, and changes no
    setting, and SKIP stays within MAX_SKIP. Where the words are unclear (a quoted name
    after CALL, a SKIP amount glued to letters) the query is refused."""
    _one_statement(cypher)
    code = _code(cypher)
    start = _FIRST.match(code)
    first = start.group(1).upper() if start else ""
    if _LOAD.search(code):
        raise QueryRefused("LOAD is not allowed here: it reads files or loads extensions")
    if first in _WRITE_STARTS:
        raise WriteRefused(f"writes are not allowed here: {first} changes the graph")
    if first not in READ_STARTS:
        raise QueryRefused(
            f"{first or 'this'} is not allowed here: a read query starts with "
            "MATCH, OPTIONAL MATCH, UNWIND, WITH, RETURN or CALL"
        )
    for skip in _SKIP.finditer(code):
        found = _AMOUNT.match(code, skip.end())
        amount, operator = found.groups() if found else (None, None)
        value = (params or {}).get(amount[1:]) if amount and amount.startswith("$") else amount
        if operator or not str(value).isdigit() or int(str(value)) > MAX_SKIP:
            raise QueryRefused(
                f"SKIP takes a whole number up to {MAX_SKIP} here (a literal or a "
                "parameter): LadybugDB 0.22 crashes on larger ones after ORDER BY"
            )
    allowed = ", ".join(sorted(READ_FUNCTIONS))
    for call in _CALL.finditer(code):
        called = _CALLED.match(code, call.end())
        name = called.group(1) if called else ""
        opens = bool(called and called.group(2))
        rest = code[called.end() :] if called else ""
        if name and not opens and rest.lstrip().startswith("="):
            raise QueryRefused(f"CALL {name}=... changes a setting; not allowed here")
        if name.lower() not in READ_FUNCTIONS or not opens:
            raise QueryRefused(
                f"CALL {name or '...'} is not allowed here: CALL runs only these table "
                f"functions, named without quotes: {allowed}"
            )
