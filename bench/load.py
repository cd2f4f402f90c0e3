"""Load with persistence: concurrent quote conversations against gunicorn on SQLite, for a bounded
time, then an audit of the database. With --crash, the server is killed with SIGKILL in the middle
of the load and started again on the same database; the conversations carry on.

    python bench/load.py [--seconds 60] [--workers 2] [--clients 16] [--crash 20] [--json]

Each client runs conversations of three turns ("I'd like a quote", the details, "yes") on a
keep-alive connection. A turn that gets no answer (the server is down) is sent again, as a visitor
would, with the same session id. The audit: PRAGMA integrity_check is ok, every reference the
clients were given is in the database exactly once, no two requests share an idempotency key,
there was no 5xx, and — with --crash — every conversation open at the crash went on where it was.
"""

import argparse
import http.client
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from server import kill_server, start_server, stop_server
from tqdm import tqdm

from assistant import Assistant

OPENING = "I'd like a quote"
DETAILS = "Jane Doe, jane{n}@acme.example, {users} users, company Acme {n}, Enterprise"


@dataclass
class Tally:
    confirmed: list[str] = field(default_factory=list)  # references the clients received
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    retries: int = 0  # turns sent again because no answer came
    broken: int = 0  # conversations whose reply was not the next step of the request
    spanning: int = 0  # conversations that had to send a turn again (open across a crash)
    spanning_done: int = 0  # ... and that still ended with a reference
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One visitor after another on one connection, until the deadline."""

    def __init__(self, number: int, server, deadline: float, tally: Tally):
        self.number, self.server, self.deadline, self.tally = number, server, deadline, tally
        self.connection = None

    def post(self, body: dict) -> dict | None:
        """One turn; None when the deadline passes before an answer. ``self.resent`` says whether
        a turn of this conversation had to be sent again."""
        while time.monotonic() < self.deadline + 30:
            try:
                self.connection = self.connection or http.client.HTTPConnection(
                    "127.0.0.1", self.server.port, timeout=10
                )
                start = time.perf_counter()
                self.connection.request("POST", "/api/v1/chat", json.dumps(body), {"Content-Type": "application/json"})
                response = self.connection.getresponse()
                data = response.read()
                elapsed = (time.perf_counter() - start) * 1000
            except (OSError, http.client.HTTPException):
                self.connection, self.resent = None, True  # the server is down: try again shortly
                with self.tally.lock:
                    self.tally.retries += 1
                time.sleep(0.1)
                continue
            with self.tally.lock:
                self.tally.latencies.append(elapsed)
                self.tally.server_errors += response.status >= 500
            return json.loads(data) if response.status == 200 else None
        return None

    def run(self) -> None:
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            self.conversation(f"{self.number}-{n}")

    def conversation(self, n: str) -> None:
        self.resent = False
        first = self.post({"tenant": "exo", "message": OPENING})
        session = (first or {}).get("session_id")
        details = session and self.post(
            {"tenant": "exo", "session_id": session, "message": DETAILS.format(n=n, users=5 + len(n))}
        )
        confirming = details and (details.get("action") or {}).get("status") == "confirming"
        done = confirming and self.post({"tenant": "exo", "session_id": session, "message": "yes"})
        action = (done or {}).get("action") or {}
        submitted = action.get("status") == "submitted" and bool(action.get("reference"))
        with self.tally.lock:
            if submitted:
                self.tally.confirmed.append(action["reference"])
            self.tally.broken += bool(first) and not submitted and time.monotonic() < self.deadline
            self.tally.spanning += self.resent
            self.tally.spanning_done += self.resent and submitted


def audit(path: str, confirmed: list[str]) -> dict:
    db = sqlite3.connect(path)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    counts = dict(db.execute("select reference, count(*) from requests group by reference").fetchall())
    keys = db.execute("select count(*) - count(distinct key) from requests").fetchone()[0]
    stored = db.execute("select count(*) from requests").fetchone()[0]
    db.close()
    return {
        "integrity": integrity,
        "requests_stored": stored,
        "confirmed": len(confirmed),
        "confirmed_missing": sum(counts.get(r, 0) == 0 for r in set(confirmed)),
        "confirmed_twice_to_clients": len(confirmed) - len(set(confirmed)),
        "duplicate_keys": keys,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--crash", type=float, help="kill -9 the server this many seconds in, then restart it")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    Assistant.load()  # builds the model cache if the data changed
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder:
        server, _ = start_server(args.workers, folder)
        deadline = time.monotonic() + args.seconds
        clients = [Client(i, server, deadline, tally) for i in range(args.clients)]
        threads = [threading.Thread(target=c.run) for c in clients]
        for thread in threads:
            thread.start()
        crash = None
        with tqdm(total=args.seconds, desc="load", unit="s", file=sys.stderr) as bar:
            while any(t.is_alive() for t in threads):
                time.sleep(1)
                bar.update(1 if bar.n < args.seconds else 0)
                if args.crash and crash is None and bar.n >= args.crash:
                    crash = restart(server, args, folder, clients)
        stop_server(clients[0].server)
        result = audit(f"{folder}/bench.db", tally.confirmed)
    report(args, tally, result, crash)


def restart(server, args, folder: str, clients: list[Client]) -> dict:
    """kill -9, then the same command on the same port and database; the clients reconnect."""
    kill_server(server)
    killed = time.perf_counter()
    again, _ = start_server(args.workers, folder, port=server.port)
    for client in clients:
        client.server = again
    return {"after_s": args.crash, "down_s": round(time.perf_counter() - killed, 2)}


def report(args, tally: Tally, result: dict, crash: dict | None) -> None:
    latencies = sorted(tally.latencies)
    summary = {
        **result,
        "seconds": args.seconds,
        "workers": args.workers,
        "clients": args.clients,
        "turns": len(latencies),
        "server_errors": tally.server_errors,
        "retries": tally.retries,
        "broken": tally.broken,
        "spanning": tally.spanning,
        "spanning_done": tally.spanning_done,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * len(latencies))], 1) if latencies else None,
        "crash": crash,
    }
    print(
        f"{args.clients} clients, {args.workers} gunicorn workers, {args.seconds} s"
        + (f", kill -9 at {args.crash} s (down {crash['down_s']} s)" if crash else "")
    )
    print(f"quote requests confirmed to clients: {result['confirmed']}; in the database: {result['requests_stored']}")
    print(
        f"confirmed but missing: {result['confirmed_missing']}; duplicate keys: {result['duplicate_keys']}; "
        f"integrity_check: {result['integrity']}"
    )
    print(
        f"chat turns: {summary['turns']}, 5xx: {tally.server_errors}, turns sent again: {tally.retries}, "
        f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms"
    )
    print(
        f"conversations that went wrong: {tally.broken}; open across a failure: {tally.spanning}, "
        f"of which ended with a reference: {tally.spanning_done}"
    )
    if args.json:
        print(json.dumps(summary))
    healthy = (
        result["integrity"] == "ok"
        and not result["confirmed_missing"]
        and not result["duplicate_keys"]
        and not tally.server_errors
        and not tally.broken
    )
    sys.exit(0 if healthy else 1)


if __name__ == "__main__":
    main()
