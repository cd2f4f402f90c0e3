"""Joining a filled-in value to the word before it as the language writes it.

French elides a few short words before a vowel or a mute h: a template "la FAQ de {tenant_name}"
filled with "eXo Platform" reads "la FAQ d'eXo Platform", and "ne permet de déployer que
{instances}" filled with "1 instance" reads "ne permet de déployer qu'une seule instance" (a count
of one after "que" is written "un seul" / "une seule", after "de" "un" / "une", by the unit's
gender). Which words elide, before what, and the words for one are the language's data
(``lang/<code>/elision.yml``; the genders are in ``units.yml``); English declares none, so its text
never changes.

``elide(text, lang)`` applies the rule at every word of a text; ``join`` fills a template and
applies it only where a value starts, so that the words of a value (a visitor's name, an email
typed wrong) are never rewritten. An h is mute only for the words the data lists: any other h is
taken as aspirated ("de hauts" stays). Idempotent: an elided word is joined to the next one, and
a count of one written in words no longer follows a bare "que" or "de".
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from .. import patterns
from . import langdata

_LETTERS = patterns.compile(r"[^\W\d_]*")  # one repeat at the end: on re, linear
_TOKEN = patterns.compile(r"\S*")
_OPENING = "-'’"  # a word joined to the one before it ("donnez-le à") is not elided


@dataclass(frozen=True)
class _Rules:
    elide: dict[str, str]  # word -> its elided form
    vowels: frozenset[str]
    mute_h: tuple[str, ...]
    never_before: frozenset[str]
    one: dict[str, dict[str, str]]  # word -> {a unit's first word: what "1" becomes after it}


@cache
def _rules(lang: str) -> _Rules:
    data = langdata.load(lang, "elision")
    units = langdata.load(lang, "units")
    genders = units.get("gender") or {}
    nouns = {
        form[0].split()[0]: genders.get(unit, "masculine")
        for unit, form in units["units"].items()
        if isinstance(form, list) and form[0]
    }
    one = {
        word: {noun: words[gender] for noun, gender in nouns.items()} for word, words in (data.get("one") or {}).items()
    }
    return _Rules(
        dict(data.get("elide") or {}),
        frozenset(data.get("vowels") or ""),
        tuple(data.get("mute_h") or ()),
        frozenset(data.get("never_before") or ()),
        one,
    )


def _letters(word: str) -> str:
    """The letters a word starts with, lower case ("eXo," -> "exo")."""
    return _LETTERS.match(word).group().lower()


def _token(text: str, start: int) -> str:
    """What the text holds from ``start`` to the next space."""
    return _TOKEN.match(text, start).group()


def _starts_with_vowel(word: str, rules: _Rules) -> bool:
    letters = _letters(word)
    if not letters or letters in rules.never_before:
        return False
    return letters[0] in rules.vowels or (letters[0] == "h" and letters.startswith(rules.mute_h))


def _edit(text: str, at: int, rules: _Rules) -> tuple[int, int, str] | None:
    """The elision of the word before ``at`` with the word at ``at``: (start, end, new text), or None."""
    gap = at
    while gap > 0 and text[gap - 1] == " ":
        gap -= 1
    core = gap
    while core > 0 and text[core - 1].isalpha():
        core -= 1
    if gap == at or core == gap or (core > 0 and (text[core - 1].isalnum() or text[core - 1] in _OPENING)):
        return None
    before = text[core:gap]
    elided = rules.elide.get(before.lower())
    if elided is None:  # most words before a value: nothing more to read
        return None
    end, following = at, _token(text, at)
    if following == "1" and text[at + 1 : at + 2] == " ":  # "que 1 instance": one in words, by the unit's gender
        unit, one = _letters(_token(text, at + 2)), rules.one.get(before.lower(), {})
        if unit in one:
            end, following = at + 1, one[unit]
    if not _starts_with_vowel(following, rules):
        return None
    elided = elided[0].upper() + elided[1:] if before[0].isupper() else elided
    return core, end, elided + (following if end > at else "")


def elide(text: str, lang: str, at: Collection[int] | None = None) -> str:
    """The text with its words elided as ``lang`` writes them: before every word, or only before the
    words that start at the offsets ``at``."""
    rules = _rules(lang)
    if not rules.elide:
        return text
    if at is None:
        at = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    edits = [e for e in (_edit(text, i, rules) for i in sorted(set(at)) if 0 < i < len(text)) if e]
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text


def join(parts: Iterable[tuple[str, bool]], lang: str) -> str:
    """Pieces of a filled template, each (text, is it a value?), joined and elided where a value starts."""
    written, starts, length = [], [], 0
    for piece, is_value in parts:
        if is_value:
            starts.append(length)
        written.append(piece)
        length += len(piece)
    return elide("".join(written), lang, starts)
