"""The kinds of change staff make to a tenant's knowledge, and how each is checked when it is made.

A change is a JSON object with a ``kind``; the server adds who made it, when, and its id:

- ``phrasing``: ``{"entry": <an entry of the tenant, or a common intent>, "lang", "text"}`` — one
  more way visitors ask it;
- ``entry``: ``{"entry": <a new id, made from the question when absent>, "topic", "question":
  {lang: text}, "answer": {lang: text}, "source": {"section", "question"} (the document's) or
  absent (written by staff), "related": [ids]}`` — one language is enough until it is translated;
- ``edit``: ``{"entry", "question"?: {lang: text}, "answer"?: {lang: text}, "topic"?}`` — the
  languages given replace those texts, the others stay;
- ``retire``: ``{"entry"}`` — the entry and its phrasings are no longer answered;
- ``synonym``: ``{"lang", "canonical", "text"}`` — ``text`` means the same as ``canonical`` for
  this tenant ("tarif" → "prix").

Every kind may name ``"unanswered": [group ids]``, the unanswered questions it answers.
"""

from dataclasses import dataclass

from .. import patterns
from ..data.intents import COMMON_INTENTS
from ..data.knowledge import Tenant
from ..data.schema import entry_topics
from ..text.clean import fold

KINDS = ("phrasing", "entry", "edit", "retire", "synonym")
TOPICS = entry_topics()
ENTRY_ID = patterns.compile(r"[a-z][a-z0-9_]{0,63}")
WORD = patterns.compile(r"[a-z0-9]+")
MAX_PHRASING, MAX_QUESTION, MAX_ANSWER, MAX_SOURCE = 300, 300, 4000, 300
MAX_UNANSWERED = 100


class ChangeError(ValueError):
    """A change that cannot be made, with the field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Knowledge:
    """What a change is checked against: the tenant as its drafts leave it (entry ids known)."""

    tenant: Tenant
    entries: frozenset[str]


def checked(payload: object, known: Knowledge) -> dict:
    """The change as it will be kept (only its own fields, texts stripped), or ChangeError."""
    if not isinstance(payload, dict):
        raise ChangeError("kind", "A change is a JSON object with a 'kind'.")
    kind = payload.get("kind")
    if kind not in KINDS:
        raise ChangeError("kind", f"'kind' must be one of: {', '.join(KINDS)}.")
    change = {"kind": kind, **_CHECKS[kind](payload, known)}
    unanswered = payload.get("unanswered") or []
    if not isinstance(unanswered, list) or len(unanswered) > MAX_UNANSWERED:
        raise ChangeError("unanswered", f"'unanswered' must be a list of at most {MAX_UNANSWERED} group ids.")
    if not all(isinstance(g, int) and not isinstance(g, bool) and g > 0 for g in unanswered):
        raise ChangeError("unanswered", "'unanswered' must list group ids (whole numbers).")
    if unanswered:
        change["unanswered"] = sorted(set(unanswered))
    return change


def text(payload: dict, name: str, limit: int, required: bool = True) -> str | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ChangeError(name, f"'{name}' must be a non-empty text.")
    if len(value) > limit:
        raise ChangeError(name, f"'{name}' is limited to {limit} characters.")
    return value.strip()


def language(payload: dict, tenant: Tenant, name: str = "lang") -> str:
    lang = payload.get(name)
    if lang not in tenant.languages:
        raise ChangeError(name, f"'{name}' must be one of the tenant's languages: {', '.join(tenant.languages)}.")
    return lang


def texts(payload: dict, name: str, tenant: Tenant, limit: int, required: bool = True) -> dict[str, str] | None:
    """``{lang: text}`` in the tenant's languages: at least one when required."""
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not value:
        raise ChangeError(name, f'\'{name}\' must be an object of texts by language, e.g. {{"fr": "…"}}.')
    for lang in value:
        if lang not in tenant.languages:
            raise ChangeError(name, f"'{name}': {lang!r} is not one of the tenant's languages.")
    return {lang: text(value, lang, limit) for lang in value}  # type: ignore[misc]


