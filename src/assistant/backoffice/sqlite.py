"""The database in one SQLite file (through sqlite-utils): the default, with nothing to set up.

WAL mode lets several server processes read while one writes. Each thread has its own connections
(a connection shared by threads would interleave their transactions): one that waits up to
BUSY_TIMEOUT_S for a lock, for reads and single writes, and one for ``transaction()``, which waits
in its own short steps (``execute_when_free``).
"""

import itertools
import sqlite3
import threading
import time
from pathlib import Path

import sqlite_utils

from . import migrations
from .schema import SCHEMA
from .store import BUSY_TIMEOUT_S, Store, checked_columns, marks

# The first wait for the write lock, doubled up to the last: another worker's commit holds the lock
# for some 50 microseconds.
FIRST_WAIT_S, LONGEST_WAIT_S = 50e-6, 5e-3

_MEMORY = itertools.count()


class SqliteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: Path | str):
        self.in_memory = str(path) == ":memory:"
        if self.in_memory:  # one in-memory database shared by this store's threads
            self.path, self.uri = f"file:assistant-{next(_MEMORY)}?mode=memory&cache=shared", True
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.path, self.uri = str(path), False
        self._local = threading.local()
        self._keep: sqlite_utils.Database | None = self.db  # keeps a shared in-memory database alive
        self._open()

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

    def _open(self) -> None:
        """WAL mode and the schema's latest version, even when several server processes start
        on a new file together."""
        for attempt in range(50):
            try:
                self._switch_to_wal()
                migrations.migrate(self)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.1)

    def _switch_to_wal(self) -> None:
        # WAL lets readers and one writer work together; the mode is kept in the file. Changing it
        # does not wait for other connections, hence the retries around it.
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")

    def tables(self) -> set[str]:
        return set(self.db.table_names())

    def columns(self, table: str) -> set[str]:
        return {c.name for c in self.db[table].columns}

    def transaction(self, timeout: float = BUSY_TIMEOUT_S):
        return _Transaction(self, timeout)

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.db.conn.execute(sql, params).fetchall()

    def records(self, sql: str, params=()) -> list[dict]:
        cursor = self.db.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def json_field(self, column: str, field: str) -> str:
        return f"json_extract({column}, '$.{field}')"

    def insert(self, table: str, row: dict) -> int | None:
        """One row, in plain SQL: sqlite-utils' insert reads the table's schema first, which costs
        more than twice the insert itself on the paths that run per message."""
        sql = f"insert into {table} ({checked_columns(table, row)}) values ({marks(row)})"
        cursor = self._execute(sql, list(row.values()))
        return cursor.lastrowid if SCHEMA[table][1] == "id" else None

    def write(self, sql: str, params=()) -> int:
        return self._execute(sql, params).rowcount

    def _execute(self, sql: str, params) -> sqlite3.Cursor:
        """With the writers' short waits for the lock (``transaction()``'s); inside a
        transaction, one of its statements."""
        writing = getattr(self._local, "writing", None)
        if writing is not None:
            return writing.conn.execute(sql, params)
        return execute_when_free(self._writer().conn, sql, params, BUSY_TIMEOUT_S)


class _Transaction:
    """Every statement of the thread goes to the writer's connection until the end."""

    def __init__(self, store: SqliteStore, timeout: float):
        self.store, self.timeout = store, timeout

    def __enter__(self):
        writer = self.store._writer()
        execute_when_free(writer.conn, "BEGIN IMMEDIATE", (), self.timeout)
        self.store._local.writing = writer
        return self

    def __exit__(self, kind, value, traceback):
        local = self.store._local
        writer, local.writing = local.writing, None
        writer.conn.execute("COMMIT" if kind is None else "ROLLBACK")
        return False


def execute_when_free(conn: sqlite3.Connection, sql: str, params, timeout: float) -> sqlite3.Cursor:
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
            return conn.execute(sql, params)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() + wait > deadline:
                raise
        time.sleep(wait)
        wait = min(2 * wait, LONGEST_WAIT_S)
