"""Serving the application for real: gunicorn, workers that each open their own database
connection, and a staff token generated on first run when none is configured."""
import os
import secrets
from pathlib import Path

from gunicorn.app.base import BaseApplication

from .. import config
from . import preload


class Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app after the fork: SQLite connections must not cross a fork.
        from . import create_app
        return create_app()


def staff_token(data: Path) -> str:
    """The configured staff token, or one generated once and kept (readable by this user only)."""
    configured = os.environ.get("ASSISTANT_STAFF_TOKEN")
    if configured:
        return configured
    path = data / "staff_token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def serve(host: str, port: int, workers: int) -> None:
    from ..assistant import Assistant
    from ..settings import Settings
    data = config.data_dir(config.project_root())
    token = staff_token(data)
    os.environ["ASSISTANT_STAFF_TOKEN"] = token
    print("Loading the knowledge (the first run after a change trains the models: about a minute)…", flush=True)
    preload.keep_knowledge()  # built or read once, here: the workers share this copy
    Assistant.load(db=Settings.load().database()).store.close()  # the database made before the workers start
    base = f"http://{host}:{port}"
    print(f"Demo site:  {base}/\nStaff page: {base}/staff  (token: {token})\n"
          f"API:        {base}/api/v1/openapi.json", flush=True)
    # SIGHUP (or `assistant reload`): the master reads the knowledge as it is now (on_reload), starts
    # new workers on it and lets the old ones finish the requests they hold.
    Server({"bind": f"{host}:{port}", "workers": workers, "worker_class": "sync", "timeout": 30,
            "accesslog": "-", "graceful_timeout": 10, "pidfile": str(config.pid_file(config.project_root())),
            "on_reload": preload.on_reload}).run()
