"""A corpus of broken inputs: each gives its precise error and leaves the store as it was.

Every case is one line of description, the broken input (a few lines of YAML, CSV or
JSON Lines, written to a folder) and the problems it must produce: file, line, record,
field and a fragment of the message. Each case runs the real pipeline (`read_inputs`,
`validate`, `load`) against an embedded store that already holds a small valid graph (so
keys resolve against the store, and duplicates and cycles can close through it), asserts
exactly the expected problems, and compares a full dump of the store before and after.
Cases marked `cli` also run `reachgraph ingest` as a process (exit code, stderr), and
cases marked `both` also run on Neo4j through the `store` fixture.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reachgraph.graph.stores import Store, open_store
from reachgraph.ingest import IngestFailed, Problem, load, read_inputs, validate
from tests.graph_dump import Dump, differences, dump

CLI = str(Path(sys.executable).parent / "reachgraph")

#: The valid graph every case meets in the store.
BASE = """\
title: A small valid graph that every broken input meets in the store
sources:
  - {key: src-base, title: A report, publisher: A publisher, date: 2017-11-15}
nodes:
  - {kind: Jurisdiction, key: BE, name: Belgium, jurisdiction_kind: state}
  - {kind: Jurisdiction, key: LU, name: Luxembourg, jurisdiction_kind: state}
  - {kind: Company, key: acme, name: Acme S.A., sources: [src-base]}
  - {kind: Company, key: acme-parent, name: Acme Holdings Inc., sources: [src-base]}
  - {kind: Service, key: acme-chat, name: Acme Chat, sources: [src-base]}
relationships:
  - {start: acme, type: INCORPORATED_IN, end: LU, sources: [src-base]}
  - {start: acme, type: SUBSIDIARY_OF, end: acme-parent, from: 2011-10-13, sources: [src-base]}
  - {start: acme-chat, type: OPERATED_BY, end: acme, sources: [src-base]}
