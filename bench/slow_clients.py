"""Slow clients against the server: the latency of GET /api/v1/health while 0, 10, 30 and 100 clients
hold connections open by sending a chat request one byte a second, straight to gunicorn (2 sync
workers, as `assistant serve` runs it) and through nginx with the shipped configuration
(deploy/nginx/assistant.conf). Straight to gunicorn, two such clients are enough to hold both
workers, and the health check waits for them; nginx reads each request whole before gunicorn sees it.

    python bench/slow_clients.py [--counts 0 10 30 100] [--timeout 10] [--json]

Needs Debian's nginx (`.ci/apt nginx`). Each run starts gunicorn and nginx on free ports of
127.0.0.1, everything they write in a temporary folder, and stops them at the end. The clients come
from their own loopback addresses (127.0.0.2, 127.0.0.3, …), as visitors would: nginx limits the
connections of one address.
"""

import argparse
import grp
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from server import free_port, get_health, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
SITE_CONFIG = ROOT / "deploy" / "nginx" / "assistant.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's is in /usr/sbin, not on every user's PATH
SHIPPED_LISTEN, SHIPPED_UPSTREAM = "listen 80;", "server 127.0.0.1:8000 "
# The shipped site configuration in nginx's main one, run by this user: its pid file, logs and
# temporary files all in one folder.
MAIN_CONFIG = """user {user} {group};
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/assistant.conf;
}}
"""
BODY = json.dumps({"tenant": "exo", "message": "how long are backups kept?"}).encode()
HEADERS = (
    "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    f"Content-Length: {len(BODY)}\r\n\r\n"
)


def nginx_config(folder: Path, port: int, upstream_port: int) -> Path:
    """The shipped configuration, listening on 127.0.0.1:``port`` in front of gunicorn on
    ``upstream_port``, in a main configuration under ``folder``; the main file's path."""
    site = SITE_CONFIG.read_text(encoding="utf-8")
    for shipped, here in (
        (SHIPPED_LISTEN, f"listen 127.0.0.1:{port};"),
        (SHIPPED_UPSTREAM, f"server 127.0.0.1:{upstream_port} "),
    ):
        if site.count(shipped) != 1:
            raise ValueError(f"{SITE_CONFIG} should hold '{shipped}' once")
        site = site.replace(shipped, here)
    (folder / "assistant.conf").write_text(site, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(
        MAIN_CONFIG.format(
            folder=folder, user=pwd.getpwuid(os.getuid()).pw_name, group=grp.getgrgid(os.getgid()).gr_name
        ),
        encoding="utf-8",
    )
    return main


def start_nginx(folder: Path, upstream_port: int, patience_s: float = 10) -> subprocess.Popen:
    """nginx (its address in ``.url``, its port in ``.port``) in front of gunicorn, once it answers."""
    port = free_port()
    config = nginx_config(folder, port, upstream_port)
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    process.url, process.port = f"http://127.0.0.1:{port}", port
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            get_health(process.url)
            return process
        except OSError:
            time.sleep(0.05)
    stop_nginx(process)
    log = (folder / "error.log").read_text(errors="replace") if (folder / "error.log").exists() else ""
    raise RuntimeError(f"nginx did not start: {log[-2000:]}")


def stop_nginx(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # nginx's fast shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def loopback(n: int) -> str:
    """The ``n``-th loopback address after 127.0.0.1 (which the measurements' own requests use)."""
    return f"127.0.{n // 250}.{n % 250 + 2}"


class SlowClients:
    """``count`` clients that send a chat request to ``port`` one byte every ``interval`` seconds (to
    ``path``), each from its own loopback address unless ``source`` names one for all of them. Half of them send
    their headers that way, half send their headers at once and then their body byte by byte
    (``slow_headers=False``: all of them the latter). While they run, no request is complete. A
    context manager: every connection is closed on leaving."""

    def __init__(
        self,
        port: int,
        count: int,
        interval: float = 1.0,
        source: str | None = None,
        slow_headers: bool = True,
        path: str = "/api/v1/chat",
    ):
        self.port, self.count, self.interval, self.source = port, count, interval, source
        self.slow_headers = slow_headers
        self.headers = HEADERS.format(path=path).encode()
        self.sockets: list[socket.socket] = []
        self.sent: list[int] = []
        self.cut = 0  # connections the server closed while their request was being sent
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._dribble, daemon=True)

    def __enter__(self) -> "SlowClients":
        for n in range(self.count):
            connection = socket.create_connection(
                ("127.0.0.1", self.port), timeout=5, source_address=(self.source or loopback(n), 0)
            )
            at_once = len(self.headers) if n % 2 or not self.slow_headers else 0
            connection.sendall(self.headers[: at_once + 1])
            self.sockets.append(connection)
            self.sent.append(at_once + 1)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        for connection in self.sockets:
            connection.close()

    def _dribble(self) -> None:
        whole = self.headers + BODY
        while not self.stop.wait(self.interval):
            for n, connection in enumerate(self.sockets):
                if self.sent[n] is None or self.sent[n] >= len(whole) - 1:  # cut, or its last byte kept back
                    continue
                try:
                    connection.send(whole[self.sent[n] : self.sent[n] + 1])
                    self.sent[n] += 1
                except OSError:
                    self.sent[n], self.cut = None, self.cut + 1

    def answered(self) -> list[str]:
        """What the server has already sent to these clients, response by response (read without
        waiting: a client still being held has nothing)."""
        responses = []
        for connection in self.sockets:
            connection.setblocking(False)
            try:
                received = connection.recv(4096)
            except OSError:  # nothing yet (BlockingIOError), or reset
                received = b""
            finally:
                connection.setblocking(True)
            if received:
                responses.append(received.decode(errors="replace"))
        return responses


def health_latency(port: int, timeout: float) -> float | None:
    """Seconds until GET /api/v1/health on ``port`` answers 200, or None if it did not within
    ``timeout`` (a bound on each wait for the server, not on the whole exchange)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/api/v1/health")
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - start if response.status == 200 else None
    except OSError:
        return None
    finally:
        connection.close()


def measure(port: int, count: int, timeout: float, settle_s: float = 1.5) -> float | None:
    """The health check's latency while ``count`` slow clients hold connections to ``port``."""
    with SlowClients(port, count):
        time.sleep(settle_s)  # every slow client connected and a few bytes in
        return health_latency(port, timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[0, 10, 30, 100])
    parser.add_argument("--timeout", type=float, default=10.0, help="how long the health check waits")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as folder:
        gunicorn, _ = start_server(2, folder, ready=get_health)
        try:
            nginx = start_nginx(Path(folder), gunicorn.port)
            try:
                for count in args.counts:
                    straight = measure(gunicorn.port, count, args.timeout)
                    health_latency(gunicorn.port, 60)  # the workers free again once the clients left
                    rows.append(
                        {
                            "slow_clients": count,
                            "straight_s": straight,
                            "through_nginx_s": measure(nginx.port, count, args.timeout),
                        }
                    )
            finally:
                stop_nginx(nginx)
        finally:
            stop_server(gunicorn)

    def shown(seconds):
        return f"no answer in {args.timeout:g} s" if seconds is None else f"{seconds * 1000:.1f} ms"

    print(f"{'slow clients':>12}  {'straight to gunicorn':>22}  {'through nginx':>16}")
    for row in rows:
        print(f"{row['slow_clients']:>12}  {shown(row['straight_s']):>22}  {shown(row['through_nginx_s']):>16}")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
