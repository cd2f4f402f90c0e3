"""Throughput of the HTTP API under gunicorn on 127.0.0.1, measured with wrk (Debian's package):
POST /api/v1/chat next to a trivial JSON endpoint of the same application (the floor), at 16 and
64 connections. The chat requests cycle through the ~960 messages of the evaluation sets, every
tenant, so that no cache can flatter the result (what workers keep per word is warmed up first,
as a server that has run for a while has it). Also: the server's time from start to its first
chat reply, the memory of each worker (resident, and its share of the pages it shares with the
master and the other worker); the floor of a bare Flask application
(bare_app.py) served the same way, which says whether the application slows its own floor; and the
chat endpoint with its reply computed in advance (fixed_reply_app.py), which says what the endpoint
costs around the reply; and the chat with only its matching done in advance (prematched_app.py),
which says how much of the reply's cost is matching's. Every load is bounded in time; each server
is stopped at the end. Beside wrk's numbers, the CPU time the server's workers spend per request
(from /proc): wrk and the kernel share the cores, so requests per second alone do not say what a
request costs the application.

    python bench/http_load.py [--seconds 10] [--rounds 3] [--workers 2] [--json]
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from reply_latency import messages
from server import get_health, start_server, stop_server, worker_cpu_seconds, worker_memory
from tqdm import tqdm

from assistant import Assistant

LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[i %% #bodies + 1])
end
"""


def lua_script() -> str:
    """wrk's request script, its bodies the evaluation messages as JSON strings quoted for Lua."""
    bodies = [json.dumps({"tenant": item["tenant"], "message": item["message"]}) for item in messages()]
    return LUA % ", ".join("[==[" + body + "]==]" for body in bodies)


def wrk(url: str, connections: int, seconds: int, script: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout

    def latency(pct):
        found = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def timed_wrk(server, url: str, connections: int, seconds: int, script: str | None) -> dict:
    """wrk's results, and the CPU time the server's workers spent per request, in ms: the reply's cost
    under load, apart from wrk's and the kernel's on the same cores."""
    before = worker_cpu_seconds(server)
    result = wrk(url, connections, seconds, script)
    result["worker_ms"] = (worker_cpu_seconds(server) - before) * 1000 / max(1, result["requests"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of chat, unrecorded, before the runs")
    parser.add_argument("--rounds", type=int, default=3, help="short runs per measurement, the endpoints taking turns")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package wrk)")
    Assistant.load()  # builds the model cache if the data changed: not part of the server's start
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "chat.lua"
        script.write_text(lua_script())
        server, started = start_server(args.workers, folder)
        bare = fixed = prematched = None
        try:
            bare, _ = start_server(args.workers, folder, app="bench.bare_app:app", ready=get_health)
            fixed, _ = start_server(args.workers, own_folder(folder, "fixed"), app="bench.fixed_reply_app:app")
            prematched, _ = start_server(args.workers, own_folder(folder, "prematched"), app="bench.prematched_app:app")
            # Workers learn each word's features once (features.py, vectors.py): a few seconds of
            # chat first, unrecorded, so that the runs measure a server in its steady state.
            wrk(f"{server.url}/api/v1/chat", 16, args.warmup, str(script))
            urls = {
                "floor": (server, "/api/v1/health", None),
                "chat": (server, "/api/v1/chat", str(script)),
                "bare": (bare, "/api/v1/health", None),
                "fixed": (fixed, "/api/v1/chat", str(script)),
                "prematched": (prematched, "/api/v1/chat", str(script)),
            }
            results = measure(urls, args.seconds, args.rounds)
            memory = worker_memory(server)
        finally:
            for running in (server, bare, fixed, prematched):
                if running:
                    stop_server(running)
    report(args, results, started, memory)


PLAN = [("floor", 16), ("chat", 16), ("bare", 16), ("fixed", 16), ("prematched", 16), ("floor", 64), ("chat", 64)]


def own_folder(folder: str, name: str) -> str:
    """A database of its own for one of the variant servers."""
    path = Path(folder) / name
    path.mkdir(exist_ok=True)
    return str(path)


def measure(urls: dict, seconds: int, rounds: int) -> dict:
    """Each run of PLAN split into ``rounds`` short runs, the endpoints taking turns, so that the
    machine's drift (runs vary by 15 % here) falls on all of them alike; per run, the medians of its
    rounds and the sum of their errors. ``urls`` gives each endpoint's (server, path, wrk script)."""
    length = max(1, round(seconds / rounds))
    samples: dict[str, list[dict]] = {f"{e}_{c}": [] for e, c in PLAN}
    for _ in tqdm(range(rounds), desc="wrk rounds", unit="round", file=sys.stderr):
        for endpoint, connections in PLAN:
            server, path, lua = urls[endpoint]
            samples[f"{endpoint}_{connections}"].append(timed_wrk(server, server.url + path, connections, length, lua))
    return {
        name: {
            **{key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99", "worker_ms")},
            "errors": sum(r["errors"] for r in runs),
        }
        for name, runs in samples.items()
    }


def report(args, results: dict, started: float, memory: list[float]) -> None:
    print(
        f"gunicorn, {args.workers} sync workers, wrk {args.seconds} s per run in {args.rounds} rounds (medians), "
        f"after {args.warmup} s of warm-up"
    )
    print(f"{'endpoint':<12}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'workers ms/req':>16}")
    for name, r in results.items():
        endpoint, connections = name.split("_")
        print(
            f"{endpoint:<12}{connections:>6}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}"
            f"{r['worker_ms']:>16.3f}"
        )
    ratios = {c: round(results[f"chat_{c}"]["rps"] / results[f"floor_{c}"]["rps"], 2) for c in (16, 64)}
    for connections, ratio in ratios.items():
        print(f"chat/floor at {connections} connections: {ratio:.2f}")
    bare = round(results["floor_16"]["rps"] / results["bare_16"]["rps"], 2)
    print(f"the floor against a bare Flask application's (bare_app.py) at 16 connections: {bare:.2f}")
    fixed = results["fixed_16"]["rps"] / results["floor_16"]["rps"]
    print(f"the chat with its reply computed in advance (fixed_reply_app.py) against the floor: {fixed:.2f}")
    prematched = results["prematched_16"]["rps"] / results["floor_16"]["rps"]
    print(f"the chat with its matching done in advance (prematched_app.py) against the floor: {prematched:.2f}")
    print(
        f"server start to first chat reply: {started:.2f} s; memory per worker, resident (proportional share): "
        + ", ".join(f"{m['rss']:.0f} MB ({m['pss']:.0f} MB)" for m in memory)
    )
    if args.json:
        print(
            json.dumps(
                {
                    "workers": args.workers,
                    "seconds": args.seconds,
                    "rounds": args.rounds,
                    "warmup_s": args.warmup,
                    "runs": results,
                    "ratios": ratios,
                    "start_s": round(started, 2),
                    "worker_mb": [round(m["rss"]) for m in memory],
                    "worker_pss_mb": [round(m["pss"]) for m in memory],
                }
            )
        )


if __name__ == "__main__":
    main()