"""

#: (file, line, record, field, message fragment); file is relative to the input folder,
#: and `{dir}` in the fragment stands for the input folder.
Want = tuple[str, int | None, str | None, str | None, str]


@dataclass(frozen=True)
class Case:
    description: str
    files: dict[str, str | bytes]
    wants: tuple[Want, ...]
    #: what to pass to ingest, relative to the input folder
    inputs: tuple[str, ...] = (".",)
    #: also run `reachgraph ingest` as a process
    cli: bool = False
    #: also run on every store (the `store` fixture)
    both: bool = False


def case(
    id: str,
    description: str,
    files: dict[str, str | bytes],
    *wants: Want,
    inputs: tuple[str, ...] = (".",),
    cli: bool = False,
    both: bool = False,
) -> pytest.ParameterSet:
    texts = {n: t if isinstance(t, bytes) else textwrap.dedent(t) for n, t in files.items()}
    return pytest.param(Case(description, texts, wants, inputs, cli, both), id=id)


A = "a.yaml"
B = "b.yaml"
DECISION = "{kind: Decision, key: d1, name: D, date: 2017-11-15, outcome: upheld"
LAW = "{kind: Law, key: l1, name: L, citation: C 1, law_kind: statute, sources: [src-base]}"
UNKNOWN_KINDS = "expected one of ['Authority', 'Company'"

CASES = [
    # ------------------------------------------------------------------ dates
    case(
        "date-month-13",
        "a date with month 13 and day 45",
        {
            A: """\
             nodes:
               - kind: Decision
                 key: d1
                 name: Antwerp 2017
                 date: 2017-13-45
                 outcome: upheld
                 sources: [src-base]
             """
        },
        (A, 5, "d1", "date", "expected an ISO date (YYYY-MM-DD), got '2017-13-45'"),
        cli=True,
        both=True,
    ),
    case(
        "date-day-first",
        "a day-first date on a relationship's `from`",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, from: 15/11/2017,
                  sources: [src-base]}
             """
        },
        (A, 2, "acme", "from", "expected an ISO date (YYYY-MM-DD), got '15/11/2017'"),
    ),
    case(
        "date-number",
        "a number where a date belongs",
        {
            A: """\
             sources:
               - {key: s1, title: T, publisher: P, date: 20171115}
             """
        },
        (A, 2, "s1", "date", "expected an ISO date (YYYY-MM-DD), got 20171115"),
    ),
    case(
        "date-february-30",
        "a day that does not exist, in a CSV table",
        {
            "Source.csv": """\
             key,title,publisher,date
             s1,T,P,2018-02-30
             """
        },
        ("Source.csv", 2, "s1", "date", "got '2018-02-30'"),
    ),
    # ------------------------------------------------------------------ code lists
    case(
        "jurisdiction-unknown-code",
        "a jurisdiction code that ISO 3166 does not have",
        {
            A: """\
             nodes:
               - {kind: Jurisdiction, key: XX, name: Nowhere, jurisdiction_kind: state}
             """
        },
        (A, 2, "XX", "key", "'XX' is not a known code: ISO 3166-1 alpha-2"),
        cli=True,
        both=True,
    ),
    case(
        "jurisdiction-lowercase-code",
        "a lowercase jurisdiction code in a CSV table",
        {
            "Jurisdiction.csv": """\
             key,name,jurisdiction_kind
             be,Belgium,state
             """
        },
        ("Jurisdiction.csv", 2, "be", "key", "'be' is not a known code"),
    ),
    case(
        "currency-unknown",
        "a fine in a currency that ISO 4217 does not have",
        {
            A: f"""\
             nodes:
               - {DECISION}, fine_amount: 30000, fine_currency: EUX, sources: [src-base]}}
             """
        },
        (A, 2, "d1", "fine_currency", "'EUX' is not an ISO4217 code"),
    ),
    # ------------------------------------------------------------------ keys that do not resolve
    case(
        "dangling-start",
        "a relationship from a key that no node has",
        {
            A: """\
             relationships:
               - {start: nobody, type: INCORPORATED_IN, end: LU, sources: [src-base]}
             """
        },
        (A, 2, "nobody", "start", "no node has the key 'nobody' (in the input or the store)"),
        both=True,
    ),
    case(
        "dangling-end",
        "a relationship to a key that no node has, in a CSV table",
        {
            "HEADQUARTERED_IN.csv": """\
             start,end,sources
             acme,LU,src-base
             acme,ZZ,src-base
             """
        },
        ("HEADQUARTERED_IN.csv", 3, "acme", "end", "no node has the key 'ZZ'"),
        cli=True,
    ),
    case(
        "unknown-source-on-node",
        "a node citing a source that does not exist",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [src-base, src-nope]}
             """
        },
        (A, 2, "c2", "sources", "no Source has the key(s) ['src-nope']"),
        both=True,
    ),
    case(
        "unknown-source-on-relationship",
        "a relationship citing a missing source, in JSONL",
        {
            "HEADQUARTERED_IN.jsonl": (
                '{"start": "acme", "end": "LU", "sources": ["src-base"]}\n'
                '{"start": "acme", "end": "BE", "sources": ["src-gone"]}\n'
            )
        },
        ("HEADQUARTERED_IN.jsonl", 2, "acme", "sources", "no Source has the key(s) ['src-gone']"),
    ),
    case(
        "source-is-not-a-source",
        "a source key that names a Company, not a Source",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [acme]}
             """
        },
        (A, 2, "c2", "sources", "no Source has the key(s) ['acme']"),
    ),
    # ------------------------------------------------------------------ duplicates
    case(
        "duplicate-key-same-file",
        "two nodes with one key in one file",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [src-base]}
               - {kind: Company, key: c2, name: C again, sources: [src-base]}
             """
        },
        (A, 3, "c2", "key", "duplicate key: already defined as a Company at {dir}/a.yaml:2"),
    ),
    case(
        "duplicate-key-two-files",
        "one key given to a Company in one file, a Service in another",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [src-base]}
             """,
            B: """\
             nodes:
               - {kind: Service, key: c2, name: C, sources: [src-base]}
             """,
        },
        (B, 2, "c2", "key", "duplicate key: already defined as a Company at "),
        cli=True,
    ),
    case(
        "duplicate-key-in-store",
        "a key the store already holds as another kind",
        {
            A: """\
             nodes:
               - {kind: Service, key: acme, name: Acme, sources: [src-base]}
             """
        },
        (A, 2, "acme", "key", "already used by a Company in the store"),
        both=True,
    ),
    case(
        "duplicate-relationship",
        "the same relationship twice in one file",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, sources: [src-base]}
               - {start: acme, type: HEADQUARTERED_IN, end: LU, sources: [src-base]}
             """
        },
        (A, 3, "acme", "end", "duplicate HEADQUARTERED_IN between the same two nodes"),
    ),
    case(
        "duplicate-relationship-two-files",
        "the same relationship in a CSV and a YAML file",
        {
            "HEADQUARTERED_IN.csv": "start,end,sources\nacme,LU,src-base\n",
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, sources: [src-base]}
             """,
        },
        (A, 2, "acme", "end", "duplicate HEADQUARTERED_IN between the same two nodes"),
    ),
    case(
        "duplicate-yaml-field",
        "one field twice in a YAML mapping (YAML keeps the last)",
        {
            A: """\
             nodes:
               - kind: Company
                 key: c2
                 name: C
                 name: D
                 sources: [src-base]
             """
        },
        (A, 5, "c2", "name", "duplicate field 'name' (first at line 4)"),
    ),
    case(
        "duplicate-csv-column",
        "one column twice in a CSV header",
        {
            "Company.csv": """\
             key,name,sources,name
             c2,C,src-base,D
             """
        },
        ("Company.csv", 1, None, "name", "the column appears more than once in the header"),
    ),
    # ------------------------------------------------------------------ wrong types
    case(
        "text-for-float",
        "text where a number belongs",
        {
            A: f"""\
             nodes:
               - {DECISION}, fine_amount: thirty thousand, sources: [src-base]}}
             """
        },
        (A, 2, "d1", "fine_amount", "expected a number, got 'thirty thousand'"),
        cli=True,
    ),
    case(
        "infinite-float",
        "an infinite number",
        {
            A: f"""\
             nodes:
               - {DECISION}, fine_amount: .inf, sources: [src-base]}}
             """
        },
        (A, 2, "d1", "fine_amount", "expected a number, got inf"),
    ),
    case(
        "list-for-string",
        "a list where text belongs",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: [Acme, Acme S.A.], sources: [src-base]}
             """
        },
        (A, 2, "c2", "name", "expected text, got ['Acme', 'Acme S.A.']"),
    ),
    case(
        "mapping-for-string",
        "a mapping where text belongs (the message shows it as written)",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: {en: Acme}, sources: [src-base]}
             """
        },
        (A, 2, "c2", "name", "expected text, got {'en': 'Acme'}"),
    ),
    case(
        "boolean-key",
        "`yes` as a key, which YAML reads as true",
        {
            A: """\
             nodes:
               - {kind: Company, key: yes, name: C, sources: [src-base]}
             """
        },
        (A, 2, "line 2", "key", "expected text, got True"),
    ),
    case(
        "not-a-boolean",
        "a word where true or false belongs",
        {
            A: """\
             nodes:
               - {kind: Law, key: l1, name: L, citation: C, law_kind: statute, channel: maybe,
                  sources: [src-base]}
             """
        },
        (A, 2, "l1", "channel", "expected true or false, got 'maybe'"),
    ),
    case(
        "list-for-endpoint",
        "a list where a relationship's end key belongs",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: [LU, BE], sources: [src-base]}
             """
        },
        (A, 2, "acme", "end", "expected the key of a node, got ['LU', 'BE']"),
    ),
    case(
        "strings-for-list",
        "numbers in a list of source keys",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [1, 2]}
             """
        },
        (A, 2, "c2", "sources", "expected a list of text (in a table cell: a|b), got [1, 2]"),
    ),
    # ------------------------------------------------------------------ allowed values
    case(
        "value-not-allowed",
        "a value outside the allowed values",
        {
            A: """\
             nodes:
               - {kind: Jurisdiction, key: FR, name: France, jurisdiction_kind: country}
             """
        },
        (
            A,
            2,
            "FR",
            "jurisdiction_kind",
            "'country' is not one of ['state', 'supranational', 'subnational', 'territory']",
        ),
        both=True,
    ),
    case(
        "list-item-not-allowed",
        "a list with one item outside the allowed values",
        {
            A: """\
             nodes:
               - {kind: ReachRule, key: r1, name: R, bases: [control], effect: compels,
                  categories: [content, secrets], sources: [src-base]}
             relationships:
               - {start: r1, type: ASSERTED_BY, end: r1, sources: [src-base]}
             """
        },
        (A, 3, "r1", "categories", "['content', 'secrets'] is not one of ['subscriber', 'traffic'"),
        (A, 5, "r1", "end", "ASSERTED_BY cannot join these kinds"),
    ),
    case(
        "pattern-mismatch",
        "an LEI that is not 20 characters",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, lei: 5493001KJTIIGC8Y1, sources: [src-base]}
             """
        },
        (A, 2, "c2", "lei", "'5493001KJTIIGC8Y1' does not match ^[A-Z0-9]{18}[0-9]{2}$"),
    ),
    # ------------------------------------------------------------------ joins
    case(
        "kinds-cannot-join",
        "INCORPORATED_IN from a Jurisdiction to a Company (reversed)",
        {
            A: """\
             relationships:
               - {start: LU, type: INCORPORATED_IN, end: acme, sources: [src-base]}
             """
        },
        (
            A,
            2,
            "LU",
            "end",
            "INCORPORATED_IN cannot join these kinds; it joins Company -> Jurisdiction",
        ),
    ),
    # ------------------------------------------------------------------ date order
    case(
        "from-after-until",
        "a relationship that ends before it starts",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, from: 2018-01-01, until: 2017-01-01,
                  sources: [src-base]}
             """
        },
        (A, 2, "acme", "until", "'2017-01-01' must be after from"),
        both=True,
    ),
    case(
        "at-least-without-from",
        "a fact said to hold at least since a `from` it does not give",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, from_at_least: true,
                  sources: [src-base]}
             """
        },
        (A, 2, "acme", "from_at_least", "says the fact held at least since `from`, which is empty"),
        both=True,
    ),
    case(
        "from-equals-until",
        "an empty interval (until is exclusive), in a CSV table",
        {
            "HEADQUARTERED_IN.csv": """\
             start,end,from,until,sources
             acme,LU,2018-01-01,2018-01-01,src-base
             """
        },
        ("HEADQUARTERED_IN.csv", 2, "acme", "until", "'2018-01-01' must be after from"),
    ),
    case(
        "in-force-order",
        "a law in force until before it is in force from",
        {
            A: """\
             nodes:
               - kind: Law
                 key: l1
                 name: L
                 citation: C
                 law_kind: statute
                 in_force_from: 2020-01-01
                 in_force_until: 2019-01-01
                 sources: [src-base]
             """
        },
        (A, 8, "l1", "in_force_until", "'2019-01-01' must be after in_force_from"),
    ),
    # ------------------------------------------------------------------ ownership cycles
    case(
        "cycle-two",
        "two companies that own each other",
        {
            A: """\
             nodes:
               - {kind: Company, key: a, name: A, sources: [src-base]}
               - {kind: Company, key: b, name: B, sources: [src-base]}
             relationships:
               - {start: a, type: SUBSIDIARY_OF, end: b, sources: [src-base]}
               - {start: b, type: SUBSIDIARY_OF, end: a, sources: [src-base]}
             """
        },
        (A, 5, "a", "end", "ownership cycle: a -> b -> a"),
    ),
    case(
        "cycle-three",
        "three companies that own each other in a ring",
        {
            A: """\
             nodes:
               - {kind: Company, key: a, name: A, sources: [src-base]}
               - {kind: Company, key: b, name: B, sources: [src-base]}
               - {kind: Company, key: c, name: C, sources: [src-base]}
             relationships:
               - {start: a, type: SUBSIDIARY_OF, end: b, sources: [src-base]}
               - {start: b, type: SUBSIDIARY_OF, end: c, sources: [src-base]}
               - {start: c, type: SUBSIDIARY_OF, end: a, sources: [src-base]}
             """
        },
        (A, 6, "a", "end", "ownership cycle: a -> b -> c -> a"),
        cli=True,
    ),
    case(
        "cycle-self",
        "a company that owns itself",
        {
            A: """\
             relationships:
               - {start: acme, type: SUBSIDIARY_OF, end: acme, sources: [src-base]}
             """
        },
        (A, 2, "acme", "end", "ownership cycle: acme -> acme"),
    ),
    case(
        "cycle-through-store",
        "a parent made subsidiary of its subsidiary (that edge is stored)",
        {
            A: """\
             relationships:
               - {start: acme-parent, type: SUBSIDIARY_OF, end: acme, sources: [src-base]}
             """
        },
        (A, 2, "acme-parent", "end", "ownership cycle: acme-parent -> acme -> acme-parent"),
        both=True,
    ),
    # ------------------------------------------------------------------ malformed files
    case(
        "yaml-bad-indentation",
        "a field indented one space short",
        {
            A: """\
             nodes:
               - kind: Company
                 key: c2
                name: C
             """
        },
        (A, 4, None, None, "malformed YAML: expected <block end>"),
        cli=True,
    ),
    case(
        "yaml-unclosed-bracket",
        "a flow list that is never closed",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, sources: [src-base}
             """
        },
        (A, 2, None, None, "malformed YAML: expected ',' or ']'"),
    ),
    case(
        "yaml-tab",
        "a tab used for indentation",
        {A: "nodes:\n\t- {kind: Company}\n"},
        (A, 2, None, None, "malformed YAML: found character '\\t' that cannot start any token"),
    ),
    case(
        "csv-too-many-fields",
        "a CSV row with one field too many",
        {
            "Company.csv": """\
             key,name,sources
             c2,C,src-base
             c3,C,src-base,extra
             """
        },
        ("Company.csv", 3, None, None, "malformed CSV: Expected 3 fields in line 3, saw 4"),
        cli=True,
        both=True,
    ),
    case(
        "csv-unclosed-quote",
        "a quoted CSV cell that is never closed",
        {"Company.csv": 'key,name,sources\nc2,"C,src-base\n'},
        ("Company.csv", 2, None, None, "a quoted cell that opens on this line is never closed"),
    ),
    case(
        "jsonl-malformed",
        "a JSON Lines record cut short",
        {
            "Company.jsonl": (
                '{"key": "c2", "name": "C", "sources": ["src-base"]}\n{"key": "c3", "name": \n'
            )
        },
        ("Company.jsonl", 2, None, None, "malformed JSON: unexpected end of data"),
    ),
    case(
        "jsonl-not-an-object",
        "a JSON Lines line that is a list",
        {"Company.jsonl": '["c2", "C"]\n'},
        ("Company.jsonl", 1, None, None, "each line must be a JSON object"),
    ),
    # ------------------------------------------------------------------ encodings
    case(
        "latin-1-yaml",
        "latin-1 bytes in a YAML file",
        {
            A: (
                "nodes:\n  - {kind: Company, key: c2, name: 'Soci\xe9t\xe9', sources: [src-base]}\n"
            ).encode("latin-1")
        },
        (A, 2, None, None, "not UTF-8: byte 0xe9 at offset 47; save the file as UTF-8"),
    ),
    case(
        "nul-yaml",
        "a NUL character in a YAML file",
        {A: "nodes:\n  - {kind: Company, key: c2, name: 'C\x00', sources: [src-base]}\n"},
        (A, 2, None, None, "malformed YAML: the character U+0000 is not allowed in YAML"),
        cli=True,
    ),
    case(
        "latin-1-csv",
        "latin-1 bytes in a CSV table",
        {
            "Company.csv": "key,name,sources\nc2,C,src-base\nc3,Soci\xe9t\xe9,src-base\n".encode(
                "latin-1"
            )
        },
        ("Company.csv", 3, None, None, "not UTF-8: byte 0xe9"),
        cli=True,
    ),
    # ------------------------------------------------------------------ empty files
    case(
        "empty-yaml",
        "a YAML file with nothing in it",
        {A: ""},
        (A, None, None, None, "the file is empty"),
        cli=True,
    ),
    case(
        "whitespace-yaml",
        "a YAML file with only blank lines and a comment",
        {A: "\n   \n# nothing yet\n"},
        (A, None, None, None, "the file is empty"),
    ),
    case(
        "csv-header-only",
        "a CSV table with a header and no rows",
        {"Company.csv": "key,name,sources\n"},
        ("Company.csv", None, None, None, "the table has a header but no rows"),
    ),
    case(
        "jsonl-blank",
        "a JSON Lines file of blank lines",
        {"Company.jsonl": "\n\n"},
        ("Company.jsonl", None, None, None, "the file is empty"),
    ),
    # ------------------------------------------------------------------ unknown names
    case(
        "unknown-kind",
        "a node kind the schema does not have",
        {
            A: """\
             nodes:
               - {kind: Planet, key: mars, name: Mars}
             """
        },
        (A, 2, "mars", "kind", f"unknown node kind 'Planet'; {UNKNOWN_KINDS}"),
    ),
    case(
        "missing-kind",
        "a node without a kind",
        {
            A: """\
             nodes:
               - {key: c2, name: C, sources: [src-base]}
             """
        },
        (A, 2, "c2", "kind", f"unknown node kind None; {UNKNOWN_KINDS}"),
    ),
    case(
        "unknown-type",
        "a relationship type the schema does not have",
        {
            A: """\
             relationships:
               - {start: acme, type: OWNS, end: acme-chat, sources: [src-base]}
             """
        },
        (A, 2, "acme", "type", "unknown relationship type 'OWNS'; expected one of ['ABOUT'"),
    ),
    case(
        "unknown-field",
        "a field no Company has",
        {
            A: """\
             nodes:
               - kind: Company
                 key: c2
                 name: C
                 colour: red
                 sources: [src-base]
             """
        },
        (A, 5, "c2", "colour", "unknown field for Company; expected one of ['description'"),
    ),
    case(
        "unknown-column",
        "a CSV column no Company has",
        {
            "Company.csv": """\
             key,name,sources,colour
             c2,C,src-base,red
             """
        },
        ("Company.csv", 2, "c2", "colour", "unknown field for Company"),
    ),
    case(
        "field-with-markup",
        "a field name that looks like console markup is shown as written",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, "[red]": x, sources: [src-base]}
             """
        },
        (A, 2, "c2", "[red]", "unknown field for Company"),
        cli=True,
    ),
    case(
        "derived-field",
        "a derived property written by hand",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C, known_from: 2017-01-01, sources: [src-base]}
             """
        },
        (A, 2, "c2", "known_from", "unknown field for Company"),
    ),
    case(
        "from-on-timeless-relationship",
        "`from` on a relationship that is not temporal",
        {
            A: """\
             relationships:
               - {start: acme-chat, type: GENERATED_BY, end: acme-chat, from: 2017-01-01,
                  sources: [src-base]}
             """
        },
        (
            A,
            2,
            "acme-chat",
            "from",
            "unknown field for GENERATED_BY; expected one of ['end', 'sources', 'start']",
        ),
        (A, 2, "acme-chat", "end", "GENERATED_BY cannot join these kinds; it joins Data -> "),
    ),
    case(
        "unknown-top-level-field",
        "a top-level field the curated format does not have",
        {
            A: """\
             title: Something
             entities: []
             """
        },
        (A, 2, None, "entities", "unknown top-level field; expected one of ['nodes'"),
        cli=True,
    ),
    case(
        "csv-named-after-nothing",
        "a CSV table named after no kind or type",
        {"Companies.csv": "key,name\nc2,C\n"},
        ("Companies.csv", None, None, None, "'Companies' is neither"),
        cli=True,
    ),
    case(
        "file-of-unknown-format",
        "a .txt file given by name",
        {"notes.txt": "hello\n"},
        ("notes.txt", None, None, None, "expected a .yaml, .yml, .csv or .jsonl file"),
        inputs=("notes.txt",),
    ),
    # ------------------------------------------------------------------ required fields
    case(
        "law-without-citation",
        "a Law without its citation",
        {
            A: """\
             nodes:
               - {kind: Law, key: l1, name: L, law_kind: statute, sources: [src-base]}
             """
        },
        (A, 2, "l1", "citation", "is required"),
    ),
    case(
        "source-without-date",
        "a Source without its publication date",
        {
            A: """\
             sources:
               - {key: s1, title: T, publisher: P}
             """
        },
        (A, 2, "s1", "date", "is required"),
    ),
    case(
        "csv-without-key",
        "a node table without a key column",
        {"Company.csv": "name,sources\nC,src-base\n"},
        ("Company.csv", 2, "line 2", "key", "is required"),
    ),
    case(
        "empty-key",
        "a key that is empty text",
        {
            A: """\
             nodes:
               - {kind: Company, key: '  ', name: C, sources: [src-base]}
             """
        },
        (A, 2, "line 2", "key", "is required"),
    ),
    case(
        "csv-without-end",
        "a relationship table without an end column",
        {"HEADQUARTERED_IN.csv": "start,sources\nacme,src-base\n"},
        ("HEADQUARTERED_IN.csv", 2, "acme", "end", "is required (the key of a node)"),
    ),
    case(
        "appeal-without-effect",
        "an appeal without its effect (affirms, reverses...)",
        {
            A: f"""\
             nodes:
               - {DECISION}, sources: [src-base]}}
               - {{kind: Decision, key: d2, name: D2, date: 2018-01-01, outcome: reversed,
                  sources: [src-base]}}
             relationships:
               - {{start: d2, type: APPEAL_OF, end: d1, sources: [src-base]}}
             """
        },
        (A, 6, "d2", "effect", "is required"),
    ),
    # ------------------------------------------------------------------ sources
    case(
        "node-without-sources",
        "a Company without any source",
        {
            A: """\
             nodes:
               - {kind: Company, key: c2, name: C}
             """
        },
        (A, 2, "c2", "sources", "a Company needs at least one source"),
    ),
    case(
        "relationship-without-sources",
        "a relationship without any source",
        {
            A: """\
             relationships:
               - {start: acme, type: HEADQUARTERED_IN, end: LU, sources: []}
             """
        },
        (A, 2, "acme", "sources", "a relationship needs at least one source"),
    ),
    # ------------------------------------------------------------------ paths and shapes
    case(
        "path-does-not-exist",
        "a path that does not exist",
        {},
        ("missing.yaml", None, None, None, "no such file or folder"),
        inputs=("missing.yaml",),
        cli=True,
    ),
    case(
        "folder-without-inputs",
        "a folder with no input files",
        {"notes.txt": "hello\n"},
        (".", None, None, None, "no .yaml, .yml, .csv or .jsonl files in this folder"),
    ),
    case(
        "nodes-not-a-list",
        "`nodes` given as a mapping",
        {
            A: """\
             nodes:
               kind: Company
             """
        },
        (A, 1, None, "nodes", "expected a list"),
    ),
    case(
        "entry-not-a-mapping",
        "a node entry that is a plain string",
        {
            A: """\
             nodes:
               - Acme S.A.
             """
        },
        (A, 1, None, "nodes", "each entry must be a mapping"),
    ),
    case(
        "document-not-a-mapping",
        "a file that is a list at the top",
        {A: "- a\n- b\n"},
        (A, 1, None, None, "expected a mapping with sources, nodes, relationships"),
    ),
    # ------------------------------------------------------------------ format v1 and rules
    case(
        "format-v1-fields",
        "a file in the earlier format: level, category, basis, valid_from",
        {
            A: f"""\
             nodes:
               - {{kind: Jurisdiction, key: FR, name: France, level: state}}
               - {{kind: Data, key: chats, name: Chats, category: content, sources: [src-base]}}
               - {LAW}
               - {{kind: ReachRule, key: r1, name: R, basis: control, effect: compels,
                  categories: [content], valid_from: 2012-01-01, sources: [src-base]}}
             relationships:
               - {{start: r1, type: UNDER, end: l1, sources: [src-base]}}
               - {{start: r1, type: ESTABLISHED_BY, end: l1, sources: [src-base]}}
             """
        },
        (A, 2, "FR", "jurisdiction_kind", "is required"),
        (
            A,
            2,
            "FR",
            "level",
            "Jurisdiction has no 'level' since format v2: renamed `jurisdiction_kind` (state, "
            "supranational, subnational or territory)",
        ),
        (A, 3, "chats", "categories", "is required"),
        (A, 5, "r1", "bases", "is required"),
        (
            A,
            3,
            "chats",
            "category",
            "Data has no 'category' since format v2: replaced by `categories`, a list of "
            "subscriber, traffic, location, content, business_records",
        ),
        (
            A,
            5,
            "r1",
            "basis",
            "ReachRule has no 'basis' since format v2: replaced by `bases`, a list of the bases "
            "that must all hold",
        ),
        (
            A,
            6,
            "r1",
            "valid_from",
            "ReachRule has no 'valid_from' since format v2: a rule's standing is derived: "
            "link it ESTABLISHED_BY the law that states it",
        ),
        cli=True,
        both=True,
    ),
    case(
        "format-v1-table",
        "a bulk table in the earlier format: a rule's basis and valid_until",
        {
            "ReachRule.csv": """\
             key,name,basis,effect,categories,valid_until,sources
             r1,R,control,compels,content,2020-01-01,src-base
             """
        },
        ("ReachRule.csv", 2, "r1", "basis", "ReachRule has no 'basis' since format v2"),
        ("ReachRule.csv", 2, "r1", "bases", "is required"),
        (
            "ReachRule.csv",
            2,
            "r1",
            "valid_until",
            "ReachRule has no 'valid_until' since format v2: a rule's standing is derived: "
            "link it REJECTED_BY the decision or law that ended it",
        ),
        ("ReachRule.csv", 2, "r1", "key", "the rule has no standing"),
    ),
    case(
        "blocking-rule-without-strength",
        "a blocking rule that does not say how strong it is",
        {
            A: f"""\
             nodes:
               - {LAW}
               - {{kind: ReachRule, key: r1, name: R, bases: [territoriality], effect: blocks,
                  categories: [content], sources: [src-base]}}
             relationships:
               - {{start: r1, type: UNDER, end: l1, sources: [src-base]}}
               - {{start: r1, type: ESTABLISHED_BY, end: l1, sources: [src-base]}}
             """
        },
        (
            A,
            3,
            "r1",
            "strength",
            "a blocking rule needs a strength: absolute, unless_channel or qualified",
        ),
        cli=True,
        both=True,
    ),
    case(
        "compelling-rule-with-strength",
        "a strength on a rule that compels",
        {
            A: f"""\
             nodes:
               - {LAW}
               - {{kind: ReachRule, key: r1, name: R, bases: [control], effect: compels,
                  strength: absolute, categories: [content], sources: [src-base]}}
             relationships:
               - {{start: r1, type: UNDER, end: l1, sources: [src-base]}}
               - {{start: r1, type: ESTABLISHED_BY, end: l1, sources: [src-base]}}
             """
        },
        (A, 4, "r1", "strength", "only a blocking rule has a strength"),
    ),
    case(
        "rule-without-standing",
        "a rule under its law, with no ESTABLISHED_BY, REJECTED_BY or ASSERTED_BY",
        {
            A: f"""\
             nodes:
               - {LAW}
               - {{kind: ReachRule, key: r1, name: R, bases: [control], effect: compels,
                  categories: [content], sources: [src-base]}}
             relationships:
               - {{start: r1, type: UNDER, end: l1, sources: [src-base]}}
             """
        },
        (
            A,
            3,
            "r1",
            "key",
            "the rule has no standing: link it ESTABLISHED_BY the law that states it or a "
            "decision that held it, REJECTED_BY a decision, or ASSERTED_BY the request",
        ),
        cli=True,
        both=True,
    ),
    case(
        "curated-reaches",
        "a REACHES relationship written by hand",
        {
            A: """\
             nodes:
               - {kind: Data, key: chats, name: Chats, categories: [content], sources: [src-base]}
             relationships:
               - {start: chats, type: HELD_BY, end: acme, sources: [src-base]}
               - {start: BE, type: REACHES, end: chats, sources: [src-base]}
             """
        },
        (A, 5, "BE", "type", "REACHES is derived at ingest from the curated graph, never written"),
        cli=True,
        both=True,
    ),
    case(
        "bulk-reaches",
        "a bulk REACHES table",
        {"REACHES.csv": "start,end,sources\nBE,acme,src-base\n"},
        (
            "REACHES.csv",
            None,
            None,
            None,
            "REACHES is derived at ingest from the curated graph, never written",
        ),
    ),
    # ------------------------------------------------------------------ lines in tables
    case(
        "csv-lines-after-blank-and-multiline",
        "CSV lines count blank lines and quoted newlines",
        {
            "Company.csv": (
                "key,name,sources,description\n"
                'c2,C,src-base,"two\nlines"\n'
                "\n"
                "c3,C,src-nope,one line\n"
            )
        },
        ("Company.csv", 5, "c3", "sources", "no Source has the key(s) ['src-nope']"),
    ),
]


