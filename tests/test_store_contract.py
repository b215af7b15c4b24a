"""One suite of store behaviour, run unchanged on LadybugDB and on a real Neo4j."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest

from reachgraph.client import open_configured
from reachgraph.graph.errors import ConfigError, QueryError, QueryTimeout, WriteRefused
from reachgraph.graph.stores import Store, open_store, store_for, stores
from reachgraph.settings import Settings
from tests.conftest import BACKENDS, LOCATIONS, PASSWORD


def companies(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"key": k, "name": n, "sources": ["src-1"]} for k, n in rows])


def test_each_store_opens_the_schemes_it_declares() -> None:
    """open_store picks a store by the location's scheme (`Store.schemes`); one store each."""
    declared = [scheme for store in stores() for scheme in store.schemes]
    assert len(declared) == len(set(declared)) and declared
    for store in stores():
        for scheme in store.schemes:
            assert store_for(f"{scheme}://host/x" if scheme else "some/folder") is store
    assert store_for("C:\\data\\store").schemes == ("",)  # a path, though it reads as c:
    assert {store.backend for store in stores()} == set(BACKENDS) == set(LOCATIONS)


def test_an_unknown_scheme_names_the_uri_and_every_scheme_a_store_opens() -> None:
    with pytest.raises(ConfigError) as raised:
        open_store("redis://127.0.0.1:6379/0")
    message = str(raised.value)
    assert message.startswith("unsupported store URI 'redis://127.0.0.1:6379/0' (scheme 'redis')")
    assert all(f"{s}://" in message for store in stores() for s in store.schemes if s)
    assert "a directory path (ladybug)" in message and "bolt+ssc:// URI (neo4j)" in message


def test_applying_the_schema_twice_is_harmless(store: Store) -> None:
    store.merge_nodes("Company", companies(("ms", "Microsoft Corporation")))
    store.apply_schema()
    store.apply_schema()
    assert store.counts().nodes["Company"] == 1


@pytest.mark.parametrize("new", [True, False], ids=["bulk-create", "merge"])
def test_merge_is_idempotent_and_updates_in_place(store: Store, new: bool) -> None:
    store.merge_nodes("Company", companies(("ms", "Microsoft"), ("sk", "Skype")), new=new)
    store.merge_nodes("Company", companies(("ms", "Microsoft"), ("sk", "Skype")))
    store.merge_nodes("Company", companies(("ms", "Microsoft Corporation")))
    rows = store.read("MATCH (n:Company) RETURN n.key, n.name ORDER BY n.key").rows
    assert rows == [["ms", "Microsoft Corporation"], ["sk", "Skype"]]
    ownership = pd.DataFrame([{"start": "sk", "end": "ms", "share": 1.0, "sources": ["s"]}])
    store.merge_relationships("SUBSIDIARY_OF", "Company", "Company", ownership, new=new)
    store.merge_relationships("SUBSIDIARY_OF", "Company", "Company", ownership.assign(share=0.5))
    assert store.counts().relationships["SUBSIDIARY_OF"] == 1
    assert store.read("MATCH ()-[r:SUBSIDIARY_OF]->() RETURN r.share").rows == [[0.5]]


def test_a_bulk_create_sets_what_rows_have_and_a_merge_clears_what_they_lack(
    store: Store,
) -> None:
    acquired = datetime.date(2011, 10, 13)
    owned = pd.DataFrame(
        [{"start": "sk", "end": "ms", "valid_from": acquired, "share": None, "sources": ["s"]}]
    )
    store.merge_nodes("Company", companies(("ms", "Microsoft"), ("sk", "Skype")), new=True)
    store.merge_relationships("SUBSIDIARY_OF", "Company", "Company", owned, new=True)
    read = "MATCH ()-[r:SUBSIDIARY_OF]->() RETURN r.valid_from, r.share, r.sources"
    assert store.read(read).rows == [[acquired, None, ["s"]]]
    changed = owned.assign(valid_from=None, share=0.5)
    store.merge_relationships("SUBSIDIARY_OF", "Company", "Company", changed)
    assert store.read(read).rows == [[None, 0.5, ["s"]]]


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Company {key: 'x', name: 'x'})",
        "MERGE (n:Company {key: 'x'})",
        "MATCH (n:Company) SET n.name = 'changed'",
        "MATCH (n:Company) DETACH DELETE n",
        "MATCH (n:Company {key: 'ms'}) CREATE (n)-[:SUBSIDIARY_OF]->(n)",
    ],
    ids=["create", "merge", "set", "delete", "create-relationship"],
)
def test_a_write_in_a_read_query_is_refused(store: Store, cypher: str) -> None:
    store.merge_nodes("Company", companies(("ms", "Microsoft")))
    with pytest.raises(WriteRefused):
        store.read(cypher)
    assert store.read("MATCH (n:Company) RETURN n.key, n.name").rows == [["ms", "Microsoft"]]
    assert store.counts().relationships["SUBSIDIARY_OF"] == 0


