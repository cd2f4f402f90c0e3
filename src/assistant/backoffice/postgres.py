"""The database on a PostgreSQL server (psycopg 3 and its connection pool), for several app
servers sharing one database: ``ASSISTANT_DATABASE_URL=postgresql://…``.

Callers' SQL is the SQLite dialect's subset that PostgreSQL reads too; only its ``?`` placeholders
are rewritten (``%s``). Write transactions are serialised by one advisory lock, as SQLite's single
writer serialises them: code that reads then writes in a transaction (a grace call counted against
the ledger, an unanswered question joining a group) sees no other transaction's writes meanwhile,
on either backend.

While the server cannot be reached, every call raises ``StoreUnavailable`` (a 503 for HTTP
clients), and the connection that failed is dropped; the pool checks a connection idle for more
than RECHECK_AFTER_S before lending it, so it reconnects once the server is back, without a
restart. (Checking every loan cost a round trip each: a third of a query, several times a request.)
Each process opens its own pool on first use (none crosses a fork).
"""

import functools
import os
import threading
import time
import weakref
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from . import migrations
from .schema import SCHEMA
from .store import BUSY_TIMEOUT_S, Store, StoreUnavailable, checked_columns, marks

POOL_SIZE = 4  # connections per process: a sync worker uses one at a time, threads a few more
CONNECT_TIMEOUT_S = 3  # how long a request waits for a connection before its 503
RECONNECT_TIMEOUT_S = 2
RECHECK_AFTER_S = 1.0  # a connection back in the pool for longer is checked before it is lent again
WRITERS_LOCK = 0x61737374  # the advisory lock every write transaction takes ("asst")


class PostgresStore(Store):
    dialect = "postgresql"

    def __init__(self, url: str):
        self.url, self.path = url, without_password(url)
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._local = threading.local()
        migrations.migrate(self)

    def pool(self) -> ConnectionPool:
        if self._pid != os.getpid():
            self._pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT_S,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                check=check_if_idle,
                reset=mark_returned,
                # Gives up reconnecting soon, so that its retries never wait long: the next request
                # then connects at once, and finds the server back as soon as it is.
                reconnect_timeout=RECONNECT_TIMEOUT_S,
                name=f"assistant-{os.getpid()}",
                open=True,
            )
            self._pid = os.getpid()
        assert self._pool is not None
        return self._pool

    @contextmanager
    def connection(self):
        """The transaction's connection inside one, else one lent by the pool for one call."""
        writing = getattr(self._local, "writing", None)
        if writing is not None:
            yield writing
            return
        with self.unavailable_when_down():
            with self.pool().connection() as conn:
                yield conn

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.connection() as conn, self.unavailable_when_down():
            return conn.execute(dialect(sql), params).fetchall()

    def records(self, sql: str, params=()) -> list[dict]:
        with self.connection() as conn, self.unavailable_when_down():
            cursor = conn.execute(dialect(sql), params)
            names = [d.name for d in cursor.description or ()]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def json_field(self, column: str, field: str) -> str:
        return f"({column}::json ->> '{field}')"

    def write(self, sql: str, params=()) -> int:
        with self.connection() as conn, self.unavailable_when_down():
            return conn.execute(dialect(sql), params).rowcount

    def insert(self, table: str, row: dict) -> int | None:
        keyed = SCHEMA[table][1] == "id"
        sql = f"insert into {table} ({checked_columns(table, row)}) values ({marks(row)})"
        with self.connection() as conn, self.unavailable_when_down():
            cursor = conn.execute(dialect(sql + (" returning id" if keyed else "")), list(row.values()))
            return cursor.fetchone()[0] if keyed else None

    def tables(self) -> set[str]:
        return {
            name
            for (name,) in self.query(
                "select table_name from information_schema.tables "
                "where table_schema = current_schema() and table_type = 'BASE TABLE'"
            )
        }

    def columns(self, table: str) -> set[str]:
        found = self.query(
            "select column_name from information_schema.columns where table_schema = current_schema() "
            "and table_name = ?",
            [table],
        )
        return {name for (name,) in found}

    @contextmanager
    def transaction(self, timeout: float = BUSY_TIMEOUT_S):
        if getattr(self._local, "writing", None) is not None:
            raise RuntimeError("a transaction inside another")
        with self.unavailable_when_down(), self.pool().connection() as conn:
            with conn.transaction():
                conn.execute(f"set local lock_timeout = {int(timeout * 1000)}")
                conn.execute("select pg_advisory_xact_lock(%s)", [WRITERS_LOCK])
                self._local.writing = conn
                try:
                    yield self
                finally:
                    self._local.writing = None

    @contextmanager
    def unavailable_when_down(self):
        """The server down, restarting or out of connections: StoreUnavailable, which callers
        answer with a 503 (the transaction, if any, rolled back). The pool's other idle
        connections are checked then, so that those the server dropped too are not lent again."""
        try:
            yield
        except (psycopg.OperationalError, PoolTimeout) as error:  # a lock not had in time is one too
            if self._pool is not None and self._pid == os.getpid():
                self._pool.check()
            raise StoreUnavailable(first_line(error)) from error

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool, self._pid = None, 0


_returned: "weakref.WeakKeyDictionary[psycopg.Connection, float]" = weakref.WeakKeyDictionary()


def mark_returned(conn: psycopg.Connection) -> None:
    _returned[conn] = time.monotonic()


def check_if_idle(conn: psycopg.Connection) -> None:
    """The pool's check, for a connection idle long enough for the server to have gone meanwhile."""
    if time.monotonic() - _returned.get(conn, 0.0) > RECHECK_AFTER_S:
        ConnectionPool.check_connection(conn)


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@functools.lru_cache(maxsize=1024)
def dialect(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled). The callers'
    SQL has no ``?`` inside a string literal."""
    return sql.replace("%", "%%").replace("?", "%s")


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