def existing_entry(payload: dict, known: Knowledge) -> str:
    entry = payload.get("entry")
    if not isinstance(entry, str) or entry not in known.entries:
        raise ChangeError("entry", "'entry' must name an entry of the tenant.")
    return entry


def _phrasing(payload: dict, known: Knowledge) -> dict:
    entry = payload.get("entry")
    if not isinstance(entry, str) or (entry not in known.entries and entry not in COMMON_INTENTS):
        raise ChangeError("entry", "'entry' must name an entry of the tenant or a common intent.")
    return {"entry": entry, "lang": language(payload, known.tenant), "text": text(payload, "text", MAX_PHRASING)}


def _entry(payload: dict, known: Knowledge) -> dict:
    question = texts(payload, "question", known.tenant, MAX_QUESTION)
    answer = texts(payload, "answer", known.tenant, MAX_ANSWER)
    if set(answer) != set(question):  # type: ignore[arg-type]
        raise ChangeError("answer", "'answer' must be given in the languages of 'question'.")
    entry = payload.get("entry") or new_id(question, known)  # type: ignore[arg-type]
    if not isinstance(entry, str) or not ENTRY_ID.fullmatch(entry):
        raise ChangeError("entry", "'entry' must be an id of lowercase letters, digits and _ (at most 64).")
    if entry in known.entries or entry in COMMON_INTENTS:
        raise ChangeError("entry", f"The tenant already has an entry {entry!r}.")
    topic = payload.get("topic")
    if topic not in TOPICS:
        raise ChangeError("topic", f"'topic' must be one of: {', '.join(TOPICS)}.")
    change = {"entry": entry, "topic": topic, "question": question, "answer": answer, "source": source(payload)}
    related = payload.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) and r in known.entries for r in related):
        raise ChangeError("related", "'related' must list entries of the tenant.")
    return change | ({"related": related} if related else {})


def source(payload: dict) -> dict | None:
    """The document's section and question the entry comes from, or None: written by staff."""
    value = payload.get("source")
    if value in (None, "staff"):
        return None
    if not isinstance(value, dict) or set(value) != {"section", "question"}:
        raise ChangeError("source", '\'source\' must be {"section": …, "question": …} or absent (written by staff).')
    return {name: text(value, name, MAX_SOURCE) for name in ("section", "question")}


def new_id(question: dict[str, str], known: Knowledge) -> str:
    """An id from the question's first words ("staff_" and a number when they give none or a taken one)."""
    first = next(iter(question.values()))
    words = WORD.findall(fold(first))[:6]
    base = "_".join(words)[:48].strip("_") or "entry"
    base = base if base[0].isalpha() else f"entry_{base}"
    candidate, n = base, 2
    while candidate in known.entries or candidate in COMMON_INTENTS:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _edit(payload: dict, known: Knowledge) -> dict:
    change: dict = {"entry": existing_entry(payload, known)}
    for name, limit in (("question", MAX_QUESTION), ("answer", MAX_ANSWER)):
        given = texts(payload, name, known.tenant, limit, required=False)
        if given:
            change[name] = given
    if "topic" in payload:
        if payload["topic"] not in TOPICS:
            raise ChangeError("topic", f"'topic' must be one of: {', '.join(TOPICS)}.")
        change["topic"] = payload["topic"]
    if len(change) == 1:
        raise ChangeError("question", "An edit changes 'question', 'answer' or 'topic'.")
    return change


def _retire(payload: dict, known: Knowledge) -> dict:
    return {"entry": existing_entry(payload, known)}


def _synonym(payload: dict, known: Knowledge) -> dict:
    return {
        "lang": language(payload, known.tenant),
        "canonical": text(payload, "canonical", MAX_PHRASING),
        "text": text(payload, "text", MAX_PHRASING),
    }


_CHECKS = {"phrasing": _phrasing, "entry": _entry, "edit": _edit, "retire": _retire, "synonym": _synonym}
