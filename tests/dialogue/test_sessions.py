"""Conversations in the database: saved as their turns, each with the state after it."""

import json

from assistant.dialogue.sessions import StoredSessions


def turn(user: str, lang: str = "en") -> dict:
    return {"user": user, "assistant": "answer", "type": "answer", "intent": "exo.backups", "lang": lang}


def test_a_save_writes_every_new_turn_with_the_state_and_the_session_reopens_from_the_last(open_database):
    sessions = StoredSessions(open_database())
    session = sessions.open("exo", None)
    session.lang, session.last_type = "fr", "form"
    session.form = {"name": "quote", "slots": {"email": "a@b.fr"}}
    session.turns += [turn("bonjour", "fr"), turn("un devis", "fr")]
    sessions.save(session)
    assert session.turns == []
    rows = sessions.store.rows("turns", "session_id = ?", [session.id], order_by="id")
    assert [r["user"] for r in rows] == ["bonjour", "un devis"]
    assert all(json.loads(r["state"])["form"] == session.form for r in rows)
    session.form, session.last_type = None, "done"
    session.turns.append(turn("merci", "fr"))
    sessions.save(session)
    reopened = sessions.open("exo", session.id)
    assert (reopened.lang, reopened.form, reopened.last_type) == ("fr", None, "done")
    assert sessions.store.get("sessions", session.id)["state"] == json.dumps(
        session.state(), sort_keys=True, separators=(",", ":")
    )


def test_a_session_of_another_tenant_is_not_reopened(open_database):
    sessions = StoredSessions(open_database())
    session = sessions.open("exo", None)
    session.turns.append(turn("hello"))
    sessions.save(session)
    assert sessions.open("conex", session.id).id != session.id


def test_a_save_without_turns_writes_nothing(open_database):
    sessions = StoredSessions(open_database())
    sessions.save(sessions.open("exo", None))
    assert sessions.store.rows("turns") == []
