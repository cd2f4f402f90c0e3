"""Every text the assistant writes from a template, filled in as a visitor reads it: each tenant's
answers with their facts, its computed replies on sample cases (a count of one and of several),
and every response with the tenant's name and sample values. ``assistant answers`` prints them, to
be read after editing the knowledge, the responses or a language's data."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from string import Formatter

from ..backoffice.ledger import Standing
from ..data import intents as intents_module
from ..data import knowledge
from ..dialogue.answers import answer_text, fill
from ..dialogue.compute import compute
from ..dialogue.validators import standing_values
from ..text.numbers import format_date, format_number, format_quantity

# The concrete cases each computed answer is rendered with, as a visitor would type them.
CASES = {
    "grace_calls_for_seats": {"fr": ["1 siège", "8 sièges"], "en": ["1 seat", "8 seats"]},
    "renewal_max_price": {"fr": ["12 000 €"], "en": ["€12,000"]},
    "discounted_price": {"fr": ["12 000 €"], "en": ["€12,000"]},
    "academic_prices": {"fr": ["12 000 €"], "en": ["€12,000"]},
    "hosted_capacity": {"fr": ["1 utilisateur", "40 utilisateurs"], "en": ["1 user", "40 users"]},
    "rental_runtime": {"fr": ["1000 iSC, 125 iSC par mois"], "en": ["1000 iSC, 125 iSC per month"]},
    # A day whose period is over for some facts and not for others, a month, a day in the future's reach.
    "date_after_period": {
        "fr": ["le 15/03/2021", "en mars 2026", "le 1er décembre 2026"],
        "en": ["on 15/03/2021", "in March 2026", "on 1 December 2026"],
    },
}
TODAY = date(2026, 12, 7)  # the day the date cases are computed on
SAMPLE_STANDING = Standing("SX-1002", True, None, 2, 1, date(2026, 9, 1), date(2027, 9, 1), "", "")


def sample_values(tenant: knowledge.Tenant, data: intents_module.IntentData, lang: str) -> dict[str, str]:
    """A value for every placeholder a response may carry, as the assistant would write it."""
    say = lambda key, **values: data.response(key, lang, **values)  # noqa: E731
    summary = [
        say("utter_summary_line", label=say(f"utter_label_{slot}"), value=value)
        for slot, value in (("name", "Karim Benali"), ("users", "40"))
    ]
    questions = [e.question[lang] for e in list(tenant.entries.values())[:2]]
    standing = standing_values(SAMPLE_STANDING, tenant, lang)
    standing["rental"] = standing["rental"] or format_quantity(3, "month", lang)  # a tenant without rentals
    return {
        **standing,
        "tenant_name": tenant.name,
        "topics": data.topic_names({e.topic for e in tenant.entries.values()}, lang),
        "options": " / ".join(questions),
        "limit": format_number(2000, lang),
        "choices": ", ".join(tenant.catalogue or ["Professional", "Enterprise"]),
        "value": "karim.exemple.dz",
        "summary": "\n".join(summary),
        "reference": "QUO-XXK2NP7S",
        "question": say("utter_ask_company"),
        "minutes": format_quantity(10, "minute", lang),
        "attempts": format_quantity(4, "attempt", lang),
        "code": "390716",
        "used": "1",
        "renewal": format_date(date(2027, 9, 1), lang),
        "label": say("utter_label_email"),
        "command": "/faq",
    }


def answers(tenant: knowledge.Tenant, lang: str) -> Iterator[tuple[str, str]]:
    """(where, text) for each answer of the tenant, then each computed reply on its sample cases."""
    for entry in tenant.entries.values():
        yield entry.id, answer_text(entry, tenant, lang)
    for entry in tenant.entries.values():
        if not entry.computed:
            continue
        template = entry.computed["reply"][lang]
        for case in CASES.get(entry.computed["function"], {}).get(lang, []):
            values = compute(entry.computed, case, tenant, lang, today=TODAY)
            if values and "response" not in values:
                chosen = entry.computed[values.pop("reply", "reply")][lang]
                yield f"{entry.id} ({case})", fill(chosen, tenant, lang, values)
        if entry.computed["function"] not in CASES:
            yield (
                f"{entry.id} (sample account)",
                fill(template, tenant, lang, standing_values(SAMPLE_STANDING, tenant, lang)),
            )


def responses(
    tenants: dict[str, knowledge.Tenant], data: intents_module.IntentData, lang: str
) -> Iterator[tuple[str, str]]:
    """(where, text) for each response: once per tenant when it names the tenant, else once."""
    for key, template in data.responses.get(lang, {}).items():
        fields = {field for _, field, _, _ in Formatter().parse(template) if field}
        for tenant in tenants.values() if "tenant_name" in fields else list(tenants.values())[:1]:
            where = f"{key} ({tenant.id})" if "tenant_name" in fields else key
            yield where, data.response(key, lang, **sample_values(tenant, data, lang))


def rendered(root: Path, tenant: str | None = None, lang: str | None = None) -> Iterator[tuple[str, str, str]]:
    """(lang, where, text) for every answer of every tenant (or one) and every response, in each
    language the tenants speak (or one)."""
    tenants = knowledge.load(root)
    data = intents_module.load(root)
    chosen = {tenant: tenants[tenant]} if tenant else tenants
    for code in [lang] if lang else sorted({code for t in chosen.values() for code in t.languages}):
        speaking = {tid: t for tid, t in chosen.items() if code in t.languages}
        for t in speaking.values():
            for where, text in answers(t, code):
                yield code, f"{t.id}.{where}", text
        for where, text in responses(speaking, data, code):
            yield code, where, text
