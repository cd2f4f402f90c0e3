"""Load through the reference cluster's nginx, with failures, then an audit of the database: nothing a
client was told is lost or stored twice. The same load first runs against a single app server on
SQLite (behind the same nginx configuration), for comparison.

    python bench/cluster_load.py [--seconds 45] [--baseline 15] [--clients 16] [--json]

Each client runs conversations one after another on a keep-alive connection: a quote request ("I'd
like a quote", the details, "yes"), then a question. Every message sent carries a tag of its own, seven
random letters ("[qhtbawe]": no digit, which a slot would read as a number); a turn that gets no
answer, or an error, is sent again under a new tag, on the same conversation (a "yes" the matcher
misreads for its tag is a turn like any other, and the next one has another tag). The cluster's run
is cut in three: steady, then app1 killed with SIGKILL, then PostgreSQL stopped and started again
(when the cluster runs on it: otherwise the run ends in its second phase, and says so).

The audit reads the turns and requests through the assistant's own store: each tag a client was
answered with a 200 must be stored exactly once, in the conversation it was answered in; each
reference a client received must be a request exactly once; each request's turn must be there.
Errors are counted by status; each must be JSON ({"error": {"code", "message"}}), a 503 during the
database's restart. Throughput and latencies are the steady phase's, compared with the single
server's (goal: the cluster at least 0.8 times its requests a second).
"""

import argparse
import http.client
import json
import random
import re
import statistics
import string
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tqdm import tqdm

from assistant import Assistant
from assistant.cluster import cluster

OPENING = "I'd like a quote"
DETAILS = "Jane Doe, jane.{n}@acme.example, {users} users, company Acme, Enterprise"
QUESTION = "how long are backups kept?"
TAG = re.compile(r"\[([a-z]+)\]")
REFERENCE = re.compile(r"\b(QUO-[A-Z0-9]+)\b")
MOST_ATTEMPTS = 12  # a conversation that needs more is counted broken
WARMUP_S = 3


@dataclass
class Tally:
    """What the clients saw, phase by phase."""

    phase: str = "steady"
    confirmed: dict[str, str] = field(default_factory=dict)  # tag -> the session it was answered in
    unconfirmed: set[str] = field(default_factory=set)  # tags sent without a 200
    references: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)  # phase -> ms of each 200
    errors: Counter = field(default_factory=Counter)  # (phase, status or "connection") -> count
    not_json: int = 0  # error responses that were not the API's JSON error
    broken: int = 0  # conversations that did not end with a reference and an answer
    broken_replies: list[str] = field(default_factory=list)  # the last reply of the first few
    spanning: int = 0  # conversations that met an error and went on
    spanning_done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_given: set[str] = set()  # every tag of this run, warm-ups included: all are in the same databases
_given_lock = threading.Lock()


def new_tag() -> str:
    """Seven random letters never given before."""
    with _given_lock:
        while True:
            tag = "".join(random.choices(string.ascii_lowercase, k=7))
            if tag not in _given:
                _given.add(tag)
                return tag


class Client:
    """One visitor after another on one keep-alive connection to nginx, until the deadline."""

    def __init__(self, port: int, deadline: float, tally: Tally):
        self.port, self.deadline, self.tally = port, deadline, tally
        self.connection: http.client.HTTPConnection | None = None

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            self.conversation()

    def conversation(self) -> None:
        """The quote request, then a question; each turn sent again (newly tagged) until answered."""
        session, reply, met_error, done = None, None, False, False
        for _ in range(MOST_ATTEMPTS):
            message = next_message(reply, new_tag())
            if message is None or time.monotonic() > self.deadline + 20:
                done = message is None and status_of(reply or {}) == "answered"
                break
            tag = new_tag()
            body = {"tenant": "exo", "message": f"{message} [{tag}]", **({"session_id": session} if session else {})}
            answer = self.post(body)
            if answer is None:
                met_error = True
                with self.tally.lock:
                    self.tally.unconfirmed.add(tag)
                time.sleep(0.1)
                continue
            session, reply = answer["session_id"], answer
            with self.tally.lock:
                self.tally.confirmed[tag] = session
                if status_of(answer) == "submitted":
                    self.tally.references.append(answer["action"]["reference"])
        with self.tally.lock:
            if not done and time.monotonic() < self.deadline:
                self.tally.broken += 1
                if len(self.tally.broken_replies) < 3:
                    self.tally.broken_replies.append(f"{(reply or {}).get('type')}: {(reply or {}).get('reply')}")
            self.tally.spanning += met_error
            self.tally.spanning_done += met_error and done

    def post(self, body: dict) -> dict | None:
        """One turn: the reply on a 200, else None (counted under the phase it ended in)."""
        try:
            self.connection = self.connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
            start = time.perf_counter()
            self.connection.request("POST", "/api/v1/chat", json.dumps(body), {"Content-Type": "application/json"})
            response = self.connection.getresponse()
            data = response.read()
            elapsed = (time.perf_counter() - start) * 1000
        except (OSError, http.client.HTTPException):
            self.connection = None
            with self.tally.lock:
                self.tally.errors[(self.tally.phase, "connection")] += 1
            return None
        phase = self.tally.phase
        with self.tally.lock:
            if response.status == 200:
                self.tally.latencies.setdefault(phase, []).append(elapsed)
            else:
                self.tally.errors[(phase, response.status)] += 1
                self.tally.not_json += not is_json_error(data)
        return json.loads(data) if response.status == 200 else None


