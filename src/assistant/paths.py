"""Where things are: the project's data folders and the database, from the environment or defaults."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder holding ``knowledge/`` and ``intents/``: ASSISTANT_HOME, or the checkout."""
    configured = os.environ.get("ASSISTANT_HOME")
    if configured:
        return Path(configured).resolve()
    for candidate in (Path.cwd(), *PACKAGE.parents):
        if (candidate / "knowledge").is_dir() and (candidate / "intents").is_dir():
            return candidate
    raise FileNotFoundError("no knowledge/ and intents/ found: set ASSISTANT_HOME to the project folder")


def data_dir(root: Path) -> Path:
    """Where the assistant writes: ASSISTANT_DATA, or ``data/`` in the project."""
    return Path(os.environ.get("ASSISTANT_DATA") or root / "data")


def pid_file(root: Path) -> Path:
    """Where ``assistant serve`` writes the server's process id, for ``assistant reload``."""
    return Path(os.environ.get("ASSISTANT_PIDFILE") or data_dir(root) / "assistant.pid")
