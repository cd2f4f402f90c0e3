"""Forms: collecting a request in a short conversation, then handing it to the backend.

A form is declared in data (``intents/forms.yml``, read by ``data/forms.py``): its required and
optional slots, what it verifies, and its named validators (``validators.py``), to which a tenant
adds its own. Each turn reads every slot value the message gives, explains an invalid one and asks
again, answers a FAQ question asked on the way and then asks its pending question again, lets the
visitor correct a value or cancel, and when every required slot is filled and the validators find
nothing wrong, summarises and asks for confirmation. Nothing here names a form or a tenant.
"""

from dataclasses import dataclass
from functools import cache

from .. import patterns
from ..backoffice.backends import Request
from ..data.forms import Check, FormSet
from ..data.intents import FORM_CONTROL, SMALLTALK
from ..data.knowledge import Tenant
from ..reply import Action, Reply
from ..text import langdata
from ..text.clean import fold
from .policy import THRESHOLD, is_entry
from .proof import Proofs
from .sessions import FormState, Session
from .slots import Value, read_slots
from .validators import VALIDATORS, Context, Outcome, Validator

FREE_TEXT = ("text", "person")  # slot types that take a whole message as their value when asked


@dataclass
class Turn:
    """One message inside a form, with what the matcher made of it."""

    tenant: Tenant
    session: Session
    text: str
    lang: str
    intent: str | None
    confidence: float

    @property
    def form(self) -> FormState:
        """The form in progress: a turn that reaches a form's step always has one."""
        return self.session.in_progress()


