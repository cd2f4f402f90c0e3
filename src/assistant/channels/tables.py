"""How the staff commands print their rows: a table for a person, or JSON or CSV for a program, a
page at a time (``--limit`` rows from ``--offset``, as the API pages them).

A table keeps one line a row: a cell's line breaks are shown as LINE_BREAK and a cell longer than
its column is cut, ending with "…", so that a multi-line email body or question never breaks it."""

import json
import sys

import click

from .csvexport import write_csv

# A page of a staff list, as the API pages it (default 50). Run on the server by its own user, the
# command line may export more rows at once than the API's 200.
PAGE, MOST = 50, 10_000
WIDEST = 48  # characters of a column, at most
LINE_BREAK = " ↵ "  # a line break inside a cell
CUT = "…"  # ends a cell cut to its column's width


def output_options(command):
    command = click.option("--csv", "as_csv", is_flag=True, help="Print CSV (formulas neutralised).")(command)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (cells whole).")(command)


def page_options(command):
    command = click.option(
        "--offset", default=0, show_default=True, type=click.IntRange(min=0), help="Skip this many rows."
    )(command)
    return click.option(
        "--limit", default=PAGE, show_default=True, type=click.IntRange(1, MOST), help="Print at most this many rows."
    )(command)


def emit_page(fetch, limit: int, offset: int, as_json: bool, as_csv: bool, columns: list[str]) -> list[dict]:
    """The rows ``fetch(limit, offset)`` returns, and on stderr how to print the next page, if any.
    Returns the rows printed."""
    rows = fetch(limit + 1, offset)
    emit(rows[:limit], as_json, as_csv, columns)
    if len(rows) > limit:
        click.echo(f"more rows: --offset {offset + limit}", err=True)
    return rows[:limit]


def emit(rows: list[dict], as_json: bool, as_csv: bool, columns: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif as_csv:
        write_csv(sys.stdout, columns, [{c: cell(r.get(c)) for c in columns} for r in rows])
    elif not rows:
        click.echo("(none)")
    else:
        for line in table(rows, columns):
            click.echo(line)


def table(rows: list[dict], columns: list[str]) -> list[str]:
    """A header and one line a row, each column as wide as its widest cell up to WIDEST."""
    cells = [[one_line(cell(r.get(c))) for c in columns] for r in rows]
    widths = [min(WIDEST, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)]
    return [
        "  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip()
        for line in [columns, *[[cut(v, w) for v, w in zip(row, widths)] for row in cells]]
    ]


def one_line(text: str) -> str:
    """The text's non-blank lines joined by LINE_BREAK."""
    return LINE_BREAK.join(line.strip() for line in text.splitlines() if line.strip())


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - len(CUT)] + CUT


def cell(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
