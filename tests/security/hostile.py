"""The hostile-file corpus: curated YAML and bulk tables that ingest must refuse.

Each case is a file (its name says the table a bulk file fills) with the words its refusal must
hold and, where the problem has one, the line and field it must name. They are built against
the tiny graph of graphs.py (acme, globex, initech; BE, LU), so a case that got through would
have something to change. `VALID` is a curated file that does load: each YAML case differs from
it by the one hostile thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MIB = 2**20

VALID = """\
title: A hostile-input test file
sources:
  - key: src-hostile
    title: A source
    publisher: The tests
    date: 2020-01-01
nodes:
  - kind: Company
    key: hostile-co
    name: {name}
    sources: [src-hostile]
relationships:
  - start: hostile-co
    type: SUBSIDIARY_OF
    end: {end}
    from: {start}
    sources: [src-hostile]
"""


def curated(name: str = "Hostile Co", end: str = "acme", start: str = "2020-01-01") -> str:
    return VALID.format(name=name, end=end, start=start)


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    content: Callable[[], bytes]
    #: words the refusal must hold (case-insensitive)
    says: str
    line: int | None = None
    field: str | None = None

    @property
    def bulk(self) -> bool:
        return not self.file.endswith((".yaml", ".yml"))


def _text(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def _bytes(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _billion_laughs() -> bytes:
    levels = ["title: [&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        levels.append(f"  , &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return ("\n".join(levels) + "]\n" + curated().split("\n", 1)[1]).encode()


def _deep(opening: str, closing: str, depth: int = 10_000) -> Callable[[], bytes]:
    return lambda: (f"title: {opening * depth}x{closing * depth}\n").encode()


def _deep_block(depth: int = 2_000) -> bytes:
    return ("".join(f"{' ' * i}a:\n" for i in range(depth)) + " " * depth + "a: 1\n").encode()


def _big_yaml() -> bytes:
    padding = "# " + "x" * 1000 + "\n"
    return (curated() + padding * (50 * MIB // len(padding) + 1)).encode()


def _big_csv() -> bytes:
    """A 50 MB Company table whose last row names a formula."""
    row = "hostile-{},Company number {} with a long enough name to fill the table fast,src-x\n"
    rows = [row.format(i, i) for i in range(50 * MIB // len(row.format(0, 0)))]
    return ("key,name,sources\n" + "".join(rows) + "hostile-last,=1+1,src-x\n").encode()


def _big_csv_lines() -> int:
    row = "hostile-{},Company number {} with a long enough name to fill the table fast,src-x\n"
    return 50 * MIB // len(row.format(0, 0)) + 2


_TAIL = curated().split("\n", 1)[1]  # everything but the title line

CURATED: list[Case] = [
    Case("alias-bomb", "bomb.yaml", _billion_laughs, "alias bomb"),
    Case("alias-loop", "loop.yaml", _text("title: &a [1, *a]\n" + _TAIL), "alias", line=1),
    Case("deep-flow-lists", "deep.yaml", _deep("[", "]"), "nested more than", line=1),
    Case("deep-flow-mappings", "deep.yaml", _deep("{a: ", "}"), "nested more than", line=1),
    Case("deep-block-mappings", "deep.yaml", _deep_block, "nested more than"),
    Case("size-50mb", "big.yaml", _big_yaml, "at most 10 MiB"),
    Case(
        "python-object-apply",
        "tag.yaml",
        _text("title: !!python/object/apply:os.system ['touch /tmp/hostile-canary']\n" + _TAIL),
        "tag",
        line=1,
    ),
    Case(
        "python-object-new",
        "tag.yaml",
        _text("title: !!python/object/new:subprocess.Popen [['true']]\n" + _TAIL),
        "tag",
        line=1,
    ),
    Case("python-name", "tag.yaml", _text("title: !!python/name:os.system\n" + _TAIL), "tag", 1),
    Case("local-tag", "tag.yaml", _text("title: !include /etc/passwd\n" + _TAIL), "tag", 1),
    Case("binary-tag", "tag.yaml", _text("title: !!binary aGVsbG8=\n" + _TAIL), "tag", 1),
    Case("set-tag", "tag.yaml", _text("title: !!set {a, b}\n" + _TAIL), "tag", 1),
    Case("timestamp-tag", "tag.yaml", _text(curated(start="!!timestamp 2020-01-01")), "tag", 16),
    Case(
        "latin1-byte", "latin1.yaml", _bytes(curated(name="Caf\xe9").encode("latin-1")), "UTF-8", 10
    ),
    Case("utf16", "utf16.yaml", _bytes(curated().encode("utf-16")), "UTF-8", 1),
    Case("nul-byte", "nul.yaml", _text(curated(name="Hostile\x00Co")), "not allowed", 10),
    Case("nul-escaped", "nul.yaml", _text(curated(name='"Hostile\\0Co"')), "NUL", 10),
    Case(
        "duplicate-field",
        "dup.yaml",
        _text(curated().replace("    name: Hostile Co\n", "    name: A\n    name: B\n")),
        "duplicate field",
        line=11,
        field="name",
    ),
    Case(
        "duplicate-section",
        "dup.yaml",
        _text(curated() + "nodes: []\n"),
        "duplicate field",
        line=18,
        field="nodes",
    ),
    Case(
        "duplicate-node-key",
        "dup.yaml",
        _text(
            curated().replace(
                "relationships:",
                "  - kind: Company\n    key: hostile-co\n    name: Twin\n"
                "    sources: [src-hostile]\nrelationships:",
            )
        ),
        "hostile-co",
        field="key",
    ),
    Case(
        "key-taken-in-store",
        "taken.yaml",
        _text(
            curated().replace("kind: Company\n    key: hostile-co", "kind: Service\n    key: acme")
        ),
        "acme",
        field="key",
    ),
    Case(
        "duplicate-source-key",
        "dup.yaml",
        _text(
            curated().replace(
                "nodes:",
                "  - key: src-hostile\n    title: T\n    publisher: P\n"
                "    date: 2020-01-02\nnodes:",
            )
        ),
        "src-hostile",
        field="key",
    ),
    Case("dangling-end", "dangling.yaml", _text(curated(end="nobody")), "nobody", 15, "end"),
    Case(
        "dangling-source",
        "dangling.yaml",
        _text(curated().replace("sources: [src-hostile]\nrel", "sources: [src-nowhere]\nrel")),
        "src-nowhere",
        line=11,
        field="sources",
    ),
    Case("date-feb-30", "date.yaml", _text(curated(start="2017-02-30")), "2017-02-30", 16, "from"),
    Case("date-year-0", "date.yaml", _text(curated(start="0000-01-01")), "0000-01-01", 16, "from"),
    Case("date-year-10000", "date.yaml", _text(curated(start="10000-01-01")), "10000", 16, "from"),
    Case("date-negative", "date.yaml", _text(curated(start="-0001-01-01")), "-0001", 16, "from"),
    Case(
        "date-month-13", "date.yaml", _text(curated(start="2017-13-01")), "2017-13-01", 16, "from"
    ),
    Case("huge-string", "huge.yaml", _text(curated(name="x" * (5 * MIB))), "characters", 10),
    Case(
        "huge-folded-string",
        "huge.yaml",
        _text(curated(name=">-\n" + ("      " + "x" * 1000 + "\n") * 200)),
        "characters",
        10,
    ),
    Case("huge-integer", "huge.yaml", _text(curated(name="9" * 200_000)), "characters", 10),
    Case("long-integer", "huge.yaml", _text(curated(name="9" * 5_000)), "digits", None),
    Case("non-text-key", "key.yaml", _text("1: one\n" + curated()), "field name", line=1),
    Case("complex-key", "key.yaml", _text("? [a, b]\n: c\n" + curated()), "field name", line=1),
    Case(
        "two-documents", "docs.yaml", _text(curated() + "---\n" + curated()), "another document", 18
    ),
    Case("merge-non-mapping", "merge.yaml", _text("title: {<<: [1, 2]}\n" + _TAIL), "merge", 1),
]

BULK: list[Case] = [
    Case("csv-row-too-long", "Company.csv", _text("key,name\nhostile-a,A,extra\n"), "fields", 2),
    Case(
        "csv-row-too-short",
        "Company.csv",
        _text("key,name,sources\nhostile-a,A\n"),
        "the header has 3",
        2,
    ),
    Case(
        "csv-ragged",
        "Company.csv",
        _text("key,name,sources\nhostile-a,A,src\nhostile-b\nhostile-c,C,src,x,y\n"),
        "fields",
        4,
    ),
    Case(
        "csv-header-one-short",
        "Company.csv",
        _text("key,name\nhostile-a,A,src\nhostile-b,B,src\n"),
        "fields",
        2,
    ),
    Case("csv-50mb", "Company.csv", _big_csv, "formula", _big_csv_lines(), "name"),
    Case("csv-latin1", "Company.csv", _bytes(b"key,name\nhostile-a,Caf\xe9\n"), "UTF-8", 2),
    Case("csv-header-only", "Company.csv", _text("key,name,sources\n"), "no rows"),
    Case(
        "csv-formula",
        "Company.csv",
        _text('key,name\nhostile-a,"=HYPERLINK(""x"")"\n'),
        "formula",
        2,
        "name",
    ),
    Case(
        "csv-formula-at",
        "Company.csv",
        _text("key,name\nhostile-a,@SUM(A1)\n"),
        "formula",
        2,
        "name",
    ),
    Case(
        "csv-formula-dde",
        "Company.csv",
        _text("key,name\nhostile-a,-2+3+cmd|' /C calc'!A0\n"),
        "formula",
        2,
        "name",
    ),
    Case("csv-nul", "Company.csv", _text("key,name\nhostile-a,A\x00B\n"), "NUL", 2),
    Case(
        "csv-huge-cell",
        "Company.csv",
        _text("key,name\nhostile-a," + "x" * (5 * MIB) + "\n"),
        "longer",
    ),
    Case(
        "csv-unclosed-quote",
        "Company.csv",
        _text('key,name\nhostile-a,"A\nhostile-b,B\n'),
        "never closed",
        2,
    ),
    Case(
        "csv-duplicate-column",
        "Company.csv",
        _text("key,name,name\nhostile-a,A,B\n"),
        "more than once",
        1,
        "name",
    ),
    Case(
        "csv-bad-date",
        "SUBSIDIARY_OF.csv",
        _text("start,end,from\nacme,globex,2017-02-30\n"),
        "2017-02-30",
        2,
        "from",
    ),
    Case(
        "csv-dangling", "SUBSIDIARY_OF.csv", _text("start,end\nacme,nobody\n"), "nobody", 2, "end"
    ),
    Case(
        "csv-duplicate-key",
        "Jurisdiction.csv",
        _text("key,name,jurisdiction_kind\nFR,France,state\nFR,France again,state\n"),
        "FR",
        field="key",
    ),
    Case("csv-unknown-table", "Hostile.csv", _text("key,name\na,b\n"), "neither"),
    Case(
        "jsonl-malformed", "Company.jsonl", _text('{"key": "hostile-a", "name": "A"\n'), "JSON", 1
    ),
    Case("jsonl-not-object", "Company.jsonl", _text('["hostile-a", "A"]\n'), "JSON object", 1),
    Case("jsonl-deep", "Company.jsonl", _text("[" * 10_000 + "]" * 10_000 + "\n"), "JSON", 1),
    Case(
        "jsonl-nul",
        "Company.jsonl",
        _text('{"key": "hostile-a", "name": "A\\u0000B"}\n'),
        "NUL",
        None,
    ),
    Case(
        "jsonl-formula",
        "Company.jsonl",
        _text('{"key": "hostile-a", "name": "=1+1"}\n'),
        "formula",
        1,
        "name",
    ),
    Case(
        "jsonl-latin1",
        "Company.jsonl",
        _bytes(b'{"key": "hostile-a", "name": "Caf\xe9"}\n'),
        "UTF-8",
        1,
    ),
    Case(
        "jsonl-huge-integer",
        "Company.jsonl",
        _text('{"key": "hostile-a", "name": ' + "9" * 5000 + "}\n"),
        "JSON",
        1,
    ),
]

#: The cases that attack time or memory: each also gets a `reachgraph ingest` run of its own.
RESOURCE = {
    "alias-bomb",
    "alias-loop",
    "deep-flow-lists",
    "deep-block-mappings",
    "size-50mb",
    "huge-string",
    "huge-folded-string",
    "csv-50mb",
    "csv-huge-cell",
    "jsonl-deep",
}

#: (store, door, case, outcome, seconds, peak MB) of every case run: printed by conftest.py.
FIGURES: list[tuple[str, str, str, str, float, float]] = []
