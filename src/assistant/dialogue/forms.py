"""Forms: collecting a request in a short conversation, then handing it to the backend.

A form is declared in data (``intents/forms.yml``): its required and optional slots. Each turn
reads every slot value the message gives, explains an invalid one and asks again, answers a FAQ
question asked on the way and then asks its pending question again, lets the visitor correct a
value or cancel, and when every required slot is filled, summarises and asks for confirmation.
"""
from dataclasses import dataclass

from .. import patterns
from ..backoffice.backends import Request
from ..data.intents import FORM_CONTROL, SMALLTALK
from ..reply import Action, Reply
from ..text.clean import fold, fold_term
from ..text.numbers import format_date, format_quantity
from .answers import render_fact
from .policy import THRESHOLD, is_entry
from .proof import Proofs
from .sessions import Session
from .slots import Value, read_slots

FREE_TEXT = ("text", "person")  # slot types that take a whole message as their value when asked
QUESTION_WORDS = ("combien", "comment", "pourquoi", "quand", "quel", "quelle", "est-ce", "est ce", "puis-je",
                  "how", "what", "why", "when", "which", "can i", "can we", "do you", "is there", "are there")


@dataclass
class Turn:
    """One message inside a form, with what the matcher made of it."""
    tenant: object
    session: Session
    text: str
    lang: str
    intent: str | None
    confidence: float


