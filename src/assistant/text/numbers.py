"""Reading numbers out of messages (digits or words, either language) and writing them back."""

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from text_to_num import alpha2digit

from .. import patterns
from . import langdata
from .clean import fold, split

# 12 000 / 12,000 / 12.000 / 12000 / 12,5 / 12.5, then an optional k or m multiplier; not after a
# word character, a point or a comma, and not before a letter. Neither a group of three digits nor
# the decimals may be followed by another digit. The characters around the number are consumed
# (RE2 has no lookaround), so the end of the match depends on what the number ends with:
#   - a multiplier, or a space (``space``), then anything but a letter;
#   - its digits, then anything but a digit or a letter;
#   - ``cut``: a run of digits followed by a letter gives up its last digit (the number is one
#     digit short, followed by that digit: "24h" reads 2, as the backtracking pattern did).
_NUMBER = patterns.compile(
    r"(?:^|[^\w.,])(?:(?P<integer>\d{1,3}(?:[ ,.]\d{3})+|\d+)(?:[.,](?P<decimals>\d{1,2}))?"
    r"(?:\s?(?P<unit>[km])(?:[^a-z]|\Z)|(?P<space>\s)(?:[^a-z]|\Z)|(?:[^\da-z]|\Z))"
    r"|(?P<cut>\d+)\d)",
    patterns.IGNORECASE,
)
_CUT = _NUMBER.groupindex["cut"]
_SEPARATORS = patterns.compile(r"[ ,.]")


class _Written(NamedTuple):
    """A number as the message writes it: its span, and its digits, decimals and multiplier."""

    start: int
    end: int
    integer: str
    decimals: str | None
    unit: str | None


def _written(text: str) -> list[_Written]:
    """Every number of the text, left to right. After one that ends with a space, the next is
    searched from that space, which it may start after."""
    found, position = [], 0
    while (match := _NUMBER.search(text, position)) is not None:
        integer = 1 if match.group(1) is not None else _CUT
        end = max(match.end(group) for group in range(1, _CUT + 1))  # a group that took no part ends at -1
        found.append(
            _Written(match.start(integer), end, match.group(integer), match.group("decimals"), match.group("unit"))
        )
        position = end - 1 if match.group("space") is not None else end
    return found


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    money: bool = False
    counts: str | None = None  # "people" or "per_month" when a nearby word says so


@cache
def _quantity_words() -> dict[str, tuple[str, ...]]:
    words: dict[str, set[str]] = {}
    for lang in langdata.languages():
        for kind, items in langdata.load(lang, "language").get("quantity_words", {}).items():
            words.setdefault(kind, set()).update(fold(w) for w in items)
    return {kind: tuple(sorted(w, key=len, reverse=True)) for kind, w in words.items()}


@cache
def _number_words(lang: str) -> frozenset[str] | None:
    """The words text2num reads in a language, singular and plural; None if its data lists none."""
    words = langdata.load(lang, "language").get("number_words")
    return frozenset(words) | frozenset(w + "s" for w in words) if words else None


def spells_number(words: tuple[str, ...], lang: str) -> bool:
    """Whether a message's folded words (text.split's) hold one that text2num reads. Its words
    are runs of letters, digits, hyphens and apostrophes: a number is a listed word, or a listed
    word between hyphens, which split() cuts apart; no listed word holds an apostrophe."""
    listed = _number_words(lang)
    return listed is None or not listed.isdisjoint(words)


# Language detection, normalisation and slots all read one reply's numbers; as for fold(), the
# cache holds that reply's texts, not yesterday's messages.
@lru_cache(maxsize=16)
def to_digits(text: str, lang: str) -> str:
    """Write number words as digits ("huit sièges" -> "8 sièges")."""
    # Five messages in six spell no number: their words, which the next stage splits too (the
    # split is cached), are looked up instead of read by text2num (20 k instructions a call).
    if not spells_number(split(fold(text)), lang):
        return text
    try:
        return alpha2digit(text, lang)
    except Exception:  # an odd character must never stop a reply
        return text


def _value(integer: str, decimals: str | None, multiplier: str | None) -> float:
    value = float(_SEPARATORS.sub("", integer))
    if decimals:
        value += float(decimals) / 10 ** len(decimals)
    return value * {"k": 1_000, "m": 1_000_000}.get((multiplier or "").lower(), 1)


def _next_to(words: tuple[str, ...], before: str, after: str) -> bool:
    after = after.lstrip()
    return any(after.startswith(w) or before.endswith(w) for w in words)


def _distance(text: str, start: int, end: int, other_start: int, other_end: int) -> int:
    """Characters between two spans; a comma or semicolon between them counts as far."""
    gap = text[end:other_start] if other_start >= end else text[other_end:start]
    return len(gap) + 20 * sum(gap.count(c) for c in ",;")


@lru_cache(maxsize=256)
def _literal(phrase: str):
    """A pattern for the phrase as written, compiled once: escaping it on every message cost more
    than the search."""
    return patterns.compile(patterns.escape(phrase))


def _monthly(text: str, matches: list[_Written], phrases: tuple[str, ...]) -> set[int]:
    """Which numbers a "per month" phrase qualifies: each phrase goes to the nearest number
    ("15 iSC par mois", "monthly consumption 125 iSC")."""
    qualified = set()
    for phrase in phrases:
        for occurrence in _literal(phrase).finditer(text):
            distance = [_distance(text, m.start, m.end, occurrence.start(), occurrence.end()) for m in matches]
            if distance and min(distance) <= 24:
                qualified.add(distance.index(min(distance)))
    return qualified


def extract(text: str, lang: str) -> list[Number]:
    """Every number in the message, with what the words around it say it is."""
    text = fold(to_digits(text, lang))
    words = _quantity_words()
    matches = _written(text)
    monthly = _monthly(text, matches, words["per_month"])
    found = []
    for i, m in enumerate(matches):
        before, after = text[max(0, m.start - 8) : m.start].rstrip(), text[m.end : m.end + 24]
        money = bool(m.unit) or _next_to(words["money"], before, after)
        counts = "per_month" if i in monthly else "people" if _next_to(words["people"], "", after) else None
        found.append(Number(_value(m.integer, m.decimals, m.unit), m.start, m.end, money, counts))
    return found


def format_number(value: float, lang: str) -> str:
    """12840 -> "12 840" in French, "12,840" in English; at most two decimals."""
    style = langdata.load(lang, "language")["numbers"]
    whole, _, decimals = f"{value:,.2f}".partition(".")
    whole = whole.replace(",", style["thousands"])
    decimals = decimals.rstrip("0")
    return f"{whole}{style['decimal']}{decimals}" if decimals else whole


def format_quantity(value: float, unit: str, lang: str) -> str:
    """A number with its unit, as the language writes it: "30 jours", "€12,840", "7 %"."""
    units = langdata.load(lang, "units")["units"]
    form = units.get(unit, units["none"])
    number = format_number(value, lang)
    if isinstance(form, str):
        return form.format(n=number)
    singular = abs(value) < 2 if langdata.load(lang, "language").get("plural") == "from_two" else abs(value) == 1
    word = form[0] if singular else form[1]
    return f"{number} {word}".strip()


def format_date(day, lang: str) -> str:
    """A date as the language writes it: "01/09/2027", "1 September 2027"."""
    pattern = langdata.load(lang, "language")["dates"]
    return day.strftime(pattern).lstrip("0") if pattern.startswith("%d ") else day.strftime(pattern)
