"""Filled-in values joined to the word before them as the language writes it (elision.py)."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.data.intents import IntentData
from assistant.data.knowledge import Fact, Tenant
from assistant.dialogue.answers import fill
from assistant.text import langdata
from assistant.text.elision import elide, join

ELIDABLE = list(langdata.load("fr", "elision")["elide"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("la FAQ de eXo Platform", "la FAQ d'eXo Platform"),
        ("l'assistant de innovaphone", "l'assistant d'innovaphone"),
        ("l'équipe de Anvaigo", "l'équipe d'Anvaigo"),
        ("De Anvaigo", "D'Anvaigo"),
        ("jusque à", "jusqu'à"),
        ("ne permet de déployer que 1 instance", "ne permet de déployer qu'une seule instance"),
        ("que 1 jour ouvrable.", "qu'un seul jour ouvrable."),
        ("en moins de 1 heure", "en moins d'une heure"),
        ("pendant plus de heures", "pendant plus d'heures"),  # a mute h
        ("de hauts plafonds", "de hauts plafonds"),  # an aspirated h
        ("le onze", "le onze"),
        ("donnez-le à", "donnez-le à"),  # a pronoun joined to its verb
        ("de 1 à 5 sièges", "de 1 à 5 sièges"),  # a count of no unit
        ("que 1 fois", "que 1 fois"),  # "fois" is no unit: no gender to decide
        ("de 1 %", "de 1 %"),
    ],
)
def test_french_elides_before_a_vowel_and_writes_one_in_words(text, expected):
    assert elide(text, "fr") == expected


def test_english_declares_no_elision():
    assert elide("the FAQ de eXo, que 1 instance", "en") == "the FAQ de eXo, que 1 instance"


words = st.sampled_from(
    ELIDABLE
    + [
        "De",
        "Que",
        "eXo",
        "Anvaigo",
        "innovaphone",
        "heures",
        "hauts",
        "onze",
        "1",
        "instance",
        "jour",
        "ouvrable",
        "siège",
        "un",
        "une",
        "seule",
        "le-",
        "-le",
        "«",
        "»",
        "(de",
        "a",
        "été",
        "Y",
        "yaourt",
        "appel",
        "€",
        "12",
    ]
)
texts = st.lists(st.tuples(words, st.sampled_from([" ", "  ", ", ", "\n", " : "])), max_size=12).map(
    lambda pairs: "".join(w + sep for w, sep in pairs)
)


@given(texts)
def test_elision_is_idempotent(text):
    once = elide(text, "fr")
    assert elide(once, "fr") == once


@given(texts)
def test_a_text_without_an_elidable_word_before_another_is_unchanged(text):
    pairs = [word for word in text.replace("\n", " \n ").split(" ") if word]
    if not any(w.lstrip("(«").lower() in ELIDABLE and nxt for w, nxt in zip(pairs, pairs[1:])):
        assert elide(text, "fr") == text


@given(texts)
def test_only_an_elidable_word_and_a_count_of_one_change(text):
    """Elision removes an elidable word (joined to the next) or a "1", and adds only the words for one."""
    after = [token.split("'", 1)[-1] for token in elide(text, "fr").split()]
    removed, added = Counter(text.split()) - Counter(after), Counter(after) - Counter(text.split())
    assert all(w.lstrip("(«").lower() in ELIDABLE or w == "1" for w in removed)
    assert set(added) <= {"un", "une", "seul", "seule"}


@given(texts)
def test_nothing_changes_where_no_value_starts(text):
    assert elide(text, "fr", at=()) == text


def test_a_value_is_joined_to_the_word_before_it_but_never_rewritten():
    assert join([("la FAQ de ", False), ("eXo Platform", True)], "fr") == "la FAQ d'eXo Platform"
    assert (
        join([("Je ne connais pas « ", False), ("de Anvers", True), (" ».", False)], "fr")
        == "Je ne connais pas « de Anvers »."
    )
    assert join([("de Anvers, l'équipe de ", False), ("Conex", True)], "fr") == "de Anvers, l'équipe de Conex"


def test_a_fact_of_one_is_written_as_french_writes_it():
    tenant = Tenant(
        id="t",
        name="T",
        document="",
        languages=["fr", "en"],
        actions={},
        facts={"instances": Fact("instances", "instance", 1), "days": Fact("days", "day", 1)},
    )
    assert (
        fill("Chaque licence ne permet que {instances}.", tenant, "fr")
        == "Chaque licence ne permet qu'une seule instance."
    )
    assert fill("Comptez moins de {days}.", tenant, "fr") == "Comptez moins d'un jour."
    assert fill("Each licence allows only {instances}.", tenant, "en") == "Each licence allows only 1 instance."


def test_a_response_names_the_tenant_as_french_writes_it():
    data = IntentData(
        responses={
            "fr": {"utter_team": "l'équipe de {tenant_name} ({count})"},
            "en": {"utter_team": "the {tenant_name} team"},
        }
    )
    assert data.response("utter_team", "fr", tenant_name="Anvaigo", count="de eux") == "l'équipe d'Anvaigo (de eux)"
    assert data.response("utter_team", "fr", tenant_name="Conex", count="2") == "l'équipe de Conex (2)"
    assert data.response("utter_team", "en", tenant_name="Anvaigo") == "the Anvaigo team"
