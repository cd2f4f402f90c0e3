"""Drafts published as versions, served by every worker, rolled back; broken drafts never published."""

import pytest

from assistant.curation import drafts, publishing
from assistant.curation.building import InvalidKnowledge

TENANT = "anvaigo"
MISSED = "is the hotline free of charge"


def add(live, change, author="Léa"):
    return drafts.add(live.assistant.store, TENANT, change, author)


def answer(live, message, lang="en"):
    live.refresh()
    return live.assistant.reply(TENANT, None, message, lang=lang)


def test_a_published_phrasing_is_served_by_every_worker_and_rolled_back(curation):
    knowledge, one, other = curation
    assert answer(other, MISSED).type == "fallback"
    add(one, {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": MISSED})
    assert answer(other, MISSED).type == "fallback"  # a draft is not served
    done = publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    assert done.version == 1 and done.seconds > 0
    assert drafts.drafts(one.assistant.store, TENANT) == []
    for worker in (one, other):
        reply = answer(worker, MISSED)
        assert (reply.type, reply.intent) == ("answer", "anvaigo.free_general_questions")
    back = publishing.rollback(knowledge, one.assistant.store, TENANT, 0, "Léa")
    assert back.version == 2
    assert answer(other, MISSED).type == "fallback"
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
    assert answer(one, MISSED).intent == "anvaigo.free_general_questions"


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


def test_a_new_entry_in_one_language_is_answered_in_it_and_cites_the_team(curation):
    knowledge, one, _ = curation
    add(
        one,
        {
            "kind": "entry",
            "entry": "hotline",
            "topic": "support",
            "question": {"fr": "Avez-vous une hotline téléphonique ?"},
            "answer": {"fr": "Nous n'avons pas de hotline : écrivez-nous depuis le portail client."},
        },
    )
    add(one, {"kind": "phrasing", "entry": "hotline", "lang": "fr", "text": "un numéro de hotline ?"})
    publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    reply = answer(one, "Avez-vous une hotline téléphonique ?", lang="fr")
    assert reply.intent == "anvaigo.hotline" and reply.reply.startswith("Nous n'avons pas de hotline")
    assert reply.sources[0].title == "Réponse de l'équipe Anvaigo"
    english = answer(one, "Avez-vous une hotline téléphonique ?", lang="en")
    assert english.intent == "anvaigo.hotline"
    assert english.reply.startswith("This answer is not written in English yet. Here it is in French:")


def test_a_retired_entry_is_no_longer_answered(curation):
    knowledge, one, _ = curation
    question = one.assistant.tenants[TENANT].entries["billed_training"].question["en"]
    assert answer(one, question).intent == "anvaigo.billed_training"
    add(one, {"kind": "retire", "entry": "billed_training"})
    publishing.publish(knowledge, one.assistant.store, TENANT, "Léa")
    assert answer(one, question).intent != "anvaigo.billed_training"
    assert "billed_training" not in one.assistant.tenants[TENANT].entries
