"""Reading the values of a form's slots out of free text, several per message
("Karim Benali, karim@exemple.dz, 40 utilisateurs"), in either language.

Each slot type has one reader. A reader returns a ``Value`` (valid or not, so that an invalid one
can be explained) or None when the message says nothing about that slot. The slot being asked
for (``pending``) may also take the whole message, for free-text answers such as a company name.
"""

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .. import patterns
from ..patterns import IGNORECASE
from ..text.clean import clean, fold, fold_term, single_spaces
from ..text.numbers import extract

# A word boundary is written as the character it stands on, consumed (``(?:^|\W)``, ``(?:\W|\Z)``),
# and what is read is a group (see patterns.py).
EMAIL = patterns.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = patterns.compile(r"(?:^|[^\w-])(\+?\d[\d .()-]{6,}\d)(?:\W|\Z)")
# "po" and "bc" are whole words: what follows them starts with a space, "#" or ":".
_PO_CUES = r"(?:n°|no\.?|number|num[ée]ro|#|:)"
PO = patterns.compile(
    rf"(?:(?:^|\W)(?:po|bc)(?:\s+{_PO_CUES}*|[#:]{_PO_CUES}*)"
    rf"|(?:bon de commande|purchase order)\s*{_PO_CUES}*)\s*([A-Z0-9][A-Z0-9/-]{{2,}})",
    IGNORECASE,
)
NAME_CUES = patterns.compile(
    r"(?:je m'appelle|mon nom est|moi c'est|my name is|i am|i'm|this is|name:|nom\s?:)\s+"
    r"([A-ZÀ-Ý][\w'À-ÿ-]+(?:\s+[A-ZÀ-Ý][\w'À-ÿ-]+){0,3})",
    IGNORECASE,
)
LEADING_NAME = patterns.compile(r"^\s*([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][\w'À-ÿ-]+){1,3})\s*[,;/]")
COMPANY_CUES = patterns.compile(
    r"(?:soci[ée]t[ée]|entreprise|company|organisation|organization|chez|at|from|"
    r"travaille pour|work for|de la soci[ée]t[ée])\s+"
    r"([A-ZÀ-Ý0-9][\w&'.À-ÿ-]*(?:\s+[A-ZÀ-Ý0-9][\w&'.À-ÿ-]*){0,3})"
)
PERSON = patterns.compile(r"[A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+(?:[A-ZÀ-Ý][\w'À-ÿ-]+|de|du|van|von|el|al|ben|bin)){1,3}")
WORDS_ONLY = patterns.compile(r"[A-Za-zÀ-ÿ' .-]+")
SEGMENTS = patterns.compile(r"[,;:\n]|[.?!]\s")
MAX_CUED_TEXT = 600  # characters of a message searched for a cued free-text value


@lru_cache(maxsize=16)
def broken_email(domains: tuple[str, ...]):
    """Something like an email ending in one of the slot's top-level ``domains`` (forms.yml), at word
    boundaries: "karim.exemple.dz", "karim at exemple.dz". The leftmost such match starts at a word's
    first character, so the address starts with a word character."""
    ends = "|".join(patterns.escape(d) for d in domains)
    return patterns.compile(rf"(?:^|\W)(\w[\w.+-]*(?:@|\s+at\s+)?[\w-]*\.(?:{ends}))(?:\W|\Z)", IGNORECASE)


@lru_cache(maxsize=16)
def account_patterns(prefix: str, digits: int):
    """How an account number is written (``prefix`` and ``digits`` of the slot in forms.yml):
    "SX-1234", "sx 1234", "SX1234"; and, loosely, what starts like one ("SX-12", "sx-abcd"), to be
    explained as invalid."""
    start = patterns.escape(prefix.lower())
    return (
        patterns.compile(rf"(?:^|\W){start}\s?-?\s?(\d{{{digits}}})(?:\W|\Z)", IGNORECASE),
        patterns.compile(rf"(?:^|\W)({start}[\w-]*)", IGNORECASE),
    )


def read_account(text: str, spec: dict) -> str | None:
    """The account number the text gives, written as the slot's ``spec`` writes it (SX-1234)."""
    match = account_patterns(spec["prefix"], spec["digits"])[0].search(text)
    return f"{spec['prefix']}-{match.group(1)}" if match else None


