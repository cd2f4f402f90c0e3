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


TURN_COLUMNS = ("session_id", "tenant", "at", "lang", "user", "assistant", "type", "intent", "state")


def add_turns(count: int) -> str:
    """One insert of ``count`` turns: all of them saved, or none."""
    row = "(" + ", ".join("?" * len(TURN_COLUMNS)) + ")"
    return f"insert into turns ({', '.join(TURN_COLUMNS)}) values " + ", ".join([row] * count)


ADD_TURN = add_turns(1)  # a reply's


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
        """The new turns in one insert, each with the conversation's state as this save leaves it:
        this runs on every message. A conversation is saved with its turns (a reply adds one)."""
        count = len(session.turns)
        if not count:
            return
        stamp, state = now(), to_json(session.state())
        params = [value for t in session.turns for value in
                  (session.id, session.tenant, stamp, t["lang"], t["user"], t["assistant"], t["type"], t["intent"], state)]
        self.store.write(ADD_TURN if count == 1 else add_turns(count), params)
        session.turns = []

    def _row(self, session_id: str) -> dict | None:
        """The conversation as its last turn left it."""
        found = self.store.db.conn.execute("select session_id, tenant, lang, state from turns where session_id = ? "
                                           "order by id desc limit 1", [session_id]).fetchone()
        return dict(zip(("id", "tenant", "lang", "state"), found)) if found else None

    def transcript(self, session_id: str) -> list[dict]:
        return [{"user": t["user"], "assistant": t["assistant"]}
                for t in self.store.rows("turns", "session_id = ?", [session_id], order_by="id")]
