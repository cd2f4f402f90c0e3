"""What the conversations leave behind for staff: requests handed to the backend stubs, the
notices they send, the grace-call ledgers, unanswered questions and feedback."""

from ..text.numbers import format_quantity
from . import grouping
from .backends import GraceCalls, Notice, Request, StoredRequests, request_kinds
from .ledger import Ledger
from .store import Store, now, to_json
from .verification import CODE_TTL_S, Verifier

ACCOUNT_MANAGER = "account_manager"  # a form's ``notify``: the manager on file for the ledger's account


class Backoffice:
    def __init__(self, store: Store, tenants: dict, intents, forms, clock):
        self.store, self.tenants, self.intents, self.clock = store, tenants, intents, clock
        self.ledgers = {tid: Ledger(store, t, clock) for tid, t in tenants.items() if "grace_calls_per_year" in t.facts}
        for ledger in self.ledgers.values():
            ledger.load_demo_accounts()
        self.kinds = request_kinds(forms, intents)
        self.backends = {}
        for kind in self.kinds.values():  # a ledger's requests go to each tenant's own ledger
            if kind.backend == "ledger":
                self.backends.update(
                    {
                        f"{kind.name}:{tid}": GraceCalls(store, self.notices, kind, ledger)
                        for tid, ledger in self.ledgers.items()
                    }
                )
            else:
                self.backends[kind.name] = StoredRequests(store, self.notices, kind)
        self.verifier = Verifier(store, self.contact, self.code_mail)

    def submit(self, request: Request):
        kind = self.kinds[request.kind]
        return self.backends[f"{kind.name}:{request.tenant}" if kind.backend == "ledger" else kind.name].submit(request)

    def ledger(self, tenant: str) -> Ledger | None:
        return self.ledgers.get(tenant)

    def contact(self, tenant: str, account: str) -> str | None:
        """Where an account's one-time codes go: its contact email on file, if the tenant has it."""
        ledger = self.ledgers.get(tenant)
        return ledger.contact(account) if ledger else None

    # -- what a mailer would send ---------------------------------------------------------------

    def code_mail(self, tenant: str, lang: str, code: str, account: str) -> tuple[str, str]:
        """The email that carries a one-time code: its subject and body."""
        values = {
            "tenant_name": self.tenants[tenant].name,
            "code": code,
            "account": account,
            "minutes": format_quantity(CODE_TTL_S // 60, "minute", lang),
        }
        return (
            self.intents.response("utter_mail_subject_code", lang, **values),
            self.intents.response("utter_mail_code", lang, **values),
        )

    def notices(self, request: Request, reference: str) -> list[Notice]:
        tenant = self.tenants[request.tenant]
        say = lambda key, **v: self.intents.response(key, request.lang, tenant_name=tenant.name, **v)  # noqa: E731
        summary = summary_lines(request.payload, self.intents, request.lang)
        subject = say(f"utter_mail_subject_{request.kind}", reference=reference)
        staff = say("utter_mail_to_staff", reference=reference, summary=summary)
        notices = []
        if request.payload.get("email"):
            notices.append(
                Notice(
                    request.payload["email"],
                    subject,
                    say("utter_mail_to_visitor", reference=reference, summary=summary),
                )
            )
        team = self.kinds[request.kind].notify
        if team == ACCOUNT_MANAGER:
            standing = self.ledgers[request.tenant].standing(request.payload["account"])
            notices.append(Notice(standing.manager_email, subject, staff))
        else:
            notices.append(Notice(tenant.notify.get(team, f"{team}@{tenant.id}.example"), subject, staff))
        return notices

    # -- what staff learn from --------------------------------------------------------------------

    def log_unanswered(
        self, tenant: str, lang: str, message: str, candidates, session_id: str, reason: str = "fallback"
    ) -> None:
        """The question, in the group of similar ones it joins (grouping.py): one transaction, so that
        concurrent workers neither split a group nor lose a count."""
        seen = grouping.closest_seen(self.store, tenant, message)  # compared before the write lock
        with self.store.transaction():
            self._add_unanswered(tenant, lang, message, candidates, session_id, reason, seen)

    def _add_unanswered(
        self, tenant: str, lang: str, message: str, candidates, session_id: str, reason: str, seen=None
    ) -> None:
        """``log_unanswered`` inside a transaction the caller holds."""
        best = [{"intent": c.intent, "confidence": round(c.confidence, 3)} for c in candidates[:3]]
        created = now()
        group_id = grouping.group_question(self.store, tenant, lang, message, reason, created, seen)
        self.store.insert(
            "unanswered",
            {
                "tenant": tenant,
                "lang": lang,
                "message": message,
                "reason": reason,
                "candidates": to_json(best),
                "session_id": session_id,
                "created": created,
                "group_id": group_id,
            },
        )

    def feedback(self, session_id: str, helpful: bool, comment: str | None = None) -> dict:
        """A vote on the last answer of a conversation; a 'not helpful' one joins the unanswered
        questions. One vote an answer: voting again replaces it, so votes never outnumber turns."""
        session = self.store.get("sessions", session_id)
        if session is None:
            raise KeyError(session_id)
        last = self.store.one(
            'select id, "user" from turns where session_id = ? and "user" is not null order by id desc limit 1',
            [session_id],
        )
        turn_id, message = last if last else (None, "")
        row = {
            "session_id": session_id,
            "turn_id": turn_id,
            "tenant": session["tenant"],
            "helpful": int(helpful),
            "comment": comment or "",
            "message": message,
            "created": now(),
        }
        with self.store.transaction():
            same = "session_id = ? and turn_id is not distinct from ?"
            before = self.store.one(f"select helpful from feedback where {same}", [session_id, turn_id])
            self.store.write(f"delete from feedback where {same}", [session_id, turn_id])
            self.store.insert("feedback", row)
            if not helpful and message and (before is None or before[0]):
                lang = session["lang"] or self.tenants[session["tenant"]].languages[0]
                self._add_unanswered(session["tenant"], lang, message, [], session_id, "not_helpful")
        return row


# What a notice leaves out of its summary: the conversation a contact request refers to (staff open
# it from the request), or the transcript that requests of earlier versions held.
NOT_SUMMARISED = ("conversation", "transcript")


def summary_lines(payload: dict, intents, lang: str) -> str:
    """The request's details as its notice lists them; a contact request, whose details are its
    conversation, says where staff read it."""
    lines = [intents.summary_line(key, value, lang) for key, value in payload.items() if key not in NOT_SUMMARISED]
    if not lines and "conversation" in payload:
        lines.append(intents.response("utter_mail_conversation", lang))
    return "\n".join(lines)
