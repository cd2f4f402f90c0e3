"""The throwaway redis-server of the tests and of `make cluster`: it answers at its URL, keeps
nothing on disk, and stop() stops exactly the server it started."""

import os

import pytest

from assistant import redis_client
from assistant.cluster.ports import free_port
from assistant.cluster.redis import Redis, RedisServerError


@pytest.fixture
def started(tmp_path):
    servers = []

    def start(name: str) -> Redis:
        servers.append(Redis(tmp_path / name, free_port()).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_it_answers_at_its_url_and_keeps_its_pid_file_in_its_folder(started):
    server = started("one")
    client = redis_client.connect(server.url)
    client.set("greeting", "bonjour")
    assert client.get("greeting") == b"bonjour"
    assert int((server.folder / "redis.pid").read_text()) == server.pid()
    client.close()


def test_stop_stops_only_its_own_server_and_persists_nothing(started):
    one, other = started("one"), started("other")
    redis_client.connect(one.url).set("kept?", "no")
    # As `make cluster-stop` would: another object, another process, the same folder and port.
    Redis(one.folder, one.port).stop()
    assert not one.answers() and one.pid() is None
    assert other.answers()
    assert sorted(p.name for p in one.folder.iterdir()) == ["redis.log"]  # no dump, no append-only file
    one.stop()  # again: nothing left to stop


def test_a_pid_file_naming_another_process_stops_nothing(tmp_path):
    server = Redis(tmp_path, free_port())
    tmp_path.joinpath("redis.pid").write_text(str(os.getpid()))  # this test's own process
    assert server.pid() is None
    server.stop()  # would have killed this test


def test_a_second_start_in_the_same_folder_is_refused(started):
    server = started("one")
    with pytest.raises(RedisServerError, match="runs already"):
        Redis(server.folder, server.port).start()
    assert server.answers()


def test_it_listens_on_loopback_only(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        Redis(tmp_path, free_port(), host="0.0.0.0")