def _cases(only: str | None = None) -> list[pytest.ParameterSet]:
    return [c for c in CASES if only is None or getattr(c.values[0], only)]


def write_case(folder: Path, given: Case) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in given.files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return [folder / name for name in given.inputs]


def where(folder: Path, want: Want) -> Problem:
    """The problem a want describes, with the file's name as the run reports it."""
    file, line, record, field, message = want
    message = message.replace("{dir}", str(folder))
    return Problem(str(folder / file) if file != "." else str(folder), line, record, field, message)


def assert_problems(problems: list[Problem], folder: Path, wants: tuple[Want, ...]) -> None:
    expected = [where(folder, want) for want in wants]
    shown = "\n".join(str(p) for p in problems)
    for want in expected:
        matching = [
            p
            for p in problems
            if (p.file, p.line, p.record, p.field, want.message in p.message)
            == (want.file, want.line, want.record, want.field, True)
        ]
        assert matching, f"expected {want}\nbut the run reported:\n{shown}"
    assert len(problems) == len(expected), f"expected only {len(expected)}, got:\n{shown}"


def ingest_in_process(paths: list[Path], store: Store) -> list[Problem]:
    """The pipeline as `reachgraph ingest` runs it; the problems it stops with."""
    with pytest.raises(IngestFailed) as failed:
        valid = validate(read_inputs(paths, store.schema), store.schema, store)
        load(valid, store)
    return failed.value.problems


