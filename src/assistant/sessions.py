"""Conversation state: which tenant, which language so far, the form in progress, what was said."""
import json
import re
import secrets
import time
from dataclasses import dataclass, field

from .store import Store, now, to_json


@dataclass
class Session:
    id: str
    tenant: str
    lang: str | None = None
    turns: list[dict] = field(default_factory=list)   # this process's new turns, until saved
    form: dict | None = None        # the form in progress: name, slots, status, pending, key
    last_form: dict | None = None   # the last form that ended: name, status, reference
    last_type: str | None = None    # the type of the last reply
    forms_started: int = 0

    def state(self) -> dict:
        return {"form": self.form, "last_form": self.last_form, "last_type": self.last_type,
                "forms_started": self.forms_started}


_VALID_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def new_id() -> str:
    """A new conversation's id: when it began, in microseconds, then 80 random bits. Ids that grow
    with time go in at the end of the database's indexes, where random ones would touch another of
    their pages for each new conversation, pages that must be read first once the database is
    large; the random part keeps an id unguessable."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(10)}"


def valid_id(session_id: str | None) -> bool:
    return bool(session_id) and _VALID_ID.fullmatch(session_id) is not None


SAVE_SESSION = ("insert into sessions (id, tenant, lang, state, created, updated) values (?, ?, ?, ?, ?, ?) "
                "on conflict(id) do update set lang = excluded.lang, state = excluded.state, updated = excluded.updated")
ADD_TURN = ("insert into turns (session_id, tenant, at, lang, user, assistant, type, intent) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)")


class SqliteSessions:
    """Sessions in the database: a conversation survives a restart of the server."""

    def __init__(self, store: Store):
        self.store = store

    def open(self, tenant: str, session_id: str | None) -> Session:
        row = self._row(session_id) if valid_id(session_id) else None
        if row is not None and row["tenant"] == tenant:
            state = json.loads(row["state"] or "{}")
            return Session(id=row["id"], tenant=tenant, lang=row["lang"], **state)
        reuse = valid_id(session_id) and row is None
        return Session(id=session_id if reuse else new_id(), tenant=tenant)

    def save(self, session: Session) -> None:
        """One transaction per reply, in plain SQL: this runs on every message."""
        stamp = now()
        with self.store.transaction():
            conn = self.store.db.conn  # the transaction's
            conn.execute(SAVE_SESSION, [session.id, session.tenant, session.lang, to_json(session.state()), stamp, stamp])
            conn.executemany(ADD_TURN, [(session.id, session.tenant, stamp, t["lang"], t["user"], t["assistant"],
                                         t["type"], t["intent"]) for t in session.turns])
        session.turns = []

    def _row(self, session_id: str) -> dict | None:
        found = self.store.db.conn.execute("select id, tenant, lang, state from sessions where id = ?",
                                           [session_id]).fetchone()
        return dict(zip(("id", "tenant", "lang", "state"), found)) if found else None

    def transcript(self, session_id: str) -> list[dict]:
        return [{"user": t["user"], "assistant": t["assistant"]}
                for t in self.store.rows("turns", "session_id = ?", [session_id], order_by="id")]