def next_message(reply: dict | None, n: str) -> str | None:
    """What the visitor says after ``reply``: None when the conversation is over."""
    if reply is None:
        return OPENING
    status = status_of(reply)
    if status == "collecting":
        return DETAILS.format(n=n, users=5 + len(n))
    if status == "confirming":
        return "yes"
    if status == "submitted":
        return QUESTION
    return None  # the question answered (or something unexpected: then counted broken, not done)


def status_of(reply: dict) -> str | None:
    return (reply.get("action") or {}).get("status") if reply.get("type") != "answer" else "answered"


def is_json_error(data: bytes) -> bool:
    try:
        error = json.loads(data)["error"]
        return isinstance(error["code"], str) and isinstance(error["message"], str)
    except (ValueError, KeyError, TypeError):
        return False


def load(state, seconds: float, clients: int, faults: list[tuple[float, str, object]]) -> Tally:
    """``clients`` clients through nginx for ``seconds``; each fault (at, phase, action) run when its
    time comes, the phase named from then on."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    port = state.process("nginx").port
    threads = [threading.Thread(target=Client(port, deadline, tally).run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    pending, began = list(faults), time.monotonic()
    with tqdm(total=round(seconds), desc=f"load ({state.database})", unit="s", file=sys.stderr) as bar:
        while any(t.is_alive() for t in threads):
            time.sleep(0.25)
            bar.update(min(round(seconds), int(time.monotonic() - began)) - bar.n)
            while pending and time.monotonic() - began >= pending[0][0]:
                _, phase, action = pending.pop(0)
                tally.phase = phase
                action()
    return tally


def opened_store(settings: dict[str, str]):
    """The cluster's database, opened as the app servers open it."""
    from assistant.backoffice import store

    where = settings.get("ASSISTANT_DATABASE_URL") or settings["ASSISTANT_DB"]
    return store.open_store(where) if hasattr(store, "open_store") else store.Store(where)


def audit(settings: dict[str, str], tally: Tally) -> dict:
    """Each confirmed tag stored once, in its conversation; each reference once; each request's turn."""
    store = opened_store(settings)
    turns = store.rows("turns")
    requests = store.rows("requests")
    store.close()
    stored: dict[str, list[str]] = {}
    for turn in turns:
        found = TAG.search(turn["user"] or "")
        if found:
            stored.setdefault(found.group(1), []).append(turn["session_id"])
    counts = Counter(r["reference"] for r in requests)
    in_turns = {ref for t in turns for ref in REFERENCE.findall(t["assistant"] or "")}
    return {
        "confirmed": len(tally.confirmed),
        "lost": sum(tag not in stored for tag in tally.confirmed),
        "duplicated": sum(len(stored.get(tag, [])) > 1 for tag in tally.confirmed),
        "wrong_conversation": sum(stored.get(tag, [session])[0] != session for tag, session in tally.confirmed.items()),
        "unconfirmed_stored": sum(tag in stored for tag in tally.unconfirmed),
        "references": len(tally.references),
        "references_missing": sum(counts[r] == 0 for r in set(tally.references)),
        "references_duplicated": sum(c > 1 for c in counts.values()),
        "requests_without_turn": sum(r not in in_turns for r in counts),
    }


def summary(name: str, tally: Tally, seconds: dict[str, float], audited: dict) -> dict:
    """Throughput and latencies of the steady phase; errors by phase and status; the audit."""
    steady = sorted(tally.latencies.get("steady", []))
    everything = sorted(ms for values in tally.latencies.values() for ms in values)
    return {
        "name": name,
        "steady_rps": round(len(steady) / seconds["steady"], 1),
        "p50_ms": round(statistics.median(steady), 1) if steady else None,
        "p99_ms": round(steady[int(0.99 * len(steady))], 1) if steady else None,
        "p99_all_ms": round(everything[int(0.99 * len(everything))], 1) if everything else None,
        "turns": len(everything),
        "errors": {f"{phase} {status}": n for (phase, status), n in sorted(tally.errors.items(), key=str)},
        "errors_not_json": tally.not_json,
        "broken": tally.broken,
        "broken_replies": tally.broken_replies,
        "spanning": tally.spanning,
        "spanning_done": tally.spanning_done,
        "audit": audited,
    }