def load_base(store: Store, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    load(validate(read_inputs([folder], store.schema), store.schema, store), store)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dump]:
    """An embedded store holding the base graph (closed, to be copied), and its dump."""
    root = tmp_path_factory.mktemp("template")
    with open_store(str(root / "store")) as store:
        store.apply_schema()
        load_base(store, root / "base")
        base = dump(store)
    assert sum(len(rows) for rows in base.values()) == 9
    return root / "store", base


@pytest.fixture
def embedded(template: tuple[Path, Dump], tmp_path: Path) -> Iterator[tuple[Path, Dump]]:
    """A fresh copy of the template store, so one case cannot leak into the next."""
    source, base = template
    shutil.copytree(source, tmp_path / "store")
    yield tmp_path / "store", base


@pytest.mark.parametrize("given", _cases())
def test_broken_input_embedded(given: Case, embedded: tuple[Path, Dump], tmp_path: Path) -> None:
    location, base = embedded
    folder = tmp_path / "in"
    paths = write_case(folder, given)
    with open_store(str(location)) as store:
        before = dump(store)
        assert before == base
        problems = ingest_in_process(paths, store)
        after = dump(store)
    assert_problems(problems, folder, given.wants)
    assert after == before, differences(before, after)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "ingest", *args], capture_output=True, text=True, timeout=300)


