"""Configuration in one place: a YAML file (ASSISTANT_CONFIG), then environment variables prefixed
ASSISTANT_ (which win). Secrets come from here only, never from the code."""

import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from . import paths as config

ENV = {  # environment variable -> setting
    "ASSISTANT_DB": "db",
    "ASSISTANT_DATABASE_URL": "database_url",
    "ASSISTANT_RETENTION_DAYS": "retention_days",
    "ASSISTANT_STAFF_TOKEN": "staff_token",
    "ASSISTANT_SLACK_SIGNING_SECRET": "slack_signing_secret",
    "ASSISTANT_SLACK_BOT_TOKEN": "slack_bot_token",
    "ASSISTANT_SLACK_API_URL": "slack_api_url",
    "ASSISTANT_MATTERMOST_TOKEN": "mattermost_token",
    "ASSISTANT_RATE_LIMIT": "rate_limit",
    "ASSISTANT_RATE_LIMIT_STORAGE": "rate_limit_storage",
    "ASSISTANT_STAFF_TOKENS": "staff_tokens",
    "ASSISTANT_SESSION_SECRET": "session_secret",
    "ASSISTANT_FEEDBACK_RATE_LIMIT": "feedback_rate_limit",
    "ASSISTANT_TRUSTED_PROXIES": "trusted_proxies",
    "ASSISTANT_REDIS_URL": "redis_url",
}
PER_WORKER = "worker-memory://"  # the rate limit's default storage
ALL_TENANTS = "*"


