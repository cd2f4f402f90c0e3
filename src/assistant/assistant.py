"""The one core every channel calls: ``Assistant.load()`` then ``assistant.reply(...)``."""
import logging
from dataclasses import dataclass
from pathlib import Path

from . import config, models
from .answers import answer_text, fill, follow_ups, source_of
from .compute import compute
from .dialogue import ACTIONS, HUMAN, SMALLTALK, decide, is_entry
from .errors import MessageTooLong, UnknownTenant
from .knowledge import Entry, Tenant
from .reply import Action, Reply
from .sessions import MemorySessions, Session
from .text import clean

MAX_MESSAGE = 2000
log = logging.getLogger(__name__)
unanswered_log = logging.getLogger("assistant.unanswered")


@dataclass
class Match:
    """One line of a staff lookup."""
    tenant: str
    entry: Entry
    score: float


class Assistant:
    def __init__(self, bundle: models.Bundle, sessions=None):
        self.tenants = bundle.tenants
        self.intents = bundle.intents
        self.forms = bundle.forms
        self.models = bundle.models
        self.sessions = sessions or MemorySessions()

    @classmethod
    def load(cls, root: Path | str | None = None, data: Path | str | None = None, sessions=None) -> "Assistant":
        """Read knowledge/ and intents/ (from the cache when they have not changed since)."""
        root = Path(root) if root else config.project_root()
        cache = Path(data or config.data_dir(root)) / "cache"
        return cls(models.load_bundle(root, cache), sessions)

    # -- the core --------------------------------------------------------------------------------

    def reply(self, tenant: str, session_id: str | None, message: str, lang: str | None = None,
              hint: str | None = None) -> Reply:
        """Answer one message of a conversation. ``lang`` forces the language; ``hint`` is the page's."""
        t = self.tenant(tenant)
        session = self.sessions.open(t.id, session_id)
        text = clean(message or "")
        lang = self.models.detector.detect(text, explicit=lang, conversation=session.lang, hint=hint)
        if len(text) > MAX_MESSAGE:
            raise MessageTooLong("message_too_long", self.response("utter_too_long", lang, t, limit=MAX_MESSAGE))
        result = self._respond(t, session, text, lang)
        session.lang = lang
        session.turns.append({"user": text, "assistant": result.reply, "type": result.type, "intent": result.intent})
        self.sessions.save(session)
        return result

    def _respond(self, tenant: Tenant, session: Session, text: str, lang: str) -> Reply:
        if not text:
            return self._reply(session, lang, "smalltalk", self.response("utter_empty", lang, tenant))
        candidates = self.rank(tenant.id, text, lang)
        decision = decide(candidates)
        if decision.kind == "fallback":
            return self._fallback(tenant, session, text, lang, candidates)
        if decision.kind == "clarify":
            return self._clarify(tenant, session, lang, decision)
        return self._for_intent(tenant, session, text, lang, decision.best.intent, decision.best.confidence)

    def rank(self, tenant: str, text: str, lang: str):
        return self.models.matchers[tenant].rank(self.models.normaliser.tokens(text, lang))

    def _for_intent(self, tenant: Tenant, session: Session, text: str, lang: str, intent: str, confidence: float) -> Reply:
        if is_entry(intent):
            return self._answer(tenant, session, text, lang, tenant.entries[intent], confidence)
        if intent in SMALLTALK:
            topics = ", ".join(sorted({e.topic for e in tenant.entries.values()}))
            reply = self.response(f"utter_{intent}", lang, tenant, topics=topics)
            return self._reply(session, lang, "smalltalk", reply, intent, confidence)
        if intent == HUMAN:
            return self._reply(session, lang, "handoff", self.response("utter_handoff", lang, tenant), intent, confidence)
        if intent in ACTIONS:
            return self._action(tenant, session, text, lang, intent, confidence)
        return self._fallback(tenant, session, text, lang, [])

    def _action(self, tenant: Tenant, session: Session, text: str, lang: str, intent: str, confidence: float) -> Reply:
        action = tenant.action(intent)
        if not action:
            return self._fallback(tenant, session, text, lang, [])
        if "entry" in action:
            return self._answer(tenant, session, text, lang, tenant.entries[action["entry"]], confidence, intent)
        form = action["form"]
        first_slot = self.forms[form]["required_slots"][0]
        reply = self.response(f"utter_ask_{form}_{first_slot}", lang, tenant)
        return self._reply(session, lang, "form", reply, intent, confidence, action=Action(form, "collecting"))

    def _answer(self, tenant: Tenant, session: Session, text: str, lang: str, entry: Entry, confidence: float,
                intent: str | None = None) -> Reply:
        values = compute(entry.computed, text, tenant, lang) if entry.computed else None
        reply = fill(entry.computed["reply"][lang], tenant, lang, values) if values else answer_text(entry, tenant, lang)
        return self._reply(session, lang, "answer", reply, intent or entry.qualified_id, confidence,
                           suggestions=follow_ups(entry, tenant, lang), sources=[source_of(entry, tenant)])

    def _clarify(self, tenant: Tenant, session: Session, lang: str, decision) -> Reply:
        questions = [tenant.entries[c.intent].question[lang] for c in (decision.best, decision.other)]
        reply = self.response("utter_clarify", lang, tenant, options=" / ".join(questions))
        return self._reply(session, lang, "clarify", reply, None, decision.best.confidence, suggestions=questions)

    def _fallback(self, tenant: Tenant, session: Session, text: str, lang: str, candidates) -> Reply:
        unanswered_log.info("unanswered tenant=%s lang=%s message=%r best=%s", tenant.id, lang, text,
                            [(c.intent, round(c.confidence, 3)) for c in candidates[:3]])
        confidence = candidates[0].confidence if candidates else 0.0
        return self._reply(session, lang, "fallback", self.response("utter_fallback", lang, tenant), None, confidence,
                           suggestions=[self.response("utter_ask_human_label", lang, tenant)])

    @staticmethod
    def _reply(session: Session, lang: str, kind: str, text: str, intent: str | None = None, confidence: float = 0.0,
               **extra) -> Reply:
        return Reply(session_id=session.id, reply=text, lang=lang, type=kind, intent=intent,
                     confidence=confidence, **extra)

    # -- helpers shared with the channels -------------------------------------------------------------

    def tenant(self, tenant_id: str) -> Tenant:
        if tenant_id not in self.tenants:
            names = ", ".join(sorted(self.tenants))
            raise UnknownTenant("unknown_tenant", f"Unknown tenant {tenant_id!r}; tenants: {names}. "
                                                  f"/ Client inconnu {tenant_id!r} ; clients : {names}.")
        return self.tenants[tenant_id]

    def response(self, key: str, lang: str, tenant: Tenant, **values) -> str:
        return self.intents.response(key, lang, tenant_name=tenant.name, **values)

    def lookup(self, query: str, tenant: str | None = None, lang: str | None = None, top: int = 5) -> list[Match]:
        """The entries that best answer a query, over one tenant or all, for staff."""
        text = clean(query)
        lang = self.models.detector.detect(text, explicit=lang)
        scope = [self.tenant(tenant)] if tenant else list(self.tenants.values())
        matches = [Match(t.id, t.entries[c.intent], c.confidence)
                   for t in scope for c in self.models.matchers[t.id].rank(
                       self.models.normaliser.tokens(text, lang), top=top + 10) if is_entry(c.intent)]
        return sorted(matches, key=lambda m: -m.score)[:top]
