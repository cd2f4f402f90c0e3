"""The processes a cluster starts, each known by its id and its start time: a process id the kernel
gave again to another process after ours ended is never signalled.

Each is started in a session of its own, so that its process group (a gunicorn master and its
workers, nginx and its worker) is stopped, or killed, as one.
"""

import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

STOP_PATIENCE_S = 15  # how long a process has to stop on its signal before it is killed


@dataclass(frozen=True)
class Started:
    """One process the cluster started: what it is, where it listens, and how to stop it."""

    name: str  # "app1", "nginx", "postgres", ...
    pid: int
    port: int
    ticks: int  # its start time, in clock ticks since boot (/proc/<pid>/stat): who the pid is
    group: bool  # stop its process group (it leads one), or the process alone
    stop_signal: int = signal.SIGTERM

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "Started":
        return cls(**values)


def start_ticks(pid: int) -> int | None:
    """When the process started (clock ticks since boot), or None if there is no such process or it
    is a zombie (ended, not yet collected by its parent)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])  # state, starttime: fields 3 and 22


def record(name: str, pid: int, port: int, group: bool, stop_signal: int = signal.SIGTERM) -> Started:
    ticks = start_ticks(pid)
    if ticks is None:
        raise RuntimeError(f"{name} (process {pid}) ended as it started")
    return Started(name, pid, port, ticks, group, stop_signal)


def alive(process: Started) -> bool:
    """Whether the very process that was started is still running."""
    return start_ticks(process.pid) == process.ticks


def group_members(pgid: int) -> list[int]:
    """The running processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):  # pgrp: field 5
                members.append(int(entry.name))
    return members


def running(process: Started) -> list[int]:
    """What is left of a started process: itself if alive, and its group's members."""
    left = [process.pid] if alive(process) else []
    if process.group:
        left += [pid for pid in group_members(process.pid) if pid != process.pid]
    return left


def signal_process(process: Started, number: int) -> None:
    """Send a signal to the process (its group when it leads one), if it is still the one started."""
    try:
        if process.group and (alive(process) or group_members(process.pid)):
            os.killpg(process.pid, number)
        elif alive(process):
            os.kill(process.pid, number)
    except ProcessLookupError:
        pass
    reap(process.pid)


def stop(process: Started, patience_s: float = STOP_PATIENCE_S) -> None:
    """Its stop signal, then SIGKILL if it has not ended within ``patience_s``."""
    signal_process(process, process.stop_signal)
    if not wait_ended(process, patience_s):
        signal_process(process, signal.SIGKILL)
        wait_ended(process, 5)


def kill(process: Started) -> None:
    """kill -9 of the process and its group: a crash, not a shutdown."""
    signal_process(process, signal.SIGKILL)
    wait_ended(process, 5)


def wait_ended(process: Started, patience_s: float) -> bool:
    """Until the process and its group have ended and its port is closed: a killed process's main
    thread shows as ended (a zombie) while its other threads still hold its sockets, and a
    connection made meanwhile would be reset rather than refused."""
    deadline = time.monotonic() + patience_s
    while running(process) or _listening_inodes(process.port):
        reap(process.pid)
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def reap(pid: int) -> None:
    """Collect the exit status of a child of this process (the cluster started by this process, as in
    the tests), so that it does not linger as a zombie; nothing for another's."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def spawn(command: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """A process in a session of its own (it leads its process group, and outlives the command that
    started it), its output appended to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, patience_s: float = 60) -> None:
    """Until ``url`` answers 200; RuntimeError with the end of ``log`` if the process ends first or
    the patience runs out."""
    deadline = time.monotonic() + patience_s
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def ready(name: str, process: subprocess.Popen, port: int, url: str, log: Path, patience_s: float) -> Started:
    """The process, recorded once ``url`` answers; killed with its group, and RuntimeError with the
    end of its log, if it does not."""
    try:
        wait_until_answering(url, process, log, patience_s)
        return record(name, process.pid, port, group=True)
    except RuntimeError:
        kill(Started(name, process.pid, port, 0, group=True))  # no start time known: its group only
        process.wait(timeout=10)
        raise RuntimeError(f"{name} did not start: {tail(log)}") from None


def tail(log: Path, size: int = 2000) -> str:
    return log.read_text(errors="replace")[-size:] if log.exists() else "(no log)"


def listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (the first of those sharing the socket, its
    master): how the cluster learns the id of a server another module started (PostgreSQL, Redis)."""
    inodes = _listening_inodes(port)
    holders = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            holders.append(int(entry.name))
    return min(holders, key=lambda pid: start_ticks(pid) or 0) if holders else None


def _listening_inodes(port: int) -> set[str]:
    """The inodes of the sockets listening on ``port`` (TCP, IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes
