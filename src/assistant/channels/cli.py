"""The command line: the same core as every other channel.

assistant ask --tenant exo "quelle est votre politique de remboursement ?"
assistant chat --tenant conex
assistant lookup "refund" --tenant exo
assistant answers --tenant anvaigo --lang fr
assistant check
assistant eval tests/eval/single.jsonl
"""

import json
import os
import signal
import sys
from pathlib import Path

import click

from ..errors import AssistantError
from ..text import langdata
from .curate_cli import CURATE_COMMANDS
from .purge_cli import purge
from .staff_cli import STAFF_COMMANDS, fail
from .stats_cli import stats

LANGS = click.Choice(langdata.languages())  # the languages with data in lang/<code>/; a tenant speaks some


def _assistant(published: bool = True):
    """The assistant on every tenant's published knowledge (``published``, else on the files alone),
    saying first on stderr when loading it trains the models (about a minute)."""
    return _live(published).assistant


def _live(published: bool = True):
    """The assistant with its curation switcher (curation/live.py)."""
    from ..bundle import announce_build
    from ..core import Assistant
    from ..curation.live import serve_published
    from ..paths import data_dir, project_root
    from ..settings import Settings

    root = project_root()
    announce_build(root, data_dir(root) / "cache", sys.stderr)
    # A publish or rollback from here is announced to the servers sharing the Redis, if there is one.
    live = serve_published(Assistant.load(root), root, redis_url=Settings.load().redis_url)
    if not published:
        live.assistant.use(live.knowledge.base)
    return live


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx):
    """A bilingual (French/English) FAQ and procurement assistant for software vendors.

    Knowledge lives in knowledge/<tenant>/, phrasing in intents/; run `assistant check` after
    editing them.
    """
    ctx.obj = _live  # how the staff commands (staff_cli.py, curate_cli.py) load the assistant