def run(name: str, options: cluster.Options, seconds: float, clients: int, faults) -> dict:
    """A cluster started, loaded, audited and stopped; its summary."""
    state = cluster.start(options)
    try:
        print(f"{name}: {state.database}, {len(state.named('app'))} app server(s) behind nginx", file=sys.stderr)
        # Workers learn each word's features once (features.py, vectors.py): a few seconds of the same
        # load first, not measured, so that the run measures servers in their steady state.
        load(state, WARMUP_S, clients, [])
        tally = load(state, seconds, clients, [(at, phase, action(state)) for at, phase, action in faults])
        audited = audit(state.settings, tally)
    finally:
        cluster.stop(state.folder)
    spans = [0.0, *(at for at, _, _ in faults), seconds]
    phases = ["steady", *(phase for _, phase, _ in faults)]
    return summary(name, tally, {p: spans[i + 1] - spans[i] for i, p in enumerate(phases)}, audited)


def kill_app1(state):
    return lambda: cluster.kill_app_server(state.folder, "app1")


def restart_postgres(state):
    return lambda: cluster.restart_database(state.folder)


def report(args, single: dict, on_postgres: dict, full: dict, restarted: bool) -> None:
    print(f"{args.clients} clients, quote conversations then a question, through nginx")
    print(f"{'':<30}{'steady req/s':>13}{'p50 ms':>8}{'p99 ms':>8}{'p99 all':>9}{'turns':>7}{'broken':>8}")
    for r in (single, on_postgres, full):
        print(
            f"{r['name']:<30}{r['steady_rps']:>13}{r['p50_ms']:>8}{r['p99_ms']:>8}{r['p99_all_ms']:>9}"
            f"{r['turns']:>7}{r['broken']:>8}"
        )
    ratio = on_postgres["steady_rps"] / single["steady_rps"] if single["steady_rps"] else 0
    print(f"one server on PostgreSQL / on SQLite, steady requests a second: {ratio:.2f} (goal ≥ 0.8)")
    both = full["steady_rps"] / single["steady_rps"] if single["steady_rps"] else 0
    print(
        f"cluster / one server on SQLite: {both:.2f} (on these 2 cores, two app servers, PostgreSQL, Redis "
        "and nginx share what one server had)"
    )
    if not restarted:
        print("no database restart: the cluster runs on SQLite (this checkout has no PostgreSQL store yet)")
    for r in (single, on_postgres, full):
        a = r["audit"]
        print(
            f"{r['name']}: errors {r['errors'] or 'none'} ({r['errors_not_json']} not JSON); "
            f"open across a failure {r['spanning']}, of which done {r['spanning_done']}"
        )
        for reply in r["broken_replies"]:
            print(f"  a conversation that went wrong ended on: {reply[:150]!r}")
        print(
            f"  audit: {a['confirmed']} turns confirmed, {a['lost']} lost, {a['duplicated']} duplicated, "
            f"{a['wrong_conversation']} in another conversation; {a['unconfirmed_stored']} unconfirmed but stored; "
            f"{a['references']} references, {a['references_missing']} missing, {a['references_duplicated']} "
            f"duplicated, {a['requests_without_turn']} requests without their turn"
        )
    if args.json:
        results = {"single": single, "single_postgresql": on_postgres, "cluster": full}
        print(json.dumps({"clients": args.clients, **results, "ratio": round(ratio, 2)}))


def healthy(result: dict, restart_phase: str | None) -> bool:
    """Nothing lost, duplicated or half-written; every error JSON; during the database's restart,
    503s only; no error at all in the steady phase."""
    a = result["audit"]
    statuses = {
        key.removeprefix(f"{restart_phase} ")
        for key in result["errors"]
        if restart_phase and key.startswith(restart_phase)
    }
    return (
        not any(a[k] for k in ("lost", "duplicated", "wrong_conversation", "references_missing"))
        and not a["references_duplicated"]
        and not a["requests_without_turn"]
        and not result["errors_not_json"]
        and not any(key.startswith("steady ") for key in result["errors"])
        and statuses <= {"503"}
        and not result["broken"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=45, help="the cluster's run, cut in three phases")
    parser.add_argument("--baseline", type=float, default=15, help="each single server's run (SQLite, PostgreSQL)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    Assistant.load()  # builds the model cache if the data changed: not part of a run
    single = run(
        "single server, SQLite",
        cluster.Options(servers=1, database="sqlite", redis=False, rate_limits=False),
        args.baseline,
        args.clients,
        [],
    )
    on_postgres = run(
        "single server, PostgreSQL",
        cluster.Options(servers=1, database="postgresql", redis=False, rate_limits=False),
        args.baseline,
        args.clients,
        [],
    )
    third = args.seconds / 3
    faults = [(third, "app1 killed", kill_app1)]
    restarted = cluster.database_of("auto") == "postgresql"
    if restarted:
        faults.append((2 * third, "database restart", restart_postgres))
    full = run("cluster, 2 app servers", cluster.Options(rate_limits=False), args.seconds, args.clients, faults)
    report(args, single, on_postgres, full, restarted)
    fine = healthy(single, None) and healthy(on_postgres, None)
    sys.exit(0 if fine and healthy(full, "database restart" if restarted else None) else 1)


if __name__ == "__main__":
    main()
