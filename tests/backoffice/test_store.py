"""The SQLite store: how a write waits for another process's, and the databases of earlier versions."""

import json
import sqlite3
import threading
import time
from datetime import UTC

import pytest

from assistant.backoffice.store import BUSY_TIMEOUT_S, now, open_store, to_json

ROW = {
    "session_id": "s1",
    "tenant": "exo",
    "helpful": 1,
    "comment": "",
    "message": "hi",
    "created": "2026-01-01T00:00:00+00:00",
}


def another_writer_holds_the_lock(path) -> threading.Thread:
    """Another connection writes 'first' in a transaction it holds for 50 ms; returns once it holds it."""
    holding = threading.Event()

    def write_slowly():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("insert into feedback (session_id) values ('first')")
        holding.set()
        time.sleep(0.05)  # the store's statement fails meanwhile, and is tried again
        other.execute("COMMIT")

    writer = threading.Thread(target=write_slowly)
    writer.start()
    assert holding.wait(timeout=10)
    return writer


def test_a_transaction_waits_for_another_writer_then_commits_after_it(tmp_path):
    store = open_store(tmp_path / "assistant.db")
    writer = another_writer_holds_the_lock(tmp_path / "assistant.db")
    with store.transaction():
        store.insert("feedback", {**ROW, "session_id": "second"})
    writer.join()
    assert [r["session_id"] for r in store.rows("feedback", order_by="id")] == ["first", "second"]


@pytest.mark.parametrize(
    "write",
    [
        lambda store: store.write("insert into feedback (session_id) values (?)", ["second"]),
        lambda store: store.insert("feedback", {"session_id": "second"}),
    ],
)
def test_a_single_write_waits_for_another_writer_too(tmp_path, write):
    store = open_store(tmp_path / "assistant.db")
    writer = another_writer_holds_the_lock(tmp_path / "assistant.db")
    write(store)
    writer.join()
    assert [r["session_id"] for r in store.rows("feedback", order_by="id")] == ["first", "second"]


def test_a_thread_first_writing_while_the_file_is_locked_waits_for_it(tmp_path):
    """The last connection to close locks the whole file while it checkpoints; a thread opening
    its writing connection meanwhile waits instead of failing its visitor's request."""
    path = tmp_path / "assistant.db"
    store = open_store(path)
    store.close()  # this thread's connections: the locker must be the only one
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("insert into feedback (session_id) values ('first')")
    locker.execute("COMMIT")  # the exclusive lock stays until the connection closes

    def unlock_soon():
        time.sleep(0.1)
        locker.close()

    unlocking = threading.Thread(target=unlock_soon)
    unlocking.start()
    writing = threading.Thread(target=store.write, args=("insert into feedback (session_id) values ('second')", []))
    writing.start()
    writing.join()
    unlocking.join()
    assert [r["session_id"] for r in store.rows("feedback", order_by="id")] == ["first", "second"]


def test_a_database_with_a_sessions_table_moves_each_state_onto_its_last_turn(tmp_path):
    """Databases from before the state moved onto the turns keep their conversations."""
    path = tmp_path / "assistant.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute(
        "create table sessions (id text primary key, tenant text, lang text, state text, created text, updated text)"
    )
    old.execute(
        "create table turns (id integer primary key, session_id text, tenant text, at text, lang text, "
        "user text, assistant text, type text, intent text)"
    )
    old.execute("insert into sessions values ('s1', 'exo', 'en', '{\"form\": {\"name\": \"quote\"}}', 'a', 'b')")
    for at in ("2026-01-01T10:00:00+00:00", "2026-01-01T10:05:00+00:00"):
        old.execute("insert into turns (session_id, tenant, at, lang, user) values ('s1', 'exo', ?, 'en', 'hi')", [at])
    old.close()
    store = open_store(path)
    assert store.get("sessions", "s1") == {
        "id": "s1",
        "tenant": "exo",
        "lang": "en",
        "state": '{"form": {"name": "quote"}}',
        "created": "2026-01-01T10:00:00+00:00",
        "updated": "2026-01-01T10:05:00+00:00",
    }
    assert [t["state"] for t in store.rows("turns", order_by="id")] == [None, '{"form": {"name": "quote"}}']
    assert "sessions" not in store.db.table_names() and "sessions" in store.db.view_names()
    open_store(path)  # and opening it again changes nothing
    assert len(store.rows("sessions")) == 1


def test_a_transaction_gives_up_after_its_timeout_and_the_connection_keeps_its_own(tmp_path):
    store = open_store(tmp_path / "assistant.db")
    other = sqlite3.connect(tmp_path / "assistant.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        with store.transaction(timeout=0.02):
            store.insert("feedback", ROW)
    other.execute("ROLLBACK")
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_S * 1000
    with store.transaction():
        store.insert("feedback", ROW)
    assert len(store.rows("feedback")) == 1


def test_inside_a_transaction_the_store_sees_its_own_rows_and_others_see_them_once_committed(tmp_path):
    store = open_store(tmp_path / "assistant.db")
    other = sqlite3.connect(tmp_path / "assistant.db", isolation_level=None)
    with store.transaction():
        store.insert("feedback", ROW)
        assert len(store.rows("feedback")) == 1
        assert other.execute("select count(*) from feedback").fetchone()[0] == 0
    assert other.execute("select count(*) from feedback").fetchone()[0] == 1
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert("feedback", {**ROW, "session_id": "s2"})
            raise RuntimeError("rolled back")
    assert [r["session_id"] for r in store.rows("feedback")] == ["s1"]


def test_an_in_memory_store_writes_in_transactions_too():
    store = open_store(":memory:")
    with store.transaction():
        store.insert("feedback", ROW)
    assert len(store.rows("feedback")) == 1


def test_now_is_utc_to_the_second_in_iso_format():
    from datetime import datetime

    before = datetime.now(UTC).replace(microsecond=0)
    stamp = datetime.fromisoformat(now())
    assert stamp.utcoffset().total_seconds() == 0 and before <= stamp <= datetime.now(UTC)


def test_json_is_stored_sorted_compact_and_readable():
    assert to_json({"b": [1, None], "a": "é"}) == '{"a":"é","b":[1,null]}'
    assert json.loads(to_json({"s": "\ud800"})) == {"s": "\ud800"}  # orjson refuses it; json escapes it
