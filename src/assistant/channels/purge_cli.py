"""``assistant purge``: delete visitors' words older than the retention period, keeping their
counts (backoffice/retention.py). Run it daily (a cron job or a systemd timer), on one host."""

from datetime import UTC, datetime, timedelta

import click

from ..backoffice.retention import purge as purge_store
from ..backoffice.store import open_store
from ..settings import Settings


def days_of(text: str) -> int:
    """``90d`` or ``90``: days; ``12w``: weeks. At least one day."""
    text = text.strip().lower()
    unit = {"d": 1, "w": 7}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in ("d", "w") else text
    if not number.isdigit() or int(number) * unit < 1 or len(number) > 5:
        raise click.BadParameter(f"{text!r}: write a number of days (90d) or weeks (12w), at least 1 day")
    return int(number) * unit


@click.command()
@click.option(
    "--older-than",
    metavar="AGE",
    help="Delete what is older than this: 90d (days) or 12w (weeks). [default: the retention_days setting]",
)
@click.option("--dry-run", is_flag=True, help="Say which day the purge would start from, and delete nothing.")
def purge(older_than, dry_run):
    """Delete conversations, unanswered questions, votes, requests, their emails and one-time codes
    older than AGE, in one transaction; their counts by day are kept for ``assistant stats``.

    A conversation is deleted whole once its last message is older than AGE. The grace-call ledger,
    the accounts and the knowledge are kept. See SECURITY.md, "Personal data over time".
    """
    settings = Settings.load()
    days = days_of(older_than) if older_than else settings.retention_days
    if not days:
        raise click.UsageError("give --older-than, or set retention_days (ASSISTANT_RETENTION_DAYS)")
    before = datetime.now(UTC).date() - timedelta(days=days)
    if dry_run:
        click.echo(f"would delete what is older than {before.isoformat()} ({days} days)")
        return
    store = open_store(settings.database())
    gone = purge_store(store, before)
    click.echo(f"deleted what is older than {before.isoformat()} ({days} days):")
    for table, count in gone.items():
        click.echo(f"  {table}: {count}")
