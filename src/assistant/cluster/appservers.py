"""The app servers: gunicorn with the shipped settings (deploy/gunicorn.conf.py), each on its own
port, all pointed at the same database and Redis by their ASSISTANT_* variables. They keep nothing of
their own: any of them answers any conversation."""

import os
import subprocess
import sys
from pathlib import Path

from . import processes
from .processes import Started, spawn

APP = "assistant.channels:create_app()"
# What an app server takes from the environment of the command that starts the cluster: where the
# project and its model cache are, a settings file, the numpy loops. Everything else that is the
# assistant's (the database, the tokens) is the cluster's own.
INHERITED = {"ASSISTANT_HOME", "ASSISTANT_DATA", "ASSISTANT_CONFIG", "ASSISTANT_PURE_PYTHON"}


def environment(settings: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") or k in INHERITED}
    return {**inherited, **settings}


def command(deploy: Path, port: int, pidfile: Path) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "-c", str(deploy / "gunicorn.conf.py"),
        "-b", f"127.0.0.1:{port}", "--pid", str(pidfile), APP,
    ]  # fmt: skip


def start(name: str, root: Path, folder: Path, port: int, settings: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    """Starts one app server (its process, then ``ready`` waits for it): the servers start together,
    each master loading the models while the others do."""
    pidfile = folder / f"{name}.pid"
    env = environment({**settings, "ASSISTANT_PIDFILE": str(pidfile)})
    log = folder / f"{name}.log"
    return spawn(command(root / "deploy", port, pidfile), log, env=env, cwd=root), log


def ready(name: str, process: subprocess.Popen, log: Path, port: int) -> Started:
    """The app server, once its health check answers (its master loads the models first)."""
    return processes.ready(name, process, port, f"http://127.0.0.1:{port}/api/v1/health", log, patience_s=120)
