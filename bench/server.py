"""A gunicorn server of the application for the benchmarks: started on a free port of 127.0.0.1
with its own database, measured, killed or stopped. Shared by http_load.py and load.py."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_chat(url: str) -> None:
    body = json.dumps({"tenant": "exo", "message": "how long are backups kept?"}).encode()
    request = urllib.request.Request(f"{url}/api/v1/chat", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


def get_health(url: str) -> None:
    urllib.request.urlopen(f"{url}/api/v1/health", timeout=5).read()


def start_server(
    workers: int,
    folder: str,
    port: int | None = None,
    app: str = "assistant.channels:create_app()",
    ready=post_chat,
    wrapper: tuple[str, ...] = (),
    options: tuple[str, ...] = (),
    patience_s: float = 30,
    settings: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, float]:
    """The server (its address in ``.url``) on the database ``folder``/bench.db, and the seconds from
    its start to its first answer to ``ready`` (a chat reply; the model cache already built).
    ``wrapper`` runs gunicorn under another command (valgrind), ``options`` are more of gunicorn's,
    ``settings`` more ASSISTANT_* variables (or other values of these)."""
    port = port or free_port()
    env = {
        **os.environ,
        "ASSISTANT_DB": f"{folder}/bench.db",
        "ASSISTANT_RATE_LIMIT": "100000000 per minute",
        "ASSISTANT_STAFF_TOKEN": "bench",
        **(settings or {}),
    }
    start = time.perf_counter()
    # As `assistant serve` runs: the master loads the knowledge and its workers share it (preload.py).
    server = subprocess.Popen(
        [
            *wrapper,
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:assistant.channels.preload",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *options,
            app,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    server.url, server.port = f"http://127.0.0.1:{port}", port
    for _ in range(round(patience_s / 0.05)):
        try:
            ready(server.url)
            return server, time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    kill_server(server)
    raise SystemExit("the server did not start")


def workers(server: subprocess.Popen) -> list[str]:
    """The process ids of the gunicorn master's children, its workers."""
    return Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()


def worker_cpu_seconds(server: subprocess.Popen) -> float:
    """The CPU time, user and system, the workers have used since they started."""
    total = 0
    for pid in workers(server):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return total / os.sysconf("SC_CLK_TCK")


def worker_memory(server: subprocess.Popen) -> list[dict]:
    """Memory of each gunicorn worker (the master's children), in MB: resident (``rss``), and its
    proportional share (``pss``), where each page shared with the master and the other workers
    counts for a part: what another worker costs the machine."""
    sizes = []
    for pid in workers(server):
        rollup = dict(line.split()[:2] for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        sizes.append({"rss": int(rollup["Rss:"]) / 1024, "pss": int(rollup["Pss:"]) / 1024})
    return sizes


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def kill_server(server: subprocess.Popen) -> None:
    """kill -9 of the master and every worker at once: a crash, not a shutdown."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
