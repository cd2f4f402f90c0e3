"""A throwaway redis-server: on a loopback port, with its pid file and log in a folder of its own,
nothing persisted. The tests' shared Redis, and `make cluster`'s.

``stop()`` stops exactly the server this folder's pid file names, and only if that process is still
the redis-server of this port (a pid may be reused), so it works from another process than the one
that started it (`make cluster-stop`).

    server = Redis(folder, free_port()).start()
    settings.redis_url = server.url
    ...
    server.stop()
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


class RedisServerError(RuntimeError):
    """redis-server is missing, or did not start or stop in time."""


def executable() -> str | None:
    """Debian's redis-server, on the PATH or in /usr/bin (`make system` installs it)."""
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")


class Redis:
    """One throwaway redis-server: ``Redis(folder, port)``, as the cluster's other services are made."""

    def __init__(self, folder: Path | str, port: int, host: str = LOOPBACK):
        if not host.startswith("127.") and host != "::1":
            raise ValueError(f"a throwaway Redis listens on loopback only, not {host}")
        self.folder, self.port, self.host = Path(folder), port, host
        self.pid_file = self.folder / "redis.pid"
        self.log_file = self.folder / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "Redis":
        """Start the server (daemonized: it outlives this process until ``stop``) and wait until it answers."""
        program = executable()
        if program is None:
            raise RedisServerError("redis-server is missing: install Debian's redis-server (make system does)")
        if self.pid() is not None:
            raise RedisServerError(f"a redis-server of {self.folder} runs already, on port {self.port}")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pid_file.unlink(missing_ok=True)
        subprocess.run([program, *self._arguments()], check=True, capture_output=True, timeout=timeout)
        # Its pid file is written once it listens: another server answering on the port is not ours.
        self._wait(lambda: self.pid() is not None and self.answers(), timeout, "answer")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server this folder started, if it still runs (twice is harmless)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        self._wait(lambda: not self._is_ours(pid), timeout, "stop")
        self.pid_file.unlink(missing_ok=True)

    def pid(self) -> int | None:
        """The server's process id, if this folder's server runs."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if self._is_ours(pid) else None

    def answers(self) -> bool:
        """Whether the server answers PING."""
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def __enter__(self) -> "Redis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _arguments(self) -> list[str]:
        return [
            "--bind", self.host,
            "--port", str(self.port),
            "--daemonize", "yes",
            "--pidfile", str(self.pid_file.resolve()),
            "--logfile", str(self.log_file.resolve()),
            "--dir", str(self.folder.resolve()),
            "--save", "",
            "--appendonly", "no",
        ]  # fmt: skip

    def _is_ours(self, pid: int) -> bool:
        """Whether ``pid`` is a redis-server listening on this port (its title names it; not a zombie)."""
        try:
            status = Path(f"/proc/{pid}/stat").read_text()
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return False
        alive = status.rsplit(")", 1)[-1].split()[0] != "Z"
        return alive and "redis-server" in title and any(w.endswith(f":{self.port}") for w in title.split())

    def _wait(self, done, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
                raise RedisServerError(f"redis-server on port {self.port} did not {what} in {timeout:.0f} s\n{tail}")
            time.sleep(0.02)
