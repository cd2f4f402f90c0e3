"""One conversation at a time: the read-modify-write of a conversation (open it, reply, save it) is
serialised, so that two messages sent at once on it never lose an update (a form field typed in
one of them).

Threads of a process take a lock of their own; processes sharing a database file (gunicorn's
workers) take a POSIX record lock on one byte of a lock file beside it, chosen by the
conversation's id. The kernel releases a dead process's locks, so a crash never leaves one held.
Unrelated conversations wait for each other only when their ids pick the same thread stripe, and
then for the length of one reply.

Hosts that share a Redis (settings.redis_url) hold a conversation's lock there instead
(``SharedConversationLocks``): two hosts never interleave its turns, with no sticky sessions.
"""

import fcntl
import hashlib
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from ..errors import Unavailable

log = logging.getLogger(__name__)

STRIPES = 64  # thread locks per lock file: few enough to keep, many enough that replies rarely wait
_RANGE = 2**31 - 1  # the byte offsets a conversation's record lock may take

_stripes: dict[str, list[threading.Lock]] = {}
_stripes_guard = threading.Lock()


def _digest(session_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(session_id.encode(), digest_size=8).digest(), "big")


class ConversationLocks:
    """``with locks.hold(session_id):`` — nobody else, in this process or another sharing the file,
    holds that conversation meanwhile. ``path`` None: the threads of this process only (a database
    in memory)."""

    def __init__(self, path: Path | str | None):
        self.path = str(path) if path is not None else None
        with _stripes_guard:  # shared by every instance on the same file in this process
            self.stripes = _stripes.setdefault(
                self.path or f"memory:{id(self)}", [threading.Lock() for _ in range(STRIPES)]
            )
        self._fd: int | None = None
        self._pid: int | None = None

    @contextmanager
    def hold(self, session_id: str):
        digest = _digest(session_id)
        with self.stripes[digest % STRIPES]:
            if self.path is None:
                yield
                return
            fd, offset = self._file(), digest % _RANGE
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset)
            try:
                yield
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)

    def _file(self) -> int:
        """This process's descriptor of the lock file, opened again after a fork (record locks
        belong to a process, and a descriptor shared with the parent would be closed by it)."""
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


# A reply holds its conversation for milliseconds; these bound the rare worst cases. A lock whose
# holder died (kill -9, a host lost) expires after HELD_AT_MOST_S; a message waits at most WAIT_S
# for its conversation, longer than that expiry so that it outlasts a dead holder, and shorter than
# gunicorn's 30 s worker timeout (serve.py) so that it is answered with an error, not cut off.
HELD_AT_MOST_S = 15.0
WAIT_S = 20.0
POLL_S = 0.01  # how often a waiting message asks Redis again (one conversation, rarely contended)
KEY_PREFIX = "assistant:conversation:"


class SharedConversationLocks:
    """``with locks.hold(session_id):`` — nobody else, on any host sharing this Redis, holds that
    conversation meanwhile. The thread stripe of this process is taken first, so that its threads
    queue in memory rather than poll Redis. An unreachable Redis, or a conversation still held after
    ``wait`` seconds, is ``Unavailable`` (a 503): answering without the lock could lose a turn."""

    def __init__(self, client, held_at_most: float = HELD_AT_MOST_S, wait: float = WAIT_S):
        from ..redis_client import errors

        self.client, self.held_at_most, self.wait = client, held_at_most, wait
        self.stripes = [threading.Lock() for _ in range(STRIPES)]
        self.errors = errors()

    @contextmanager
    def hold(self, session_id: str):
        digest = _digest(session_id)
        with self.stripes[digest % STRIPES]:
            # The key is the id's digest: the id itself lets whoever knows it into the conversation.
            lock = self.client.lock(
                f"{KEY_PREFIX}{digest:016x}",
                timeout=self.held_at_most,
                blocking_timeout=self.wait,
                sleep=POLL_S,
                thread_local=False,
            )
            self._acquire(lock)
            try:
                yield
            finally:
                self._release(lock)

    def _acquire(self, lock) -> None:
        try:
            acquired = lock.acquire()
        except self.errors as error:
            raise Unavailable("unavailable", "The service is briefly unavailable; please try again.") from error
        if not acquired:
            raise Unavailable("conversation_busy", "This conversation is still busy with a message; please try again.")

    def _release(self, lock) -> None:
        """A lock that expired while held, or a Redis lost meanwhile, costs the reply nothing: the turn
        is saved already, and the key expires by itself."""
        try:
            lock.release()
        except self.errors as error:  # redis-py's LockError is one of them
            log.warning(
                "a conversation's lock was not released (%s): it expires within %.0f s", error, self.held_at_most
            )
