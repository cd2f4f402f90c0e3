"""The public chat's rate limit, per client address.

The `limits` library (flask-limiter's own engine) counts the hits in fixed windows, in memory or in
a shared store (``settings.rate_limit_store()``: the shared Redis when one is configured). A shared
store that cannot be reached refuses the request with a 503, rather than letting it through
uncounted or failing it with a 500. It is called from the chat alone: flask-limiter's
hooks evaluated every request of the application, twice for the chat, for one limit on one endpoint.
"""

import threading
import time

from limits import parse_many
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from .. import redis_client
from ..errors import Unavailable

SWEEP_EVERY_S = 10.0


class WorkerMemoryStorage(Storage):
    """``worker-memory://``: fixed-window counters in the worker's memory, as limits' ``memory://``
    keeps them, but expired while counting. ``memory://`` expires its keys from a timer thread that
    it starts again 10 ms after the last one, as long as requests come: under load, a new thread
    every few requests, which cost each worker about 0.1 ms of CPU a request (bench/http_load.py's
    fixed-reply server, with and without it). Registered with limits by its scheme."""

    STORAGE_SCHEME = ["worker-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self.counts: dict[str, int] = {}
        self.expiries: dict[str, float] = {}
        self.lock = threading.Lock()  # a worker with threads counts each hit once
        self.next_sweep = 0.0

    @property
    def base_exceptions(self):
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        with self.lock:
            now = time.time()
            self._sweep(now)
            if self.expiries.get(key, 0.0) <= now:  # a new window
                self.counts[key], self.expiries[key] = 0, now + expiry
            self.counts[key] += amount
            return self.counts[key]

    def get(self, key: str) -> int:
        return self.counts.get(key, 0) if self.expiries.get(key, 0.0) > time.time() else 0

    def get_expiry(self, key: str) -> float:
        return self.expiries.get(key, time.time())

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self.lock:
            cleared = len(self.counts)
            self.counts.clear()
            self.expiries.clear()
            return cleared

    def clear(self, key: str) -> None:
        with self.lock:
            self.counts.pop(key, None)
            self.expiries.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Forget the windows that ended, every SWEEP_EVERY_S: addresses seen once must not pile up."""
        if now < self.next_sweep:
            return
        for key in [k for k, end in self.expiries.items() if end <= now]:
            del self.counts[key], self.expiries[key]
        self.next_sweep = now + SWEEP_EVERY_S


class RateLimit:
    def __init__(self, rule: str, storage_uri: str, scope: str = "chat"):
        self.rules = parse_many(rule)
        self.window = FixedWindowRateLimiter(storage_from_string(storage_uri, **storage_options(storage_uri)))
        self.scope = scope

    def check(self, address: str | None) -> None:
        """Count a request from ``address`` against its limits; over one of them it is refused (429),
        and while the shared store is unreachable, every request is (503)."""
        try:
            self._count(address or "unknown")
        except StorageError as error:
            raise Unavailable(
                "unavailable", "The service is briefly unavailable; please try again in a moment."
            ) from error.storage_error

    def _count(self, client: str) -> None:
        for rule in self.rules:
            if not self.window.hit(rule, self.scope, client):
                reset = self.window.get_window_stats(rule, self.scope, client).reset_time
                raise TooManyRequests(
                    f"At most {rule} from one address; try again shortly.", retry_after=max(1, int(reset - time.time()))
                )


def storage_options(storage_uri: str) -> dict:
    """A Redis store's client fails fast (redis_client.py); every store's errors are StorageError."""
    shared = storage_uri.split(":", 1)[0] in ("redis", "rediss", "redis+unix")
    return {"wrap_exceptions": True, **(redis_client.options() if shared else {})}
