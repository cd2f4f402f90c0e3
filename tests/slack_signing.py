"""Requests signed as Slack signs them, for the Slack adapter's tests and the hostile-input tests."""

import hashlib
import hmac
import time

SECRET = "slack-signing-secret-for-tests"


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict:
    """The headers Slack adds: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}
