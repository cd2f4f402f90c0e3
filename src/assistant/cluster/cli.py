"""``assistant cluster start|stop|status``: the reference cluster from the command line (`make
cluster`, `make cluster-stop`). The command line finds this group through the package's entry points
(``assistant.commands`` in pyproject.toml): the channels' layer names nothing above it."""

import sys
from pathlib import Path
from typing import NoReturn

import click

FOLDER = click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The cluster's folder (default: the last one started, kept in data/cluster.json).",
)


@click.group()
def cluster():
    """A reference cluster on loopback: PostgreSQL, Redis, app servers and nginx in front.

    Everything it starts, and writes, is under one folder; `stop` stops exactly that and removes the
    folder. Without PostgreSQL or Redis in this checkout, the app servers share one SQLite file.
    """


@cluster.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="An empty or new folder for everything the cluster writes (default: a new temporary one).",
)
@click.option("--servers", default=2, show_default=True, help="App servers (gunicorn, two workers each).")
@click.option(
    "--database",
    type=click.Choice(["auto", "postgresql", "sqlite"]),
    default="auto",
    show_default=True,
    help="auto: PostgreSQL when this checkout can run on it, else one SQLite file.",
)
@click.option(
    "--redis/--no-redis",
    default=True,
    show_default=True,
    help="Start Redis, which the app servers share for rate limits, conversation locks and knowledge versions.",
)
@click.option("--port", default=0, help="nginx's port on 127.0.0.1 (default: a free one).")
@click.option("--no-rate-limits", is_flag=True, help="Lift nginx's and the application's rate limits (load tests).")
def start(folder, servers, database, redis, port, no_rate_limits):
    """Start the cluster and print its address."""
    from . import cluster as run
    from .state import remembered

    running = remembered()
    if running and folder is None and (running / "cluster.json").exists():
        fail(f"a cluster is already running in {running}: stop it first (assistant cluster stop)")
    options = run.Options(servers, database, redis, not no_rate_limits, port)
    try:
        state = run.start(options, folder)
    except (RuntimeError, ValueError) as error:
        fail(str(error))
    describe(state)


def describe(state) -> None:
    apps = state.named("app")
    database = state.settings.get("ASSISTANT_DATABASE_URL") or state.settings.get("ASSISTANT_DB")
    click.echo(f"Cluster:    {state.url}/")
    click.echo(f"Staff page: {state.url}/staff  (sign in with the token in {state.folder / 'staff_token'})")
    click.echo(f"nginx on port {state.process('nginx').port}, in front of {len(apps)} app servers on ports "
               + ", ".join(str(p.port) for p in apps))  # fmt: skip
    click.echo(f"{state.database}: {database}")
    click.echo(f"Redis: {state.settings.get('ASSISTANT_REDIS_URL') or 'not started (none in this checkout)'}")
    click.echo(f"Logs and state: {state.folder}; stop it with `assistant cluster stop` (make cluster-stop)")


@cluster.command()
@FOLDER
def stop(folder):
    """Stop what the cluster started, and remove its folder."""
    from . import cluster as run

    folder = found(folder)
    stopped = run.stop(folder)
    click.echo(f"stopped {', '.join(stopped) or 'nothing (it was no longer running)'}; removed {folder}")


@cluster.command()
@FOLDER
def status(folder):
    """What the cluster started, and whether each still runs (exit status 1 if one does not)."""
    from . import cluster as run
    from .state import State

    folder = found(folder)
    click.echo(f"{State.read(folder).url}/  ({folder})")
    rows = run.status(folder)
    for process, alive in rows:
        state = "running" if alive else "stopped"
        click.echo(f"{process.name:<10} pid {process.pid:<8} port {process.port:<6} {state}")
    if not all(alive for _, alive in rows):
        sys.exit(1)


def found(folder: Path | None) -> Path:
    """The folder given, else the last cluster started; an error saying so if there is none."""
    from .state import STATE, remembered

    folder = folder or remembered()
    if folder is None or not (folder / STATE).exists():
        fail("no cluster is running here (assistant cluster start starts one)")
    return folder


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)