@dataclass(frozen=True)
class Value:
    slot: str
    value: object
    valid: bool = True
    raw: str = ""


def read_slots(
    text: str, lang: str, slots: list[str], definitions: dict, catalogue: list[str], lookups, pending: str | None
) -> dict[str, Value]:
    """Every slot of ``slots`` the message gives a value for."""
    found = {}
    for slot in slots:
        reader = READERS[definitions[slot]["type"]]
        value = reader(text, lang, slot, definitions[slot], catalogue, lookups, slot == pending)
        if value is not None:
            found[slot] = value
    return found


def _email(text, lang, slot, spec, catalogue, lookups, asked):
    match = EMAIL.search(text)
    if match:
        return Value(slot, match.group(0).lower())
    broken = broken_email(tuple(spec.get("domains", ()))).search(text) if spec.get("domains") else None
    if broken or (asked and len(text.split()) == 1 and "." in text):
        return Value(slot, None, False, (broken.group(1) if broken else text).strip())
    return None


def _phone(text, lang, slot, spec, catalogue, lookups, asked):
    position = 0
    # Each next number is searched from the end of the last: it starts after a character that is
    # not a word character, and a number ends with a digit.
    while (match := PHONE.search(text, position)) is not None:
        number, position = match.group(1), match.end(1)
        if 8 <= sum(map(str.isdecimal, number)) <= 15:  # its digits (\d is str.isdecimal)
            return Value(slot, single_spaces(number))
    return Value(slot, None, False, text.strip()) if asked else None


def _account(text, lang, slot, spec, catalogue, lookups, asked):
    account = read_account(text, spec)
    if account:
        return Value(slot, account)
    loose = account_patterns(spec["prefix"], spec["digits"])[1].search(text)
    if loose or asked:
        return Value(slot, None, False, (loose.group(1) if loose else text).strip())
    return None


def _count(text, lang, slot, spec, catalogue, lookups, asked):
    numbers = [n for n in extract(text, lang) if not n.money]
    people = [n for n in numbers if n.counts == "people"]
    chosen = people[0] if people else numbers[0] if asked and len(numbers) == 1 else None
    if chosen is None:
        return None
    valid = spec.get("min", 1) <= chosen.value <= spec.get("max", float("inf")) and chosen.value == int(chosen.value)
    return Value(slot, int(chosen.value) if valid else None, valid, str(chosen.value).removesuffix(".0"))


def _choice(text, lang, slot, spec, catalogue, lookups, asked):
    if spec.get("from") == "catalogue":
        best = best_choice(text, catalogue)
    else:
        best = next((value for value, words in lookups(slot).items() if mentions(text, words)), None)
    if best is not None:
        return Value(slot, best)
    return Value(slot, None, False, clean(text)) if asked else None


def best_choice(text: str, choices: list[str]) -> str | None:
    """The catalogue item the message names: the longest one written out, else a close spelling."""
    folded = fold(text)
    named = [c for c in choices if patterns.compile(_bounded(fold_term(c))).search(folded)]
    if named:
        return max(named, key=len)
    scored = sorted(((fuzz.partial_ratio(fold_term(c), folded), len(c), c) for c in choices), reverse=True)
    if scored and scored[0][0] >= 88 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][2]
    return None


def _bounded(term: str) -> str:
    """A pattern that finds the term where ``\\b{term}\\b`` would: Python's \\b stands between a
    word character and another character, or an end; here those neighbours are consumed, for a
    yes-or-no search."""
    if not term:
        return r"(?:^|\W)\w|\w(?:\W|\Z)"
    before = r"(?:^|\W)" if _is_word(term[0]) else r"\w"
    after = r"(?:\W|\Z)" if _is_word(term[-1]) else r"\w"
    return before + patterns.escape(term) + after


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"  # \w


def compile_ahead(catalogues, intents) -> None:
    """Compile the patterns of every catalogue item and every list of lookup words now, rather than
    on a worker's first form turns: a server's master does it before it forks, so that its workers
    share them (some 130 ms of RE2 compilation otherwise). The lists are ``intents.lookup_values``',
    as the readers are given them."""
    for catalogue in catalogues:
        for item in catalogue:
            patterns.compile(_bounded(fold_term(item)))
    slots = {name.partition(":")[0] for tables in intents.lookups.values() for name in tables}
    for slot in slots:
        for words in intents.lookup_values(slot).values():
            _any_word(tuple(words))


