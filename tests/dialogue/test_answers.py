"""What visitors get: the right vendor's facts, computed cases, actions and honest fallbacks."""

import pytest

from assistant.staff import lookup
from assistant.text.clean import fold


def folded(reply):
    return fold(reply["reply"])


@pytest.mark.parametrize(
    "message, lang, expected",
    [
        ("j'ai 8 sièges, combien d'appels de grâce ?", "fr", "2 appels"),
        ("on a huit sieges actifs, on a droit a combien d'appels de grace", "fr", "2 appels"),
        ("we have 20 seats, how many grace calls per year?", "en", "3 calls"),
        ("3 seats: how many grace calls do we get?", "en", "1 call"),
    ],
)
def test_grace_calls_are_computed_from_the_seat_bands(ask, message, lang, expected):
    reply = ask("solidxperts", message)
    assert reply["type"] == "answer" and reply["lang"] == lang
    assert expected in folded(reply)


def test_the_renewal_cap_is_computed_in_the_readers_conventions(ask):
    assert "€12,840" in ask("exo", "we pay €12,000 this year, what's the most next year?")["reply"]
    assert "12 840 €" in ask("exo", "on paie 12 000 € cette année, le prix max au renouvellement ?")["reply"]


def test_the_charity_price_applies_twenty_percent(ask):
    reply = ask("exo", "nous sommes une association, l'édition Professional à 5000 € coûterait combien ?")
    assert "4 000 €" in reply["reply"]


def test_the_academic_prices_apply_seven_and_five_percent(ask):
    reply = ask("conex", "small university here, the server licence is 2000€, what's our academic price?")
    assert "€1,860" in reply["reply"] and "€1,900" in reply["reply"]


def test_hosted_storage_is_computed_per_user(ask):
    reply = ask("exo", "with 200 users how much storage do we get on the hosted version?")
    assert "200 GB" in reply["reply"] and "For 200 registered users," in reply["reply"]
    assert "Pour 1 utilisateur enregistré," in ask("exo", "stockage hébergé pour 1 utilisateur ?")["reply"]


def test_the_rental_runtime_is_the_credit_over_the_monthly_consumption(ask):
    assert (
        "3 mois"
        in ask("innovaphone", "il me reste 120 iSC, je consomme 40 par mois, ça tient combien de temps ?")["reply"]
    )


def test_tenants_facts_never_leak(ask):
    exo, conex = ask("exo", "can I get a refund?"), ask("conex", "can I get a refund?")
    assert "30" in exo["reply"]
    assert "30" not in conex["reply"] and "refund" in fold(conex["reply"])


def test_a_quote_request_opens_the_form_where_the_vendor_has_one(ask):
    reply = ask("exo", "je voudrais un devis pour 80 utilisateurs")
    assert reply["type"] == "form"
    assert reply["action"] == {"name": "quote", "status": "collecting", "reference": None}


def test_an_action_the_vendor_answers_differently_gets_an_answer(assistant, ask):
    reply = ask("anvaigo", "can I book a demo?")
    assert reply["type"] == "answer" and reply["action"] is None
    assert reply["intent"] == "request_demo"
    assert "gratuit" in folded(ask("anvaigo", "je voudrais une démo")) or "free" in folded(reply)


def test_an_action_the_vendor_does_not_offer_falls_back(ask):
    assert ask("exo", "please book a grace call for me")["type"] == "fallback"
    assert ask("solidxperts", "please book a grace call for me")["action"]["name"] == "grace_call"


@pytest.mark.parametrize(
    "message", ["what's a good recipe for crêpes?", "qui a gagné le match hier soir ?", "asdfgh qwerty"]
)
def test_out_of_scope_questions_fall_back_with_a_way_to_a_person(ask, message):
    reply = ask("exo", message)
    assert reply["type"] == "fallback" and reply["sources"] == []
    assert reply["suggestions"], "the fallback offers to reach a person"


def test_another_tenants_concept_falls_back(ask):
    assert ask("conex", "combien d'appels de grâce ai-je avec ma licence ?")["type"] == "fallback"


@pytest.mark.parametrize(
    "message, kind",
    [("salut !", "smalltalk"), ("thanks a lot", "smalltalk"), ("je veux parler à quelqu'un", "handoff")],
)
def test_small_talk_and_handoff(ask, message, kind):
    assert ask("conex", message)["type"] == kind


def test_answers_offer_related_questions_as_suggestions(assistant, ask):
    reply = ask("exo", "what is your refund policy?")
    entry = assistant.tenants["exo"].entries[reply["intent"].split(".", 1)[1]]
    assert reply["suggestions"] == [assistant.tenants["exo"].entries[r].question["en"] for r in entry.related][:3]


def test_staff_lookup_ranks_the_matching_entries_of_every_tenant(assistant):
    matches = assistant.lookup("refund", top=5)
    assert {(m.tenant, m.entry.id) for m in matches} == {
        ("exo", "refund_policy"),
        ("conex", "refund_policy"),
        ("innovaphone", "isc_refund"),
    }
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


@pytest.mark.parametrize("query", ["refund", "prix", "licence", "discount", "how long are backups kept?"])
def test_staff_lookup_lists_no_entry_that_scores_zero(assistant, query):
    """Matching means a score of at least 0.005: no row ever shows 0.00, and fewer than top is fine."""
    matches = assistant.lookup(query, top=50)
    assert matches and all(m.score >= lookup.MATCH_FLOOR for m in matches)
    assert all(f"{m.score:.2f}" != "0.00" for m in matches)


def test_staff_lookup_of_what_no_entry_holds_is_empty(assistant):
    assert assistant.lookup("weather in paris", top=5) == []
    assert assistant.lookup("zzzz qqq", tenant="exo") == []
