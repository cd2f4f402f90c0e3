"""A throwaway PostgreSQL server in a folder, on a loopback port: for the tests and the reference
cluster (``make cluster``), never for a vendor's data.

PostgreSQL refuses to run as root: when this process is root, the server runs as Debian's
``postgres`` user (or ``nobody``), and the folder is given to that user.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

USER, DATABASE = "assistant", "assistant"
START_TIMEOUT_S = 30


def binary(name: str) -> str:
    """A PostgreSQL program: on the PATH, else in Debian's versioned folder (the newest)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise FileNotFoundError(f"{name}: install Debian's postgresql package")


def available() -> bool:
    try:
        binary("initdb")
        return True
    except FileNotFoundError:
        return False


class Postgres:
    """``Postgres(folder, port).start()``; ``.url``; ``.stop()`` (and ``.start()`` again: the data
    is kept until the folder is removed). ``durable=False`` skips fsync: for tests only."""

    def __init__(self, folder: Path, port: int, durable: bool = True):
        self.folder, self.port, self.durable = Path(folder), port, durable
        self.data = self.folder / "data"
        self.url = f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"
        self.owner = _unprivileged_user() if os.geteuid() == 0 else None

    def start(self) -> "Postgres":
        fresh = not (self.data / "PG_VERSION").exists()
        if fresh:
            self._initdb()
        self._run(
            binary("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "-o",
            self._options(),
            "start",
        )
        if fresh:
            self._run(binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, DATABASE)
        return self

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends the sessions and shuts down cleanly; ``immediate`` is a crash."""
        if (self.data / "postmaster.pid").exists():
            self._run(binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def schema_url(self, schema: str) -> str:
        """The URL of a schema of its own (created here): a private database for one test."""
        self._run(
            binary("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            USER,
            "-d",
            DATABASE,
            "-q",
            "-c",
            f"create schema if not exists {schema}",
        )
        return f"{self.url}?options=-csearch_path%3D{schema}"

    def _initdb(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.owner:
            _reachable(self.folder.parent)
            self.folder.chmod(0o700)
            shutil.chown(self.folder, self.owner)
        self._run(
            binary("initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )

    def _options(self) -> str:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c max_connections=100"
        return options if self.durable else options + " -c fsync=off -c synchronous_commit=off"

    def _run(self, *command: str) -> None:
        # As the user, and in its group alone: with root's group kept, the folders above would be
        # read by their group's bits, which are closed.
        group, groups = (_group_of(self.owner), ()) if self.owner else (None, None)
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=self.folder, user=self.owner, group=group, extra_groups=groups
        )
        if result.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def _reachable(folder: Path) -> None:
    """Let the server's user pass through the folders above its own (search only, no listing):
    a temporary folder of root's is closed to others."""
    for parent in [folder, *folder.parents]:
        mode = parent.stat().st_mode
        if parent.owner() == "root" and not mode & 0o001:
            parent.chmod(mode | 0o001)


def _group_of(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid


def _unprivileged_user() -> str:
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root, with no postgres or nobody user to run PostgreSQL as")


def wait_until_up(url: str, timeout: float = START_TIMEOUT_S) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
