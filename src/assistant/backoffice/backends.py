"""Where confirmed requests go. One small interface per kind of request, ``submit(request) ->
receipt``, so that a real CRM, scheduler or mailer replaces a stub without touching the dialogue.

The stubs persist what such a system would receive: the request (validated against its JSON
Schema) and the notifications it would send, in an outbox table staff can read. Submitting the
same request twice (a retried HTTP call, a double click) returns the first receipt.

The kinds of request are the forms that submit (``intents/forms.yml``: their reference prefix,
who is told, their backend, and a schema made from their slots), and the one request every
project has: a visitor's request to talk to a person (``HANDOFF``).
"""

import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from ..data.forms import FormSet, request_schema
from .ledger import Ledger
from .store import Store, now, to_json

HANDOFF = "contact"  # the kind of a request to talk to a person (core.py files it)
SCHEMAS = Path(__file__).parents[1] / "data" / "schemas" / "requests"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Kind:
    """A kind of request: how its references start, who is told of one (a key of the tenant's
    ``notify``, or ``account_manager``), which backend takes it, and what it must hold (its JSON
    Schema, as JSON text)."""

    name: str
    prefix: str
    notify: str
    backend: str
    schema: str


def request_kinds(forms: FormSet, intents) -> dict[str, Kind]:
    """Every kind of request: each form that submits, and the handoff to a person."""
    kinds = {
        f.name: Kind(
            f.name,
            f.reference_prefix,
            f.notify or "sales",
            f.backend,
            json.dumps(request_schema(f, forms.slots, lambda s: intents.lookup_values(s).keys())),
        )
        for f in forms.submitting()
    }
    kinds[HANDOFF] = Kind(
        HANDOFF, "CON", "support", "stored", (SCHEMAS / f"{HANDOFF}.json").read_text(encoding="utf-8")
    )
    return kinds


@dataclass(frozen=True)
class Request:
    tenant: str
    kind: str
    payload: dict
    session_id: str
    lang: str
    key: str  # the same key means the same request


@dataclass(frozen=True)
class Receipt:
    reference: str | None  # None when the request was refused
    status: str  # "submitted", or "refused" by the backend
    duplicate: bool = False


@dataclass(frozen=True)
class Notice:
    recipient: str
    subject: str
    body: str


class Backend(Protocol):
    def submit(self, request: Request) -> Receipt: ...


@cache
def validator(schema: str):
    """The validator of a schema given as JSON text (a ``jsonschema.protocols.Validator``), the
    schema checked once per process: jsonschema.validate() checks the schema against its metaschema
    on every call, 5 ms, where a request takes 0.1. jsonschema is imported here, by the first
    request submitted: it took a sixth of `assistant ask`'s imports, for a question that submits
    nothing."""
    import jsonschema

    parsed = json.loads(schema)
    checker = jsonschema.validators.validator_for(parsed)
    checker.check_schema(parsed)
    return checker(parsed)


def new_reference(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class StoredRequests:
    """The stub for most kinds of request (quotes, demos, contact requests…): a CRM table and an outbox."""

    def __init__(self, store: Store, notices, kind: Kind):
        self.store = store
        self.notices = notices  # (request, reference) -> [Notice]: what a mailer would send
        self.kind = kind

    def submit(self, request: Request) -> Receipt:
        validator(self.kind.schema).validate(request.payload)
        with self.store.transaction():
            existing = self.store.rows("requests", "key = ?", [request.key])
            if existing:
                return Receipt(existing[0]["reference"], existing[0]["status"], duplicate=True)
            if not self.admits(request):
                return Receipt(None, "refused")
            reference = new_reference(self.kind.prefix)
            self._insert(request, reference)
            self.after_insert(request, reference)
        return Receipt(reference, "submitted")

    def _insert(self, request: Request, reference: str) -> None:
        created = now()
        self.store.insert(
            "requests",
            {
                "reference": reference,
                "key": request.key,
                "tenant": request.tenant,
                "kind": request.kind,
                "status": "submitted",
                "payload": to_json(request.payload),
                "session_id": request.session_id,
                "lang": request.lang,
                "created": created,
                "seq": self.store.value("select coalesce(max(seq), 0) + 1 from requests"),
            },
        )
        self.store.insert_all(
            "outbox",
            (
                {
                    "reference": reference,
                    "tenant": request.tenant,
                    "kind": "email",
                    "recipient": n.recipient,
                    "subject": n.subject,
                    "body": n.body,
                    "lang": request.lang,
                    "created": created,
                }
                for n in self.notices(request, reference)
            ),
        )

    def admits(self, request: Request) -> bool:
        """Whether the request may be booked, decided inside the transaction that books it."""
        return True

    def after_insert(self, request: Request, reference: str) -> None:
        """What else the same transaction records (the grace-call ledger)."""


class GraceCalls(StoredRequests):
    """The stub of a form whose backend is the tenant's ledger (grace calls): the request, its
    notices, and a use in the ledger."""

    def __init__(self, store: Store, notices, kind: Kind, ledger: Ledger):
        super().__init__(store, notices, kind)
        self.ledger = ledger

    def admits(self, request: Request) -> bool:
        """A call is left on the account, counted in the same transaction that books it: of several
        conversations confirming at once on an account with one call left, one books it."""
        standing = self.ledger.standing(request.payload["account"])
        return standing is not None and standing.eligible and standing.remaining > 0

    def after_insert(self, request: Request, reference: str) -> None:
        self.ledger.record_use(request.payload["account"], reference)