@dataclass
class Settings:
    db: str | None = None  # an SQLite file; data/assistant.db by default
    # A PostgreSQL server instead (postgresql://user:password@host:port/database): what several app
    # servers share. It wins over ``db``.
    database_url: str | None = None
    staff_token: str | None = None
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    mattermost_token: str | None = None
    rate_limit: str = "60 per minute"
    feedback_rate_limit: str = "20 per minute"  # votes, per client address
    # The key of chat platforms' conversation ids (sessions.keyed_id). Without one, a random key is
    # generated once into the data folder (``session_key``): every worker and restart then shares it.
    session_secret: str | None = None
    # Where the rate limit counts (a storage URI of the `limits` library): "worker-memory://" counts per
    # worker (channels/ratelimit.py); a shared store such as "redis://host:6379" makes the limit hold
    # across workers and machines.
    rate_limit_storage: str = PER_WORKER
    # The Redis that several hosts share (redis://host:6379/0): with one, the rate limits count there
    # (unless rate_limit_storage names another store), a conversation's lock is held there, and a
    # published version is announced there to every worker (redis_client.py). None: one host, as is.
    redis_url: str | None = None
    # Staff tokens scoped to tenants: {token: [tenant, ...]} or {token: {name: …, tenants: [...]}} in
    # the file, or in the environment "alice@exo,conex:TOKEN1 *:TOKEN2" (a name and "@" if wanted,
    # tenants, a colon, the token; "*" for all). staff_token sees all, as "staff". A change to the
    # knowledge records the name of the token that made it (curation/).
    staff_tokens: dict[str, list[str] | dict] = field(default_factory=dict)
    allowed_origins: dict[str, list[str]] = field(default_factory=dict)  # tenant -> origins
    slack_teams: dict[str, str] = field(default_factory=dict)  # Slack team id -> tenant
    mattermost_teams: dict[str, str] = field(default_factory=dict)  # Mattermost team -> tenant
    # The tenant of a Slack or Mattermost team that neither mapping names. None: such a team is told
    # which tenants exist rather than answered from one of them.
    default_tenant: str | None = None
    # How many reverse proxies in front of the server set X-Forwarded-For and X-Forwarded-Proto (each
    # overwriting what the client sent): the client's address is then read from them, for the rate
    # limits. 0 (no proxy) ignores those headers, which a client could otherwise forge.
    trusted_proxies: int = 0
    # How many days visitors' words are kept: what ``assistant purge`` deletes beyond, keeping their
    # counts (backoffice/retention.py). None keeps everything until a purge is asked for.
    retention_days: int | None = None

    @classmethod
    def load(cls, path: str | Path | None = None, environ=os.environ) -> "Settings":
        """The file named by ``path`` or ASSISTANT_CONFIG (if any), then ASSISTANT_* variables."""
        values: dict = {}
        path = path or environ.get("ASSISTANT_CONFIG")
        if path:
            values.update(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
        values.update({name: environ[var] for var, name in ENV.items() if environ.get(var)})
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def __post_init__(self):
        if isinstance(self.staff_tokens, str):  # the environment's form
            self.staff_tokens = parse_tokens(self.staff_tokens)
        self.trusted_proxies = int(self.trusted_proxies)  # the environment gives a string
        if self.trusted_proxies < 0:
            raise ValueError("trusted_proxies must be 0 or more")
        if self.retention_days is not None:
            self.retention_days = int(self.retention_days)
            if self.retention_days < 1:
                raise ValueError("retention_days must be 1 or more")

    def staff_scope(self, given: str) -> set[str] | None:
        """The tenants a staff token may see ({"*"} for all), or None if the token is not valid."""
        member = self.staff_member(given)
        return member.tenants if member else None

    def staff_member(self, given: str) -> "StaffMember | None":
        """Who a staff token is and which tenants it may see, or None if the token is not valid."""
        found = None
        for token, member in self.scoped_tokens().items():
            # Every token is compared, in constant time, so that timing tells nothing.
            if hmac.compare_digest(given.encode(), token.encode()):
                found = member
        return found

    def scoped_tokens(self) -> dict[str, "StaffMember"]:
        tokens = {token: member_of(value) for token, value in self.staff_tokens.items()}
        if self.staff_token:
            tokens[self.staff_token] = StaffMember("staff", {ALL_TENANTS})
        return {token: member for token, member in tokens.items() if token}

    @cached_property
    def session_key(self) -> str:
        """The configured session secret, else the one generated into the data folder."""
        return self.session_secret or kept_secret(config.data_dir(config.project_root()) / "session_secret")

    def rate_limit_store(self) -> str:
        """Where the rate limits count: the storage configured, else the shared Redis, else per worker."""
        if self.rate_limit_storage == PER_WORKER and self.redis_url:
            from .redis_client import limits_uri

            return limits_uri(self.redis_url)
        return self.rate_limit_storage

    def database(self) -> Path | str:
        """Where the store is: the PostgreSQL URL if one is set, else the SQLite file."""
        if self.database_url:
            return self.database_url
        return Path(self.db) if self.db else config.data_dir(config.project_root()) / "assistant.db"


def kept_secret(path: Path) -> str:
    """A random secret generated once into ``path``, readable by this user only, then read from it.
    It is written whole under another name, then linked: processes starting together all read the
    one that was linked first, never a file half written."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:  # another process linked its own first
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class StaffMember:
    name: str
    tenants: set[str]


def member_of(value: list[str] | dict) -> StaffMember:
    """A token's setting: its tenants, or its name and tenants. Unnamed, it is named by its tenants."""
    if isinstance(value, dict):
        tenants = list(value.get("tenants") or [])
        return StaffMember(str(value.get("name") or f"staff ({', '.join(tenants)})"), set(tenants))
    return StaffMember(f"staff ({', '.join(value)})", set(value))


def parse_tokens(text: str) -> dict[str, dict]:
    """ "alice@exo,conex:TOKEN1 *:TOKEN2" -> {"TOKEN1": {"name": "alice", "tenants": ["exo", "conex"]},
    "TOKEN2": {"name": None, "tenants": ["*"]}}"""
    tokens = {}
    for item in text.split():
        who, _, token = item.partition(":")
        name, at, tenants = who.rpartition("@")
        if token:
            tokens[token] = {"name": name if at else None, "tenants": [t for t in tenants.split(",") if t]}
    return tokens
