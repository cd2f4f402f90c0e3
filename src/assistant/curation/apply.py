"""A tenant's knowledge with changes applied: its entries, its phrasings and its own synonyms.

Applying is idempotent — a phrasing already there is not added twice, an entry already there is
replaced — so that changes exported to the tenant's files (export.py) and applied again on top of
them give the same knowledge.
"""

import copy
from dataclasses import dataclass

from ..data.intents import Example
from ..data.knowledge import Entry, Tenant
from ..text.clean import fold

STAFF = {"by": "staff"}  # the source of an entry staff wrote (citations.py shows it so)


@dataclass
class Applied:
    """One tenant's knowledge: the tenant, the phrasings of its scope, its synonyms (lang ->
    canonical -> variants)."""

    tenant: Tenant
    examples: list[Example]
    synonyms: dict[str, dict[str, list[str]]]


def apply(base: Applied, changes: list[dict]) -> Applied:
    """``base`` with ``changes`` applied in order (``base`` is not changed). Each change has the
    ``id`` it was kept with, which names where an entry or a phrasing it adds comes from."""
    applied = Applied(copy.deepcopy(base.tenant), list(base.examples), copy.deepcopy(base.synonyms))
    for change in changes:
        _APPLY[change["kind"]](applied, change)
    return applied


def origin(change: dict) -> str:
    """Where a problem with what a change adds is said to be."""
    return f"change {change.get('id', '?')}"


def _phrasing(applied: Applied, change: dict) -> None:
    scope, lang, text = applied.tenant.id, change["lang"], change["text"]
    if any(e.intent == change["entry"] and e.lang == lang and fold(e.text) == fold(text) for e in applied.examples):
        return
    applied.examples.append(Example(text, change["entry"], scope, lang, origin(change), 0))


def _entry(applied: Applied, change: dict) -> None:
    tenant = applied.tenant
    tenant.entries[change["entry"]] = Entry(
        id=change["entry"],
        tenant=tenant.id,
        topic=change["topic"],
        source=change.get("source") or dict(STAFF),
        question=dict(change["question"]),
        answer=dict(change["answer"]),
        related=list(change.get("related", [])),
        file=origin(change),
    )


def _edit(applied: Applied, change: dict) -> None:
    entry = applied.tenant.entries.get(change["entry"])
    if entry is None:  # retired by a later change of the same version: nothing to edit
        return
    entry.question.update(change.get("question", {}))
    entry.answer.update(change.get("answer", {}))
    entry.topic = change.get("topic", entry.topic)


def _retire(applied: Applied, change: dict) -> None:
    retired = change["entry"]
    applied.tenant.entries.pop(retired, None)
    applied.examples = [e for e in applied.examples if e.intent != retired]
    for entry in applied.tenant.entries.values():
        entry.related = [r for r in entry.related if r != retired]


def _synonym(applied: Applied, change: dict) -> None:
    variants = applied.synonyms.setdefault(change["lang"], {}).setdefault(change["canonical"], [])
    if fold(change["text"]) not in {fold(v) for v in variants}:
        variants.append(change["text"])


_APPLY = {"phrasing": _phrasing, "entry": _entry, "edit": _edit, "retire": _retire, "synonym": _synonym}
