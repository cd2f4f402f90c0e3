"""Staff lookup: the entries that match a query, as plain rows any channel can print or serialise.
The command line, the HTTP API and the staff page (which calls the API) all list ``lookup_rows``."""

from dataclasses import dataclass

from ..data.citations import source_of
from ..data.knowledge import Entry
from ..dialogue.answers import answer_text
from ..dialogue.policy import is_entry
from ..text.clean import clean

# The least score that matches: the least that two decimals show as 0.01 (see ``matches``).
MATCH_FLOOR = 0.005


@dataclass
class Match:
    """One line of a staff lookup."""

    tenant: str
    entry: Entry
    score: float


def matches(
    assistant, query: str, tenant: str | list[str] | None = None, lang: str | None = None, top: int = 5
) -> list[Match]:
    """The entries that match a query, over one tenant, several or all, the best first, at most ``top``.

    The score is the one the assistant itself answers by, the matcher's confidence
    ``probability ** 0.8 * similarity ** 0.2`` (matching.py): 0 when the query shares no feature
    with any phrase of the entry, and close to 0 when the classifier reads the query as another
    entry or as out of scope. An entry matches when its score is at least MATCH_FLOOR, the least
    that shows as 0.01: a score printed as 0.00 says that the assistant sees no match, and such
    rows only filled the list ("refund" listed four unrelated entries after the refund policy).
    Nothing matching is an empty list, which every channel says in words."""
    text = clean(query)
    lang = assistant.models.detector.detect(text, explicit=lang)
    chosen = [tenant] if isinstance(tenant, str) else tenant
    scope = [assistant.tenant(t) for t in chosen] if chosen else list(assistant.tenants.values())
    models = assistant.models
    found = [
        Match(t.id, t.entries[c.intent], c.confidence)
        for t in scope
        for c in models.matchers[t.id].rank(models.normaliser_for(t.id).tokens(text, lang), top + 10, text)
        if is_entry(c.intent, assistant.bundle.forms.action_intents) and c.confidence >= MATCH_FLOOR
    ]
    return sorted(found, key=lambda m: -m.score)[:top]


def lookup_rows(assistant, query: str, tenant: str | None = None, lang: str | None = None, top: int = 5) -> list[dict]:
    """Each row's question and answer in every language; its source in ``lang``, or without one as
    the seed writes it, which is what staff find when they open the document."""
    rows = []
    for match in matches(assistant, query, tenant=tenant, lang=lang, top=top):
        t, entry = assistant.tenants[match.tenant], match.entry
        rows.append(
            {
                "tenant": t.id,
                "id": entry.id,
                "score": round(match.score, 4),
                "topic": entry.topic,
                "question": dict(entry.question),
                "answer": {lang_code: answer_text(entry, t, lang_code) for lang_code in entry.answer},
                "source": vars(source_of(entry, t, lang or t.citations.language or t.languages[0])),
            }
        )
    return rows
