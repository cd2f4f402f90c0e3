"""Slow clients and the shipped reverse proxy (deploy/nginx/assistant.conf), end to end: gunicorn as
`assistant serve` runs it (2 sync workers) and nginx as this user, on free ports of 127.0.0.1, all
their files in a temporary folder, both stopped at the end whatever happens.

Thirty clients that send a chat request one byte a second hold every gunicorn worker when they reach
it directly, and the health check gets no answer; through nginx, which reads requests whole before
passing them on, it answers at once. Latencies are printed (pytest -s), never asserted. A missing
nginx is a failure, never a skip: `make test` installs it first (.ci/apt)."""

import http.client
import json
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # the benchmark's servers and clients, which these tests run
from server import get_health, start_server, stop_server  # noqa: E402
from slow_clients import NGINX, SlowClients, health_latency, start_nginx, stop_nginx  # noqa: E402

if not Path(NGINX).exists():
    pytest.fail(
        f"the slow-client tests need nginx at {NGINX}: run make test (it installs Debian's nginx), "
        "or apt-get install nginx",
        pytrace=False,
    )

SLOW_CLIENTS = 30
APP_RATE_LIMIT = 3  # a minute, per visitor (and per worker: the default storage counts per worker)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, assistant):  # assistant: the model cache built before gunicorn reads it
    folder = tmp_path_factory.mktemp("slow-clients")
    gunicorn, _ = start_server(
        2,
        str(folder),
        ready=get_health,
        settings={"ASSISTANT_TRUSTED_PROXIES": "1", "ASSISTANT_RATE_LIMIT": f"{APP_RATE_LIMIT} per minute"},
    )
    try:
        nginx = start_nginx(folder, gunicorn.port)
        try:
            yield gunicorn, nginx
        finally:
            stop_nginx(nginx)
    finally:
        stop_server(gunicorn)


def settle():
    """Long enough for every slow client to be connected and a byte or two in."""
    time.sleep(2)


def test_through_nginx_the_health_check_answers_while_slow_clients_hold_connections(servers):
    gunicorn, nginx = servers
    with SlowClients(nginx.port, SLOW_CLIENTS) as clients:
        settle()
        latency = health_latency(nginx.port, timeout=10)
        print(
            f"\nhealth through nginx with {SLOW_CLIENTS} slow clients: "
            + (f"{latency * 1000:.1f} ms" if latency is not None else "no answer in 10 s")
        )
        assert latency is not None
        assert clients.answered() == []  # they were still being held, not turned away


def test_straight_to_gunicorn_the_same_slow_clients_block_the_health_check(servers):
    gunicorn, nginx = servers
    with SlowClients(gunicorn.port, SLOW_CLIENTS):
        settle()
        latency = health_latency(gunicorn.port, timeout=3)
        print(
            f"\nhealth straight to gunicorn with {SLOW_CLIENTS} slow clients: "
            + (f"{latency * 1000:.1f} ms" if latency is not None else "no answer in 3 s")
        )
        assert latency is None
    assert health_latency(gunicorn.port, timeout=30) is not None  # once they left, the workers answer


def chat(port: int, source: str, forwarded_for: str) -> tuple[int, dict]:
    """A chat request to ``port`` from the loopback address ``source``, with a forged X-Forwarded-For."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        connection.request(
            "POST",
            "/api/v1/chat",
            json.dumps({"tenant": "exo", "message": "bonjour"}),
            {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_behind_nginx_the_rate_limit_counts_each_visitor_and_ignores_forged_addresses(servers):
    gunicorn, nginx = servers
    # One visitor forging a new address each time is still one visitor: more chats than both
    # workers together allow it meet the application's own 429.
    first = [chat(nginx.port, "127.0.3.1", f"198.51.100.{n}") for n in range(2 * APP_RATE_LIMIT + 1)]
    refused = [body for status, body in first if status == 429]
    assert refused and refused[0]["error"]["message"].startswith(f"At most {APP_RATE_LIMIT} per 1 minute")
    # Another visitor, behind the same proxy, is not: the application sees its address, not nginx's.
    assert [chat(nginx.port, "127.0.3.2", "127.0.3.1")[0] for _ in range(APP_RATE_LIMIT)] == [200] * APP_RATE_LIMIT


def test_nginx_refuses_oversized_bodies_and_too_many_connections_from_one_address_in_json(servers):
    gunicorn, nginx = servers
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10)
    connection.request("POST", "/api/v1/chat", b"x" * 20_000, {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "request_entity_too_large"
    connection.close()
    # Not the chat, whose rate limit (a burst of 20) would refuse them first.
    with SlowClients(nginx.port, 40, source="127.0.4.1", slow_headers=False, path="/api/v1/tenants") as clients:
        settle()
        refusals = clients.answered()
    assert len(refusals) == 8  # 32 connections at once per address
    for refusal in refusals:
        head, _, body = refusal.partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 429 ") and "application/json" in head
        assert json.loads(body)["error"]["code"] == "too_many_requests"
    assert health_latency(nginx.port, timeout=10) is not None
