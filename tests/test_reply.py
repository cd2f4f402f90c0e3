import json

import pytest

from assistant import MessageTooLong, UnknownTenant

CONTRACT = {"session_id", "reply", "lang", "type", "intent", "confidence", "action", "suggestions", "sources"}


def test_a_reply_has_exactly_the_fields_of_the_contract(ask):
    reply = ask("exo", "quelle est votre politique de remboursement ?")
    assert set(reply) == CONTRACT
    assert json.loads(json.dumps(reply)) == reply
    assert reply["type"] == "answer" and reply["lang"] == "fr"
    assert 0 <= reply["confidence"] <= 1
    assert reply["sources"] and set(reply["sources"][0]) == {"document", "section", "question", "title", "url"}


def test_every_answer_cites_its_own_tenants_document(assistant, ask):
    for tenant in assistant.tenants.values():
        for entry in list(tenant.entries.values())[:5]:
            reply = ask(tenant.id, entry.question["en"], lang="en")
            for source in reply["sources"]:
                assert source["document"] == tenant.document


def test_a_new_session_id_is_given_and_then_kept(ask):
    first = ask("exo", "bonjour")
    again = ask("exo", "merci", session=first["session_id"])
    assert len(first["session_id"]) >= 16
    assert again["session_id"] == first["session_id"]


def test_new_session_ids_follow_time_and_stay_unguessable():
    from assistant.dialogue.sessions import new_id, valid_id

    ids = [new_id() for _ in range(200)]
    assert all(valid_id(i) for i in ids)
    assert [i[:14] for i in ids] == sorted(i[:14] for i in ids)  # their time part grows
    assert len({i[14:] for i in ids}) == 200 and all(len(i[14:]) == 32 for i in ids)  # 128 random bits each


def test_an_id_the_server_never_issued_starts_a_new_conversation(fresh):
    """A client cannot choose its conversation's id: an unknown one is never adopted."""
    chosen = "attacker-chosen-id-0001"
    reply = fresh.reply("exo", chosen, "bonjour")
    assert reply.session_id != chosen and fresh.store.get("sessions", chosen) is None
    assert fresh.reply("exo", chosen, "merci").session_id not in (chosen, reply.session_id)


def test_a_session_never_crosses_tenants(ask):
    first = ask("exo", "bonjour")
    other = ask("conex", "bonjour", session=first["session_id"])
    assert other["session_id"] != first["session_id"]


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_an_empty_message_gets_an_invitation(ask, message):
    reply = ask("exo", message)
    assert reply["type"] == "smalltalk" and reply["reply"]


def test_a_message_over_2000_characters_is_a_clear_error(assistant):
    with pytest.raises(MessageTooLong) as error:
        assistant.reply("exo", None, "prix " * 500, lang="fr")
    assert "2000" in error.value.message and error.value.status == 413


def test_an_overlong_message_is_refused_before_any_work_is_spent_on_it(fresh, monkeypatch):
    """The raw message's length is checked first: cleaning it, detecting its language or opening its
    conversation never sees more than the first few hundred characters of one that is too long."""
    import assistant.core as core

    seen = []
    monkeypatch.setattr(core, "clean", lambda text: seen.append(len(text)) or text)
    monkeypatch.setattr(fresh.sessions, "open", lambda *args: pytest.fail("the conversation was opened"))
    with pytest.raises(MessageTooLong) as error:
        fresh.reply("exo", "x" * 40, "combien coûte une licence ?" + " " * 5000)
    assert max(seen) <= core.TOO_LONG_PREVIEW and "2000" in error.value.message
    assert "caractères" in error.value.message  # the language of its first words


def test_an_unknown_tenant_is_an_error_naming_the_tenants(assistant):
    with pytest.raises(UnknownTenant) as error:
        assistant.reply("nope", None, "bonjour")
    for tenant in assistant.tenants:
        assert tenant in error.value.message


@pytest.mark.parametrize(
    "message",
    [
        "\x00\x01\x02 prix ?",
        "💸💸 refund? 🙏",
        "\u202eمرحبا\u202c prix",
        "\ud800 lone surrogate",
        "<script>alert(1)</script>",
        "\u200b\ufeff",
    ],
)
def test_odd_characters_never_crash(ask, message):
    reply = ask("exo", message)
    assert set(reply) == CONTRACT
    json.dumps(reply)


def test_the_conversation_language_carries_short_messages(ask):
    first = ask("exo", "Bonjour, je voudrais savoir si vous faites des remises aux associations")
    follow = ask("exo", "ok", session=first["session_id"])
    assert first["lang"] == follow["lang"] == "fr"


def test_an_explicit_language_always_wins(ask):
    assert ask("exo", "quelle est votre politique de remboursement ?", lang="en")["lang"] == "en"


def test_help_names_the_topics_in_the_visitors_language(assistant, ask):
    data = assistant.intents
    topics = {e.topic for e in assistant.tenants["conex"].entries.values()}
    for message, lang in (("aide svp", "fr"), ("help please", "en")):
        reply = ask("conex", message)
        assert reply["type"] == "smalltalk" and reply["lang"] == lang
        assert data.topic_names(topics, lang) in reply["reply"]
        assert all(data.response(f"utter_topic_{topic}", lang) in reply["reply"] for topic in topics)
    assert data.topic_names(topics, "fr") != data.topic_names(topics, "en")
