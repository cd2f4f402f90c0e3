"""Drafts published as versions, served by every worker, rolled back; broken drafts never published."""

import pytest

from assistant.curation import drafts, publishing
from assistant.curation.building import InvalidKnowledge

TENANT = "anvaigo"
MISSED = "is the hotline free of charge"


def add(live, change, author="Léa"):
    return drafts.add(live.assistant.store, TENANT, change, author)


def answer_in(live, message, lang="en"):
    live.refresh()
    return live.assistant.reply(TENANT, None, message, lang=lang)


def test_a_published_phrasing_is_served_by_every_worker_and_rolled_back(curation):
    knowledge, one, other = curation
    assert answer_in(other, MISSED).type == "fallback"
    add(one, {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": MISSED})
    assert answer_in(other, MISSED).type == "fallback"  # a draft is not served
    done = publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    assert done.version == 1 and done.seconds > 0
    assert drafts.drafts(one.assistant.store, TENANT) == []
    for worker in (one, other):
        reply = answer_in(worker, MISSED)
        assert (reply.type, reply.intent) == ("answer", "anvaigo.free_general_questions")
    back = publishing.rollback(knowledge, one.assistant.store, TENANT, 0, "Léa")
    assert back.version == 2
    assert answer_in(other, MISSED).type == "fallback"
    versions = drafts.versions(one.assistant.store, TENANT)
    assert [(v.version, v.rollback_of, len(v.changes)) for v in versions] == [(2, 0, 0), (1, None, 1), (0, None, 0)]
    assert versions[1].author == "Léa" and versions[1].changes[0]["text"] == MISSED


def test_rolling_forward_again_reuses_the_built_version(curation):
    knowledge, one, _ = curation
    add(one, {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": MISSED})
    publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    publishing.rollback(knowledge, one.assistant.store, TENANT, 0, "Léa")
    built = list((knowledge.cache_dir).glob(f"tenant-{TENANT}-*.pickle"))
    again = publishing.rollback(knowledge, one.assistant.store, TENANT, 1, "Léa")
    assert again.version == 3 and list(knowledge.cache_dir.glob(f"tenant-{TENANT}-*.pickle")) == built
    assert answer_in(one, MISSED).intent == "anvaigo.free_general_questions"


def test_broken_drafts_are_not_published_and_each_problem_names_its_entry_and_field(curation):
    knowledge, one, _ = curation
    add(
        one,
        {
            "kind": "entry",
            "entry": "hotline",
            "topic": "support",
            "question": {"en": "Is there a hotline?"},
            "answer": {"en": "Call us at {hotline_number}."},
        },
    )
    with pytest.raises(InvalidKnowledge) as refused:
        publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    [problem] = refused.value.problems
    assert (problem.entry, problem.field) == ("hotline", "answer") and "hotline_number" in problem.message
    assert drafts.live(one.assistant.store, TENANT).version == 0
    assert len(drafts.drafts(one.assistant.store, TENANT)) == 1  # still there, to be fixed


def test_nothing_to_publish_says_so(curation):
    knowledge, one, _ = curation
    with pytest.raises(publishing.NothingToPublish):
        publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    with pytest.raises(publishing.UnknownVersion):
        publishing.rollback(knowledge, one.assistant.store, TENANT, 7, "Léa")


def test_a_new_entry_in_one_language_is_found_from_the_other_and_cites_the_team(curation):
    """Written in French only: a French question gets it; an English one that shares its words gets it
    too, in French, saying so, until staff translate it."""
    knowledge, one, _ = curation
    question = "Le connecteur LDAP est-il fourni ?"
    answer = "Le connecteur LDAP fait partie du produit : sa configuration pour votre annuaire est un service facturé."
    add(
        one,
        {"kind": "entry", "entry": "ldap", "topic": "services", "question": {"fr": question}, "answer": {"fr": answer}},
    )
    publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    reply = answer_in(one, "avez-vous un connecteur ldap ?", lang="fr")
    assert reply.intent == "anvaigo.ldap" and reply.reply == answer
    assert reply.sources[0].title == "Réponse de l'équipe Anvaigo"
    english = answer_in(one, "LDAP?", lang="en")
    assert english.intent == "anvaigo.ldap" and english.sources[0].title == "Answered by the Anvaigo team"
    assert english.reply == f"This answer is not written in English yet. Here it is in French: {answer}"


def test_a_retired_entry_is_no_longer_answered(curation):
    knowledge, one, _ = curation
    question = one.assistant.tenants[TENANT].entries["billed_training"].question["en"]
    assert answer_in(one, question).intent == "anvaigo.billed_training"
    add(one, {"kind": "retire", "entry": "billed_training"})
    publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    assert answer_in(one, question).intent != "anvaigo.billed_training"
    assert "billed_training" not in one.assistant.tenants[TENANT].entries
