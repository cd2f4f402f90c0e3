"""The Redis that hosts share (``settings.redis_url``): rate-limit counters, conversation locks and
the signal that a tenant's knowledge changed. Nothing durable is kept there.

redis-py is imported only when a Redis is configured: its import costs about 150 ms, which every
command-line start would otherwise pay. Its clients fail fast: a request that needs an unreachable
Redis is refused in about a second (a 503), instead of waiting out redis-py's default ten retries.
"""

from typing import Any

CONNECT_TIMEOUT_S = 1.0  # an unreachable host
READ_TIMEOUT_S = 2.0  # a Redis that accepted the connection but does not answer
RETRIES = 1  # one: a pooled connection that Redis closed (it restarted) is opened again at once


def options() -> dict[str, Any]:
    """redis-py's client options for a shared Redis (the `limits` storage takes the same)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "socket_timeout": READ_TIMEOUT_S,
        "retry": Retry(NoBackoff(), RETRIES),
    }


def connect(url: str):
    """A client of the Redis at ``url`` (redis://, rediss:// or unix://). It connects on first use,
    and again in a process forked from this one (redis-py's pool reopens its connections there)."""
    import redis

    return redis.Redis.from_url(url, **options())


def errors() -> type[Exception]:
    """What redis-py raises when Redis is unreachable or refuses a command."""
    from redis.exceptions import RedisError

    return RedisError


def limits_uri(url: str) -> str:
    """The `limits` library's storage URI for the Redis at ``url`` (it names sockets redis+unix://)."""
    return "redis+" + url if url.startswith("unix://") else url