def mentions(text: str, words: list[str]) -> bool:
    """Whether the message holds one of the words, each between non-word characters."""
    return bool(words) and _any_word(tuple(words)).search(fold(text)) is not None


@lru_cache(maxsize=256)
def _any_word(words: tuple[str, ...]):
    """One pattern for a list of the knowledge's words: one search of a message, where a search per
    word cost the RE2 wrapper's overhead some forty times a form turn."""
    alternatives = "|".join(patterns.escape(fold_term(w)) for w in words)
    return patterns.compile(rf"(?:^|\W)(?:{alternatives})(?:\W|\Z)")


def _flag(text, lang, slot, spec, catalogue, lookups, asked):
    return Value(slot, True) if mentions(text, lookups(slot).get("yes", [])) else None


def _reference(text, lang, slot, spec, catalogue, lookups, asked):
    match = PO.search(text)
    return Value(slot, match.group(1)) if match else None


def _person(text, lang, slot, spec, catalogue, lookups, asked):
    products = {fold_term(c) for c in catalogue}
    found = [m.group(1) for m in (NAME_CUES.search(text), LEADING_NAME.search(text)) if m] + _listed_names(text)
    named = next((n for n in found if not _names_a_product(n, products)), None)
    if named:
        return Value(slot, _title(named))
    if asked:
        answer = clean(text).strip(" .!")
        if WORDS_ONLY.fullmatch(answer) and 1 <= len(answer.split()) <= 5:
            return Value(slot, _title(answer))
        return Value(slot, None, False, answer)
    return None


def _listed_names(text: str) -> list[str]:
    """Names given in a list of details: "need a quote: Omar Farouk, omar@acme.com, 12 users"."""
    segments = [s.strip() for s in SEGMENTS.split(text)]
    return [s for s in segments if PERSON.fullmatch(s)] if len(segments) > 1 else []


def _names_a_product(name: str, products: set[str]) -> bool:
    folded = fold(name)
    return any(folded in p or p in folded for p in products)


def _text(text, lang, slot, spec, catalogue, lookups, asked):
    if slot == "company":
        match = COMPANY_CUES.search(text)
        if match:
            return Value(slot, match.group(1).strip(" .,"))
    if not asked:
        cued = _cued(text, spec.get("cued"), lookups(slot).get("cue", []))
        return Value(slot, cued) if cued and len(cued) >= spec.get("min_length", 1) else None
    answer = clean(text).strip()
    valid = len(answer) >= spec.get("min_length", 1)
    return Value(slot, answer if valid else None, valid, answer)


def _cued(text: str, how: str | None, cues: list[str]) -> str | None:
    """A free-text value given among other details, found by its cue words (the slot's ``cue``
    lookup): "…, I need help with exporting drawings" gives the need. ``how`` says what is kept:
    ``segment``, the whole part of the message holding the cue (between commas, semicolons, line
    breaks or sentences), or ``from_cue``, that part from the cue on ("a demo, Tuesday afternoon")."""
    if not how or not cues:
        return None
    phrases = [fold_term(c).split() for c in cues]
    for segment in SEGMENTS.split(text[:MAX_CUED_TEXT]):
        words = segment.split()
        start = _cue_start([fold_term(w.strip(".,;:!?()\"'")) for w in words], phrases)
        if start is not None:
            kept = words if how == "segment" else words[start:]
            return " ".join(kept).strip(" .!")
    return None


def _cue_start(words: list[str], phrases: list[list[str]]) -> int | None:
    """Where the first of the cue phrases starts among the (folded) words, if one is there."""
    for i in range(len(words)):
        if any(p and words[i : i + len(p)] == p for p in phrases):
            return i
    return None


def _title(name: str) -> str:
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in name.split())


READERS = {
    "email": _email,
    "phone": _phone,
    "account": _account,
    "count": _count,
    "choice": _choice,
    "flag": _flag,
    "reference": _reference,
    "person": _person,
    "text": _text,
}
