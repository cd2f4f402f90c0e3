"""What every store does, on both backends (SQLite and PostgreSQL): the same rows, transactions and
schema history, whichever the database is."""

import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

import psycopg
import pytest

from assistant.backoffice import migrations
from assistant.backoffice.schema import SCHEMA
from assistant.backoffice.store import StoreUnavailable, open_store
from assistant.cluster.ports import free_port
from assistant.cluster.postgres import Postgres

ROW = {"session_id": "s1", "tenant": "exo", "helpful": 1, "comment": "", "message": "hi", "created": "2026-01-01"}


def test_insert_returns_the_new_id_and_refuses_columns_the_schema_lacks(open_database):
    store = open_database()
    first, second = store.insert("feedback", ROW), store.insert("feedback", {**ROW, "session_id": "s2"})
    assert second == first + 1
    with pytest.raises(ValueError, match="no column drop"):
        store.insert("feedback", {"session_id": "s3", "drop": "x"})
    assert [(r["id"], r["session_id"]) for r in store.rows("feedback", order_by="id")] == [
        (first, "s1"),
        (second, "s2"),
    ]
    assert store.get("feedback", second)["session_id"] == "s2" and store.count("feedback", "helpful = ?", [1]) == 2
    assert store.insert("requests", {"reference": "Q-1", "key": "k"}) is None  # keyed by its reference


def test_a_transaction_is_all_or_nothing_and_others_see_it_once_committed(open_database):
    store, other = open_database(), open_database()
    with store.transaction():
        store.insert("feedback", ROW)
        assert store.count("feedback") == 1 and other.count("feedback") == 0
    assert other.count("feedback") == 1
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.write("insert into feedback (session_id) values (?)", ["undone"])
            raise RuntimeError("the transaction fails after the write")
    assert [r["session_id"] for r in other.rows("feedback")] == ["s1"]


def test_transactions_at_once_are_serialised_so_no_update_is_lost(open_database):
    """Each reads a count then writes it plus one, as the grace-call ledger does: none is lost."""
    stores = [open_database() for _ in range(4)]
    stores[0].insert("accounts", {"account": "A", "tenant": "exo", "seats": 0})

    def add_one(store):
        for _ in range(10):
            with store.transaction():
                seats = store.value("select seats from accounts where account = ?", ["A"])
                store.write("update accounts set seats = ? where account = ?", [seats + 1, "A"])

    threads = [threading.Thread(target=add_one, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[0].value("select seats from accounts where account = ?", ["A"]) == 40


def test_insert_all_skips_rows_whose_key_is_taken_when_asked(open_database):
    store = open_database()
    accounts = [{"account": "A", "tenant": "exo"}, {"account": "B", "tenant": "exo"}]
    with store.transaction():
        store.insert_all("accounts", accounts)
    with store.transaction():
        store.insert_all("accounts", [*accounts, {"account": "C", "tenant": "conex"}], ignore=True)
    assert [r["account"] for r in store.rows("accounts", order_by="account")] == ["A", "B", "C"]
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)), store.transaction():
        store.insert_all("accounts", accounts)  # without ignore, a taken key fails the transaction


def test_sql_with_a_literal_percent_sign_and_the_quoted_user_column_reads_the_same(open_database):
    store = open_database()
    store.write('insert into turns (session_id, "user", at) values (?, ?, ?)', ["s", "100% sure?", "2026"])
    assert store.query('select "user" from turns where "user" like \'100%\'') == [("100% sure?",)]
    assert store.records('select session_id, "user" from turns where at = ?', ["2026"]) == [
        {"session_id": "s", "user": "100% sure?"}
    ]


def test_json_fields_are_read_as_text_on_both(open_database):
    store = open_database()
    store.insert("requests", {"reference": "Q-1", "payload": '{"name": "Ana", "users": 40}'})
    fields = f"{store.json_field('payload', 'name')}, {store.json_field('payload', 'missing')}"
    assert store.one(f"select {fields} from requests") == ("Ana", None)


def test_a_new_database_has_every_table_and_column_of_the_schema_and_its_history(database, open_database):
    store = open_database()
    assert set(SCHEMA) <= store.tables()
    for table, (columns, _) in SCHEMA.items():
        assert store.columns(table) == set(columns), table
    history = store.query("select version, does from schema_migrations order by version")
    assert [v for v, _ in history] == [m.version for m in migrations.MIGRATIONS] and all(d for _, d in history)
    open_database()  # opened again: nothing is applied twice
    assert store.count("schema_migrations") == len(migrations.MIGRATIONS)


def test_a_database_server_that_goes_away_gives_unavailable_then_is_used_again_without_reopening(postgres_server):
    """The pool checks a connection before lending it: once the server is back, the same store works."""
    server = Postgres(Path(tempfile.mkdtemp(prefix="assistant-postgres-")), free_port(), durable=False).start()
    try:
        store = open_store(server.url)
        store.insert("feedback", ROW)
        server.stop()
        with pytest.raises(StoreUnavailable):
            store.insert("feedback", ROW)
        with pytest.raises(StoreUnavailable), store.transaction():
            store.insert("feedback", ROW)
        server.start()
        store.insert("feedback", {**ROW, "session_id": "after"})
        assert [r["session_id"] for r in store.rows("feedback", order_by="id")] == ["s1", "after"]
        store.close()
    finally:
        server.stop("immediate")
        shutil.rmtree(server.folder, ignore_errors=True)
