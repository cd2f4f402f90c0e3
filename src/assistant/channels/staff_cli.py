"""The staff's commands: requests, the outbox, the grace-call ledger and the unanswered questions,
each printed as a table, or as JSON or CSV, a page at a time (tables.py). ``cli.py`` adds them to
the ``assistant`` command and puts in the context how to load the assistant."""

import json
import sys

import click

from ..errors import AssistantError
from .tables import cell, emit_page, output_options, page_options


def _assistant():
    """The assistant, loaded as the ``assistant`` command loads it (``cli.py`` gives the loader)."""
    return click.get_current_context().find_root().obj().assistant


def fail(error: AssistantError) -> None:
    """Say what went wrong on stderr and exit with status 2, as every command does."""
    click.echo(f"Error: {error.message}", err=True)
    sys.exit(2)


@click.group(invoke_without_command=True)
@click.option("--tenant", "-t", help="Only this vendor.")
@click.option("--kind", help="Only this kind: a form of intents/forms.yml that submits, or contact.")
@click.option("--status", help="Only this status (submitted, …).")
@page_options
@output_options
@click.pass_context
def requests(ctx, tenant, kind, status, limit, offset, as_json, as_csv):
    """Requests handed to the backend stubs, newest first, with who sent them; `requests show REF`
    for one, with its payload, notices and conversation."""
    if ctx.invoked_subcommand is None:
        from ..staff import queries as staff

        assistant = _assistant()
        if kind and kind not in assistant.backoffice.kinds:
            fail(
                AssistantError("unknown_kind", f"Unknown kind {kind!r}; kinds: {', '.join(assistant.backoffice.kinds)}")
            )
        store = assistant.store
        emit_page(
            lambda n, skip: staff.requests(store, tenant, kind, status, n, skip),
            limit,
            offset,
            as_json,
            as_csv,
            ["reference", "created", "tenant", "kind", "status", "lang", "summary"],
        )


@requests.command(name="show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def requests_show(reference, as_json):
    """One request with its payload, the notices it sent and the conversation it refers to."""
    from ..staff import queries as staff

    row = staff.request(_assistant().store, reference)
    if row is None:
        click.echo(f"Error: no request {reference}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    for key in ("reference", "tenant", "kind", "status", "created", "lang", "session_id"):
        click.echo(f"{key}: {row[key]}")
    for key, value in row["payload"].items():
        click.echo(f"  {key}: {cell(value)}")
    for notice in row["notices"]:
        click.echo(f"notice to {notice['recipient']}: {notice['subject']}")
    total, shown = row["transcript_turns"], len(row["transcript"])
    if total:
        click.echo(f"conversation: {total} turns" + (f", the last {shown}:" if shown < total else ":"))
        for turn in row["transcript"]:
            click.echo(f"  visitor: {turn['user']}\n  assistant: {turn['assistant']}")


@click.group(invoke_without_command=True)
@click.option("--tenant", "-t", help="Only this vendor.")
@page_options
@output_options
@click.pass_context
def outbox(ctx, tenant, limit, offset, as_json, as_csv):
    """The emails the stubs would have sent (confirmations to visitors, notices to staff, one-time
    codes that prove accounts), newest first, one line each: a body's line breaks show as ↵ and a
    cell too long for its column ends with …. `outbox show ID` prints one email whole.

    \b
    $ assistant outbox --tenant solidxperts --limit 1
    id  created                    reference  tenant       recipient               subject                             body
    3   2026-12-07T15:45:18+00:00  CODE-1     solidxperts  it@client-1003.example  Your Solidxperts verification code  Hello, ↵ Your verification code is 777386. It i…
    $ assistant outbox show 3          # that email whole
    $ assistant outbox show DEM-…      # every email sent for a request (CODE-… for a code)
    """
    if ctx.invoked_subcommand is None:
        from ..staff import queries as staff

        store = _assistant().store
        rows = emit_page(
            lambda n, skip: staff.outbox(store, tenant, limit=n, offset=skip),
            limit,
            offset,
            as_json,
            as_csv,
            ["id", "created", "reference", "tenant", "recipient", "subject", "body"],
        )
        if rows and not (as_json or as_csv):
            click.echo("one email whole: assistant outbox show ID", err=True)


@outbox.command(name="show")
@click.argument("key", metavar="ID|REF")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def outbox_show(key, as_json):
    """One email whole, by its id; or every email of a reference.

    ID is the first column of `assistant outbox`. REF is a request's reference (QUO-…, DEM-…,
    GRC-…, CON-…) or a one-time code's (CODE-…): its emails are printed in the order they were sent."""
    from ..staff import queries as staff

    found = staff.emails(_assistant().store, key)
    if not found:
        click.echo(f"Error: no email {key} in the outbox", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo("\n\n".join(_email(row) for row in found))


def _email(row: dict) -> str:
    return (
        f"email {row['id']} · {row['reference']} · {row['tenant']} · {row['created']}\n"
        f"To: {row['recipient']}\nSubject: {row['subject']}\n\n{row['body']}"
    )


@click.command()
@click.option("--tenant", "-t", help="Only this vendor.")
@page_options
@output_options
def ledger(tenant, limit, offset, as_json, as_csv):
    """Grace calls per account: allowance, used and remaining this subscription year."""
    from ..staff import queries as staff

    assistant = _assistant()
    emit_page(
        lambda n, skip: staff.ledger(assistant, tenant, n, skip),
        limit,
        offset,
        as_json,
        as_csv,
        [
            "account",
            "tenant",
            "seats",
            "subscription",
            "active",
            "eligible",
            "allowance",
            "used",
            "remaining",
            "year_start",
            "renewal",
        ],
    )


@click.command()
@click.option("--tenant", "-t", help="Only this vendor.")
@page_options
@output_options
def unanswered(tenant, limit, offset, as_json, as_csv):
    """Questions the assistant could not answer (and 'not helpful' votes), similar ones grouped,
    the most frequent first: the entries to write next."""
    from ..staff import queries as staff

    store = _assistant().store
    emit_page(
        lambda n, skip: staff.unanswered(store, tenant, n, skip),
        limit,
        offset,
        as_json,
        as_csv,
        ["count", "tenant", "question", "languages", "reasons", "examples", "last", "id"],
    )


STAFF_COMMANDS = (requests, outbox, ledger, unanswered)
