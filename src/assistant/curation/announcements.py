"""When a worker should ask the database which version each tenant is at (live.py).

Alone, a worker asks before every request (``EveryRequest``): a look-up in its own SQLite file costs
microseconds. On a database server without Redis, it asks at most every DATABASE_CHECK_S
(``Periodic``): the round trip cost a quarter of a chat request's time there, and a version
published elsewhere is served within that time. Hosts that share a Redis announce each
publish and rollback on one channel instead (``Announcements``): a worker asks the database only when
an announcement came, and every SAFETY_NET_S anyway — an announcement lost with a connection, or a
version recorded by a process that could not reach Redis, is then served within that time. While its
subscription is not confirmed (starting, Redis unreachable), a worker asks before every request, as
alone.

The subscriber is a thread of the worker, started by its first request: gunicorn forks its workers
from a master that made the app, and a thread does not survive a fork.
"""

import logging
import os
import threading
import time

log = logging.getLogger(__name__)

CHANNEL = "assistant:knowledge-versions"
SAFETY_NET_S = 3.0
DATABASE_CHECK_S = 1.0
POLL_S = 1.0  # how long the subscriber waits for a message before it looks again
RETRY_S = 1.0  # between two attempts to subscribe while Redis is unreachable


class EveryRequest:
    """One host: the database is asked before every request; there is nobody to tell."""

    def due(self) -> bool:
        return True

    def announce(self, tenant: str, version: int) -> None:
        pass


class Periodic:
    """A database server without Redis: the database is asked at most every ``every`` seconds."""

    def __init__(self, every: float = DATABASE_CHECK_S, clock=time.monotonic):
        self.every, self.clock, self.next = every, clock, 0.0

    def due(self) -> bool:
        now = self.clock()
        if now < self.next:
            return False
        self.next = now + self.every
        return True

    def announce(self, tenant: str, version: int) -> None:
        pass


class Announcements:
    """Versions announced on a shared Redis (``client``), and heard by a subscriber thread."""

    def __init__(self, client, safety_net: float = SAFETY_NET_S, clock=time.monotonic):
        from ..redis_client import errors

        self.client, self.safety_net, self.clock = client, safety_net, clock
        self.errors = errors()
        self.heard = False  # an announcement (or a new subscription) since the database was last asked
        self.listening = False  # the subscription is confirmed: announcements will be heard
        self.next_check = 0.0
        self.pid: int | None = None  # the process whose subscriber runs

    def due(self) -> bool:
        """Whether to ask the database now. A message heard after ``heard`` is cleared comes from a
        version recorded before the database is asked, so it is read then, or on the next call."""
        self._subscribe_here()
        now = self.clock()
        if self.heard or not self.listening or now >= self.next_check:
            self.heard, self.next_check = False, now + self.safety_net
            return True
        return False

    def announce(self, tenant: str, version: int) -> None:
        """Tell every worker that ``tenant`` is at ``version`` (recorded in the database already).
        Unannounced, the version is still served everywhere within SAFETY_NET_S."""
        try:
            self.client.publish(CHANNEL, f"{tenant} {version}")
        except self.errors as error:
            log.warning(
                "%s version %d not announced (%s): served within %.0f s", tenant, version, error, self.safety_net
            )

    def _subscribe_here(self) -> None:
        if self.pid == os.getpid():
            return
        self.pid, self.listening = os.getpid(), False
        threading.Thread(target=self._listen, name="knowledge-announcements", daemon=True).start()

    def _listen(self) -> None:
        """Subscribe, and mark every message heard; subscribe again whenever the connection is lost."""
        while self.pid == os.getpid():
            try:
                self._hear(self.client.pubsub())
            except self.errors as error:
                if self.listening:
                    log.warning("knowledge announcements lost (%s): every request asks the database", error)
            except Exception:  # a bug must not end the thread with the worker deaf but trusting it
                log.exception("knowledge announcements failed: every request asks the database")
            self.listening = False
            time.sleep(RETRY_S)

    def _hear(self, pubsub) -> None:
        try:
            pubsub.subscribe(CHANNEL)
            while self.pid == os.getpid():
                message = pubsub.get_message(timeout=POLL_S)
                if message is None:
                    continue
                # A (re)subscription too: what was announced while not subscribed is read from the database.
                self.heard = True
                if message["type"] == "subscribe":
                    self.listening = True
        finally:
            pubsub.close()
