"""One conversation at a time: the read-modify-write of a conversation (open it, reply, save it) is
serialised, so that two messages sent at once on it never lose an update (a form field typed in
one of them).

Threads of a process take a lock of their own; processes sharing a database file (gunicorn's
workers) take a POSIX record lock on one byte of a lock file beside it, chosen by the
conversation's id. The kernel releases a dead process's locks, so a crash never leaves one held.
Unrelated conversations wait for each other only when their ids pick the same thread stripe, and
then for the length of one reply.
"""

import fcntl
import hashlib
import os
import threading
from contextlib import contextmanager
from pathlib import Path

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
