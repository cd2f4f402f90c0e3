"""Hosts sharing a Redis (ASSISTANT_REDIS_URL), as two applications in one test: the rate limit
counts once across them, and a Redis gone is a 503 JSON error."""

import pytest

from assistant import Assistant
from assistant.backoffice.store import Store
from assistant.channels import create_app
from assistant.cluster.redis import RedisServer, free_port
from assistant.settings import Settings

TOKEN = "staff-secret-for-tests"


def hosts(bundle, db, redis_url, count=2, **settings):
    """``count`` applications, each with its own Assistant on the database ``db``, sharing ``redis_url``."""
    settings = {"staff_token": TOKEN, "rate_limit": "1000 per minute", "redis_url": redis_url, **settings}
    return [create_app(Settings(**settings), assistant=Assistant(bundle, Store(db))) for _ in range(count)]


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


@pytest.fixture
def redis_to_lose(tmp_path):
    server = RedisServer(tmp_path / "redis", free_port()).start()
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
