"""The public chat's rate limit, per client address.

The `limits` library (flask-limiter's own engine) counts the hits in fixed windows, in memory or in
a shared store (``settings.rate_limit_storage``). It is called from the chat alone: flask-limiter's
hooks evaluated every request of the application, twice for the chat, for one limit on one endpoint.
"""
import time

from flask import request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


class RateLimit:
    def __init__(self, rule: str, storage_uri: str, scope: str = "chat"):
        self.rules = parse_many(rule)
        self.window = FixedWindowRateLimiter(storage_from_string(storage_uri))
        self.scope = scope

    def check(self) -> None:
        """Count this request against its client's limits; over one of them it is refused (429)."""
        client = request.remote_addr or "unknown"
        for rule in self.rules:
            if not self.window.hit(rule, self.scope, client):
                reset = self.window.get_window_stats(rule, self.scope, client).reset_time
                raise TooManyRequests(f"At most {rule} from one address; try again shortly.",
                                      retry_after=max(1, int(reset - time.time())))