def assert_reported(stderr: str, folder: Path, wants: tuple[Want, ...]) -> None:
    lines = stderr.splitlines()
    assert lines[0] == f"error: {len(wants)} problem(s) in the input; nothing was written:", stderr
    for want in wants:
        problem = where(folder, want)
        prefix = str(Problem(problem.file, problem.line, problem.record, problem.field, ""))
        assert any(line.startswith(prefix) and problem.message in line for line in lines[1:]), (
            f"expected a line starting {prefix!r} with {problem.message!r} in:\n{stderr}"
        )
    assert "Traceback" not in stderr


@pytest.mark.parametrize("given", _cases("cli"))
def test_broken_input_cli(given: Case, embedded: tuple[Path, Dump], tmp_path: Path) -> None:
    location, base = embedded
    folder = tmp_path / "in"
    paths = write_case(folder, given)
    done = run_cli(*map(str, paths), "--store", str(location))
    assert done.returncode == 1, done.stderr
    assert_reported(done.stderr, folder, given.wants)
    assert done.stdout == ""
    with open_store(str(location), read_only=True) as store:
        after = dump(store)
    assert after == base, differences(base, after)


@pytest.mark.parametrize("given", _cases("both"))
def test_broken_input_every_store(given: Case, store: Store, tmp_path: Path) -> None:
    load_base(store, tmp_path / "base")
    before = dump(store)
    folder = tmp_path / "in"
    problems = ingest_in_process(write_case(folder, given), store)
    assert_problems(problems, folder, given.wants)
    after = dump(store)
    assert after == before, differences(before, after)