def test_a_syntax_error_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError) as caught:
        store.read("MATCH (n:Company RETURN n")
    assert not isinstance(caught.value, WriteRefused | QueryTimeout)


def test_the_time_limit_cancels_a_long_query(store: Store) -> None:
    store.merge_nodes("Company", companies(*((f"c{i}", f"C {i}") for i in range(400))))
    # A filter on every row, so no store can answer from table sizes alone.
    cypher = (
        "MATCH (a:Company), (b:Company), (c:Company), (d:Company) "
        "WHERE a.name + b.name + c.name + d.name <> '' RETURN count(*)"
    )
    started = datetime.datetime.now()
    with pytest.raises(QueryTimeout):
        store.read(cypher, timeout=0.5)
    # 400^4 rows would take minutes; the limit stopped it long before.
    assert (datetime.datetime.now() - started).total_seconds() < 30


def test_the_row_cap_truncates_and_says_so(store: Store) -> None:
    store.merge_nodes("Company", companies(*((f"c{i}", f"C {i}") for i in range(5))))
    capped = store.read("MATCH (n:Company) RETURN n.key", row_cap=3)
    assert len(capped.rows) == 3 and capped.truncated
    whole = store.read("MATCH (n:Company) RETURN n.key", row_cap=5)
    assert len(whole.rows) == 5 and not whole.truncated


def test_dates_lists_and_unicode_round_trip(store: Store) -> None:
    name = "Skype Communications S.à r.l. — Ελληνικά, 中文, Łódź"
    store.merge_nodes("Company", pd.DataFrame([{"key": "sk", "name": name, "sources": ["a", "é"]}]))
    store.merge_nodes("Company", companies(("ms", "Microsoft")))
    acquired = datetime.date(2011, 10, 13)
    store.merge_relationships(
        "SUBSIDIARY_OF",
        "Company",
        "Company",
        pd.DataFrame(
            [{"start": "sk", "end": "ms", "valid_from": acquired, "sources": ["s1", "s2"]}]
        ),
    )
    row = store.read(
        "MATCH (a:Company {key: $key})-[r:SUBSIDIARY_OF]->(b) "
        "RETURN a.name, a.sources, r.valid_from, r.valid_until, r.sources",
        {"key": "sk"},
    ).rows[0]
    assert row == [name, ["a", "é"], acquired, None, ["s1", "s2"]]
    assert type(row[2]) is datetime.date
    found = store.read("MATCH (a:Company) WHERE a.name = $name RETURN a.key", {"name": name})
    assert found.rows == [["sk"]]


def test_counts_and_clear(store: Store) -> None:
    store.merge_nodes("Company", companies(("a", "A"), ("b", "B")))
    store.merge_nodes(
        "Jurisdiction",
        pd.DataFrame([{"key": "BE", "name": "Belgium", "jurisdiction_kind": "state"}]),
    )
    store.merge_relationships(
        "INCORPORATED_IN",
        "Company",
        "Jurisdiction",
        pd.DataFrame(
            [
                {"start": "a", "end": "BE", "sources": ["s"]},
                {"start": "b", "end": "BE", "sources": ["s"]},
            ]
        ),
    )
    counts = store.counts()
    assert counts.nodes["Company"] == 2 and counts.nodes["Jurisdiction"] == 1
    assert counts.relationships["INCORPORATED_IN"] == 2
    assert set(counts.nodes) == set(store.schema.nodes)
    store.clear()
    after = store.counts()
    assert sum(after.nodes.values()) == 0 and sum(after.relationships.values()) == 0


