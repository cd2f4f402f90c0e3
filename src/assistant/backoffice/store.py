"""The assistant's database, behind one small interface with two implementations: SQLite
(``sqlite.py``, the default: one file beside the data, nothing to set up) and PostgreSQL
(``postgres.py``, for several app servers sharing one database).

What is stored: conversations (their turns), requests handed to the backend stubs and their outbox,
unanswered questions and their groups, feedback, the stub's accounts and grace-call ledger, one-time
codes, knowledge changes and versions, webhook replay keys (``schema.py``). Callers write SQL that
both dialects read: ``?`` placeholders, ``"user"`` quoted, no function of one engine only; every
write that must not be half done happens in one ``transaction()``.

``open_store(where)``: a ``postgresql://`` URL opens PostgreSQL, anything else is an SQLite file
(``:memory:`` a private in-memory database). Opening upgrades an older database (``migrations.py``).
"""

import time
from pathlib import Path

from .. import jsoncodec
from .schema import SCHEMA, VIEWS

# How long a statement waits for another connection's transaction before it fails; a write
# transaction waits as long for the write lock.
BUSY_TIMEOUT_S = 30


class StoreUnavailable(Exception):
    """The database cannot be reached (a server restarting): the request may be tried again."""


def now() -> str:
    """UTC to the second, as ``datetime.now(timezone.utc).isoformat(timespec="seconds")`` writes
    it, in half its time: every reply stamps its turn."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def to_json(value) -> str:
    return jsoncodec.dumps(value).decode()


def open_store(where: "Path | str") -> "Store":
    """The database at ``where``: a PostgreSQL URL, an SQLite file's path, or ``:memory:``."""
    if str(where).startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg is needed only then

        return PostgresStore(str(where))
    from .sqlite import SqliteStore

    return SqliteStore(where)


class Store:
    """What every backend offers. Subclasses implement ``query``, ``write``, ``insert``,
    ``transaction``, ``tables`` and ``close``; the rest is built on them."""

    dialect = ""  # "sqlite" or "postgresql"
    in_memory = False
    path = ""  # where it is, as open_store was given it (a URL without its password)

    def query(self, sql: str, params=()) -> list[tuple]:
        """Every row the statement selects, as tuples."""
        raise NotImplementedError

    def write(self, sql: str, params=()) -> int:
        """One statement, all or nothing by itself; inside a ``transaction()``, one of its
        statements. Returns how many rows it changed."""
        raise NotImplementedError

    def insert(self, table: str, row: dict) -> int | None:
        """One row, as ``write`` writes; returns its ``id`` for tables keyed by one."""
        raise NotImplementedError

    def records(self, sql: str, params=()) -> list[dict]:
        """Every row the statement selects, as dicts keyed by its columns' names."""
        raise NotImplementedError

    def json_field(self, column: str, field: str) -> str:
        """The SQL that reads ``field`` (a plain name) of the JSON object in ``column``, as text."""
        raise NotImplementedError

    def transaction(self, timeout: float = BUSY_TIMEOUT_S):
        """``with store.transaction():`` — all or nothing, serialised with other writers'
        transactions: it waits up to ``timeout`` seconds for theirs to end."""
        raise NotImplementedError

    def tables(self) -> set[str]:
        """The names of the database's tables."""
        raise NotImplementedError

    def close(self) -> None:
        """Close this process's (or thread's) connections; using the store again opens others."""
        raise NotImplementedError

    def one(self, sql: str, params=()) -> tuple | None:
        """The first row the statement selects, or None."""
        found = self.query(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params=()):
        """The first column of the first row (None when there is none)."""
        row = self.one(sql, params)
        return row[0] if row else None

    def insert_all(self, table: str, rows, ignore: bool = False) -> None:
        """Several rows (inside the caller's transaction, for all or none); with ``ignore``, a row
        whose key is taken is skipped."""
        conflict = " on conflict do nothing" if ignore else ""
        for row in rows:
            columns = checked_columns(table, row)
            self.write(f"insert into {table} ({columns}) values ({marks(row)}){conflict}", list(row.values()))

    def rows(self, table: str, where: str | None = None, params=(), order_by: str | None = None) -> list[dict]:
        """A table's or view's rows as dicts, filtered by ``where`` and sorted by ``order_by``."""
        names = list(SCHEMA[table][0]) if table in SCHEMA else VIEW_COLUMNS[table]
        sql = f"select {', '.join(quoted(n) for n in names)} from {table}"
        sql += f" where {where}" if where else ""
        sql += f" order by {order_by}" if order_by else ""
        return [dict(zip(names, row)) for row in self.query(sql, params)]

    def get(self, table: str, key) -> dict | None:
        """The row of a table or view by its key."""
        found = self.rows(table, f"{(SCHEMA.get(table) or VIEWS[table])[1]} = ?", [key])
        return found[0] if found else None

    def count(self, table: str, where: str | None = None, params=()) -> int:
        return self.value(f"select count(*) from {table}" + (f" where {where}" if where else ""), params)


VIEW_COLUMNS = {"sessions": ["id", "tenant", "lang", "state", "created", "updated"]}
RESERVED = {"user"}  # column names that PostgreSQL reserves: always written quoted


def quoted(name: str) -> str:
    return f'"{name}"' if name in RESERVED else name


def marks(row: dict) -> str:
    return ", ".join("?" * len(row))


def checked_columns(table: str, row: dict) -> str:
    """The row's columns as an insert names them; ValueError for a column the schema lacks."""
    unknown = set(row) - set(SCHEMA[table][0])
    if unknown:
        raise ValueError(f"{table} has no column {', '.join(sorted(unknown))}")
    return ", ".join(quoted(c) for c in row)
