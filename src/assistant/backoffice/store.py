"""The assistant's database (SQLite through sqlite-utils): conversations, requests handed to the
backend stubs, their outbox, unanswered questions, feedback, and the stub's customer directory.

WAL mode lets several server processes read while one writes; every write that must not be half
done (a request and its notifications) happens in one transaction.

A conversation is its turns: each turn row carries the conversation's state after it (its form in
progress, its last reply's type), so that a reply is saved by one insert. ``sessions`` is a view of
each conversation's last turn.
"""

import itertools
import sqlite3
import threading
import time
from pathlib import Path

import sqlite_utils

from .. import jsoncodec
from .schema import INDEXES, SCHEMA, VIEWS

# How long a statement waits for another connection's transaction (SQLite's busy timeout) before it
# fails; a write transaction waits as long, in its own steps (begin_immediate).
BUSY_TIMEOUT_S = 30
# The first wait for the write lock, doubled up to the last: another worker's commit holds the lock
# for some 50 microseconds.
FIRST_WAIT_S, LONGEST_WAIT_S = 50e-6, 5e-3


def now() -> str:
    """UTC to the second, as ``datetime.now(timezone.utc).isoformat(timespec="seconds")`` writes
    it, in half its time: every reply stamps its turn."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def to_json(value) -> str:
    return jsoncodec.dumps(value).decode()


_MEMORY = itertools.count()


class Store:
    """One database; each thread gets its own connections (a connection shared by threads would
    interleave their transactions): one that waits up to BUSY_TIMEOUT_S for a lock, for reads and
    single writes, and one for ``transaction()``, which waits in its own steps (begin_immediate)."""

    def __init__(self, path: Path | str):
        self.in_memory = str(path) == ":memory:"
        if self.in_memory:  # one in-memory database shared by this store's threads
            self.path, self.uri = f"file:assistant-{next(_MEMORY)}?mode=memory&cache=shared", True
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.path, self.uri = str(path), False
        self._local = threading.local()
        self._keep: sqlite_utils.Database | None = self.db  # keeps a shared in-memory database alive
        self._create()

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection: inside a ``transaction()``, the one that holds it."""
        local = self._local
        db = getattr(local, "writing", None)
        if db is None:
            db = getattr(local, "db", None)
        if db is None:
            db = local.db = self._connect(BUSY_TIMEOUT_S)
        return db

    def _writer(self) -> sqlite_utils.Database:
        """This thread's connection for transactions. It never waits for a lock itself: SQLite's
        waits begin at a whole millisecond, and setting its wait to zero around each transaction
        on the reading connection cost two statements a save. An in-memory database shares one
        connection a thread (its locks are another kind, which SQLite does not wait for)."""
        writer = getattr(self._local, "writer", None)
        if writer is None:
            writer = self._local.writer = self.db if self.in_memory else self._connect(0)
        return writer

    def _connect(self, timeout: float) -> sqlite_utils.Database:
        """A connection that waits up to ``timeout`` for a lock. Its first statement waits the
        full BUSY_TIMEOUT_S whatever the timeout: reading the schema can meet the lock that the
        last connection to close takes to checkpoint, which no caller retries."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=self.uri)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        return db

    def close(self) -> None:
        """Close this thread's connections; using the store again opens others. A process that
        forks closes them first: an SQLite connection must not cross a fork."""
        local = self._local
        for db in {getattr(local, "db", None), getattr(local, "writer", None)}:
            if db is not None:
                db.conn.close()
        local.db = local.writer = local.writing = self._keep = None

    def _create(self) -> None:
        """The tables, once, even when several server processes start on a new file together."""
        for attempt in range(50):
            try:
                self._switch_to_wal()
                with self.transaction():
                    for name, (columns, pk) in SCHEMA.items():
                        self.db.table(name).create(columns, pk=pk, if_not_exists=True)
                        self._add_new_columns(name, columns)
                    for table, indexed, unique in INDEXES:
                        self.db.table(table).create_index(indexed, unique=unique, if_not_exists=True)
                    self._create_views()
                    self._group_unanswered()
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.1)

    def _add_new_columns(self, name: str, columns: dict) -> None:
        """Columns added to the schema since the table was made (turns.state)."""
        existing = {c.name for c in self.db[name].columns}
        for column, kind in columns.items():
            if column not in existing:
                self.db.table(name).add_column(column, kind)

    def _create_views(self) -> None:
        self._migrate_sessions()
        for name, (sql, _) in VIEWS.items():
            self.db.execute(f"create view if not exists {name} as {sql}")

    def _migrate_sessions(self) -> None:
        """A database from before the state moved onto the turns: each conversation's state is
        copied onto its last turn, then the sessions table makes way for the view. (Its created and
        updated times are those of the first and last turns; a session without turns, which no reply
        leaves, has nothing to keep.)"""
        if "sessions" not in self.db.table_names():
            return
        self.db.execute(
            "update turns set state = (select state from sessions where sessions.id = turns.session_id) "
            "where state is null and id in (select max(id) from turns group by session_id)"
        )
        self.db.execute("drop table sessions")

    def _group_unanswered(self) -> None:
        """A database from before unanswered questions were grouped as they arrived: its questions
        are grouped now, once (a look-up of the group_id index when there are none)."""
        from .grouping import group_ungrouped  # which reads this module's JSON writer

        group_ungrouped(self.db.conn)

    def _switch_to_wal(self) -> None:
        # WAL lets readers and one writer work together; the mode is kept in the file. Changing it
        # does not wait for other connections, hence the retries around it.
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")

    def transaction(self, timeout: float = BUSY_TIMEOUT_S):
        """``with store.transaction():`` — all or nothing, serialised with other writers: it waits up
        to ``timeout`` seconds for their transactions to end, then raises sqlite3.OperationalError."""
        return _Transaction(self, timeout)

    def insert(self, table: str, row: dict) -> None:
        """One row, in plain SQL: sqlite-utils' insert reads the table's schema first, which costs
        more than twice the insert itself on the paths that run per message. Columns must be the
        schema's. Written as ``write`` writes, waiting for other writers in short steps."""
        unknown = set(row) - set(SCHEMA[table][0])
        if unknown:
            raise ValueError(f"{table} has no column {', '.join(sorted(unknown))}")
        self.write(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))

    def write(self, sql: str, params=()) -> None:
        """One statement, all or nothing by itself (SQLite's own transaction), with the writers'
        short waits for the lock (``transaction()``'s); inside a transaction, one of its statements."""
        writing = getattr(self._local, "writing", None)
        if writing is not None:
            writing.conn.execute(sql, params)
        else:
            execute_when_free(self._writer().conn, sql, params, BUSY_TIMEOUT_S)

    def rows(self, table: str, where: str | None = None, params=(), order_by: str | None = None) -> list[dict]:
        return list(self.db[table].rows_where(where, params, order_by=order_by))

    def get(self, table: str, key) -> dict | None:
        """The row of a table or view by its key."""
        found = self.rows(table, f"{(SCHEMA.get(table) or VIEWS[table])[1]} = ?", [key])
        return found[0] if found else None


