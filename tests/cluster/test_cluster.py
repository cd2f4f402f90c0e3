"""The reference cluster end to end (src/assistant/cluster/, `make cluster`): nginx in front of two
app servers sharing one database (PostgreSQL and Redis when this checkout has them), on loopback,
in a temporary folder. A conversation moves between the app servers turn by turn and carries on
through the other when one is killed with SIGKILL; stopping the cluster leaves nothing it started.

Skipped only when a program the cluster needs is not installed (`make test` installs them: .ci/apt)."""

import http.client
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from assistant.cluster import cluster, nginx, postgres, processes
from assistant.cluster.state import State


def missing_programs() -> list[str]:
    missing = [] if nginx.available() else ["nginx (Debian's nginx)"]
    if not postgres.available():
        missing.append("pg_ctl (Debian's postgresql)")
    if not shutil.which("redis-server"):
        missing.append("redis-server (Debian's redis-server)")
    return missing


pytestmark = pytest.mark.skipif(
    bool(missing_programs()), reason=f"the cluster needs {', '.join(missing_programs())}: make system installs them"
)

DETAILS = "Jane Doe, jane@acme.example, 12 users, company Acme, Enterprise"


@pytest.fixture(scope="module")
def running(tmp_path_factory, assistant):  # assistant: the model cache built first
    folder = tmp_path_factory.mktemp("cluster") / "cluster"
    state = cluster.start(cluster.Options(rate_limits=False), folder)  # the evaluation asks from one address
    yield state
    if (folder / "cluster.json").exists():
        cluster.stop(folder)


def chat(state: State, message: str, session: str | None = None) -> tuple[int, dict, str]:
    """One turn through nginx: the status, the JSON body and the request's id (X-Request-ID)."""
    port = state.process("nginx").port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = {"tenant": "exo", "message": message, **({"session_id": session} if session else {})}
    connection.request("POST", "/api/v1/chat", json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    reply = json.loads(response.read())
    connection.close()
    return response.status, reply, response.getheader("X-Request-ID")


def served_by(state: State, request_id: str) -> list[str]:
    """The app servers nginx tried for a request, in order, by name (its access log)."""
    names = {f"127.0.0.1:{p.port}": p.name for p in state.named("app")}
    line = logged(state.folder / "nginx" / "access.log", f" {request_id} ")
    tried = line.split("upstream=", 1)[1].split(" upstream_status=", 1)[0]
    return [names[address.strip()] for address in tried.split(",")]


def logged(log: Path, text: str, patience_s: float = 5) -> str:
    """The line of ``log`` that holds ``text``, once written: nginx logs a request after its response."""
    deadline = time.monotonic() + patience_s
    while True:
        found = [line for line in log.read_text().splitlines() if text in line]
        if found or time.monotonic() > deadline:
            assert found, f"{text!r} not in {log}"
            return found[0]
        time.sleep(0.05)


def test_the_cluster_runs_what_its_state_file_lists(running):
    assert [p.name for p in running.processes][-3:] == ["app1", "app2", "nginx"]
    assert all(processes.alive(p) for p in running.processes)
    assert running.url == f"http://127.0.0.1:{running.process('nginx').port}"
    assert State.read(running.folder).processes == running.processes
    assert (running.folder / "cluster.json").stat().st_mode & 0o077 == 0  # it holds the staff token


def test_a_conversation_moves_between_the_app_servers_and_carries_on(running):
    status, first, first_id = chat(running, "I'd like a quote")
    assert status == 200 and first["action"]["status"] == "collecting"
    status, details, details_id = chat(running, DETAILS, first["session_id"])
    assert status == 200 and details["action"]["status"] == "confirming"  # the form, read by the other server
    assert details["session_id"] == first["session_id"]
    assert {served_by(running, first_id)[-1], served_by(running, details_id)[-1]} == {"app1", "app2"}
    running.pending = details["session_id"]  # the next test confirms it after a crash


def test_the_evaluation_through_nginx_gives_what_one_process_gives(running, assistant):
    """The judge's way (each item in a fresh conversation over HTTP, here through the load balancer
    and both app servers on PostgreSQL) scores every item as the assistant in this process does."""
    from assistant.channels.cli import over_http
    from assistant.nlu.evaluate import read_items, run, run_with

    items = read_items(Path(__file__).parents[1] / "eval" / "single.jsonl")
    here, there = run(assistant, items), run_with(over_http(running.url), items)
    assert [(o.ok, o.reply["type"], o.reply.get("intent"), o.reply["lang"]) for o in there.outcomes] == [
        (o.ok, o.reply["type"], o.reply.get("intent"), o.reply["lang"]) for o in here.outcomes
    ]
    assert [o.reply["reply"] for o in there.outcomes] == [o.reply["reply"] for o in here.outcomes]


def test_after_one_app_server_is_killed_the_conversation_carries_on_through_the_other(running):
    cluster.kill_app_server(running.folder, "app1")
    assert processes.running(running.process("app1")) == []
    ids = []
    status, done, request_id = chat(running, "yes", running.pending)
    ids.append(request_id)
    assert status == 200 and done["action"]["status"] == "submitted" and done["action"]["reference"]
    for _ in range(3):  # each turn answered, whichever server nginx tries first
        status, answer, request_id = chat(running, "how long are backups kept?", running.pending)
        ids.append(request_id)
        assert status == 200 and answer["intent"] == "exo.backup_policy"
        assert answer["session_id"] == running.pending
    assert {served_by(running, i)[-1] for i in ids} == {"app2"}
    assert any(served_by(running, i) == ["app1", "app2"] for i in ids)  # tried, refused, passed on


def test_stop_stops_everything_it_started_and_removes_its_folder(running):
    started = State.read(running.folder).processes
    stopped = cluster.stop(running.folder)
    assert sorted(stopped) == sorted(p.name for p in started if p.name != "app1")  # app1 was dead already
    assert [p.name for p in started if processes.running(p)] == []
    assert not running.folder.exists()
    assert [pid for pid in os.listdir("/proc") if pid.isdigit() and mentions(pid, running.folder)] == []


def mentions(pid: str, folder: Path) -> bool:
    """Whether a process's command line names the folder (the app servers, nginx and PostgreSQL do)."""
    try:
        return str(folder) in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
