"""The text helpers every stage shares."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text.clean import (
    _CONTACT_KINDS,
    _contacts,
    _remove,
    clean,
    fold,
    fold_term,
    single_spaces,
    strip_accents,
    without_contacts,
)
from assistant.text.numbers import to_digits

# Every character re's \s matches, with letters and punctuation between them.
WHITESPACE = "".join(chr(c) for c in range(0x3100) if re.fullmatch(r"\s", chr(c))) + "\u3000"


@pytest.mark.parametrize(
    "message, expected",
    [
        ("écrivez à sarah.miller+devis@exemple.fr svp", "écrivez à svp"),
        ("see https://exo.example/pricing?x=1 or www.exo.example", "see or"),
        ("call me on +33 6 12 34 56 78 tomorrow", "call me on tomorrow"),
        ("grace call for SX-1002 please", "grace call for please"),
        ("status of QUO-7K2M9X ?", "status of ?"),
        ("ticket REF-ABCDE", "ticket"),
        ("my account is sx-1002", "my account is"),
    ],
)
def test_contacts_are_taken_out_of_what_the_message_says(message, expected):
    assert without_contacts(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "combien coûte la licence ?",
        "price for 25 users",
        "e-mail support",
        "HTTP or www?",
        "we're a non-profit",
        "on-premise or self-hosted?",
        "per-second billing",
        "a one-seat shop",
    ],
)
def test_a_message_without_contacts_keeps_its_words(message):
    assert without_contacts(f"  {message}  ") == message


# Pieces of contacts and of text around them, in any order: what the patterns turn on.
CONTACT_PIECES = st.lists(
    st.sampled_from(
        [
            "@",
            "-",
            ".",
            "+",
            "(",
            ")",
            "/",
            ":",
            " ",
            "http",
            "https://",
            "www.",
            "SX",
            "QUO",
            "7K2M9X",
            "1002",
            "33",
            "6",
            "é",
            "a",
            "b",
            "exo",
            "٣",
            "_",
            "jean-paul",
            "ab-",
            "sx",
            "ABCDE",
        ]
    ),
    max_size=30,
).map("".join)


@given(CONTACT_PIECES)
def test_searching_only_the_kinds_a_message_could_hold_finds_what_all_of_them_would(text):
    every_kind = _contacts(tuple(range(len(_CONTACT_KINDS))))
    assert without_contacts(text) == single_spaces(_remove(every_kind, text))


# The pattern contacts were removed with before RE2, whose \b the rewritten one consumes.
BACKTRACKING_CONTACTS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+|\+?\d[\d .()-]{6,}\d"
    r"|\b(?:[A-Z]{2,4}-[A-Z0-9]{4,10}|[A-Za-z]{2,4}-[A-Za-z]{0,9}\d[A-Za-z0-9]{0,9})\b"
)


@given(CONTACT_PIECES)
def test_contacts_are_removed_where_the_backtracking_pattern_removed_them(text):
    assert _remove(_contacts(tuple(range(len(_CONTACT_KINDS)))), text) == BACKTRACKING_CONTACTS.sub(" ", text)


def test_folding_drops_case_and_accents_and_leaves_ascii_alone():
    assert fold("Réduction ÉTUDIANT") == "reduction etudiant"
    assert fold("Refund in 30 days?") == "refund in 30 days?"


def test_typographic_apostrophes_dashes_and_spaces_become_plain_and_other_ascii_stays():
    assert clean("l’offre — d‘essai\u00a0: `30´ jours") == "l'offre - d'essai : '30' jours"
    printable = "".join(chr(i) for i in range(33, 127) if chr(i) != "`")
    assert clean(printable) == printable


def test_the_knowledge_words_fold_alike_and_stay_folded():
    assert fold_term("Algérie") == fold("Algérie") == "algerie"
    for i in range(200):
        fold_term(f"Édition {i}")
    assert fold_term.cache_info().currsize >= 200


def test_the_per_message_caches_hold_one_reply_and_not_past_messages():
    for i in range(200):
        fold(f"Message numéro {i}")
        to_digits(f"message {i}", "fr")
    assert fold.cache_info().currsize <= 16 and to_digits.cache_info().currsize <= 16


@given(st.text(alphabet=WHITESPACE + "ab é,?", max_size=30))
def test_single_spaces_collapses_every_whitespace_as_the_regex_does(text):
    assert single_spaces(text) == re.sub(r"\s+", " ", text).strip()


def test_accents_are_stripped_as_unicodedata_defines_combining_marks():
    """The regular expression for Latin text removes exactly the marks unicodedata calls combining."""
    import unicodedata

    def generic(text):
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    latin = [chr(c) for c in range(0x80, 0x370)] + ["é" + chr(c) for c in range(0x300, 0x370)]
    others = ["Ελληνικά ά", "café ά", "ü\u034f", "e\u0301\u0483", "ﬁ", "Ⅻ"]
    for text in latin + others:
        assert strip_accents(text) == generic(text), repr(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60))
def test_ascii_text_is_cleaned_as_any_text_is(text):
    """clean() skips for ASCII the steps that cannot change it: same result as the whole path."""
    from assistant.text.clean import _CONTROL, _TYPOGRAPHY

    whole = single_spaces(_CONTROL.sub(" ", text.encode("utf-8", "replace").decode("utf-8").translate(_TYPOGRAPHY)))
    assert clean(text) == whole
