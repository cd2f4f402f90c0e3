"""The reference cluster: PostgreSQL, Redis, app servers and nginx in front, on loopback, every file
under one folder. ``start`` writes down each process as it comes up (state.py); ``stop`` stops
exactly those, nginx first, the database last, then removes the folder.

    state = start(Options())      # state.url: nginx
    stop(state.folder)
"""

import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import bundle as models
from ..paths import data_dir, project_root
from . import appservers, nginx, processes, services
from .ports import free_port
from .state import STATE, State, forget, remember, write_private

# The app servers' rate limits when the cluster runs without them (a load test from one address).
UNLIMITED = "100000000 per minute"


@dataclass(frozen=True)
class Options:
    servers: int = 2
    database: str = "auto"  # "postgresql", "sqlite", or "auto" (PostgreSQL)
    redis: bool = True  # False: each process counts and locks on its own (one machine only)
    rate_limits: bool = True  # False: nginx's and the application's lifted, for bench/cluster_load.py
    port: int = 0  # nginx's; 0 for a free one


def start(options: Options = Options(), folder: Path | None = None) -> State:
    """Everything started and answering through nginx; on any failure, what was started is stopped
    and the folder removed before the error is raised."""
    if not nginx.available():
        raise RuntimeError(f"nginx is missing ({nginx.NGINX}): install Debian's nginx (make cluster does)")
    state = State(prepared(folder))
    state.save()
    remember(state.folder)
    try:
        build_models()
        settings = start_services(state, options)
        start_app_servers(state, options.servers, settings)
        port = options.port or free_port()
        ports = [p.port for p in state.named("app")]
        state.add(nginx.start(project_root() / "deploy", state.folder / "nginx", port, ports, options.rate_limits))
        state.url = f"http://127.0.0.1:{port}"
        state.save()
    except BaseException:
        stop(state.folder)
        raise
    return state


def prepared(folder: Path | None) -> Path:
    """A new temporary folder, or the one given if it is empty. Others may go through it (not list
    it) when this is root: PostgreSQL runs as an unprivileged user in a folder inside."""
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="assistant-cluster-"))
    elif folder.exists() and any(folder.iterdir()):
        raise RuntimeError(f"{folder} is not empty: the cluster's folder is removed when it stops")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o711 if os.geteuid() == 0 else 0o700)
    return folder


def build_models() -> None:
    """The models trained now if the knowledge or the code changed (about a minute, said first),
    once, rather than by each app server's master at the same time."""
    root = project_root()
    models.announce_build(root, data_dir(root) / "cache", sys.stderr)
    models.load_bundle(root, data_dir(root) / "cache")


def start_services(state: State, options: Options) -> dict[str, str]:
    """The database (PostgreSQL, or one SQLite file in the folder), Redis when used, and the app
    servers' settings that point at them."""
    state.database = database_of(options.database)
    settings = app_settings(state.folder, options.rate_limits)
    if state.database == "postgresql":
        url, process = services.start("postgres", state.folder, free_port())
        state.add(process)
        settings["ASSISTANT_DATABASE_URL"] = url
    else:
        settings["ASSISTANT_DB"] = str(state.folder / "assistant.db")
    if options.redis:
        url, process = services.start("redis", state.folder, free_port())
        state.add(process)
        settings["ASSISTANT_REDIS_URL"] = url
    state.settings = settings
    create_database(settings)
    state.save()
    return settings


def database_of(choice: str) -> str:
    if choice == "auto":
        return "postgresql"
    if choice not in ("postgresql", "sqlite"):
        raise ValueError(f"unknown database {choice!r}: postgresql, sqlite or auto")
    return choice


def app_settings(folder: Path, rate_limits: bool) -> dict[str, str]:
    """What every app server shares besides the database and Redis: the staff token (also kept in
    ``staff_token``, readable by this user only), the key of chat platforms' conversations, and
    nginx as the one proxy whose X-Forwarded-For to trust."""
    token = secrets.token_urlsafe(32)
    write_private(folder / "staff_token", token + "\n")
    settings = {
        "ASSISTANT_STAFF_TOKEN": token,
        "ASSISTANT_SESSION_SECRET": secrets.token_urlsafe(32),
        "ASSISTANT_TRUSTED_PROXIES": "1",
    }
    if not rate_limits:
        settings.update(ASSISTANT_RATE_LIMIT=UNLIMITED, ASSISTANT_FEEDBACK_RATE_LIMIT=UNLIMITED)
    return settings


def create_database(settings: dict[str, str]) -> None:
    """The database made (or upgraded) once, before the app servers' workers open it together."""
    from ..backoffice.store import open_store

    open_store(settings.get("ASSISTANT_DATABASE_URL") or settings["ASSISTANT_DB"]).close()


def start_app_servers(state: State, count: int, settings: dict[str, str]) -> None:
    """The app servers, started together (each master loads the models), each recorded once it answers."""
    root = project_root()
    started = []
    for n in range(1, count + 1):
        name, port = f"app{n}", free_port()
        started.append((name, port, *appservers.start(name, root, state.folder, port, settings)))
    failure = None
    for name, port, process, log in started:
        try:
            state.add(appservers.ready(name, process, log, port))
        except RuntimeError as error:  # the others are still recorded, then stopped with the rest
            failure = failure or error
    if failure:
        raise failure


def stop(folder: Path) -> list[str]:
    """Stops what the state file in ``folder`` lists, the last started first, then removes the
    folder: the names of what was still running."""
    state = State.read(folder)
    stopped = []
    for process in reversed(state.processes):
        if processes.running(process):
            stopped.append(process.name)
        if process.name in services.SERVERS:
            services.stop(process, state.folder)
        else:
            processes.stop(process)
    remove(state.folder)
    return stopped


def remove(folder: Path) -> None:
    """The folder, only if it is a cluster's (it holds a state file): never a folder named by mistake."""
    if (folder / STATE).exists():
        shutil.rmtree(folder)
    forget(folder)


def status(folder: Path) -> list[tuple[processes.Started, bool]]:
    """Each process the cluster started, and whether it still runs."""
    return [(p, processes.alive(p)) for p in State.read(folder).processes]


def kill_app_server(folder: Path, name: str) -> None:
    """kill -9 of one app server, master and workers (bench/cluster_load.py, the tests)."""
    processes.kill(State.read(folder).process(name))


def restart_database(folder: Path) -> None:
    """PostgreSQL stopped and started again on the same data and port; its new process recorded."""
    state = State.read(folder)
    state.replace(services.restart(state.process("postgres"), folder))
