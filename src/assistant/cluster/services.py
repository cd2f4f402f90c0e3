"""PostgreSQL and Redis for the cluster, each started by its own module in this package
(``postgres.py``: ``Postgres(folder, port)``, ``redis.py``: ``Redis(folder, port)``, each with
``start()``, ``stop()`` and ``url``), in a folder of its own under the cluster's.

A service whose module is not there is not started: the app servers then share one SQLite file, and
each process's own rate-limit counters and conversation locks (a lock file beside the database,
which processes on one machine share). PostgreSQL is used only when the store can open it too.
"""

import importlib
import os
import signal
from pathlib import Path
from types import ModuleType

from . import processes
from .processes import Started, listening_pid, record

CLASSES = {"postgres": "Postgres", "redis": "Redis"}
# Their own clean shutdowns, when their module's stop() could not stop them: PostgreSQL's "fast"
# (sessions ended, then a checkpoint), Redis's on SIGTERM.
STOP_SIGNALS = {"postgres": signal.SIGINT, "redis": signal.SIGTERM}


def module(kind: str) -> ModuleType | None:
    """The module that runs ``kind`` (postgres, redis), or None when this checkout has none."""
    name = f"{__package__}.{kind}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise


def postgres_backend() -> bool:
    """Whether this checkout can run the cluster on PostgreSQL: a module to start it, and a store
    that opens a postgresql:// URL."""
    from ..backoffice import store

    return module("postgres") is not None and hasattr(store, "open_store")


def server(kind: str, folder: Path, port: int):
    found = module(kind)
    if found is None:
        raise RuntimeError(f"no {kind} module in this checkout (src/assistant/cluster/{kind}.py)")
    return getattr(found, CLASSES[kind])(folder / kind, port)


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
    if hasattr(service, "restart"):
        service.restart()
    else:
        service.stop()
        service.start()
    pid = listening_pid(process.port)
    if pid is None:
        raise RuntimeError(f"{process.name} did not start again on port {process.port}")
    return record(process.name, pid, process.port, process.group, process.stop_signal)
