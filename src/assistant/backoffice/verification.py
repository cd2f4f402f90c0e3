"""One-time codes that prove a visitor belongs to an account before anything about it is said or
spent: a 6-digit code is sent to the account's contact email on file (an email in the outbox, as a
mailer would send it), and the visitor types it back in the same conversation.

A code expires after CODE_TTL_S and takes MAX_ATTEMPTS wrong guesses. Codes are bounded per
account and per conversation (an account's contact must not be flooded with emails), and every
decision is taken inside one transaction, so that concurrent requests cannot exceed a limit. An
unknown account is answered as a known one would be (a code "sent"), so that nobody learns which
accounts exist; no email leaves, and no code matches.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from .. import patterns
from .store import Store
from .store import now as stamp

CODE_DIGITS = 6
CODE_TTL_S = 10 * 60
MAX_ATTEMPTS = 5  # wrong codes before a code is void
MAX_CODES_PER_ACCOUNT = 5  # codes sent to one account's contact ...
ACCOUNT_WINDOW_S = 60 * 60  # ... within this window
MAX_CODES_PER_CONVERSATION = 3
# Six digits, possibly typed in two groups of three ("123 456"), not part of a longer number.
CODE = patterns.compile(r"(?:^|\D)(\d{3})[ -]?(\d{3})(?:\D|\Z)")  # \Z: a final newline is \D already


@dataclass(frozen=True)
class Check:
    outcome: str  # "ok", "wrong", "expired" or "void" (too many wrong codes)
    attempts_left: int = 0


def read_code(text: str) -> str | None:
    """The code a message holds, if it holds one."""
    match = CODE.search(text)
    return match.group(1) + match.group(2) if match else None


def reference(challenge: int) -> str:
    """How the outbox names the email of a code."""
    return f"CODE-{challenge}"


def sent_code(store: Store, session_id: str) -> str | None:
    """The last code emailed for this conversation, as its recipient reads it in the outbox (the
    mailer stub): what scenarios and tests type back."""
    row = store.one(
        "select o.body from verifications v join outbox o on o.reference = 'CODE-' || v.id "
        "where v.session_id = ? order by v.id desc limit 1",
        [session_id],
    )
    return read_code(row[0]) if row else None


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class Verifier:
    """Issues and checks codes. ``contact(tenant, account)`` gives the account's contact email, or
    None for an account the tenant does not have; ``mail(tenant, lang, recipient, code, account)``
    gives the (subject, body) of the email."""

    def __init__(self, store: Store, contact, mail, clock=time.time):
        self.store, self.contact, self.mail, self.clock = store, contact, mail, clock

    def issue(self, tenant: str, account: str, session_id: str, lang: str) -> int | None:
        """A new code for this conversation, sent to the account's contact; its id, or None when
        the account or the conversation has had all the codes it may have for now."""
        moment = self.clock()
        with self.store.transaction():
            if (
                self._sent_to_account(tenant, account, moment) >= MAX_CODES_PER_ACCOUNT
                or self._sent_in_conversation(session_id) >= MAX_CODES_PER_CONVERSATION
            ):
                return None
            code, salt = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}", secrets.token_hex(8)
            recipient = self.contact(tenant, account)
            challenge = self.store.insert(
                "verifications",
                {
                    "tenant": tenant,
                    "account": account,
                    "session_id": session_id,
                    "salt": salt,
                    "digest": _digest(salt, code) if recipient else "",
                    "created": moment,
                    "expires": moment + CODE_TTL_S,
                    "attempts": 0,
                },
            )
            if recipient:
                subject, body = self.mail(tenant, lang, code, account)
                self.store.insert(
                    "outbox",
                    {
                        "reference": reference(challenge),
                        "tenant": tenant,
                        "kind": "email",
                        "recipient": recipient,
                        "subject": subject,
                        "body": body,
                        "lang": lang,
                        "created": stamp(),
                    },
                )
        return challenge

    def check(self, challenge: int, session_id: str, code: str) -> Check:
        """Whether ``code`` is the one sent for this challenge of this conversation; every guess,
        right or wrong, counts against the code's attempts."""
        moment = self.clock()
        with self.store.transaction():
            row = self.store.one(
                "select digest, salt, expires, attempts from verifications where id = ? and session_id = ?",
                [challenge, session_id],
            )
            if row is None:
                return Check("void")
            digest, salt, expires, attempts = row
            if attempts >= MAX_ATTEMPTS:
                return Check("void")
            if moment > expires:
                return Check("expired")
            self.store.write("update verifications set attempts = attempts + 1 where id = ?", [challenge])
            if digest and hmac.compare_digest(digest, _digest(salt, code)):
                self.store.write(
                    "update verifications set attempts = ?, verified = ? where id = ?",
                    [MAX_ATTEMPTS, moment, challenge],
                )  # used: it proves nothing twice
                return Check("ok")
            left = MAX_ATTEMPTS - attempts - 1
            return Check("wrong", left) if left else Check("void")

    def _sent_to_account(self, tenant: str, account: str, moment: float) -> int:
        return self.store.count(
            "verifications", "tenant = ? and account = ? and created > ?", [tenant, account, moment - ACCOUNT_WINDOW_S]
        )

    def _sent_in_conversation(self, session_id: str) -> int:
        return self.store.count("verifications", "session_id = ?", [session_id])
