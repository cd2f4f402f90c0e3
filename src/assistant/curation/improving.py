"""What staff should act on: the groups of unanswered questions (and "not helpful" votes, which join
them) not yet handled, each with the matcher's three best entries — the likely "means this entry"."""

from ..backoffice.store import Store
from ..core import Assistant
from ..dialogue.answers import question_in
from ..dialogue.policy import is_entry
from ..jsoncodec import loads

SHOWN = 50  # groups a page lists, the most asked first
BEST = 3


def open_groups(store: Store, tenant: str, limit: int = SHOWN) -> list[dict]:
    rows = store.query(
        "select id, question, count, languages, reasons, examples, last from unanswered_groups "
        "where tenant = ? and handled is null order by count desc, last desc, id desc limit ?",
        [tenant, limit],
    )
    keys = ("group", "question", "count", "languages", "reasons", "examples", "last")
    groups = [dict(zip(keys, row)) for row in rows]
    for group in groups:
        for key in ("languages", "reasons", "examples"):
            group[key] = loads(group[key])
    return groups


def improvements(assistant: Assistant, tenant: str) -> list[dict]:
    """The tenant's open groups, each with its best entries as the live version ranks them."""
    t = assistant.tenant(tenant)
    actions = assistant.bundle.forms.action_intents
    items = []
    for group in open_groups(assistant.store, tenant):
        lang = group["languages"][0] if group["languages"] else t.languages[0]
        ranked = assistant.models.matchers[tenant].rank(
            assistant.models.normaliser_for(tenant).tokens(group["question"], lang), 10, group["question"]
        )
        best = [c for c in ranked if is_entry(c.intent, actions) and c.intent in t.entries][:BEST]
        candidates = [
            {
                "intent": c.intent,
                "question": question_in(t.entries[c.intent], lang, t.languages),
                "confidence": round(c.confidence, 4),
                "similarity": round(c.similarity, 4),
                "probability": round(c.probability, 4),
            }
            for c in best
        ]
        items.append({"kind": "unanswered", **group, "lang": lang, "candidates": candidates})
    return items
