"""Messages at once: two messages of one conversation never lose an update, whether two threads or
two server processes receive them, and an account with one grace call left books exactly one
however many conversations confirm at the same moment."""

import multiprocessing

import pytest
from threads import at_once

from assistant import Assistant
from assistant.backoffice.store import open_store

TRIALS = 12
# Each gives one field of a quote form in progress, and nothing else.
DETAILS = {"email": "karim@exemple.dz", "users": "40 utilisateurs"}


def started_quote(assistant) -> str:
    return assistant.reply("exo", None, "je voudrais un devis, je suis Karim Benali").session_id


def form_slots(assistant, session: str) -> dict:
    return assistant.sessions.open("exo", session).form["slots"]


def test_two_messages_at_once_in_one_process_lose_no_field(bundle, open_database):
    """Two workers' threads (two Assistants on one database) answer the same conversation."""
    first, second = Assistant(bundle, open_database()), Assistant(bundle, open_database())
    for _ in range(TRIALS):
        session = started_quote(first)
        at_once(
            lambda: first.reply("exo", session, DETAILS["email"]),
            lambda: second.reply("exo", session, DETAILS["users"]),
        )
        slots = form_slots(first, session)
        assert slots.get("email") == "karim@exemple.dz" and slots.get("users") == 40, slots


def _send(bundle, database, session, message, gate):
    assistant = Assistant(bundle, open_store(database))
    gate.wait()
    assistant.reply("exo", session, message)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_two_messages_at_once_in_two_processes_lose_no_field(bundle, database, open_database):
    """Two server processes (gunicorn's workers) answer the same conversation."""
    assistant = Assistant(bundle, open_database())
    fork = multiprocessing.get_context("fork")
    for _ in range(TRIALS // 2):
        session = started_quote(assistant)
        gate = fork.Barrier(2)
        workers = [
            fork.Process(target=_send, args=(bundle, database, session, message, gate)) for message in DETAILS.values()
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0, 0]
        slots = form_slots(assistant, session)
        assert slots.get("email") == "karim@exemple.dz" and slots.get("users") == 40, slots


def test_conversations_confirming_at_once_book_the_last_call_once(fresh, converse):
    """SX-1001 has one grace call a year: of four proven conversations confirming together, one
    books it, and the others are told none is left."""
    sessions = [
        converse(
            "solidxperts",
            "je veux utiliser un appel de grâce",
            "SX-1001",
            "{code}",
            "Marie Curie",
            f"marie{i}@client.fr",
            "aide pour une mise en plan dans SolidWorks",
        )[-1]["session_id"]
        for i in range(4)
    ]
    replies = []
    at_once(*[lambda s=s: replies.append(fresh.reply("solidxperts", s, "oui").to_dict()) for s in sessions])
    statuses = sorted(r["action"]["status"] for r in replies)
    assert statuses == ["refused", "refused", "refused", "submitted"]
    assert fresh.store.count("grace_uses") == 1 and fresh.store.count("requests") == 1
    assert all("PPI" in r["reply"] for r in replies if r["action"]["status"] == "refused")
