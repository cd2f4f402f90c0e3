"""What a cluster started, written into its folder (``cluster.json``) as soon as each piece is up:
``assistant cluster stop`` stops exactly these processes, then removes the folder. The folder of the
last cluster started is kept in the data folder (``data/cluster.json``), where `make cluster-stop`
finds it."""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import data_dir, project_root
from .processes import Started

STATE = "cluster.json"


@dataclass
class State:
    folder: Path
    url: str = ""
    database: str = ""  # "postgresql" or "sqlite"
    settings: dict[str, str] = field(default_factory=dict)  # the app servers' ASSISTANT_* variables
    processes: list[Started] = field(default_factory=list)

    def process(self, name: str) -> Started:
        return next(p for p in self.processes if p.name == name)

    def named(self, prefix: str) -> list[Started]:
        return [p for p in self.processes if p.name.startswith(prefix)]

    def add(self, process: Started) -> None:
        """One more process, written down at once: a start that fails later leaves nothing unknown."""
        self.processes.append(process)
        self.save()

    def replace(self, process: Started) -> None:
        """A process started again under the same name (PostgreSQL restarted, an app server
        started again after a crash)."""
        self.processes = [process if p.name == process.name else p for p in self.processes]
        self.save()

    def save(self) -> None:
        """The state file, readable by this user only: the settings hold the staff token."""
        values = {
            "folder": str(self.folder),
            "url": self.url,
            "database": self.database,
            "settings": self.settings,
            "processes": [p.to_dict() for p in self.processes],
        }
        write_private(self.folder / STATE, json.dumps(values, indent=1) + "\n")

    @classmethod
    def read(cls, folder: Path) -> "State":
        values = json.loads((Path(folder) / STATE).read_text())
        return cls(
            Path(values["folder"]),
            values["url"],
            values["database"],
            values["settings"],
            [Started.from_dict(p) for p in values["processes"]],
        )


def write_private(path: Path, text: str) -> None:
    """Written whole under another name, readable by this user only, then renamed into place."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    draft.replace(path)


def pointer() -> Path:
    """Where the folder of the last cluster started is kept."""
    return data_dir(project_root()) / STATE


def remember(folder: Path) -> None:
    pointer().parent.mkdir(parents=True, exist_ok=True)
    write_private(pointer(), json.dumps({"folder": str(folder)}) + "\n")


def remembered() -> Path | None:
    """The folder of the last cluster started and not yet stopped, if any."""
    try:
        return Path(json.loads(pointer().read_text())["folder"])
    except (FileNotFoundError, ValueError, KeyError):
        return None


def forget(folder: Path) -> None:
    if remembered() == folder:
        pointer().unlink(missing_ok=True)