def test_the_data_version_changes_with_every_write_and_only_then(store: Store) -> None:
    empty = store.data_version()
    store.read("MATCH (n:Company) RETURN count(n)")
    assert store.data_version() == empty
    store.merge_nodes("Company", companies(("ms", "Microsoft")))
    one = store.data_version()
    store.merge_nodes("Company", companies(("ms", "Microsoft Corporation")))
    renamed = store.data_version()
    assert len({empty, one, renamed}) == 3
    assert store.data_version() == renamed


def test_a_reader_follows_writes_made_through_another_handle(
    store: Store, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The API reads through its own handle (read-only on LadybugDB) while an ingest writes."""
    store.merge_nodes("Company", companies(("ms", "Microsoft")))
    if backend == "ladybug":
        reader = open_store(store.location, read_only=True)
    else:
        reader = open_store(request.getfixturevalue("neo4j_uri"), password=PASSWORD)
    with reader:
        before = reader.data_version()
        assert reader.read("MATCH (n:Company) RETURN count(n)").rows == [[1]]
        store.merge_nodes("Company", companies(("sk", "Skype")))
        assert reader.data_version() != before
        assert reader.read("MATCH (n:Company) RETURN count(n)").rows == [[2]]


def test_a_read_is_one_statement(store: Store) -> None:
    store.merge_nodes("Company", companies(("ms", "Microsoft")))
    with pytest.raises(QueryError):
        store.read("COMMIT; CREATE (:Company {key: 'x', name: 'x'})")
    assert store.read("MATCH (n:Company) RETURN n.key").rows == [["ms"]]
    assert store.read("RETURN 1 AS one;").rows == [[1]]


def test_notes_are_kept_replaced_and_cleared(store: Store) -> None:
    assert store.note("reaches") is None
    store.set_note("reaches", "pending")
    store.set_note("reaches", "abc123")
    store.set_note("other", "x")
    assert (store.note("reaches"), store.note("other")) == ("abc123", "x")
    assert sum(store.counts().nodes.values()) == 0  # outside the graph
    store.clear()
    assert store.note("reaches") is None


def test_derived_relationships_are_replaced_whole_or_for_some_ends(store: Store) -> None:
    store.merge_nodes("Jurisdiction", pd.DataFrame([{"key": k, "name": k} for k in ("BE", "LU")]))
    store.merge_nodes(
        "Data",
        pd.DataFrame(
            [{"key": k, "name": k, "categories": ["traffic"], "sources": ["s"]} for k in "abc"]
        ),
    )

    def reaches(*pairs: tuple[str, str, str]) -> pd.DataFrame:
        return pd.DataFrame([{"start": s, "end": e, "rule": r} for s, e, r in pairs])

    def held() -> list[list[str]]:
        return store.read(
            "MATCH (j:Jurisdiction)-[r:REACHES]->(d:Data) RETURN j.key, d.key, r.rule "
            "ORDER BY j.key, d.key, r.rule"
        ).rows

    store.replace_relationships(
        "REACHES", "Jurisdiction", "Data", reaches(("BE", "a", "r1"), ("BE", "b", "r1"))
    )
    store.replace_relationships(
        "REACHES",
        "Jurisdiction",
        "Data",
        reaches(("LU", "a", "r2"), ("LU", "c", "r2")),
        ends=["a", "c"],
    )
    assert held() == [["BE", "b", "r1"], ["LU", "a", "r2"], ["LU", "c", "r2"]]
    store.replace_relationships("REACHES", "Jurisdiction", "Data", reaches(("BE", "c", "r3")))
    assert held() == [["BE", "c", "r3"]]


def test_the_embedded_store_keeps_to_its_memory_bound(tmp_path: Path) -> None:
    """REACHGRAPH_EMBEDDED_MEMORY_MB reaches LadybugDB's buffer pool: a query that needs
    more memory than the bound fails with an error naming the setting, and runs unbounded."""
    big = "UNWIND range(1, 3000000) AS i RETURN count(DISTINCT i)"
    settings = Settings(store=str(tmp_path / "bounded"), embedded_memory_mb=64)
    with (
        open_configured(None, settings, read_only=False) as bounded,
        pytest.raises(QueryError, match="REACHGRAPH_EMBEDDED_MEMORY_MB"),
    ):
        bounded.read(big)
    with open_store(str(tmp_path / "unbounded")) as unbounded:
        assert unbounded.read(big).rows == [[3000000]]
