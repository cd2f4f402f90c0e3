"""Hosts sharing a Redis (ASSISTANT_REDIS_URL), as two applications in one test: the rate limit
counts once across them, a conversation's messages sent to both at once lose nothing, a version
published on one is served by the other, and a Redis gone is a 503 JSON error."""

import threading
import time
from functools import partial

import pytest
from threads import at_once

from assistant import Assistant
from assistant.backoffice.store import open_store
from assistant.channels import create_app
from assistant.cluster.ports import free_port
from assistant.cluster.redis import Redis
from assistant.settings import Settings

TOKEN = "staff-secret-for-tests"


def hosts(bundle, db, redis_url, count=2, **settings):
    """``count`` applications, each with its own Assistant on the database ``db``, sharing ``redis_url``."""
    settings = {"staff_token": TOKEN, "rate_limit": "1000 per minute", "redis_url": redis_url, **settings}
    return [create_app(Settings(**settings), assistant=Assistant(bundle, open_store(db))) for _ in range(count)]


def chat(app, message, **body):
    return app.test_client().post("/api/v1/chat", json={"tenant": "anvaigo", "message": message, **body})


def test_the_rate_limit_counts_once_across_hosts(bundle, tmp_path, redis_url):
    one, other = hosts(bundle, tmp_path / "assistant.db", redis_url, rate_limit="3 per minute")
    statuses = [chat(app, "hello").status_code for app in (one, other, one, other)]
    assert statuses == [200, 200, 200, 429]


def test_a_rate_limit_storage_named_in_the_settings_is_kept():
    assert Settings(redis_url="redis://cache:6379/0").rate_limit_store() == "redis://cache:6379/0"
    assert Settings(redis_url="redis://cache:6379/0", rate_limit_storage="memory://").rate_limit_store() == "memory://"
    assert Settings().rate_limit_store() == "worker-memory://"


def test_messages_at_once_on_two_hosts_lose_no_field(bundle, tmp_path, redis_url):
    """Each message gives one field of a quote in progress; the hosts answer them at the same moment."""
    one, other = hosts(bundle, tmp_path / "assistant.db", redis_url)
    for _ in range(6):
        session = chat(one, "je voudrais un devis, je suis Karim Benali", tenant="exo").get_json()["session_id"]
        at_once(
            partial(chat, one, "karim@exemple.dz", tenant="exo", session_id=session),
            partial(chat, other, "40 utilisateurs", tenant="exo", session_id=session),
        )
        slots = one.extensions["assistant"].sessions.open("exo", session).form["slots"]
        assert slots.get("email") == "karim@exemple.dz" and slots.get("users") == 40, slots


def test_a_message_waits_while_another_host_answers_its_conversation(bundle, tmp_path, redis_url):
    one, other = hosts(bundle, tmp_path / "assistant.db", redis_url)
    session = chat(one, "bonjour").get_json()["session_id"]
    answered = []
    with one.extensions["assistant"].locks.hold(session):  # as while host one answers it
        waiting = threading.Thread(target=lambda: answered.append(chat(other, "merci", session_id=session)))
        waiting.start()
        waiting.join(0.5)
        assert answered == []
    waiting.join(10)
    assert answered[0].status_code == 200 and answered[0].get_json()["session_id"] == session


@pytest.fixture
def published_on_one_host(bundle, tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA", str(tmp_path))  # the versions' builds in a cache of the test's own
    return hosts(bundle, tmp_path / "assistant.db", redis_url)


def test_a_version_published_on_one_host_is_served_by_the_other_when_announced(published_on_one_host):
    one, other = published_on_one_host
    missed = "is the hotline free of charge"
    other.extensions["live"].signal.safety_net = 3600.0  # the announcement alone tells it
    assert chat(other, missed, lang="en").get_json()["type"] == "fallback"
    staff = {"Authorization": f"Bearer {TOKEN}"}
    change = {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": missed}
    publishing = one.test_client()
    assert publishing.post("/api/v1/knowledge/anvaigo/changes", json=change, headers=staff).status_code == 201
    assert publishing.post("/api/v1/knowledge/anvaigo/publish", headers=staff).status_code == 200
    deadline = time.monotonic() + 2.0
    while chat(other, missed, lang="en").get_json()["type"] == "fallback":
        assert time.monotonic() < deadline, "the other host still serves the old version"
        time.sleep(0.05)
    assert chat(other, missed, lang="en").get_json()["intent"] == "anvaigo.free_general_questions"


@pytest.fixture
def redis_to_lose(tmp_path):
    server = Redis(tmp_path / "redis", free_port()).start()
    yield server
    server.stop()


def test_a_redis_gone_is_a_503_json_error_and_its_return_serves_again(bundle, tmp_path, redis_to_lose):
    [app] = hosts(bundle, tmp_path / "assistant.db", redis_to_lose.url, count=1)
    session = chat(app, "bonjour").get_json()["session_id"]
    redis_to_lose.stop()
    for body in ({}, {"session_id": session}):
        response = chat(app, "merci", **body)
        assert response.status_code == 503 and response.is_json
        assert response.get_json()["error"]["code"] == "unavailable"
    vote = app.test_client().post("/api/v1/feedback", json={"session_id": session, "helpful": True})
    assert vote.status_code == 503 and vote.get_json()["error"]["code"] == "unavailable"
    redis_to_lose.start()
    assert chat(app, "merci", session_id=session).status_code == 200


def test_an_unreachable_redis_is_a_503_on_the_chat_from_the_start(bundle, tmp_path, dead_redis_url):
    [app] = hosts(bundle, tmp_path / "assistant.db", dead_redis_url, count=1)
    response = chat(app, "bonjour")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "unavailable"
