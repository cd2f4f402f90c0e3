"""The conversation that proves an account inside a form whose definition names a slot to verify
(``verify: account`` in intents/forms.yml): once the slot's value is known, a one-time code goes
to the account's contact email (verification.py) and the form waits for it, saying nothing about
the account meanwhile. A proof lasts PROOF_TTL_S in its conversation.
"""

from typing import NamedTuple

from ..backoffice.verification import CODE_TTL_S, Verifier, read_code
from ..text.numbers import format_quantity
from .sessions import Session
from .slots import mentions

PROOF_TTL_S = 60 * 60
MAX_PROVEN = 5  # accounts a conversation keeps proven at once


class Step(NamedTuple):
    """What to say while proving: a response, its values, and the form's status after it
    ("verifying", "refused" when no code may be sent, or "proven" just now)."""

    key: str
    values: dict
    status: str


class Proofs:
    def __init__(self, verifier: Verifier, resend_words):
        self.verifier = verifier
        self.resend_words = resend_words  # () -> the words of every language that ask for a new code

    def proven(self, session: Session) -> set[str]:
        """The accounts proven in this conversation, and still so."""
        moment = self.verifier.clock()
        return {account for account, until in session.proven.items() if until > moment}

    def step(self, session: Session, tenant: str, lang: str, text: str, value: str) -> Step | None:
        """The next step of proving ``value`` in this message; None when it is proven already."""
        if value in self.proven(session):
            return None
        proof = session.in_progress().get("proof")
        if not proof or proof["value"] != value:
            return self._send(session, tenant, lang, value, "utter_verify_sent")
        code = read_code(text)
        if code is None:
            if self._asks_for_another(text):
                return self._send(session, tenant, lang, value, "utter_verify_resent")
            return Step("utter_verify_waiting", {"account": value}, "verifying")
        check = self.verifier.check(proof["challenge"], session.id, code)
        if check.outcome == "ok":
            self._remember(session, value)
            return Step("utter_verify_ok", {"account": value}, "proven")
        if check.outcome == "wrong":
            return Step(
                "utter_verify_wrong",
                {"account": value, "attempts": format_quantity(check.attempts_left, "attempt", lang)},
                "verifying",
            )
        key = "utter_verify_expired" if check.outcome == "expired" else "utter_verify_void"
        return self._send(session, tenant, lang, value, key)

    def _asks_for_another(self, text: str) -> bool:
        return mentions(text, self.resend_words())

    def _send(self, session: Session, tenant: str, lang: str, value: str, key: str) -> Step:
        challenge = self.verifier.issue(tenant, value, session.id, lang)
        if challenge is None:
            session.in_progress().pop("proof", None)
            return Step("utter_verify_limit", {"account": value}, "refused")
        session.in_progress()["proof"] = {"value": value, "challenge": challenge}
        return Step(key, {"account": value, "minutes": format_quantity(CODE_TTL_S // 60, "minute", lang)}, "verifying")

    def _remember(self, session: Session, account: str) -> None:
        session.in_progress().pop("proof", None)
        moment = self.verifier.clock()
        kept = {a: until for a, until in session.proven.items() if until > moment and a != account}
        newest = sorted(kept, key=lambda a: kept[a])[-(MAX_PROVEN - 1) :] if MAX_PROVEN > 1 else []
        session.proven = {**{a: kept[a] for a in newest}, account: moment + PROOF_TTL_S}
