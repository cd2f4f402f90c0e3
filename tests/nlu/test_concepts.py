"""Another vendor's concept is not answered from the nearest entry of a tenant that does not have it."""

import pytest

from assistant.nlu.concepts import Concepts, definitions

DEFINITIONS = {
    "service_credits": {"en": ["service credits", "isc"], "fr": ["crédits de service"]},
    "grace_calls": {"en": ["grace call", "grace calls"], "fr": ["appel de grâce"]},
}


def test_a_tenant_has_the_concepts_its_own_knowledge_uses():
    owned = Concepts.owners(DEFINITIONS, {"rental": ["Rental is paid with ISC."], "cad": ["Un appel de grâce par an."]})
    assert owned == {"rental": {"service_credits"}, "cad": {"grace_calls"}}
    concepts = Concepts(DEFINITIONS, owned)
    assert concepts.foreign("cad", "how many service credits for 3 users?") == {"service_credits"}
    assert concepts.foreign("rental", "how many service credits for 3 users?") == set()


def test_concept_words_are_whole_words_found_without_case_or_accents():
    concepts = Concepts(DEFINITIONS, {"any": set()})
    assert concepts.named("any discount? disc") == set()  # "isc" inside a word is not the concept
    assert concepts.named("Crédits De Service, ISC") == {"service_credits"}
    assert concepts.named("isc grace call") == {"service_credits", "grace_calls"}  # one character apart


@pytest.mark.parametrize(
    "tenant, message",
    [
        ("exo", "how many service credits do I need to rent a licence?"),
        ("anvaigo", "do you refund unused support hours?"),
        ("innovaphone", "how many grace calls do we get with 8 seats?"),
        ("solidxperts", "can we get an invoice in Algerian dinars?"),
    ],
)
def test_a_concept_the_tenant_does_not_have_falls_back(ask, message, tenant):
    assert ask(tenant, message)["type"] == "fallback"


def test_the_tenant_that_has_the_concept_answers_it(ask):
    assert ask("innovaphone", "how many service credits do I need to rent a licence?")["type"] == "answer"


def test_each_consumer_name_is_a_concept_of_its_own():
    document = {"concepts": DEFINITIONS, "names": {"consumer_web": ["gmail", "netflix"]}}
    owned = Concepts.owners(definitions(document), {"mail": ["Sign in with your Gmail address."]})
    concepts = Concepts(definitions(document), owned)
    assert concepts.foreign("mail", "my gmail password") == set()
    assert concepts.foreign("mail", "cancel my Netflix plan") == {"name:netflix"}


@pytest.mark.parametrize(
    "tenant, message",
    [
        ("conex", "my Netflix subscription renewed yesterday, can I still get a refund?"),
        ("exo", "j'ai perdu ma carte grise, comment en demander une nouvelle ?"),
        ("anvaigo", "how much does a gym membership cost per month?"),
    ],
)
def test_everyday_life_and_consumer_brands_fall_back(ask, message, tenant):
    assert ask(tenant, message)["type"] == "fallback"
