"""The chat's rate limit: limits' fixed windows over the worker-memory:// storage."""

import threading
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from assistant.channels import ratelimit
from assistant.channels.ratelimit import WorkerMemoryStorage


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "time", clock.time)
    return clock


def test_the_scheme_names_this_storage():
    assert isinstance(storage_from_string("worker-memory://"), WorkerMemoryStorage)


def test_a_window_allows_its_amount_then_refuses_until_it_ends(clock):
    limiter, rule = FixedWindowRateLimiter(WorkerMemoryStorage()), parse("3 per minute")
    assert [limiter.hit(rule, "chat", "1.2.3.4") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(rule, "chat", "5.6.7.8")  # another address counts apart
    stats = limiter.get_window_stats(rule, "chat", "1.2.3.4")
    assert (stats.remaining, stats.reset_time) == (0, clock.now + 60)
    clock.now += 60
    assert limiter.hit(rule, "chat", "1.2.3.4")
    assert limiter.get_window_stats(rule, "chat", "1.2.3.4").remaining == 2


def test_ended_windows_are_forgotten(clock):
    storage = WorkerMemoryStorage()
    for i in range(100):
        storage.incr(f"address-{i}", 60)
    clock.now += 60 + ratelimit.SWEEP_EVERY_S
    storage.incr("a new one", 60)
    assert list(storage.counts) == list(storage.expiries) == ["a new one"]


def test_clear_and_reset(clock):
    storage = WorkerMemoryStorage()
    storage.incr("a", 60, amount=2)
    storage.incr("b", 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1 and storage.get("b") == 0


def test_it_starts_no_thread():
    """(limits' memory:// starts one every 10 ms while it counts.)"""
    storage, before = WorkerMemoryStorage(), set(threading.enumerate())
    seen = set()
    for i in range(30):
        storage.incr(f"address-{i % 7}", 60)
        seen.update(threading.enumerate())
        time.sleep(0.002)
    assert seen <= before


def test_threads_count_each_hit_once():
    storage = WorkerMemoryStorage()
    workers = [threading.Thread(target=lambda: [storage.incr("one", 60) for _ in range(2000)]) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert storage.get("one") == 8000