def test_the_corpus_is_large_and_each_case_distinct() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) >= 35
    assert len(_cases("cli")) >= 10 and len(_cases("both")) >= 5


def test_every_problem_of_every_file_is_reported_at_once(
    embedded: tuple[Path, Dump], tmp_path: Path
) -> None:
    """One run, four files, seven problems found by different stages (the YAML parser, types,
    codes, duplicate keys, keys that do not resolve): all reported at once, nothing written."""
    location, base = embedded
    folder = tmp_path / "in"
    files: dict[str, str | bytes] = {
        "a.yaml": """\
            nodes:
              - {kind: Company, key: c2, name: C, sources: [src-base]}
              - {kind: Decision, key: d1, name: D, date: 2017-13-45, outcome: x,
                 sources: [src-base]}
            relationships:
              - {start: c2, type: INCORPORATED_IN, end: XX, sources: [src-base]}
            """,
        "b.yaml": "nodes:\n  - {kind: Company, key: c2, name: C twice, sources: [src-nope]}\n",
        "Jurisdiction.csv": "key,name,jurisdiction_kind\nFR,France,state\nQQ,Nowhere,country\n",
        "broken.yaml": "nodes: [\n",
    }
    wants: tuple[Want, ...] = (
        ("a.yaml", 3, "d1", "date", "expected an ISO date"),
        ("a.yaml", 6, "c2", "end", "no node has the key 'XX'"),
        ("b.yaml", 2, "c2", "key", "duplicate key: already defined as a Company at"),
        ("b.yaml", 2, "c2", "sources", "no Source has the key(s) ['src-nope']"),
        ("Jurisdiction.csv", 3, "QQ", "key", "'QQ' is not a known code"),
        ("Jurisdiction.csv", 3, "QQ", "jurisdiction_kind", "'country' is not one of"),
        ("broken.yaml", 2, None, None, "malformed YAML"),
    )
    given = Case(
        "several files",
        {n: textwrap.dedent(t) if isinstance(t, str) else t for n, t in files.items()},
        wants,
    )
    paths = write_case(folder, given)
    with open_store(str(location)) as store:
        assert_problems(ingest_in_process(paths, store), folder, wants)
    done = run_cli(*map(str, paths), "--store", str(location))
    assert done.returncode == 1
    assert_reported(done.stderr, folder, wants)
    with open_store(str(location), read_only=True) as store:
        after = dump(store)
    assert after == base, differences(base, after)
