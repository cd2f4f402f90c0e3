"""``assistant stats``: the staff's numbers (staff/stats.py) on the command line, as
``GET /api/v1/stats`` gives them: a report of tables, or the JSON document, or one table as CSV."""

import json

import click

from ..errors import AssistantError
from .staff_cli import _assistant, fail
from .tables import emit, table

# The columns of the periods in the report (the CSV has them all, shares and languages included).
REPORT_COLUMNS = [
    "start",
    "end",
    "conversations",
    "messages",
    "answered",
    "clarified",
    "fallen_back",
    "other",
    "votes",
    "helpful",
    "requests",
]


@click.command()
@click.option("--tenant", "-t", help="Only this vendor (by default, every vendor added up).")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day counted (UTC). [default: 29 days before --to]")
@click.option(
    "--to", "end", metavar="YYYY-MM-DD", help="Last day counted, at most 365 days after --from. [default: today]"
)
@click.option(
    "--by", type=click.Choice(["day", "week"]), default="day", show_default=True, help="One row a day or a week."
)
@click.option(
    "--table",
    "only",
    type=click.Choice(["periods", "entries", "unanswered"]),
    help="Only this table: the periods, the top entries or the top unanswered groups (what --csv prints; periods by default).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole JSON document, as the API returns it.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one table as CSV, every column (formulas neutralised).")
def stats(tenant, start, end, by, only, as_json, as_csv):
    """What the assistant did over a range of days: conversations (counted on the day they began),
    messages and how they were answered (answered, clarified, fallen back, other: small talk, forms,
    hand-offs), helpful votes, requests by kind, messages by language; then the entries most
    answered and the unanswered questions most asked. Days are UTC; every day or week of the range
    is listed, zeros included. The same numbers as GET /api/v1/stats and the staff page's Stats tab.

    \b
    $ assistant stats --tenant exo                    # the last 30 days, a row a day
    $ assistant stats --from 2026-01-01 --to 2026-12-31 --by week
    $ assistant stats -t exo --csv > exo-days.csv     # every column, for a spreadsheet
    $ assistant stats -t exo --table unanswered       # what to write next
    """
    from ..staff import stats as numbers

    assistant = _assistant()
    try:
        tenants = [assistant.tenant(tenant).id] if tenant else sorted(assistant.tenants)
        found = numbers.stats(assistant, tenants, numbers.span(start, end, by))
    except AssistantError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    elif as_csv:
        columns, rows = numbers.table_rows(found, only or "periods")
        emit(rows, False, True, columns)
    else:
        report(found, only)


def report(found: dict, only: str | None) -> None:
    """The numbers as a person reads them: a summary, then the tables (or ``only`` one of them)."""
    from ..staff.stats import table_rows

    if only is None:
        for line in summary(found):
            click.echo(line)
    for name, title in (("periods", f"by {found['by']}"), ("entries", "top entries"), ("unanswered", "top unanswered")):
        if only not in (None, name):
            continue
        columns, rows = table_rows(found, name)
        if only is None:
            click.echo(f"\n{title}:")
        for line in table(rows, REPORT_COLUMNS if name == "periods" else columns) if rows else ["(none)"]:
            click.echo(line)


def summary(found: dict) -> list[str]:
    """The range's totals in a few lines."""
    t = found["totals"]
    return [
        f"{', '.join(found['tenants']) or '(no tenant)'}: {found['from']} to {found['to']}, by {found['by']}",
        f"conversations {t['conversations']} · messages {t['messages']} · answered {percent(t['answered_share'])}"
        f" · clarified {percent(t['clarified_share'])} · fallen back {percent(t['fallen_back_share'])}",
        f"helpful {t['helpful']} of {t['votes']} votes ({percent(t['helpful_rate'])}) · requests {t['requests']}: "
        + ", ".join(f"{kind} {n}" for kind, n in t["requests_by_kind"].items()),
        "languages: " + ", ".join(f"{lang} {n}" for lang, n in t["languages"].items()),
    ]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %"
