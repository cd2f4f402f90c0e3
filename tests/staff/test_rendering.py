"""Every text written from a template (`assistant answers`) reads as the language writes it."""

import pytest

from assistant import patterns
from assistant.data import knowledge
from assistant.paths import project_root
from assistant.staff.rendering import rendered
from assistant.text import langdata
from assistant.text.elision import elide

TEXTS = list(rendered(project_root()))
PLACEHOLDER = patterns.compile(r"\{[a-z_.]+\}")


def test_every_answer_and_response_is_rendered_in_every_language():
    tenants = knowledge.load(project_root()).values()
    spoken = {lang for t in tenants for lang in t.languages}
    by_lang = {lang: {where.split(" (")[0] for code, where, _ in TEXTS if code == lang} for lang in spoken}
    entries = {f"{t.id}.{e}" for t in tenants for e in t.entries}
    assert spoken == {"fr", "en"} and {code for code, _, _ in TEXTS} == spoken
    assert by_lang["fr"] == by_lang["en"] and entries < by_lang["fr"] and "utter_greeting" in by_lang["fr"]


@pytest.mark.parametrize("lang, where, text", TEXTS, ids=[f"{lang}-{where}" for lang, where, _ in TEXTS])
def test_a_rendered_text_is_filled_in_and_spaced_as_its_language_writes(lang, where, text):
    assert not PLACEHOLDER.search(text), "a placeholder left unfilled"
    assert "  " not in text and " ," not in text and " ." not in text
    assert elide(text, lang) == text, "a word not elided before a vowel"
    spaced = langdata.load(lang, "language")["spaced_marks"]
    before_marks = {
        (ch in spaced, text[i - 1] == " ")
        for i, ch in enumerate(text)
        if ch in "?!:;" and i and text[i - 1] not in "?!"
    }
    assert all(spaced_mark == space for spaced_mark, space in before_marks), "the space before ? ! : ; of the language"
