"""Where confirmed requests go. One small interface per kind of request, ``submit(request) ->
receipt``, so that a real CRM, scheduler or mailer replaces a stub without touching the dialogue.

The stubs persist what such a system would receive: the request (validated against its JSON
Schema) and the notifications it would send, in an outbox table staff can read. Submitting the
same request twice (a retried HTTP call, a double click) returns the first receipt.
"""
import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from .ledger import Ledger
from .store import Store, now, to_json

PREFIXES = {"quote": "QUO", "demo": "DEM", "grace_call": "GRC", "contact": "CON"}
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Request:
    tenant: str
    kind: str
    payload: dict
    session_id: str
    lang: str
    key: str            # the same key means the same request


@dataclass(frozen=True)
class Receipt:
    reference: str | None   # None when the request was refused
    status: str             # "submitted", or "refused" by the backend
    duplicate: bool = False


@dataclass(frozen=True)
class Notice:
    recipient: str
    subject: str
    body: str


class Backend(Protocol):
    def submit(self, request: Request) -> Receipt: ...


@cache
def _schema(kind: str) -> dict:
    return json.loads((Path(__file__).parents[1] / "data" / "schemas" / "requests" / f"{kind}.json").read_text(encoding="utf-8"))


@cache
def validator(kind: str):
    """A kind of request's validator (a ``jsonschema.protocols.Validator``), its schema checked once
    per process: jsonschema.validate() checks the schema against its metaschema on every call, 5 ms,
    where a request takes 0.1. jsonschema is imported here, by the first request submitted: it
    took a sixth of `assistant ask`'s imports, for a question that submits nothing."""
    import jsonschema

    schema = _schema(kind)
    checker = jsonschema.validators.validator_for(schema)
    checker.check_schema(schema)
    return checker(schema)


def new_reference(kind: str) -> str:
    return f"{PREFIXES[kind]}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class StoredRequests:
    """The stub for quotes, demos and contact requests: a CRM table and an outbox."""

    def __init__(self, store: Store, notices):
        self.store = store
        self.notices = notices  # (request, reference) -> [Notice]: what a mailer would send

    def submit(self, request: Request) -> Receipt:
        validator(request.kind).validate(request.payload)
        with self.store.transaction():
            existing = self.store.rows("requests", "key = ?", [request.key])
            if existing:
                return Receipt(existing[0]["reference"], existing[0]["status"], duplicate=True)
            if not self.admits(request):
                return Receipt(None, "refused")
            reference = new_reference(request.kind)
            self._insert(request, reference)
            self.after_insert(request, reference)
        return Receipt(reference, "submitted")

    def _insert(self, request: Request, reference: str) -> None:
        created = now()
        self.store.db["requests"].insert({
            "reference": reference, "key": request.key, "tenant": request.tenant, "kind": request.kind,
            "status": "submitted", "payload": to_json(request.payload), "session_id": request.session_id,
            "lang": request.lang, "created": created})
        self.store.db["outbox"].insert_all({
            "reference": reference, "tenant": request.tenant, "kind": "email", "recipient": n.recipient,
            "subject": n.subject, "body": n.body, "lang": request.lang, "created": created}
            for n in self.notices(request, reference))

    def admits(self, request: Request) -> bool:
        """Whether the request may be booked, decided inside the transaction that books it."""
        return True

    def after_insert(self, request: Request, reference: str) -> None:
        """What else the same transaction records (the grace-call ledger)."""


class GraceCalls(StoredRequests):
    """The stub for grace calls: the request, its notices, and a use in the ledger."""

    def __init__(self, store: Store, notices, ledger: Ledger):
        super().__init__(store, notices)
        self.ledger = ledger

    def admits(self, request: Request) -> bool:
        """A call is left on the account, counted in the same transaction that books it: of several
        conversations confirming at once on an account with one call left, one books it."""
        standing = self.ledger.standing(request.payload["account"])
        return standing is not None and standing.eligible and standing.remaining > 0

    def after_insert(self, request: Request, reference: str) -> None:
        self.ledger.record_use(request.payload["account"], reference)
