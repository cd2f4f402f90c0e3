"""A version announced on the shared Redis: workers ask the database when one was announced, and
every few seconds anyway; in a forked worker too; with Redis unreachable, before every request."""

import os
import time

import pytest

from assistant import redis_client
from assistant.cluster.ports import free_port
from assistant.cluster.redis import Redis
from assistant.curation import drafts, service
from assistant.curation.announcements import Announcements
from assistant.curation.live import Live

TENANT = "anvaigo"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def listening(signal: Announcements, timeout: float = 5.0) -> Announcements:
    """``signal`` once its worker's subscription is confirmed (it starts on the first question)."""
    deadline = time.monotonic() + timeout
    signal.due()
    while not signal.listening:
        assert time.monotonic() < deadline, "never subscribed"
        time.sleep(0.01)
    return signal


def eventually(check, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def hosts(curation, redis_url):
    """The two workers of the curation fixture, each told of versions by the shared Redis; the
    second with a clock the test moves."""
    knowledge, one, other = curation
    clock = Clock()
    one = Live(one.assistant, knowledge, Announcements(redis_client.connect(redis_url)))
    other = Live(other.assistant, knowledge, Announcements(redis_client.connect(redis_url), clock=clock))
    for live in (one, other):
        live.reload()
        listening(live.signal)
    other.refresh()  # what was heard on subscribing
    return one, other, clock


def test_an_announced_version_is_served_by_the_other_worker_at_once(hosts):
    one, other, _ = hosts
    assert service.rollback(one, TENANT, 0, "Léa").version == 1  # a version equal to the files: no build
    assert one.numbers[TENANT] == 1  # the publishing worker at once
    assert eventually(lambda: other.refresh())
    assert other.numbers[TENANT] == 1


def test_unannounced_the_database_is_asked_only_after_the_safety_net(hosts):
    one, other, clock = hosts
    drafts.record(one.assistant.store, TENANT, [], "a process without Redis", 0.0)  # no announcement
    assert not other.refresh() and other.numbers.get(TENANT, 0) == 0
    clock.now += other.signal.safety_net
    assert other.refresh() and other.numbers[TENANT] == 1


def test_a_forked_worker_subscribes_again_and_hears(redis_url):
    signal = listening(Announcements(redis_client.connect(redis_url), clock=Clock()))
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: gunicorn forks it from a master whose threads it does not inherit
        code = 1
        try:
            listening(signal)
            signal.due()  # what was heard on subscribing
            os.write(ready_write, b"x")
            code = 0 if eventually(signal.due) else 2
        finally:
            os._exit(code)
    assert os.read(ready_read, 1) == b"x"
    signal.announce(TENANT, 1)
    assert os.waitpid(pid, 0)[1] == 0


def test_with_redis_unreachable_every_request_asks_the_database(curation, dead_redis_url, caplog):
    knowledge, one, other = curation
    signal = Announcements(redis_client.connect(dead_redis_url), clock=Clock())
    live = Live(other.assistant, knowledge, signal)
    assert [signal.due() for _ in range(3)] == [True, True, True]
    drafts.record(one.assistant.store, TENANT, [], "Léa", 0.0)
    assert live.refresh() and live.numbers[TENANT] == 1
    live.announce(TENANT, 1)  # nobody hears it; publishing is not failed for it
    assert "not announced" in caplog.text


def test_a_redis_lost_is_said_and_every_request_asks_until_it_is_back(tmp_path, caplog):
    server = Redis(tmp_path / "redis", free_port()).start()
    try:
        signal = listening(Announcements(redis_client.connect(server.url), clock=Clock()))
        signal.due()  # what was heard on subscribing
        assert not signal.due()
        server.stop()
        assert eventually(lambda: not signal.listening)
        assert "announcements lost" in caplog.text
        assert [signal.due() for _ in range(3)] == [True, True, True]
        server.start()
        listening(signal)
    finally:
        server.stop()


def test_on_a_database_server_without_redis_the_versions_are_asked_at_most_every_second(postgres_server, bundle):
    """A round trip to the server on every request cost a quarter of a chat turn's time."""
    from assistant import Assistant
    from assistant.backoffice.store import open_store
    from assistant.curation.announcements import EveryRequest, Periodic
    from assistant.curation.live import signal_for

    clock = Clock()
    periodic = Periodic(every=1.0, clock=clock)
    asked = [periodic.due()]
    clock.now += 0.5
    asked.append(periodic.due())
    clock.now += 0.6
    asked.append(periodic.due())
    assert asked == [True, False, True]
    on_server = Assistant(bundle, open_store(postgres_server.schema_url("announcements")))
    assert isinstance(signal_for(on_server, None), Periodic)
    assert isinstance(signal_for(Assistant(bundle, open_store(":memory:")), None), EveryRequest)
    on_server.store.close()
