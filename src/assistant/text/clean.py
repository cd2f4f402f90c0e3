"""Text helpers every stage shares: folding case, accents and typographic variants."""

import unicodedata
from functools import cache, lru_cache

from .. import kernels, patterns
from ..kernels.constants import APOSTROPHE

# Apostrophes and dashes as people type them on phones and in word processors. Every other ASCII
# character maps to itself: str.translate raises and clears a KeyError for each character missing
# from the table, which more than doubled its cost on every message.
_TYPOGRAPHY = {i: i for i in range(128)} | str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
_ASCII_TYPOGRAPHY = [
    (chr(k), v if isinstance(v, str) else chr(v)) for k, v in _TYPOGRAPHY.items() if k < 128 and v not in (k, chr(k))
]  # ASCII characters the table changes
_CONTROL = patterns.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def single_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at either end: what ``re.sub(r"\\s+", " ", text).strip()``
    gives (str.split's whitespace is the regex's), for a sixth of its cost."""
    return " ".join(text.split())


def clean(text: str) -> str:
    """Remove control and direction characters, unify typography, collapse spaces."""
    if text.isascii():  # no surrogate, no typography but the backquote, control characters only if unprintable
        for typed, plain in _ASCII_TYPOGRAPHY:
            text = text.replace(typed, plain)
        return single_spaces(text if text.isprintable() else _CONTROL.sub(" ", text))
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become '?'
    return single_spaces(_CONTROL.sub(" ", text.translate(_TYPOGRAPHY)))


# The combining marks below U+0370, where Latin scripts and their accents lie: every one of them
# but U+034F, the grapheme joiner, which combines nothing (test_text checks this against unicodedata).
_LATIN_MARKS = patterns.compile("[\u0300-\u034e\u0350-\u036f]")


def strip_accents(text: str) -> str:
    if text.isascii():  # most messages, in English and often in French: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if max(decomposed) < "\u0370":  # French and English: one regular expression, not a test per character
        return _LATIN_MARKS.sub("", decomposed)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded(text: str) -> str:
    return strip_accents(clean(text).lower())


# One message is folded by several stages of its reply. The cache holds a reply's texts and no
# more: one that held thousands would also answer a benchmark's repeated messages from memory.
@lru_cache(maxsize=16)
def fold(text: str) -> str:
    """Lower case without accents: how words are compared everywhere."""
    return _folded(text)


# The words whose final vowel French elides before an apostrophe ("l'offre", "qu'il", "jusqu'à"),
# cut from the word that follows (folded, lower-case text).
ELIDED = ("c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu")


# Numbers, language detection and normalisation split the same folded message; as for fold(), the
# cache holds one reply's texts.
@lru_cache(maxsize=16)
def split(folded: str) -> tuple[str, ...]:
    """Runs of letters and digits, joined by single apostrophes, and each of € $ % alone, once the
    elided words are cut from the next (kernels.split; nlu/pure.py gives the regular expressions)."""
    # Four messages in five have no apostrophe: nothing to elide.
    return kernels.split(folded, ELIDED if APOSTROPHE in folded else ())


@lru_cache(maxsize=4096)
def fold_term(term: str) -> str:
    """``fold`` for the knowledge's own words (catalogue items, lookup words), which form turns
    compare each message with: there are a few hundred, so each is folded once per process."""
    return _folded(term)


# Each kind of contact, with what it cannot be written without (``_DIGIT``: a digit). A message is
# searched only for the kinds it could hold: the others would fail at every character, so the
# result is the whole pattern's, and most messages (a hyphen, a number, or nothing of these) are
# not tried against all of them at every character.
_DIGIT = patterns.compile(r"\d")
_CONTACT_KINDS = (
    ("@", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # an email
    ("http", r"https?://\S+"),  # a web address
    ("www.", r"www\.\S+"),
    (_DIGIT, r"\+?\d[\d .()-]{6,}\d"),  # a phone number
    # An account or request number, a whole word: as issued (capitals), or with a digit as typed
    # ("sx-1002"); "non-profit", "on-premise" or "per-second" are words.
    ("-", r"[A-Z]{2,4}-[A-Z0-9]{4,10}|[A-Za-z]{2,4}-[A-Za-z]{0,9}\d[A-Za-z0-9]{0,9}"),
)
_WHOLE_WORD = len(_CONTACT_KINDS) - 1  # the last kind: _contacts gives it the context it needs


@cache
def _contacts(kinds: tuple[int, ...]):
    """The pattern of these kinds (their indexes in _CONTACT_KINDS, in that order), whose one
    matching group is the contact. The whole-word kind needs a character that is not a word
    character on either side, which RE2 can only consume: the one before is consumed with the other
    kinds tried first where it stands, then after it, so that each position tries the kinds in
    their order; the one after is consumed too, and ``_remove`` searches again from the contact's
    end (no contact can start right after a whole word: it would need a non-word character there)."""
    free = "|".join(_CONTACT_KINDS[k][1] for k in kinds if k != _WHOLE_WORD)
    if _WHOLE_WORD not in kinds:
        return patterns.compile(f"({free})")
    word = rf"({_CONTACT_KINDS[_WHOLE_WORD][1]})(?:\W|\Z)"
    return patterns.compile(rf"({free})|(?:^|\W)(?:({free})|{word})" if free else rf"(?:^|\W){word}")


def _remove(pattern, text: str) -> str:
    """The text with each contact the pattern finds replaced by a space, left to right."""
    pieces, position = [], 0
    while (found := pattern.search(text, position)) is not None:
        start, end = found.span(found.lastindex)
        pieces += [text[position:start], " "]
        position = end
    return "".join(pieces) + text[position:] if pieces else text


def _possible_contacts(text: str) -> tuple[int, ...]:
    return tuple(
        k
        for k, (needle, _) in enumerate(_CONTACT_KINDS)
        if (needle in text if isinstance(needle, str) else needle.search(text))
    )


def without_contacts(text: str) -> str:
    """The message without emails, web addresses, phone numbers and account or request numbers
    (SX-1002, QUO-7K2M9X): they say nothing of its language or of what it asks, only of who asks."""
    kinds = _possible_contacts(text)
    if kinds:
        text = _remove(_contacts(kinds), text)
    return single_spaces(text)
