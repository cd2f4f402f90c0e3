"""Configuration in one place: a YAML file (ASSISTANT_CONFIG), then environment variables prefixed
ASSISTANT_ (which win). Secrets come from here only, never from the code."""
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import config

ENV = {  # environment variable -> setting
    "ASSISTANT_DB": "db",
    "ASSISTANT_STAFF_TOKEN": "staff_token",
    "ASSISTANT_SLACK_SIGNING_SECRET": "slack_signing_secret",
    "ASSISTANT_SLACK_BOT_TOKEN": "slack_bot_token",
    "ASSISTANT_SLACK_API_URL": "slack_api_url",
    "ASSISTANT_MATTERMOST_TOKEN": "mattermost_token",
    "ASSISTANT_RATE_LIMIT": "rate_limit",
}


@dataclass
class Settings:
    db: str | None = None
    staff_token: str | None = None
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    mattermost_token: str | None = None
    rate_limit: str = "60 per minute"
    allowed_origins: dict[str, list[str]] = field(default_factory=dict)   # tenant -> origins
    slack_teams: dict[str, str] = field(default_factory=dict)            # Slack team id -> tenant
    mattermost_teams: dict[str, str] = field(default_factory=dict)       # Mattermost team -> tenant
    default_tenant: str = "exo"

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

    def database(self) -> Path:
        return Path(self.db) if self.db else config.data_dir(config.project_root()) / "assistant.db"
