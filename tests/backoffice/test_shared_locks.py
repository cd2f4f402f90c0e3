"""A conversation's lock in the Redis that hosts share: held by one host, it makes another wait; a
dead holder's lock expires; an unreachable Redis is a clear error, never a reply without the lock."""

import signal
import subprocess
import sys
import threading
import time

import pytest

from assistant import redis_client
from assistant.backoffice.locks import SharedConversationLocks
from assistant.errors import Unavailable


def host(url: str, **timing) -> SharedConversationLocks:
    """One host's locks: a client and thread stripes of its own."""
    return SharedConversationLocks(redis_client.connect(url), **timing)


def held_for(locks, session: str, seconds: float) -> threading.Thread:
    """A thread holding ``session`` for ``seconds``, started once it holds it."""
    holding = threading.Event()

    def hold():
        with locks.hold(session):
            holding.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(5)
    return thread


def waited(locks, session: str) -> float:
    started = time.monotonic()
    with locks.hold(session):
        return time.monotonic() - started


def test_a_conversation_held_by_one_host_waits_on_the_other_and_others_do_not(redis_url):
    one, other = host(redis_url), host(redis_url)
    holder = held_for(one, "conversation-a", 0.5)
    assert waited(other, "conversation-b") < 0.2
    assert waited(other, "conversation-a") > 0.3
    holder.join()


def test_a_conversation_held_longer_than_the_wait_is_refused(redis_url):
    one, other = host(redis_url), host(redis_url, wait=0.2)
    holder = held_for(one, "conversation-a", 0.6)
    with pytest.raises(Unavailable) as refused:
        waited(other, "conversation-a")
    assert (refused.value.status, refused.value.code) == (503, "conversation_busy")
    holder.join()


HOLD_AND_HANG = """
import sys, time
from assistant import redis_client
from assistant.backoffice.locks import SharedConversationLocks
locks = SharedConversationLocks(redis_client.connect(sys.argv[1]), held_at_most=1.0)
locks.hold("conversation-a").__enter__()
print("held", flush=True)
time.sleep(60)
"""


def test_the_lock_of_a_killed_holder_expires(redis_url):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_HANG, redis_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        holder.send_signal(signal.SIGKILL)
        holder.wait(5)
        killed = time.monotonic()
        with host(redis_url, wait=5.0).hold("conversation-a"):
            assert 0.0 < time.monotonic() - killed < 1.5  # within the holder's 1 s
    finally:
        holder.kill()
        holder.wait()


def test_a_reply_that_outlasts_its_lock_still_ends_normally(redis_url, caplog):
    locks = host(redis_url, held_at_most=0.2)
    with locks.hold("conversation-a"):
        time.sleep(0.4)
    assert "not released" in caplog.text
    assert waited(host(redis_url), "conversation-a") < 0.2


def test_an_unreachable_redis_refuses_the_conversation_at_once(dead_redis_url):
    started = time.monotonic()
    with pytest.raises(Unavailable) as refused:
        waited(host(dead_redis_url), "conversation-a")
    assert (refused.value.status, refused.value.code) == (503, "unavailable")
    assert time.monotonic() - started < 2.0