class Forms:
    def __init__(self, definitions: FormSet, intents, backoffice, say, answer):
        self.forms = definitions
        self.slots = definitions.slots
        self.intents = intents
        self.backoffice = backoffice
        self.say = say  # (key, lang, tenant, **values) -> text
        self.answer = answer  # (tenant, session, text, lang, entry, confidence) -> Reply
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
        session.form = {
            "name": name,
            "slots": {},
            "status": "collecting",
            "pending": None,
            "key": f"{session.id}:{session.forms_started}",
        }
        if answers:
            session.form["answers"] = answers
        return self._collect(turn, self._read(turn, pending=None))

    def unproven_value(self, turn: Turn, name: str) -> str | None:
        """The value the message gives for the slot form ``name`` verifies, if it is not proven in
        this conversation yet."""
        slot = self.forms[name].verify
        if not slot:
            return None
        value = read_slots(
            turn.text, turn.lang, [slot], self.slots, turn.tenant.catalogue, self.intents.lookup_values, None
        ).get(slot)
        if value is None or not value.valid or value.value in self.proofs.proven(turn.session):
            return None
        return str(value.value)

    def step(self, turn: Turn) -> Reply:
        form = turn.form
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
        slots = list(self.forms[turn.form["name"]].slots)
        return read_slots(
            turn.text, turn.lang, slots, self.slots, turn.tenant.catalogue, self.intents.lookup_values, pending
        )

    def _collect(self, turn: Turn, values: dict[str, Value]) -> Reply:
        form = turn.form
        for value in values.values():
            if value.valid:
                form["slots"][value.slot] = value.value
        # A message that answers something else is not a wrong answer to the pending question.
        if any(v.valid for v in values.values()):
            values = {k: v for k, v in values.items() if v.valid or k != form["pending"]}
        invalid = next((v for v in values.values() if not v.valid), None)
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
        """What comes once nothing the form verifies is left unproven: what a validator finds
        wrong, the next question, the answer the form was started for, or the summary to confirm."""
        form = turn.form
        outcome = self._validate(turn)
        if outcome:
            return self._outcome(turn, outcome)
        missing = [s for s in self.forms[form["name"]].required if s not in form["slots"]]
        if missing:
            form["status"], form["pending"] = "collecting", missing[0]
            return self._form_reply(turn, self._question(turn, missing[0]), "collecting")
        if form.get("answers"):
            return self._answer_and_end(turn)
        return self._confirm(turn)

    # -- proving an account ------------------------------------------------------------------------

    def _prove(self, turn: Turn):
        """The step of proving the value of the slot the form verifies, if it has one that is known."""
        slot = self.forms[turn.form["name"]].verify
        value = turn.form["slots"].get(slot) if slot else None
        if value is None:
            return None
        return self.proofs.step(turn.session, turn.tenant.id, turn.lang, turn.text, value)

    def _proving(self, turn: Turn, step) -> Reply:
        text = self.say(step.key, turn.lang, turn.tenant, **step.values)
        if step.status == "refused":
            return self._end(turn, "refused", text)
        turn.form["status"], turn.form["pending"] = "verifying", None
        return self._form_reply(turn, text, "verifying")

    def _answer_and_end(self, turn: Turn) -> Reply:
        """A form started to answer a question about an account ends with that answer, computed
        from what the form collected."""
        session, form = turn.session, turn.form
        entry = turn.tenant.entries[form["answers"]]
        collected = " ".join(str(v) for v in form["slots"].values())
        session.last_form = {"name": form["name"], "status": "answered", "reference": None}
        session.form = None
        return self.answer(turn.tenant, session, collected, turn.lang, entry, turn.confidence)

    def _question(self, turn: Turn, slot: str) -> str:
        name = turn.form["name"]
        first = not turn.form["slots"] and slot == self.forms[name].required[0]
        key = f"utter_ask_{name}_{slot}" if first else f"utter_ask_{slot}"
        return self.say(key, turn.lang, turn.tenant, choices=", ".join(turn.tenant.catalogue))

    def _invalid(self, turn: Turn, value: Value) -> str:
        return self.say(
            f"utter_invalid_{value.slot}",
            turn.lang,
            turn.tenant,
            value=value.raw,
            choices=", ".join(turn.tenant.catalogue),
        )

    # -- validators named by the data -------------------------------------------------------------

    def _checks(self, turn: Turn) -> list[tuple[Check, Validator]]:
        """The form's validators, then the tenant's, each with its registered code."""
        name = turn.form["name"]
        named = self.forms[name].validate + turn.tenant.form_checks.get(name, ())
        return [(check, VALIDATORS[check.name]) for check in named]

    def _context(self, turn: Turn, check: Check) -> Context:
        return Context(
            turn.tenant,
            turn.lang,
            turn.text,
            dict(turn.form["slots"]),
            check.params,
            self.intents.lookup_values,
            self.backoffice.ledger(turn.tenant.id),
        )

    def _validate(self, turn: Turn) -> Outcome | None:
        """The first thing a validator finds wrong with the form's values, if any."""
        return next(
            (found for check, code in self._checks(turn) if (found := code.check(self._context(turn, check)))), None
        )

    def _outcome(self, turn: Turn, outcome: Outcome) -> Reply:
        """A refusal ends the form; otherwise the slot is asked again, its value dropped."""
        text = self.say(
            outcome.key or f"utter_invalid_{outcome.slot}",
            turn.lang,
            turn.tenant,
            **{"choices": ", ".join(turn.tenant.catalogue), **outcome.values},
        )
        if outcome.refused:
            extra = turn.tenant.entries.get(outcome.then_entry) if outcome.then_entry else None
            if extra is not None:
                text += " " + self.answer(turn.tenant, turn.session, turn.text, turn.lang, extra, 1.0).reply
            return self._end(turn, "refused", text)
        form = turn.form
        if outcome.slot:
            form["slots"].pop(outcome.slot, None)
        form["status"], form["pending"] = "collecting", outcome.slot
        return self._form_reply(turn, text, "collecting")

    def _values(self, turn: Turn) -> dict:
        """What the form's validators add to its last reply's placeholders."""
        values = {}
        for check, code in self._checks(turn):
            if code.values:
                values.update(code.values(self._context(turn, check)))
        return values

    # -- confirming and submitting ---------------------------------------------------------------

    def _confirm(self, turn: Turn) -> Reply:
        form = turn.form
        form["status"], form["pending"] = "confirming", None
        text = self.say("utter_confirm", turn.lang, turn.tenant, summary=self._summary(turn))
        reply = self._form_reply(turn, text, "confirming")
        reply.suggestions = [
            self.say("utter_yes_label", turn.lang, turn.tenant),
            self.say("utter_no_label", turn.lang, turn.tenant),
        ]
        return reply

    def _summary(self, turn: Turn) -> str:
        form, lines = turn.form, []
        for slot in [s for s in self.forms[form["name"]].slots if s in form["slots"]]:
            lines.append(self.intents.summary_line(slot, form["slots"][slot], turn.lang))
        return "\n".join(lines)

    def _submit(self, turn: Turn) -> Reply:
        form, session = turn.form, turn.session
        step = self._prove(turn)
        if step and step.status != "proven":  # nothing is spent on an account not proven
            return self._proving(turn, step)
        request = Request(turn.tenant.id, form["name"], dict(form["slots"]), session.id, turn.lang, form["key"])
        receipt = self.backoffice.submit(request)
        if receipt.status == "refused":  # e.g. the last call was booked by another conversation meanwhile
            outcome = self._validate(turn)
            if outcome and outcome.refused:
                return self._outcome(turn, outcome)
            return self._end(turn, "refused", self.say("utter_form_cancelled", turn.lang, turn.tenant))
        values = {**self._values(turn), "reference": receipt.reference}
        text = self.say(f"utter_done_{form['name']}", turn.lang, turn.tenant, **values)
        return self._end(turn, "submitted", text, receipt.reference)

    def _end(self, turn: Turn, status: str, text: str, reference: str | None = None) -> Reply:
        name = turn.form["name"]
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
        if not turn.intent or not is_entry(turn.intent, self.forms.action_intents) or turn.confidence < THRESHOLD:
            return False
        pending = turn.form["pending"]
        answered = values.get(pending) if pending else None
        if answered is not None and answered.valid and not self._takes_any_text(pending):
            return False
        folded = fold(turn.text)
        return "?" in turn.text or folded.startswith(question_words(tuple(turn.tenant.languages)))

    def _takes_any_text(self, slot: str | None) -> bool:
        return slot is not None and self.slots.get(slot, {}).get("type") in FREE_TEXT

    def _digress(self, turn: Turn, values: dict[str, Value]) -> Reply:
        """The question's answer, then the form where it was, with the details the question gave."""
        assert turn.intent is not None  # _asks_question read it as one of the tenant's entries
        reply = self.answer(
            turn.tenant, turn.session, turn.text, turn.lang, turn.tenant.entries[turn.intent], turn.confidence
        )
        form = turn.form
        if form["status"] == "verifying":  # nothing else is read until the code is given
            resumed = self._form_reply(
                turn,
                self.say("utter_verify_waiting", turn.lang, turn.tenant, account=form["proof"]["value"]),
                "verifying",
            )
        else:
            kept = {k: v for k, v in values.items() if v.valid and not self._takes_any_text(k)}
            resumed = self._collect(turn, kept)
        reply.reply += "\n\n" + self.say("utter_resume", turn.lang, turn.tenant, question=resumed.reply)
        reply.action, reply.suggestions = resumed.action, resumed.suggestions or reply.suggestions
        return reply

    # -- replies ------------------------------------------------------------------------------------

    def _form_reply(self, turn: Turn, text: str, status: str) -> Reply:
        return self._reply(turn, "form", text, Action(turn.form["name"], status))

    def _reply(self, turn: Turn, kind: str, text: str, action: Action) -> Reply:
        intent = self.forms[action.name].intent or f"request_{action.name}"
        return Reply(
            session_id=turn.session.id,
            reply=text,
            lang=turn.lang,
            type=kind,
            intent=intent,
            confidence=turn.confidence,
            action=action,
        )


def _key(text: str) -> str:
    return " ".join(patterns.compile(r"\w+").findall(fold(text)))


@cache
def question_words(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The words a question starts with in the tenant's languages (``question_words`` in
    lang/<code>/language.yml, written folded: lower case, no accents)."""
    return tuple(w for lang in languages for w in langdata.load(lang, "language").get("question_words", []))
