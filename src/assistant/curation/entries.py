"""A tenant's entries as its drafts leave them, for the Edit view and ``assistant curate entries``:
each with its texts, its phrasings, the facts its answers state (with their values), the languages
it still lacks, and whether the drafts add, edit or retire it."""

from .. import patterns
from ..data.citations import source_of
from ..data.knowledge import Entry, Tenant
from .apply import Applied, apply
from .building import base_of
from .live import Knowledge

PLACEHOLDER = patterns.compile(r"\{([a-z][a-z0-9_]*)(?:\.value)?\}")


def draft_knowledge(
    knowledge: Knowledge, tenant: str, live: list[dict], pending: list[dict]
) -> tuple[Applied, Applied]:
    """The tenant as its live version has it, and as its drafts would leave it."""
    published = apply(base_of(knowledge.base, tenant), live)
    return published, apply(published, pending)


def entry_rows(published: Applied, draft: Applied) -> list[dict]:
    """Every entry of the drafts, then those the drafts retire."""
    tenant = draft.tenant
    phrasings: dict[str, dict[str, list[str]]] = {}
    for e in draft.examples:
        phrasings.setdefault(e.intent, {}).setdefault(e.lang, []).append(e.text)
    rows = [
        row(entry, tenant, phrasings.get(entry.id, {}), state(entry, published.tenant))
        for entry in tenant.entries.values()
    ]
    retired = [e for eid, e in published.tenant.entries.items() if eid not in tenant.entries]
    return rows + [row(entry, published.tenant, {}, "retired") for entry in retired]


def state(entry: Entry, published: Tenant) -> str:
    before = published.entries.get(entry.id)
    if before is None:
        return "new"
    same = (before.question, before.answer, before.topic) == (entry.question, entry.answer, entry.topic)
    return "published" if same else "edited"


def row(entry: Entry, tenant: Tenant, phrasings: dict[str, list[str]], status: str) -> dict:
    lang = next((code for code in tenant.languages if code in entry.answer), tenant.languages[0])
    named = sorted({name for text in entry.answer.values() for name in PLACEHOLDER.findall(text)})
    return {
        "id": entry.id,
        "topic": entry.topic,
        "question": entry.question,
        "answer": entry.answer,
        "source": None if entry.source.get("by") == "staff" else entry.source,
        "title": source_of(entry, tenant, lang).title,
        "missing": [code for code in tenant.languages if code not in entry.question or code not in entry.answer],
        "phrasings": phrasings,
        "facts": [fact(tenant, name) for name in named if name in tenant.facts],
        "state": status,
    }


def fact(tenant: Tenant, name: str) -> dict:
    f = tenant.facts[name]
    return {"name": name, "value": f.value, "unit": f.unit, "per": f.per, "bands": f.bands}
