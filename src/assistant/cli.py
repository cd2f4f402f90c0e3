"""The command line: the same core as every other channel.

    assistant ask --tenant exo "quelle est votre politique de remboursement ?"
    assistant chat --tenant conex
    assistant lookup "refund" --tenant exo
    assistant check
    assistant eval tests/eval/single.jsonl
"""
import json
import sys
from pathlib import Path

import click

from .errors import AssistantError

LANGS = click.Choice(["fr", "en"])


def _assistant():
    from .assistant import Assistant
    return Assistant.load()


def _fail(error: AssistantError) -> None:
    click.echo(f"Error: {error.message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """A bilingual (French/English) FAQ and procurement assistant for software vendors.

    Knowledge lives in knowledge/<tenant>/, phrasing in intents/; run `assistant check` after
    editing them.
    """


@cli.command()
@click.option("--tenant", "-t", required=True, help="Vendor whose knowledge answers, e.g. exo.")
@click.option("--lang", type=LANGS, help="Force the reply's language (otherwise detected).")
@click.option("--json", "as_json", is_flag=True, help="Print the full reply contract as JSON.")
@click.option("--session", help="Continue this conversation.")
@click.argument("message")
def ask(tenant, lang, as_json, session, message):
    """Ask one question and print the answer.

    \b
    $ assistant ask --tenant exo "how long are backups kept?"
    Backups are taken every day ... kept for 7 days ...
    """
    try:
        reply = _assistant().reply(tenant, session, message, lang=lang)
    except AssistantError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(reply.reply)
    for source in reply.sources:
        click.echo(f"  [{source.document} — {source.section} — {source.question}]")
    for suggestion in reply.suggestions:
        click.echo(f"  → {suggestion}")


@cli.command()
@click.option("--tenant", "-t", required=True, help="Vendor whose knowledge answers, e.g. exo.")
@click.option("--lang", type=LANGS, help="Force the language of every reply.")
def chat(tenant, lang):
    """Talk with the assistant in the terminal (one conversation; Ctrl-D or 'quit' ends it)."""
    assistant = _assistant()
    try:
        assistant.tenant(tenant)
    except AssistantError as error:
        _fail(error)
    session = None
    click.echo(f"{assistant.tenants[tenant].name} — posez votre question / ask your question (quit: Ctrl-D)")
    while True:
        try:
            message = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if message.strip().lower() in ("quit", "exit", "quitter"):
            return
        try:
            reply = assistant.reply(tenant, session, message, lang=lang)
        except AssistantError as error:
            click.echo(error.message)
            continue
        session = reply.session_id
        click.echo(reply.reply)
        for suggestion in reply.suggestions:
            click.echo(f"  → {suggestion}")


@cli.command()
@click.argument("query")
@click.option("--tenant", "-t", help="Only this vendor (default: all).")
@click.option("--lang", type=LANGS, help="Language of the query (otherwise detected).")
@click.option("--top", default=5, show_default=True, help="How many matches to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
def lookup(query, tenant, lang, top, as_json):
    """Find the answers that best match a query, for support staff: score, both languages, source."""
    from .lookup import lookup_rows
    try:
        rows = lookup_rows(_assistant(), query, tenant=tenant, lang=lang, top=top)
    except AssistantError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['score']:.2f}  {row['tenant']}.{row['id']}  [{row['source']['section']} — {row['source']['question']}]")
        for lang_code in ("fr", "en"):
            click.echo(f"    {lang_code}: {row['question'][lang_code]}")
            click.echo(f"        {row['answer'][lang_code]}")


@cli.command()
def check():
    """Validate all knowledge and intents; each problem names its file and line."""
    from .check import check_project
    from .config import project_root
    problems = check_project(project_root())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("ok: knowledge and intents are valid")


@cli.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--failures/--no-failures", default=True, help="List the items that failed.")
def evaluate(path, failures):
    """Score the assistant on evaluation items (JSON lines: tenant, lang, message, expect, must)."""
    from .evaluate import read_items, run, summary_lines
    report = run(_assistant(), read_items(path))
    lines = summary_lines(report)
    click.echo("\n".join(lines[:-1]))
    if failures and report.failures:
        click.echo("failures:")
        for o in report.failures:
            click.echo(f"  {o.item['id']}: {o.item['message']!r} -> {o.why}")
    click.echo(lines[-1])


if __name__ == "__main__":
    cli()
