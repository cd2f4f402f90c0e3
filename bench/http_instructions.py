"""The chat/floor ratio of http_load.py counted in instructions, which do not drift with the machine.

wrk's requests per second move by 15-30 % from one hour to the next on this machine, and the chat
more than the floor in some hours. Here the server runs as in http_load.py (gunicorn, the preload
hooks, sync workers), but one worker, under valgrind's callgrind, which counts the instructions the
worker executes. One client sends requests one after the other; callgrind_control dumps the count
between phases:

1. every evaluation message once, through the chat (what workers keep per word is warmed up);
2. N requests to the floor (`GET /api/v1/health`);
3. N chat requests, every evaluation message of every tenant in turn;
4. N requests to the floor again.

Each phase's count over N is the instructions per request; the floor's is the mean of phases 2 and 4.
The same is done for the chat with its reply computed in advance (fixed_reply_app.py), which
separates the endpoint's cost from the reply's. If the workers' CPU time per request goes with
their instructions, the ratio of requests per second that wrk would measure, with the workers
taking all the CPU, is the floor's count over the chat's. Nothing is asserted; valgrind slows
the server about fifty times, so a run takes a few minutes.

    python bench/http_instructions.py [--requests 300] [--json]
"""

import argparse
import json
import shutil
import subprocess
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reply_latency import messages
from server import get_health, start_server, stop_server, workers

APPS = {"assistant": "assistant.channels:create_app()", "fixed": "bench.fixed_reply_app:app"}


def chat(url: str, item: dict) -> None:
    body = json.dumps({"tenant": item["tenant"], "message": item["message"]}).encode()
    request = urllib.request.Request(f"{url}/api/v1/chat", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=120).read()


def floor(url: str, item: dict) -> None:
    urllib.request.urlopen(f"{url}/api/v1/health", timeout=120).read()


def counted(app: str, requests: int) -> dict:
    """Instructions per request of one application's worker: ``floor`` and ``chat``."""
    items = messages()
    chosen = [items[i * len(items) // requests] for i in range(requests)]  # every tenant, spread out
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind"
        wrapper = ("valgrind", "-q", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}.%p")
        server, _ = start_server(
            1, folder, app=app, ready=get_health, wrapper=wrapper, options=("--timeout", "900"), patience_s=900
        )
        try:
            worker = workers(server)[0]
            phases = [("warm", chat, items), ("floor", floor, chosen), ("chat", chat, chosen), ("floor", floor, chosen)]
            for _, send, sent in phases:
                for item in sent:
                    send(server.url, item)
                subprocess.run(["callgrind_control", "--dump", worker], capture_output=True, timeout=600, check=True)
        finally:
            stop_server(server)
        totals = [
            total(path) for path in sorted(Path(folder).glob(f"callgrind.{worker}.*"), key=lambda p: int(p.suffix[1:]))
        ]
    if len(totals) < len(phases):
        raise SystemExit(f"callgrind wrote {len(totals)} dumps, {len(phases)} expected")
    per_request = [t / requests for t in totals[-3:]]
    return {"floor": round((per_request[0] + per_request[2]) / 2), "chat": round(per_request[1])}


def total(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"{dump}: no total")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per phase")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    if not shutil.which("callgrind_control"):
        raise SystemExit("valgrind is not installed (Debian package valgrind)")
    from assistant import Assistant

    Assistant.load()  # builds the model cache if the data changed, outside valgrind
    with ThreadPoolExecutor(2) as pool:
        main_app, fixed = pool.map(lambda app: counted(app, args.requests), APPS.values())
    result = {
        "requests": args.requests,
        "floor": main_app["floor"],
        "chat": main_app["chat"],
        "fixed": fixed["chat"],
        "fixed_floor": fixed["floor"],
        "ratio": round(main_app["floor"] / main_app["chat"], 3),
    }
    result["endpoint"] = result["fixed"] - result["fixed_floor"]
    result["reply"] = result["chat"] - result["fixed"]
    print(
        f"instructions per request of a gunicorn worker: floor {result['floor']:,}, chat {result['chat']:,} "
        f"(the endpoint around the reply {result['endpoint']:,}, the reply {result['reply']:,}); "
        f"chat/floor {result['ratio']:.3f}"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
