"""PostgreSQL and Redis for the cluster, each started by its own module in this package
(``postgres.py``, ``redis.py``: ``start()``, ``stop()`` and ``url``), in a folder of its own
under the cluster's. Without them (``--database sqlite --no-redis``), the app servers share one
SQLite file, and each process's own rate-limit counters and conversation locks (a lock file beside
the database, which processes on one machine share).
"""

import os
import signal
from pathlib import Path

from . import processes
from .postgres import Postgres
from .processes import Started, listening_pid, record
from .redis import Redis

SERVERS = {"postgres": Postgres, "redis": Redis}
# Their own clean shutdowns, when their module's stop() could not stop them: PostgreSQL's "fast"
# (sessions ended, then a checkpoint), Redis's on SIGTERM.
STOP_SIGNALS = {"postgres": signal.SIGINT, "redis": signal.SIGTERM}


def server(kind: str, folder: Path, port: int):
    return SERVERS[kind](folder / kind, port)


def start(kind: str, folder: Path, port: int) -> tuple[str, Started]:
    """The service's URL, and its process, learnt from the port it listens on."""
    service = server(kind, folder, port)
    service.start()
    pid = listening_pid(port)
    if pid is None:
        service.stop()
        raise RuntimeError(f"{kind} started, but nothing listens on port {port}")
    leads_group = os.getpgid(pid) == pid
    return service.url, record(kind, pid, port, group=leads_group, stop_signal=STOP_SIGNALS[kind])


def stop(process: Started, folder: Path) -> None:
    """Stopped by its module (PostgreSQL's pg_ctl), then by its signal if it is still running."""
    if processes.alive(process):
        try:
            server(process.name, folder, process.port).stop()
        except Exception:  # its module could not: the signal below stops it
            pass
    processes.stop(process)


def restart(process: Started, folder: Path) -> Started:
    """Stopped and started again on the same port and data (the database's restart of
    bench/cluster_load.py): the process that runs now."""
    service = server(process.name, folder, process.port)
    service.stop()
    service.start()
    pid = listening_pid(process.port)
    if pid is None:
        raise RuntimeError(f"{process.name} did not start again on port {process.port}")
    return record(process.name, pid, process.port, process.group, process.stop_signal)
