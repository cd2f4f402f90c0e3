"""Reading the values of a form's slots out of free text, several per message
("Karim Benali, karim@exemple.dz, 40 utilisateurs"), in either language.

Each slot type has one reader. A reader returns a ``Value`` (valid or not, so that an invalid one
can be explained) or None when the message says nothing about that slot. The slot being asked
for (``pending``) may also take the whole message, for free-text answers such as a company name.
"""
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .numbers import extract
from .text import clean, fold, fold_term

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
BROKEN_EMAIL = re.compile(r"\b[\w.+-]+(?:@|\s+at\s+)?[\w-]*\.(?:com|fr|dz|net|org|io|eu|be|ch|ca)\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w-])\+?\d[\d .()-]{6,}\d(?!\w)")
ACCOUNT = re.compile(r"\bsx\s?-?\s?(\d{4})\b", re.IGNORECASE)
LOOSE_ACCOUNT = re.compile(r"\bsx[\w-]*", re.IGNORECASE)
PO = re.compile(r"(?:\bpo\b|bon de commande|purchase order|\bbc\b)\s*(?:n°|no\.?|number|num[ée]ro|#|:)*\s*([A-Z0-9][A-Z0-9/-]{2,})",
                re.IGNORECASE)
NAME_CUES = re.compile(r"(?:je m'appelle|mon nom est|moi c'est|my name is|i am|i'm|this is|name:|nom\s?:)\s+"
                       r"([A-ZÀ-Ý][\w'À-ÿ-]+(?:\s+[A-ZÀ-Ý][\w'À-ÿ-]+){0,3})", re.IGNORECASE)
LEADING_NAME = re.compile(r"^\s*([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][\w'À-ÿ-]+){1,3})\s*[,;/]")
COMPANY_CUES = re.compile(r"(?:soci[ée]t[ée]|entreprise|company|organisation|organization|chez|at|from|travaille pour|"
                          r"work for|de la soci[ée]t[ée])\s+([A-ZÀ-Ý0-9][\w&'.À-ÿ-]*(?:\s+[A-ZÀ-Ý0-9][\w&'.À-ÿ-]*){0,3})")
PERSON = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+(?:[A-ZÀ-Ý][\w'À-ÿ-]+|de|du|van|von|el|al|ben|bin)){1,3}")
WORDS_ONLY = re.compile(r"^[A-Za-zÀ-ÿ' .-]+$")


@dataclass(frozen=True)
class Value:
    slot: str
    value: object
    valid: bool = True
    raw: str = ""


def read_slots(text: str, lang: str, slots: list[str], definitions: dict, catalogue: list[str],
               lookups, pending: str | None) -> dict[str, Value]:
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
    broken = BROKEN_EMAIL.search(text)
    if broken or (asked and len(text.split()) == 1 and "." in text):
        return Value(slot, None, False, (broken.group(0) if broken else text).strip())
    return None


def _phone(text, lang, slot, spec, catalogue, lookups, asked):
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 8 <= len(digits) <= 15:
            return Value(slot, re.sub(r"\s+", " ", match.group(0)).strip())
    return Value(slot, None, False, text.strip()) if asked else None


def _account(text, lang, slot, spec, catalogue, lookups, asked):
    match = ACCOUNT.search(text)
    if match:
        return Value(slot, f"SX-{match.group(1)}")
    loose = LOOSE_ACCOUNT.search(text)
    if loose or asked:
        return Value(slot, None, False, (loose.group(0) if loose else text).strip())
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
        best = next((value for value, words in lookups(slot).items() if _mentions(text, words)), None)
    if best is not None:
        return Value(slot, best)
    return Value(slot, None, False, clean(text)) if asked else None


def best_choice(text: str, choices: list[str]) -> str | None:
    """The catalogue item the message names: the longest one written out, else a close spelling."""
    folded = fold(text)
    named = [c for c in choices if re.search(rf"\b{re.escape(fold_term(c))}\b", folded)]
    if named:
        return max(named, key=len)
    scored = sorted(((fuzz.partial_ratio(fold_term(c), folded), len(c), c) for c in choices), reverse=True)
    if scored and scored[0][0] >= 88 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][2]
    return None


def _mentions(text: str, words: list[str]) -> bool:
    folded = f" {fold(text)} "
    return any(re.search(rf"(?<![\w]){re.escape(fold_term(w))}(?![\w])", folded) for w in words)


def _flag(text, lang, slot, spec, catalogue, lookups, asked):
    return Value(slot, True) if _mentions(text, lookups(slot).get("yes", [])) else None


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
        if WORDS_ONLY.match(answer) and 1 <= len(answer.split()) <= 5:
            return Value(slot, _title(answer))
        return Value(slot, None, False, answer)
    return None


def _listed_names(text: str) -> list[str]:
    """Names given in a list of details: "need a quote: Omar Farouk, omar@acme.com, 12 users"."""
    segments = [s.strip() for s in re.split(r"[,;:\n]|\.\s", text)]
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
        return None
    answer = clean(text).strip()
    valid = len(answer) >= spec.get("min_length", 1)
    return Value(slot, answer if valid else None, valid, answer)


def _title(name: str) -> str:
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in name.split())


READERS = {"email": _email, "phone": _phone, "account": _account, "count": _count, "choice": _choice,
           "flag": _flag, "reference": _reference, "person": _person, "text": _text}
