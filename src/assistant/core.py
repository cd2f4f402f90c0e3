"""The one core every channel calls: ``Assistant.load()`` then ``assistant.reply(...)``."""

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from . import bundle as models
from . import paths as config
from . import patterns
from .backoffice import transcripts
from .backoffice.backends import Request
from .backoffice.locks import ConversationLocks
from .backoffice.records import Backoffice
from .backoffice.store import Store, open_store
from .data.citations import source_of
from .data.intents import FORM_CONTROL, HUMAN, SMALLTALK
from .data.knowledge import Entry, Tenant
from .dialogue.answers import answer_text, fill, follow_ups, question_in
from .dialogue.compute import compute
from .dialogue.forms import Forms, Turn
from .dialogue.policy import THRESHOLD, decide, is_entry
from .dialogue.sessions import Session, StoredSessions
from .dialogue.slots import EMAIL
from .errors import MessageTooLong, UnknownTenant
from .nlu.concepts import Concepts
from .reply import Action, Reply
from .staff.lookup import Match, matches
from .text.clean import clean, without_contacts
from .text.dates import day_of

MAX_MESSAGE = 2000
TOO_LONG_PREVIEW = 300  # characters of an overlong message read to tell its language
CLAUSES = patterns.compile(r"[.?!;:\n]+|,\s+")
log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Assistant:
    def __init__(self, bundle: models.Bundle, store: Store, clock=utc_now):
        self.store = store
        self.clock = clock
        self.sessions = StoredSessions(store)
        self.locks = ConversationLocks(lock_file(store))
        self.use(bundle)

    def use(self, bundle: models.Bundle) -> None:
        """Answer from ``bundle`` from the next message on: a tenant's knowledge as staff published
        it (curation/live.py). Called between requests: a worker answers one request at a time."""
        self.bundle = bundle
        self.tenants = bundle.tenants
        self.intents = bundle.intents
        self.models = bundle.models
        self.backoffice = Backoffice(self.store, self.tenants, self.intents, bundle.forms, self.clock)
        self.forms = Forms(bundle.forms, self.intents, self.backoffice, self.response, self._answer)
        self.concepts = Concepts(bundle.concepts, bundle.concept_owners)

    @classmethod
    def load(
        cls, root: Path | str | None = None, data: Path | str | None = None, db: Path | str | None = None, clock=utc_now
    ) -> "Assistant":
        """Read knowledge/ and intents/ (from the cache when unchanged) and open the database:
        ``db`` (a file or a PostgreSQL URL), else ASSISTANT_DATABASE_URL, else ASSISTANT_DB, else
        ``assistant.db`` in the data folder."""
        root = Path(root) if root else config.project_root()
        data = Path(data or config.data_dir(root))
        where = db or os.environ.get("ASSISTANT_DATABASE_URL") or os.environ.get("ASSISTANT_DB")
        store = open_store(where or data / "assistant.db")
        return cls(models.load_bundle(root, data / "cache"), store, clock)

    # -- the core --------------------------------------------------------------------------------

    def reply(
        self,
        tenant: str,
        session_id: str | None,
        message: str,
        lang: str | None = None,
        hint: str | None = None,
        keyed: bool = False,
    ) -> Reply:
        """Answer one message of a conversation. ``session_id``: one this server issued (an unknown
        one starts a new conversation), or with ``keyed`` a chat platform's (``sessions.keyed_id``).
        ``lang`` forces the language; ``hint`` is the page's. Two messages of one conversation are
        answered one after the other, whichever process receives them."""
        t = self.tenant(tenant)
        message = message or ""
        if len(message) > MAX_MESSAGE:  # before any work is spent on it
            raise self._too_long(t, message, lang, hint)
        if not session_id:
            return self._reply_in(self.sessions.open(t.id, None), t, message, lang, hint)
        with self.locks.hold(session_id):
            return self._reply_in(self.sessions.open(t.id, session_id, keyed), t, message, lang, hint)

    def _too_long(self, tenant: Tenant, message: str, lang: str | None, hint: str | None) -> MessageTooLong:
        """The error in the visitor's language, read from the message's first words only."""
        lang = self.models.detector.detect(
            clean(message[:TOO_LONG_PREVIEW]), explicit=lang, hint=hint, languages=tenant.languages
        )
        return MessageTooLong("message_too_long", self.response("utter_too_long", lang, tenant, limit=MAX_MESSAGE))

    def _reply_in(self, session: Session, t: Tenant, message: str, lang: str | None, hint: str | None) -> Reply:
        text = clean(message)
        plain = without_contacts(text)  # what the message says, for its language and its meaning
        lang = self.models.detector.detect(
            plain,
            explicit=lang,
            conversation=session.lang,
            hint=hint,
            settled=session.form is not None,
            languages=t.languages,
        )
        result = self._respond(t, session, text, plain, lang)
        session.lang, session.last_type = lang, result.type
        session.turns.append(
            {"user": text, "assistant": result.reply, "type": result.type, "intent": result.intent, "lang": lang}
        )
        self.sessions.save(session)
        return result

    def _respond(self, tenant: Tenant, session: Session, text: str, plain: str, lang: str) -> Reply:
        if not text:
            return self._reply(session, lang, "smalltalk", self.response("utter_empty", lang, tenant))
        candidates = self.read_intent(tenant.id, plain, lang, gives_contacts=EMAIL.search(text) is not None)
        best = candidates[0] if candidates and candidates[0].confidence >= THRESHOLD else None
        turn = Turn(tenant, session, text, lang, best.intent if best else None, best.confidence if best else 0.0)
        if session.form:
            return self.forms.step(turn)
        repeated = self.forms.repeat_submission(turn)
        if repeated:
            return repeated
        decision = decide(candidates, actions=self.bundle.forms.action_intents)
        if decision.kind == "fallback" or self.concepts.foreign(tenant.id, plain):
            return self._fallback(tenant, session, text, lang, candidates)
        if decision.kind == "clarify":
            return self._clarify(tenant, session, lang, decision)
        return self._for_intent(turn)

    def rank(self, tenant: str, text: str, lang: str):
        return self.models.matchers[tenant].rank(self.models.normaliser_for(tenant).tokens(text, lang), text=text)

    def read_intent(self, tenant: str, text: str, lang: str, gives_contacts: bool = False):
        """The ranked intents of a message. When the whole message reads as small talk or as
        nothing known, its clauses are read one by one: "Bonjour, j'aimerais un appel de grâce" is
        a request, and "hi, can I get a quote? I'm Sarah Miller, …" too. A message that gives
        contact details is read by clauses as well: "quote please: Karim, karim@x.dz, in dinars"
        asks for a quote, whatever entry its details bring to mind."""
        whole = self.rank(tenant, text, lang)
        if whole and whole[0].confidence >= THRESHOLD and whole[0].intent not in SMALLTALK and not gives_contacts:
            return whole
        clauses = [c for c in CLAUSES.split(text) if c.strip()]
        if len(clauses) < 2:
            return whole
        readings = [self.rank(tenant, c, lang) for c in clauses]
        actions = self.bundle.forms.action_intents
        wanted = [r for r in readings if r and r[0].confidence >= THRESHOLD and r[0].intent in actions]
        return max(wanted, key=lambda r: r[0].confidence) if wanted else whole

    def _for_intent(self, turn: Turn) -> Reply:
        tenant, session, text, lang, intent = turn.tenant, turn.session, turn.text, turn.lang, turn.intent
        assert intent is not None  # the matcher's best intent, above the threshold
        if is_entry(intent, self.bundle.forms.action_intents):
            entry = tenant.entries[intent]
            proving = (entry.computed or {}).get("form")
            if proving and self.forms.unproven_value(turn, proving):  # about an account not proven here
                return self.forms.start(turn, proving, answers=entry.id)
            return self._answer(tenant, session, text, lang, entry, turn.confidence)
        if intent == HUMAN or (intent == "affirm" and session.last_type == "fallback"):
            return self._handoff(turn)
        if intent in SMALLTALK or intent in FORM_CONTROL:
            topics = self.intents.topic_names({e.topic for e in tenant.entries.values()}, lang)
            key = f"utter_{intent}" if intent in SMALLTALK else "utter_anything_else"
            return self._reply(
                session, lang, "smalltalk", self.response(key, lang, tenant, topics=topics), intent, turn.confidence
            )
        if intent in self.bundle.forms.action_intents:
            return self._action(turn, intent)
        return self._fallback(tenant, session, text, lang, [])

    def _action(self, turn: Turn, intent: str) -> Reply:
        action = turn.tenant.action(intent)
        if not action:
            return self._fallback(turn.tenant, turn.session, turn.text, turn.lang, [])
        if "entry" in action:
            entry = turn.tenant.entries[action["entry"]]
            return self._answer(turn.tenant, turn.session, turn.text, turn.lang, entry, turn.confidence, turn.intent)
        return self.forms.start(turn, action["form"])

    def _answer(
        self,
        tenant: Tenant,
        session: Session,
        text: str,
        lang: str,
        entry: Entry,
        confidence: float,
        intent: str | None = None,
    ) -> Reply:
        values = self._computed(entry, text, tenant, lang, session)
        if values and "response" in values:
            reply = self.response(values.pop("response"), lang, tenant, **values)
        elif values and entry.computed:
            reply = fill(entry.computed[values.pop("reply", "reply")][lang], tenant, lang, values)
        else:
            reply = answer_text(entry, tenant, lang)
        return self._reply(
            session,
            lang,
            "answer",
            reply,
            intent or entry.qualified_id,
            confidence,
            suggestions=follow_ups(entry, tenant, lang),
            sources=[source_of(entry, tenant, lang)],
        )

    def _computed(self, entry: Entry, text: str, tenant: Tenant, lang: str, session: Session) -> dict | None:
        if not entry.computed:
            return None
        proving = entry.computed.get("form")
        verified = self.bundle.forms[proving].verify if proving and proving in self.bundle.forms else None
        return compute(
            entry.computed,
            text,
            tenant,
            lang,
            ledger=self.backoffice.ledger(tenant.id),
            proven=self.forms.proofs.proven(session),
            today=day_of(self.clock()),
            account=self.bundle.forms.slots.get(verified) if verified else None,
        )

    def _handoff(self, turn: Turn) -> Reply:
        """A contact request that refers to the conversation (transcripts.py) rather than copying it:
        a conversation that asks for a person again and again is stored once."""
        session = turn.session
        conversation = transcripts.reference(self.store, session.id)
        request = Request(
            turn.tenant.id,
            "contact",
            {"conversation": conversation},
            session.id,
            turn.lang,
            f"{session.id}:contact:after:{conversation['last_turn']}",
        )
        receipt = self.backoffice.submit(request)
        text = " ".join(
            [
                self.response("utter_handoff", turn.lang, turn.tenant),
                self.response("utter_handoff_reference", turn.lang, turn.tenant, reference=receipt.reference),
            ]
        )
        return self._reply(
            session,
            turn.lang,
            "handoff",
            text,
            HUMAN,
            turn.confidence,
            action=Action("contact", "submitted", receipt.reference),
        )

    def _clarify(self, tenant: Tenant, session: Session, lang: str, decision) -> Reply:
        questions = [
            question_in(tenant.entries[c.intent], lang, tenant.languages) for c in (decision.best, decision.other)
        ]
        reply = self.response("utter_clarify", lang, tenant, options=" / ".join(questions))
        return self._reply(session, lang, "clarify", reply, None, decision.best.confidence, suggestions=questions)

    def _fallback(self, tenant: Tenant, session: Session, text: str, lang: str, candidates) -> Reply:
        self.backoffice.log_unanswered(tenant.id, lang, text, candidates, session.id)
        confidence = candidates[0].confidence if candidates else 0.0
        return self._reply(
            session,
            lang,
            "fallback",
            self.response("utter_fallback", lang, tenant),
            None,
            confidence,
            suggestions=[self.response("utter_ask_human_label", lang, tenant)],
        )

    @staticmethod
    def _reply(
        session: Session, lang: str, kind: str, text: str, intent: str | None = None, confidence: float = 0.0, **extra
    ) -> Reply:
        return Reply(
            session_id=session.id, reply=text, lang=lang, type=kind, intent=intent, confidence=confidence, **extra
        )

    # -- helpers shared with the channels -------------------------------------------------------------

    def tenant(self, tenant_id: str) -> Tenant:
        if tenant_id not in self.tenants:
            names = ", ".join(sorted(self.tenants))
            raise UnknownTenant(
                "unknown_tenant",
                f"Unknown tenant {tenant_id!r}; tenants: {names}. / Client inconnu {tenant_id!r} ; clients : {names}.",
            )
        return self.tenants[tenant_id]

    def response(self, key: str, lang: str, tenant: Tenant, **values) -> str:
        return self.intents.response(key, lang, tenant_name=tenant.name, **values)

    def feedback(self, session_id: str, helpful: bool, comment: str | None = None) -> dict:
        return self.backoffice.feedback(session_id, helpful, comment)

    def lookup(
        self, query: str, tenant: str | list[str] | None = None, lang: str | None = None, top: int = 5
    ) -> list[Match]:
        """The entries that match a query, over one tenant, several or all, for staff (lookup.py)."""
        return matches(self, query, tenant, lang, top)


def lock_file(store: Store) -> str | None:
    """Where this host's processes lock conversations: beside an SQLite file, in the data folder
    for a database server (hosts sharing one take a lock in Redis: backoffice/locks.py)."""
    if store.in_memory:
        return None
    if store.dialect == "sqlite":
        return f"{store.path}.locks"
    return str(config.data_dir(config.project_root()) / "conversations.locks")
