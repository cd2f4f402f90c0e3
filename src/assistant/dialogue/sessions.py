"""Conversation state: which tenant, which language so far, the form in progress, what was said."""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from .. import patterns
from ..backoffice.store import Store, now, quoted, to_json


class FormState(TypedDict):
    """The form in progress, as the conversation's state stores it."""

    name: str  # the form's name in intents/forms.yml
    slots: dict[str, Any]  # the values given so far, by slot
    status: str  # collecting, verifying or confirming
    pending: str | None  # the slot asked for last, which may take free text
    key: str  # the request's idempotency key: one request however often it is confirmed
    answers: NotRequired[str]  # the entry a form that submits nothing answers once complete
    proof: NotRequired[dict[str, Any]]  # the code sent to prove the verified slot: value, challenge


@dataclass
class Session:
    id: str
    tenant: str
    lang: str | None = None
    turns: list[dict] = field(default_factory=list)  # this process's new turns, until saved
    form: FormState | None = None
    last_form: dict | None = None  # the last form that ended: name, status, reference
    last_type: str | None = None  # the type of the last reply
    forms_started: int = 0
    proven: dict = field(default_factory=dict)  # account -> until when (epoch seconds) it is proven here

    def in_progress(self) -> FormState:
        """The form in progress, for the steps that only run inside one."""
        if self.form is None:
            raise RuntimeError("no form in progress")
        return self.form

    def state(self) -> dict:
        state = {
            "form": self.form,
            "last_form": self.last_form,
            "last_type": self.last_type,
            "forms_started": self.forms_started,
        }
        if self.proven:  # most conversations prove nothing: their state stays as it was
            state["proven"] = self.proven
        return state


# The two namespaces of conversation ids. Public ids are issued by the server to a widget or an API
# client, which sends them back; a chat platform's ids are derived by the server from the platform's
# own user ids under a secret key, and hold a dot, which public ids cannot.
_PUBLIC_ID = patterns.compile(r"[A-Za-z0-9_-]{8,64}")
_KEYED_ID = patterns.compile(r"[a-z]{1,16}\.[0-9a-f]{40}")
RANDOM_BYTES = 16  # 128 random bits in every public id


def new_id() -> str:
    """A new conversation's id: when it began, in microseconds, then 128 random bits. Ids that grow
    with time go in at the end of the database's indexes, where random ones would touch another of
    their pages for each new conversation, pages that must be read first once the database is
    large; the random part keeps an id unguessable."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(RANDOM_BYTES)}"


def valid_id(session_id: str | None) -> bool:
    """Whether an id has the form of a public id (one the server may have issued to a client)."""
    return bool(session_id) and _PUBLIC_ID.fullmatch(session_id) is not None


def keyed_id(secret: str, platform: str, *parts: str | None) -> str:
    """A chat platform user's conversation id: an HMAC of the platform, its team, its user and the
    tenant under the server's secret, so that nobody who knows those public ids can compute it."""
    message = "\x1f".join([platform, *(p or "" for p in parts)]).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{platform}.{digest[:40]}"


def is_keyed_id(session_id: str | None) -> bool:
    return bool(session_id) and _KEYED_ID.fullmatch(session_id) is not None


TURN_COLUMNS = ("session_id", "tenant", "at", "lang", "user", "assistant", "type", "intent", "state")


def add_turns(count: int) -> str:
    """One insert of ``count`` turns: all of them saved, or none."""
    row = "(" + ", ".join("?" * len(TURN_COLUMNS)) + ")"
    return f"insert into turns ({', '.join(quoted(c) for c in TURN_COLUMNS)}) values " + ", ".join([row] * count)


ADD_TURN = add_turns(1)  # a reply's


class StoredSessions:
    """Sessions in the database: a conversation survives a restart of the server."""

    def __init__(self, store: Store):
        self.store = store

    def open(self, tenant: str, session_id: str | None, keyed: bool = False) -> Session:
        """The conversation ``session_id`` of this tenant, as its last turn left it. An id the server
        never issued, or another tenant's, is never adopted: a new conversation starts, with a new
        id. ``keyed``: the id is a chat platform's (``keyed_id``), derived by the server itself, so
        an unknown one starts the conversation under that id."""
        acceptable = is_keyed_id(session_id) if keyed else valid_id(session_id)
        known = session_id if acceptable else None
        row = self._row(known) if known else None
        if row is not None and row["tenant"] == tenant:
            state = json.loads(row["state"] or "{}")
            return Session(id=row["id"], tenant=tenant, lang=row["lang"], **state)
        return Session(id=known if keyed and known and row is None else new_id(), tenant=tenant)

    def save(self, session: Session) -> None:
        """The new turns in one insert, each with the conversation's state as this save leaves it:
        this runs on every message. A conversation is saved with its turns (a reply adds one)."""
        count = len(session.turns)
        if not count:
            return
        stamp, state = now(), to_json(session.state())
        params = [
            value
            for t in session.turns
            for value in (
                session.id,
                session.tenant,
                stamp,
                t["lang"],
                t["user"],
                t["assistant"],
                t["type"],
                t["intent"],
                state,
            )
        ]
        self.store.write(ADD_TURN if count == 1 else add_turns(count), params)
        session.turns = []

    def _row(self, session_id: str) -> dict | None:
        """The conversation as its last turn left it."""
        found = self.store.one(
            "select session_id, tenant, lang, state from turns where session_id = ? order by id desc limit 1",
            [session_id],
        )
        return dict(zip(("id", "tenant", "lang", "state"), found)) if found else None
