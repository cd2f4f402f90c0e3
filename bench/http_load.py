"""Throughput of the HTTP API under gunicorn on 127.0.0.1, measured with wrk (Debian's package):
POST /api/v1/chat next to a trivial JSON endpoint of the same application (the floor), at 16 and
64 connections. Every load is bounded in time; the server is stopped at the end.

    python bench/http_load.py [--seconds 10] [--workers 2]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local questions = {"how long are backups kept?", "combien de temps dure l'essai ?", "can I get a refund?",
                   "vous faites des remises aux associations ?", "do you offer 24/7 support?"}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, '{"tenant": "exo", "message": "' .. questions[i % #questions + 1] .. '"}')
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, folder: str) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_DB": f"{folder}/bench.db", "ASSISTANT_RATE_LIMIT": "100000000 per minute",
           "ASSISTANT_STAFF_TOKEN": "bench"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "assistant.channels:create_app()"],
                              cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):  # the first start may train the models
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


def wrk(url: str, connections: int, seconds: int, script: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    def latency(pct):
        found = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency(50),
            "p99": latency(99), "errors": int(errors.group(1)) if errors else 0 +
            (sum(map(int, socket_errors.groups())) if socket_errors else 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package wrk)")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "chat.lua"
        script.write_text(LUA)
        port = free_port()
        server = start_server(port, args.workers, folder)
        try:
            print(f"gunicorn, {args.workers} sync workers, wrk {args.seconds} s per run")
            print(f"{'endpoint':<10}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
            for connections in (16, 64):
                floor = wrk(f"http://127.0.0.1:{port}/api/v1/health", connections, args.seconds, None)
                chat = wrk(f"http://127.0.0.1:{port}/api/v1/chat", connections, args.seconds, str(script))
                for name, r in (("floor", floor), ("chat", chat)):
                    print(f"{name:<10}{connections:>6}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}")
                print(f"chat/floor at {connections} connections: {chat['rps'] / floor['rps']:.2f}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
