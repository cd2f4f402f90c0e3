"""Reloading knowledge: `assistant reload` (or SIGHUP) puts changed data in service without dropping
a request; a broken file is reported with its file and line, and the last good knowledge stays."""

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assistant import bundle as models
from assistant.paths import data_dir, project_root

ASSISTANT = str(Path(sys.executable).with_name("assistant"))
BROKEN = "knowledge/exo/tenant.yml"


@pytest.fixture
def home(tmp_path, assistant):
    """A copy of the project's data (same content, so the model cache already holds its bundle)."""
    root = tmp_path / "home"
    for folder in ("knowledge", "intents"):
        shutil.copytree(project_root() / folder, root / folder)
    return root


def break_file(root: Path) -> None:
    with open(root / BROKEN, "a", encoding="utf-8") as f:
        f.write("\nactions: [unclosed\n")


def test_a_broken_file_keeps_the_last_good_knowledge(home, tmp_path, caplog):
    cache = tmp_path / "cache"
    cache.mkdir()
    good = data_dir(project_root()) / "cache" / f"bundle-{models.fingerprint(home)}.pickle"
    shutil.copy(good, cache / good.name)
    break_file(home)
    with pytest.raises(models.KnowledgeError) as refused:
        models.load_bundle(home, cache, keep_last_good=False)
    assert f"{BROKEN}:" in str(refused.value)
    with caplog.at_level(logging.ERROR):
        bundle = models.load_bundle(home, cache)
    assert set(bundle.tenants) == {"exo", "conex", "anvaigo", "solidxperts", "innovaphone"}
    assert f"{BROKEN}:" in caplog.text and "last good knowledge" in caplog.text


def test_a_bundle_of_other_code_is_not_the_last_good_knowledge(home, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    good = data_dir(project_root()) / "cache" / f"bundle-{models.fingerprint(home)}.pickle"
    data_part = good.name.split("-", 2)[2]
    shutil.copy(good, cache / f"bundle-000000000000-{data_part}")  # as an older version left it
    break_file(home)
    with pytest.raises(models.KnowledgeError):
        models.load_bundle(home, cache)


def test_no_good_knowledge_at_all_is_an_error(home, tmp_path):
    break_file(home)
    with pytest.raises(models.KnowledgeError):
        models.load_bundle(home, tmp_path / "empty-cache")


def test_a_kept_bundle_is_not_served_once_the_data_changed(home, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "_kept", None)
    cache = tmp_path / "cache"
    cache.mkdir()
    good = data_dir(project_root()) / "cache" / f"bundle-{models.fingerprint(home)}.pickle"
    shutil.copy(good, cache / good.name)
    kept = models.keep_loaded(home, cache)
    assert models.load_bundle(home, cache) is kept
    break_file(home)
    last_good = models.load_bundle(home, cache)
    assert last_good is not kept and set(last_good.tenants) == set(kept.tenants)
    models.keep_loaded(home, cache)  # the data broken: the last good bundle is read, not kept
    assert models._kept is None


def ask(url: str) -> int:
    body = json.dumps({"tenant": "exo", "message": "combien de temps dure l'essai ?"}).encode()
    request = urllib.request.Request(f"{url}/api/v1/chat", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def workers(pid: int) -> set[str]:
    return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())


@pytest.fixture
def server(home, tmp_path):
    """`assistant serve` on the copy, with its own database and pid file."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(home),
        "ASSISTANT_DATA": str(data_dir(project_root())),
        "ASSISTANT_DB": str(tmp_path / "served.db"),
        "ASSISTANT_PIDFILE": str(tmp_path / "served.pid"),
        "ASSISTANT_STAFF_TOKEN": "reload-test",
        "ASSISTANT_RATE_LIMIT": "100000 per minute",
    }
    process = subprocess.Popen(
        [ASSISTANT, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if ask(url) == 200 and len(workers(process.pid)) == 2:
                break
        except OSError:
            pass
        time.sleep(0.1)
    yield process, url, env
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def shared_mb(pid: str) -> float:
    """What a process shares with others and had written to: here, the models the master loaded."""
    rollup = dict(line.split()[:2] for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return int(rollup["Shared_Dirty:"]) / 1024


def test_the_workers_share_the_masters_models_before_and_after_a_reload(server):
    process, url, env = server
    assert all(shared_mb(pid) > 40 for pid in workers(process.pid))  # about 3 MB when each loads its own
    before = workers(process.pid)
    os.kill(process.pid, signal.SIGHUP)
    assert until(lambda: len(workers(process.pid)) == 2 and not workers(process.pid) & before)
    assert ask(url) == 200
    assert all(shared_mb(pid) > 40 for pid in workers(process.pid))


def until(condition, seconds=30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def visitors(url: str, count: int):
    """``count`` visitors asking without a pause while the block runs; yields the statuses they got."""
    statuses: list = []
    stop = threading.Event()

    def visitor():
        while not stop.is_set():
            try:
                statuses.append(ask(url))
            except OSError as error:
                statuses.append(repr(error))

    threads = [threading.Thread(target=visitor) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield statuses
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def test_reload_under_load_drops_no_request_and_keeps_the_last_good_knowledge(server, home):
    process, url, env = server
    with visitors(url, 3) as statuses:
        before = workers(process.pid)
        done = subprocess.run([ASSISTANT, "reload"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert until(lambda: len(workers(process.pid)) == 2 and not workers(process.pid) & before)

        break_file(home)
        refused = subprocess.run([ASSISTANT, "reload"], env=env, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1 and f"{BROKEN}:" in refused.stdout
        # A SIGHUP sent by hand despite the broken file: the new workers keep the last good knowledge.
        before = workers(process.pid)
        os.kill(process.pid, signal.SIGHUP)
        assert until(lambda: len(workers(process.pid)) == 2 and not workers(process.pid) & before)
        time.sleep(1)
    assert statuses and set(statuses) == {200}, [s for s in statuses if s != 200][:5]
    assert ask(url) == 200


def call(url: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}{path}", data, headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_every_worker_serves_a_published_version_and_no_request_is_dropped(server):
    """A publish on one worker: each worker, alone to accept (the other stopped), answers the new
    phrasing; visitors chatting meanwhile all get their answer."""
    process, url, env = server
    missed = {"tenant": "anvaigo", "message": "is the hotline free of charge", "lang": "en"}
    assert call(url, "/api/v1/chat", missed)[1]["type"] == "fallback"
    change = {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": missed["message"]}
    token = env["ASSISTANT_STAFF_TOKEN"]
    assert call(url, "/api/v1/knowledge/anvaigo/changes", change, token)[0] == 201
    with visitors(url, 1) as statuses:
        status, published = call(url, "/api/v1/knowledge/anvaigo/publish", {}, token)
    assert status == 200 and published["version"] == 1
    assert statuses and set(statuses) == {200}
    pids = workers(process.pid)
    assert len(pids) == 2
    for serving in pids:
        others = pids - {serving}
        for pid in others:
            os.kill(int(pid), signal.SIGSTOP)
        try:
            reply = call(url, "/api/v1/chat", missed)[1]
        finally:
            for pid in others:
                os.kill(int(pid), signal.SIGCONT)
        assert reply["intent"] == "anvaigo.free_general_questions", f"worker {serving}"
