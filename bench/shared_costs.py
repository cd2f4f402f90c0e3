"""What sharing a Redis (ASSISTANT_REDIS_URL) costs a request, part by part, against one host.

    python bench/shared_costs.py [--calls 20000]

A throwaway redis-server on loopback (cluster/redis.py), and a database with a published version.
Each line is the mean of ``--calls`` calls, in microseconds:
- the version check before each request (curation/live.py): alone, one query of the database; with
  Redis, a look at what the subscriber heard (the database every 3 s), and for comparison a GET of
  one key, the other way it could have been done;
- the conversation's lock (backoffice/locks.py): the file's record lock, or the lock in Redis;
- one rate-limit hit (channels/ratelimit.py): the worker's memory, or Redis.
"""

import argparse
import logging
import tempfile
import time
from pathlib import Path

from assistant import redis_client
from assistant.backoffice.locks import ConversationLocks, SharedConversationLocks
from assistant.backoffice.store import open_store
from assistant.channels.ratelimit import RateLimit
from assistant.cluster.ports import free_port
from assistant.cluster.redis import Redis
from assistant.curation import drafts
from assistant.curation.announcements import Announcements


def mean_us(call, calls: int) -> float:
    for _ in range(min(calls, 500)):  # warm: connections opened, statements prepared
        call()
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def held(locks):
    def hold():
        with locks.hold("conversation"):
            pass

    return hold


def costs(folder: Path, url: str, calls: int) -> list[tuple[str, float | None, float]]:
    store = open_store(folder / "assistant.db")
    drafts.record(store, "exo", [], "bench", 0.0)
    signal = Announcements(redis_client.connect(url))
    while not signal.listening:
        signal.due()
        time.sleep(0.01)
    client = redis_client.connect(url)
    client.set("assistant:bench-version", 1)
    local, shared = RateLimit("1000000 per minute", "worker-memory://"), RateLimit("1000000 per minute", url)
    return [
        (
            "version check",
            mean_us(lambda: drafts.live_numbers(store), calls),
            mean_us(lambda: signal.due() and drafts.live_numbers(store), calls),
        ),
        ("  (a GET of one key instead)", None, mean_us(lambda: client.get("assistant:bench-version"), calls)),
        (
            "conversation lock",
            mean_us(held(ConversationLocks(folder / "assistant.db.locks")), calls),
            mean_us(held(SharedConversationLocks(client)), calls),
        ),
        (
            "rate-limit hit",
            mean_us(lambda: local.check("1.2.3.4"), calls),
            mean_us(lambda: shared.check("1.2.3.4"), calls),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    calls = parser.parse_args().calls
    logging.getLogger("assistant.curation.announcements").setLevel(logging.ERROR)  # Redis stops before it
    with tempfile.TemporaryDirectory() as tmp, Redis(Path(tmp) / "redis", free_port()) as server:
        rows = costs(Path(tmp), server.url, calls)
    print(f"{'per request (µs)':32} {'one host':>9} {'Redis':>9}")
    for name, alone, shared in rows:
        print(f"{name:32} {'-' if alone is None else f'{alone:.1f}':>9} {shared:9.1f}")


if __name__ == "__main__":
    main()
