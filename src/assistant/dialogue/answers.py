"""Writing an entry's answer in the visitor's language: facts filled in, and follow-ups (its source:
citations.py)."""

from functools import lru_cache

from .. import patterns
from ..data.knowledge import Entry, Fact, Tenant
from ..text import elision, langdata
from ..text.numbers import format_number, format_quantity

_PLACEHOLDER = patterns.compile(r"\{([a-z][a-z0-9_]*)(\.value)?\}")


def _plural_word(unit: str, lang: str) -> str:
    form = langdata.load(lang, "units")["units"].get(unit, "")
    return form[1] if isinstance(form, list) else ""


def render_fact(fact: Fact, lang: str, bare: bool = False) -> str:
    if fact.bands:
        return render_bands(fact, lang)
    if bare:
        return format_number(fact.amount, lang)
    return format_quantity(fact.amount, fact.unit, lang)


def render_bands(fact: Fact, lang: str) -> str:
    style = langdata.load(lang, "language")["bands"]
    per = _plural_word(fact.per or "none", lang)
    parts = []
    for band in fact.bands:
        value = format_quantity(band["value"], fact.unit, lang)
        pattern = style["range"] if "max" in band else style["open"]
        parts.append(pattern.format(min=band.get("min", 0), max=band.get("max", ""), per=per, value=value))
    return style["separator"].join(parts)


def fill(template: str, tenant: Tenant, lang: str, values: dict[str, str] | None = None) -> str:
    """Replace ``{fact}``, ``{fact.value}`` and computed ``{placeholders}`` in a template, each value
    joined to the word before it as the language writes it ("que 1 instance" -> "qu'une seule instance")."""
    if "{" not in template:  # most answers state no fact: nothing to scan for
        return template
    values = values or {}
    pieces = _split(template)  # text, name, ".value" or None, text, ...
    written = [(pieces[0] or "", False)]
    for i in range(1, len(pieces), 3):
        name, suffix, text = pieces[i] or "", pieces[i + 1], pieces[i + 2] or ""
        written += [(_placeholder(name, suffix, tenant, lang, values), True), (text, False)]
    return elision.join(written, lang)


@lru_cache(maxsize=4096)
def _split(template: str) -> tuple[str | None, ...]:
    """The template's text around its placeholders, each as its name and ".value" or None. The
    knowledge's templates are a few hundred: each is split once, not at every answer."""
    return tuple(_PLACEHOLDER.split(template))


def _placeholder(name: str, suffix: str | None, tenant: Tenant, lang: str, values: dict[str, str]) -> str:
    if name in values:
        return values[name]
    fact = tenant.facts.get(name)
    return render_fact(fact, lang, suffix is not None) if fact else f"{{{name}{suffix or ''}}}"


def answer_text(entry: Entry, tenant: Tenant, lang: str) -> str:
    """The entry's answer in ``lang``; one staff have not translated yet, in the first of the
    tenant's languages it is written in, after a sentence in ``lang`` saying so."""
    written = written_in(entry.answer, lang, tenant.languages)
    text = fill(entry.answer[written], tenant, written)
    if written == lang:
        return text
    style = langdata.load(lang, "language")
    return f"{style['untranslated'].format(language=style['language_names'].get(written, written))} {text}"


def written_in(texts: dict[str, str], lang: str, languages: list[str]) -> str:
    """``lang`` if ``texts`` has it, else the first of ``languages`` (then of ``texts``) it has."""
    if lang in texts:
        return lang
    return next((code for code in languages if code in texts), next(iter(texts)))


def question_in(entry: Entry, lang: str, languages: list[str]) -> str:
    """The entry's question in ``lang``, else as it is written (not yet translated)."""
    return entry.question[written_in(entry.question, lang, languages)]


def follow_ups(entry: Entry, tenant: Tenant, lang: str, limit: int = 3) -> list[str]:
    related = (tenant.entries.get(r) for r in entry.related)
    return [question_in(r, lang, tenant.languages) for r in related if r is not None][:limit]