class Forms:
    def __init__(self, definitions: dict, intents, backoffice, say, answer):
        self.forms = definitions["forms"]
        self.slots = definitions["slots"]
        self.intents = intents
        self.backoffice = backoffice
        self.say = say          # (key, lang, tenant, **values) -> text
        self.answer = answer    # (tenant, session, text, lang, entry, confidence) -> Reply
        # "no", "yes", "hello", "thanks" are never a name or a company: the pending slot takes no free
        # text from a message that is one of these phrasings, or that the matcher reads as small talk
        # (a number, an email still answer the slot asked for).
        self.control_phrases = {_key(e.text) for e in intents.examples if e.intent in FORM_CONTROL + SMALLTALK}
        self.proofs = Proofs(backoffice.verifier, lambda: intents.lookup_values("resend").get("code", []))

    # -- entry points ---------------------------------------------------------------------------

    def start(self, turn: Turn, name: str, answers: str | None = None) -> Reply:
        """Start form ``name`` with what the message gives. ``answers``: the entry a form that submits
        nothing answers once it is complete (a question about an account, asked before it is proven)."""
        session = turn.session
        session.forms_started += 1
        session.form = {"name": name, "slots": {}, "status": "collecting", "pending": None,
                        "key": f"{session.id}:{session.forms_started}"}
        if answers:
            session.form["answers"] = answers
        return self._collect(turn, self._read(turn, pending=None))

    def unproven_value(self, turn: Turn, name: str) -> str | None:
        """The value the message gives for the slot form ``name`` verifies, if it is not proven in
        this conversation yet."""
        slot = self.forms[name].get("verify")
        if not slot:
            return None
        value = read_slots(turn.text, turn.lang, [slot], self.slots, turn.tenant.catalogue,
                           self.intents.lookup_values, None).get(slot)
        valid = value is not None and value.valid
        return value.value if valid and value.value not in self.proofs.proven(turn.session) else None

    def step(self, turn: Turn) -> Reply:
        form = turn.session.form
        if turn.intent == "cancel":
            return self._end(turn, "cancelled", self.say("utter_form_cancelled", turn.lang, turn.tenant))
        small_talk = turn.intent in SMALLTALK and self._takes_any_text(form["pending"])
        takes_text = form["status"] == "collecting" and _key(turn.text) not in self.control_phrases and not small_talk
        values = self._read(turn, pending=form["pending"] if takes_text else None)
        if self._is_digression(turn, values):
            return self._digress(turn, values)
        if form["status"] == "confirming" and not values:
            if turn.intent == "affirm":
                return self._submit(turn)
            if turn.intent == "deny":
                form["status"], form["pending"] = "collecting", None
                return self._form_reply(turn, self.say("utter_ask_change", turn.lang, turn.tenant), "collecting")
            return self._confirm(turn)
        return self._collect(turn, values)

    def repeat_submission(self, turn: Turn) -> Reply | None:
        """A second "yes" after a request was sent (a retry, a double click) gets the same reference."""
        last = turn.session.last_form
        if turn.intent != "affirm" or not last or last.get("status") != "submitted":
            return None
        text = self.say("utter_already_submitted", turn.lang, turn.tenant, reference=last["reference"])
        return self._reply(turn, "done", text, Action(last["name"], "submitted", last["reference"]))

    # -- collecting -------------------------------------------------------------------------------

    def _read(self, turn: Turn, pending: str | None) -> dict[str, Value]:
        form = self.forms[turn.session.form["name"]]
        slots = form["required_slots"] + form.get("optional_slots", [])
        return read_slots(turn.text, turn.lang, slots, self.slots, turn.tenant.catalogue,
                          self.intents.lookup_values, pending)

    def _collect(self, turn: Turn, values: dict[str, Value]) -> Reply:
        form = turn.session.form
        for value in values.values():
            if value.valid:
                form["slots"][value.slot] = value.value
        # A message that answers something else is not a wrong answer to the pending question.
        if any(v.valid for v in values.values()):
            values = {k: v for k, v in values.items() if v.valid or k != form["pending"]}
        invalid = next((v for v in values.values() if not v.valid), None) or self._check_currency(turn)
        if invalid:
            form["status"], form["pending"] = "collecting", invalid.slot
            return self._form_reply(turn, self._invalid(turn, invalid), "collecting")
        step = self._prove(turn)
        if step and step.status != "proven":
            return self._proving(turn, step)
        reply = self._proceed(turn)
        if step:  # proven by this very message: say so before going on
            reply.reply = self.say(step.key, turn.lang, turn.tenant, **step.values) + " " + reply.reply
        return reply

    def _proceed(self, turn: Turn) -> Reply:
        """What comes once nothing the form verifies is left unproven: a refusal, the next
        question, the answer the form was started for, or the summary to confirm."""
        form = turn.session.form
        refusal = self._check_account(turn)
        if refusal:
            return refusal
        missing = [s for s in self.forms[form["name"]]["required_slots"] if s not in form["slots"]]
        if missing:
            form["status"], form["pending"] = "collecting", missing[0]
            return self._form_reply(turn, self._question(turn, missing[0]), "collecting")
        if form.get("answers"):
            return self._answer_and_end(turn)
        return self._confirm(turn)

    # -- proving an account ------------------------------------------------------------------------

    def _prove(self, turn: Turn):
        """The step of proving the value of the slot the form verifies, if it has one that is known."""
        slot = self.forms[turn.session.form["name"]].get("verify")
        value = turn.session.form["slots"].get(slot) if slot else None
        if value is None:
            return None
        return self.proofs.step(turn.session, turn.tenant.id, turn.lang, turn.text, value)

    def _proving(self, turn: Turn, step) -> Reply:
        text = self.say(step.key, turn.lang, turn.tenant, **step.values)
        if step.status == "refused":
            return self._end(turn, "refused", text)
        turn.session.form["status"], turn.session.form["pending"] = "verifying", None
        return self._form_reply(turn, text, "verifying")

    def _answer_and_end(self, turn: Turn) -> Reply:
        """A form started to answer a question about an account ends with that answer, computed
        from what the form collected."""
        session, form = turn.session, turn.session.form
        entry = turn.tenant.entries[form["answers"]]
        collected = " ".join(str(v) for v in form["slots"].values())
        session.last_form = {"name": form["name"], "status": "answered", "reference": None}
        session.form = None
        return self.answer(turn.tenant, session, collected, turn.lang, entry, turn.confidence)

    def _question(self, turn: Turn, slot: str) -> str:
        name = turn.session.form["name"]
        first = not turn.session.form["slots"] and slot == self.forms[name]["required_slots"][0]
        key = f"utter_ask_{name}_{slot}" if first else f"utter_ask_{slot}"
        return self.say(key, turn.lang, turn.tenant, choices=", ".join(turn.tenant.catalogue))

    def _invalid(self, turn: Turn, value: Value) -> str:
        return self.say(f"utter_invalid_{value.slot}", turn.lang, turn.tenant, value=value.raw,
                        choices=", ".join(turn.tenant.catalogue))

    def _check_currency(self, turn: Turn) -> Value | None:
        """Quotes in Algerian dinars are for customers in Algeria, as Conex's FAQ says."""
        slots = turn.session.form["slots"]
        if slots.get("currency") != "DZD" or "email" not in slots:  # the email may say .dz: wait for it
            return None
        said = " ".join([turn.text, slots.get("company", ""), slots.get("email", "")])
        if slots.get("email", "").endswith(".dz") or self._mentions_algeria(said):
            return None
        del slots["currency"]
        return Value("currency", None, False, "DZD")

    def _mentions_algeria(self, text: str) -> bool:
        words = self.intents.lookup_values("country").get("algeria", [])
        folded = fold(text)
        return any(fold_term(w) in folded for w in words)

    def _check_account(self, turn: Turn) -> Reply | None:
        """A grace call: eligibility is checked as soon as the account number is known."""
        form = turn.session.form
        account = form["slots"].get("account")
        ledger = self.backoffice.ledger(turn.tenant.id)
        if form["name"] != "grace_call" or not account or ledger is None:
            return None
        standing = ledger.standing(account)
        if standing is None:
            del form["slots"]["account"]
            form["pending"] = "account"
            text = self.say("utter_unknown_account", turn.lang, turn.tenant, value=account)
            return self._form_reply(turn, text, "collecting")
        if standing.eligible and standing.remaining:
            return None
        return self._refuse(turn, standing)

    def _refuse(self, turn: Turn, standing) -> Reply:
        tenant, lang = turn.tenant, turn.lang
        values = standing_values(standing, tenant, lang)
        if not standing.eligible:
            text = self.say(f"utter_grace_not_eligible_{standing.reason}", lang, tenant, **values)
        else:
            text = self.say("utter_grace_none_left", lang, tenant, **values)
        extra = tenant.entries.get("no_grace_calls_left")
        if extra is not None and standing.eligible:
            text += " " + self.answer(tenant, turn.session, turn.text, lang, extra, 1.0).reply
        return self._end(turn, "refused", text)

    # -- confirming and submitting ---------------------------------------------------------------

    def _confirm(self, turn: Turn) -> Reply:
        form = turn.session.form
        form["status"], form["pending"] = "confirming", None
        text = self.say("utter_confirm", turn.lang, turn.tenant, summary=self._summary(turn))
        reply = self._form_reply(turn, text, "confirming")
        reply.suggestions = [self.say("utter_yes_label", turn.lang, turn.tenant),
                             self.say("utter_no_label", turn.lang, turn.tenant)]
        return reply

    def _summary(self, turn: Turn) -> str:
        form, lines = turn.session.form, []
        order = self.forms[form["name"]]["required_slots"] + self.forms[form["name"]].get("optional_slots", [])
        for slot in [s for s in order if s in form["slots"]]:
            lines.append(self.intents.summary_line(slot, form["slots"][slot], turn.lang))
        return "\n".join(lines)

    def _submit(self, turn: Turn) -> Reply:
        form, session = turn.session.form, turn.session
        step = self._prove(turn)
        if step and step.status != "proven":  # nothing is spent on an account not proven
            return self._proving(turn, step)
        request = Request(turn.tenant.id, form["name"], dict(form["slots"]), session.id, turn.lang, form["key"])
        receipt = self.backoffice.submit(request)
        if receipt.status == "refused":  # the last call was booked by another conversation meanwhile
            return self._refuse(turn, self.backoffice.ledger(turn.tenant.id).standing(form["slots"]["account"]))
        values = {"reference": receipt.reference}
        if form["name"] == "grace_call":
            standing = self.backoffice.ledger(turn.tenant.id).standing(form["slots"]["account"])
            values.update(standing_values(standing, turn.tenant, turn.lang))
        text = self.say(f"utter_done_{form['name']}", turn.lang, turn.tenant, **values)
        return self._end(turn, "submitted", text, receipt.reference)

    def _end(self, turn: Turn, status: str, text: str, reference: str | None = None) -> Reply:
        name = turn.session.form["name"]
        turn.session.last_form = {"name": name, "status": status, "reference": reference}
        turn.session.form = None
        kind = "done" if status == "submitted" else "form"
        return self._reply(turn, kind, text, Action(name, status, reference))

    # -- questions on the way ----------------------------------------------------------------------

    def _is_digression(self, turn: Turn, values: dict[str, Value]) -> bool:
        """A FAQ question asked in the middle of a form, not an answer to it: the matcher knows the
        question, it reads as a question, and it gives no value to the slot asked for but what a
        free-text slot would take from any text. Details it gives for other slots are kept
        (``_digress``): "can you quote in dollars?" between two details is answered, and the
        currency noted."""
        if not turn.intent or not is_entry(turn.intent) or turn.confidence < THRESHOLD:
            return False
        pending = turn.session.form["pending"]
        answered = values.get(pending)
        if answered is not None and answered.valid and not self._takes_any_text(pending):
            return False
        folded = fold(turn.text)
        return "?" in turn.text or folded.startswith(QUESTION_WORDS)

    def _takes_any_text(self, slot: str | None) -> bool:
        return self.slots.get(slot, {}).get("type") in FREE_TEXT

    def _digress(self, turn: Turn, values: dict[str, Value]) -> Reply:
        """The question's answer, then the form where it was, with the details the question gave."""
        reply = self.answer(turn.tenant, turn.session, turn.text, turn.lang, turn.tenant.entries[turn.intent],
                            turn.confidence)
        form = turn.session.form
        if form["status"] == "verifying":  # nothing else is read until the code is given
            resumed = self._form_reply(turn, self.say("utter_verify_waiting", turn.lang, turn.tenant,
                                                      account=form["proof"]["value"]), "verifying")
        else:
            kept = {k: v for k, v in values.items() if v.valid and not self._takes_any_text(k)}
            resumed = self._collect(turn, kept)
        reply.reply += "\n\n" + self.say("utter_resume", turn.lang, turn.tenant, question=resumed.reply)
        reply.action, reply.suggestions = resumed.action, resumed.suggestions or reply.suggestions
        return reply

    # -- replies ------------------------------------------------------------------------------------

    def _form_reply(self, turn: Turn, text: str, status: str) -> Reply:
        return self._reply(turn, "form", text, Action(turn.session.form["name"], status))

    @staticmethod
    def _reply(turn: Turn, kind: str, text: str, action: Action) -> Reply:
        intent = f"request_{action.name}"
        return Reply(session_id=turn.session.id, reply=text, lang=turn.lang, type=kind, intent=intent,
                     confidence=turn.confidence, action=action)


def _key(text: str) -> str:
    return " ".join(patterns.compile(r"\w+").findall(fold(text)))


def standing_values(standing, tenant, lang: str) -> dict:
    """An account's grace-call standing, written for the reply's placeholders."""
    rental = tenant.facts.get("short_term_rental_duration")
    return {"account": standing.account, "allowance": format_quantity(standing.allowance, "call", lang),
            "used": str(standing.used), "remaining": format_quantity(standing.remaining, "call", lang),
            "renewal": format_date(standing.renewal, lang),
            "rental": render_fact(rental, lang) if rental else ""}
