import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text import langdata
from assistant.text.language import hint_from_header


@pytest.mark.parametrize(
    "message, lang",
    [
        ("bonjour", "fr"),
        ("hi", "en"),
        ("ok merci", "fr"),
        ("thanks!", "en"),
        ("TVA incluse ?", "fr"),
        ("SSO ?", "fr"),
        ("support premium ?", "fr"),
        ("remboursement", "fr"),
        ("refund policy", "en"),
        ("Enterprise plan pricing?", "en"),
        ("est-ce que je peux payer par virement", "fr"),
        ("can I pay by bank transfer", "en"),
    ],
)
def test_short_messages_get_the_right_language(assistant, message, lang):
    assert assistant.models.detector.detect(message) == lang


def test_the_conversation_and_the_page_tip_a_neutral_message(assistant):
    detector = assistant.models.detector
    assert detector.detect("SSO", conversation="en") == "en"
    assert detector.detect("SSO", hint="en") == "en"
    assert detector.detect("SSO", conversation="fr") == "fr"


def test_accept_language_gives_the_first_supported_language():
    assert hint_from_header("de-DE,de;q=0.9,en;q=0.8", ["fr", "en"]) == "en"
    assert hint_from_header("fr-CA", ["fr", "en"]) == "fr"
    assert hint_from_header("", ["fr", "en"]) is None


# What each language's typography says, in words: the mark after a space (French) or glued to a word
# (English). The patterns are written mark first, for speed; they must still say exactly that.
TYPOGRAPHY = {"fr": r"\s[?!:;»]", "en": r"\w[?!]"}


@pytest.mark.parametrize("lang", sorted(TYPOGRAPHY))
@given(st.text(alphabet="ab é?!:;»_1 \t\u00a0\u202f", max_size=12))
def test_typography_patterns_match_the_messages_they_describe(lang, text):
    [hint] = langdata.load(lang, "language")["typography"]
    assert bool(re.search(hint["pattern"], text)) == bool(re.search(TYPOGRAPHY[lang], text))