@cli.command()
@click.option("--tenant", "-t", required=True, help="Vendor whose knowledge answers, e.g. exo.")
@click.option("--lang", type=LANGS, help="Force the reply's language, one of the tenant's (otherwise detected).")
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
        fail(error)
    if as_json:
        click.echo(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(reply.reply)
    for source in reply.sources:
        click.echo(f"  [{source.title}]" + (f" {source.url}" if source.url else ""))
    for suggestion in reply.suggestions:
        click.echo(f"  → {suggestion}")


@cli.command()
@click.option("--tenant", "-t", required=True, help="Vendor whose knowledge answers, e.g. exo.")
@click.option("--lang", type=LANGS, help="Force the language of every reply.")
def chat(tenant, lang):
    """Talk with the assistant in the terminal (one conversation; Ctrl-D or 'quit' ends it).

    Each reply ends with its type and, during a request, the request's status, as the API's
    reply contract names them (type: answer, clarify, form, done, fallback, smalltalk, handoff;
    status: collecting, verifying, confirming, submitted, refused, cancelled):

    \b
    > je voudrais un devis
    Avec plaisir, je prépare votre demande de devis. Quel est votre nom ?
       [form, collecting]
    """
    assistant = _assistant()
    try:
        assistant.tenant(tenant)
    except AssistantError as error:
        fail(error)
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
        click.echo(f"   {kind_and_status(reply)}\n")


def kind_and_status(reply) -> str:
    """``[form, collecting]``: the reply's type, then its action's status when it carries one."""
    return f"[{reply.type}, {reply.action.status}]" if reply.action else f"[{reply.type}]"


@cli.command()
@click.argument("query")
@click.option("--tenant", "-t", help="Only this vendor (default: all).")
@click.option("--lang", type=LANGS, help="Language of the query (otherwise detected).")
@click.option("--top", default=5, show_default=True, help="How many matches to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
def lookup(query, tenant, lang, top, as_json):
    """Find the entries that match a query, for support staff: the best first, each with its score
    (the assistant's confidence, 0.01 to 1), both languages and its source.

    Only entries that match are listed, so there may be fewer than --top, or none: then it says so
    (with --json, an empty list).

    \b
    $ assistant lookup "refund" --tenant exo
    1.00  exo.refund_policy  [Règlement — 3. Quelle est votre politique de remboursement?]
    ...
    """
    from ..staff.lookup import lookup_rows

    try:
        rows = lookup_rows(_assistant(), query, tenant=tenant, lang=lang, top=top)
    except AssistantError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        where = f"of {tenant}" if tenant else "of any tenant"
        click.echo(f"No entry {where} matches “{query}”. Try other words, or the other language.")
        return
    for row in rows:
        source = row["source"]
        click.echo(f"{row['score']:.2f}  {row['tenant']}.{row['id']}  [{source['title']}: {source['question']}]")
        for lang_code, question in row["question"].items():
            click.echo(f"    {lang_code}: {question}")
            click.echo(f"        {row['answer'][lang_code]}")


@cli.command()
@click.option("--tenant", "-t", help="Only this vendor (default: all).")
@click.option("--lang", type=LANGS, help="Only this language (default: each of the tenants').")
def answers(tenant, lang):
    """Print every text written from a template, filled in as a visitor reads it: each answer with
    its facts, each computed reply on sample cases, each response with the tenant's name. Read it
    after editing the knowledge, the responses or a language's data."""
    from ..paths import project_root
    from ..staff.rendering import rendered

    root = project_root()
    if tenant and not (root / "knowledge" / tenant / "tenant.yml").exists():
        fail(AssistantError("unknown_tenant", f"Unknown tenant {tenant!r}"))
    for code, where, text in rendered(root, tenant, lang):
        click.echo(f"[{code}] {where}\n    " + text.replace("\n", "\n    "))


def _evaluate_scenarios(scenarios, failures):
    import tempfile

    from ..backoffice.store import open_store
    from ..core import Assistant
    from ..nlu.scenarios import run_scenarios, scenario_lines

    first = _assistant(published=False)
    bundle = first.bundle
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(10**6))
        outcomes = run_scenarios(lambda: Assistant(bundle, open_store(Path(folder) / f"{next(counter)}.db")), scenarios)
    click.echo("\n".join(scenario_lines(outcomes, failures)))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
def serve(host, port, workers):
    """Serve the API, the widget, the demo site, the staff page and the webhooks with gunicorn.

    Configuration comes from ASSISTANT_CONFIG (a YAML file) and ASSISTANT_* variables; without
    ASSISTANT_STAFF_TOKEN, a random token is generated on first run and printed.
    """
    from .serve import serve as run

    run(host, port, workers)


@cli.command()
@click.option(
    "--pidfile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The server's process id file (default: ASSISTANT_PIDFILE, else data/assistant.pid).",
)
def reload(pidfile):
    """Put changed knowledge and intents in service without stopping the server.

    Checks the data first: a broken file is reported with its file and line and the server keeps
    the knowledge it has. Otherwise builds the models (the slow part, done here rather than in the
    server), then sends SIGHUP to the server: gunicorn starts new workers on the new knowledge and
    lets the old ones finish their requests, so no request is dropped.
    """
    from .. import bundle as models
    from ..paths import data_dir, pid_file, project_root

    root = project_root()
    models.announce_build(root, data_dir(root) / "cache", sys.stderr)
    try:
        models.load_bundle(root, data_dir(root) / "cache", keep_last_good=False)
    except models.KnowledgeError as error:
        click.echo(str(error))
        click.echo("not reloaded: the server keeps its current knowledge", err=True)
        sys.exit(1)
    pidfile = pidfile or pid_file(root)
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as error:
        click.echo(f"no running server found through {pidfile}: {error}", err=True)
        sys.exit(1)
    click.echo(f"reloaded: new workers of server {pid} serve the knowledge as it is now")


@cli.command()
def check():
    """Validate all knowledge and intents; each problem names its file and line. Warnings (an
    answer that opens with a bare yes or no, an entry not yet translated or with few phrasings)
    are printed but do not fail."""
    from ..data.check import check_project, check_warnings, errors
    from ..dialogue.compute import FUNCTIONS
    from ..dialogue.validators import VALIDATORS
    from ..paths import project_root

    found = check_project(project_root(), FUNCTIONS, VALIDATORS)
    problems = errors(found)
    warnings = [] if problems else [p for p in found if p.warning] + check_warnings(project_root())
    for problem in problems + warnings:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("ok: knowledge and intents are valid" + (f", {len(warnings)} warning(s)" if warnings else ""))


@cli.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--failures/--no-failures", default=True, help="List the items that failed.")
@click.option(
    "--url",
    metavar="URL",
    help="Ask a running server instead (http://127.0.0.1:8000, or the cluster's nginx), each item in a fresh "
    "conversation through POST /api/v1/chat, as the judge does. Its rate limit must allow as many messages.",
)
def evaluate(path, failures, url):
    """Score the assistant on evaluation items (JSON lines: tenant, lang, message, expect, must),
    or on multi-turn scenarios (JSON lines with "turns"), each in a fresh database."""
    from ..nlu.evaluate import read_items, run, run_with, summary_lines

    items = read_items(path)
    if items and "turns" in items[0]:
        return _evaluate_scenarios(items, failures)
    report = run_with(over_http(url), items) if url else run(_assistant(published=False), items)
    lines = summary_lines(report)
    click.echo("\n".join(lines[:-1]))
    if failures and report.failures:
        click.echo("failures:")
        for o in report.failures:
            click.echo(f"  {o.item['id']}: {o.item['message']!r} -> {o.why}")
    click.echo(lines[-1])


def over_http(url: str):
    """A function asking one item of the chat API at ``url`` in a fresh conversation."""
    import urllib.request

    endpoint = url.rstrip("/") + "/api/v1/chat"

    def reply_to(item: dict) -> dict:
        body = json.dumps({"tenant": item["tenant"], "message": item["message"]}).encode()
        request = urllib.request.Request(endpoint, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    return reply_to


def add_entry_point_commands(group: click.Group) -> None:
    """The commands of layers above the channels (the reference cluster: `assistant cluster`), which
    the package registers as entry points ("assistant.commands" in pyproject.toml) rather than this
    module importing them."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="assistant.commands"):
        group.add_command(entry.load(), entry.name)


for command in (*STAFF_COMMANDS, *CURATE_COMMANDS):
    cli.add_command(command)
cli.add_command(stats)
cli.add_command(purge)
add_entry_point_commands(cli)

if __name__ == "__main__":
    cli()