class _Transaction:
    """Every statement of the thread goes to the writer's connection until the end."""

    def __init__(self, store: Store, timeout: float):
        self.store, self.timeout = store, timeout

    def __enter__(self):
        writer = self.store._writer()
        begin_immediate(writer.conn, self.timeout)
        self.store._local.writing = writer
        return self

    def __exit__(self, kind, value, traceback):
        local = self.store._local
        writer, local.writing = local.writing, None
        writer.conn.execute("COMMIT" if kind is None else "ROLLBACK")
        return False


def begin_immediate(conn: sqlite3.Connection, timeout: float) -> None:
    """Take the write lock, waiting for other writers in steps of 50 microseconds and up."""
    execute_when_free(conn, "BEGIN IMMEDIATE", (), timeout)


def execute_when_free(conn: sqlite3.Connection, sql: str, params, timeout: float) -> None:
    """Run a statement that takes the write lock, waiting for other writers in steps of 50
    microseconds and up.

    SQLite's own busy handler first sleeps a whole millisecond, then longer: under load, a worker
    that found the other's commit under way lost 1 ms or more, on one save in twenty. Here the
    statement fails at once while the lock is taken (the writer's connection has no busy timeout)
    and is tried again after a short sleep.
    """
    deadline, wait = time.monotonic() + timeout, FIRST_WAIT_S
    while True:
        try:
            conn.execute(sql, params)
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() + wait > deadline:
                raise
        time.sleep(wait)
        wait = min(2 * wait, LONGEST_WAIT_S)
