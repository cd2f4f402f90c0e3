"""``assistant curate …`` and ``assistant export``: the staff's curation from the command line, the
same actions as the API's /api/v1/knowledge/<tenant>/ (curation/service.py), run on the server by
its own user. A change is published to every running worker of a server on the same database."""

import getpass
import json
import sys
from pathlib import Path

import click

from ..errors import AssistantError
from .staff_cli import fail
from .tables import emit

TENANT = click.option("--tenant", "-t", required=True, help="The vendor whose knowledge it is, e.g. exo.")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def author_option(command):
    return click.option(
        "--author", default=getpass.getuser, show_default="your login name", help="Who makes the change (kept with it)."
    )(command)


def _live(tenant: str):
    """The server's knowledge with its published versions, after checking the tenant exists."""
    live = click.get_current_context().find_root().obj()
    if tenant not in live.assistant.tenants:
        fail(
            AssistantError("unknown_tenant", f"Unknown tenant {tenant!r}; tenants: {', '.join(live.assistant.tenants)}")
        )
    return live


def refuse(problems, what: str) -> None:
    """Each problem on stderr, then exit with status 1: nothing was done."""
    for p in problems:
        where = " ".join(f"{k} {v}" for k, v in vars(p).items() if k in ("entry", "field", "row", "column") and v)
        click.echo(f"{where}: {p.message}" if where else p.message, err=True)
    click.echo(f"{len(problems)} problem(s): {what}", err=True)
    sys.exit(1)


@click.group()
def curate():
    """Improve what a tenant knows: drafts, then a published version every worker serves.

    A change is a draft until `publish` checks the tenant with `assistant check`'s rules and builds its
    matcher (some seconds); `rollback` returns to any earlier version. Typical session:

    \b
      assistant curate improve -t exo            # unanswered questions, with the best entries
      assistant curate add -t exo '{"kind": "phrasing", "entry": "trial_length", "lang": "en",
                                    "text": "how long can I test it", "unanswered": [12]}'
      assistant curate try -t exo "how long can I test it"   # published and drafts, side by side
      assistant curate publish -t exo
    """


@curate.command()
@TENANT
@author_option
@click.argument("change")
def add(tenant, author, change):
    """Keep CHANGE (JSON) as a draft. Kinds: phrasing {entry, lang, text}; entry {topic, question: {lang:
    text}, answer: {lang: text}, entry?, source?}; edit {entry, question?, answer?, topic?}; retire
    {entry}; synonym {lang, canonical, text}; any may name "unanswered": [group ids] it handles."""
    from ..curation import service
    from ..curation.changes import ChangeError
    from ..curation.drafts import TooManyDrafts

    try:
        payload = json.loads(change)
        kept = service.add_change(_live(tenant), tenant, payload, author)
    except json.JSONDecodeError as error:
        fail(AssistantError("invalid_json", f"CHANGE is not JSON: {error}"))
    except ChangeError as error:
        fail(AssistantError("invalid_change", f"{error.field}: {error}"))
    except TooManyDrafts as error:
        fail(AssistantError("too_many_drafts", str(error)))
    click.echo(f"draft {kept['id']} kept")


@curate.command(name="drafts")
@TENANT
@AS_JSON
def list_drafts(tenant, as_json):
    """The tenant's drafts, in the order they will apply."""
    from ..curation import drafts

    rows = drafts.drafts(_live(tenant).assistant.store, tenant)
    emit(
        [{**r, "change": summary(r)} for r in rows] if not as_json else rows,
        as_json,
        False,
        ["id", "kind", "change", "author", "created"],
    )


def summary(change: dict) -> str:
    """A change in one line: its fields but the bookkeeping."""
    shown = {k: v for k, v in change.items() if k not in ("id", "kind", "author", "created")}
    return json.dumps(shown, ensure_ascii=False)


@curate.command()
@TENANT
@click.argument("change_id", type=int)
def discard(tenant, change_id):
    """Drop draft CHANGE_ID; the unanswered questions it handled come back to `improve`."""
    from ..curation import drafts

    if not drafts.discard(_live(tenant).assistant.store, tenant, change_id):
        fail(AssistantError("unknown_change", f"{tenant} has no draft {change_id}"))
    click.echo(f"draft {change_id} discarded")


@curate.command()
@TENANT
@author_option
def publish(tenant, author):
    """Check the drafts with the tenant's files and publish them as a new version; problems name their
    entry and field, and nothing is published while there is one."""
    from ..curation import publishing, service
    from ..curation.building import InvalidKnowledge

    try:
        done = service.publish(_live(tenant), tenant, author)
    except publishing.NothingToPublish as error:
        fail(AssistantError("nothing_to_publish", str(error)))
    except InvalidKnowledge as error:
        refuse(error.problems, "nothing was published")
    click.echo(f"version {done.version} published in {done.seconds:.1f} s")


@curate.command()
@TENANT
@AS_JSON
def versions(tenant, as_json):
    """Every version of the tenant, the live one first, down to 0 (its files)."""
    from ..curation import drafts

    found = [v.as_dict() for v in drafts.versions(_live(tenant).assistant.store, tenant)]
    rows = found if as_json else [{**v, "changes": len(v["changes"])} for v in found]
    emit(rows, as_json, False, ["version", "created", "author", "changes", "rollback_of", "seconds"])


@curate.command()
@TENANT
@author_option
@click.argument("version", type=click.IntRange(min=0))
def rollback(tenant, author, version):
    """Serve VERSION again (0: the tenant's files), as a new version; drafts stay drafts."""
    from ..curation import publishing, service
    from ..curation.building import InvalidKnowledge

    try:
        done = service.rollback(_live(tenant), tenant, version, author)
    except publishing.UnknownVersion as error:
        fail(AssistantError("unknown_version", str(error)))
    except InvalidKnowledge as error:
        refuse(error.problems, "the files changed under this version")
    click.echo(f"version {done.version} (= version {version}) published in {done.seconds:.1f} s")


@curate.command(name="try")
@TENANT
@click.option("--lang", help="Force the language (otherwise detected).")
@AS_JSON
@click.argument("message")
def try_message(tenant, lang, as_json, message):
    """How MESSAGE is read and answered: by the published version, and by the drafts if any."""
    from ..curation import service

    live = _live(tenant)
    if lang and lang not in live.assistant.tenants[tenant].languages:
        fail(AssistantError("invalid_lang", f"{tenant} speaks {', '.join(live.assistant.tenants[tenant].languages)}"))
    result = service.try_message(live, tenant, message, lang)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for name, seen in result.items():
        click.echo(f"== {name}")
        click.echo(explained(seen) if seen else "(no drafts)")


def explained(seen: dict) -> str:
    if "problems" in seen:
        return "the drafts break rules: " + "; ".join(p["message"] for p in seen["problems"])
    lines = [f"language {seen['language']['code']}: {seen['language']['why']}", f"tokens: {' '.join(seen['tokens'])}"]
    lines += [
        f"  {c['confidence']:.2f}  p {c['probability']:.2f}  sim {c['similarity']:.2f}  {c['intent']}"
        for c in seen["candidates"]
    ]
    return "\n".join([*lines, f"{seen['decision']}: {seen['reply']['text']}"])


@curate.command()
@TENANT
@AS_JSON
def improve(tenant, as_json):
    """Unanswered questions (and "not helpful" votes) not handled yet, the most asked first, each
    with the three entries the matcher finds closest."""
    from ..curation import improving

    items = improving.improvements(_live(tenant).assistant, tenant)
    rows = (
        items
        if as_json
        else [{**i, "best": ", ".join(f"{c['intent']} {c['confidence']:.2f}" for c in i["candidates"])} for i in items]
    )
    emit(rows, as_json, False, ["group", "count", "lang", "question", "best"])


@curate.command()
@TENANT
@click.argument("group", type=int)
def ignore(tenant, group):
    """Leave unanswered GROUP: it leaves `improve` and does not come back."""
    from ..curation import drafts

    if not drafts.ignore(_live(tenant).assistant.store, tenant, group=group):
        fail(AssistantError("unknown_group", f"{tenant} has no unanswered group {group}"))
    click.echo(f"group {group} ignored")


@curate.command()
@TENANT
@AS_JSON
def entries(tenant, as_json):
    """The tenant's entries as the drafts leave them: new, edited, retired, and the languages they lack."""
    from ..curation import service
    from ..curation.entries import entry_rows

    rows = entry_rows(*service.as_it_will_be(_live(tenant), tenant))
    shown = rows if as_json else [{**r, "missing": ", ".join(r["missing"])} for r in rows]
    emit(shown, as_json, False, ["id", "state", "topic", "missing", "title"])


@curate.command(name="import")
@TENANT
@author_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_sheet(tenant, author, path):
    """Draft the changes of a spreadsheet (CSV with ; or , — or XLSX), all or none: problems name
    their row and column (docs/spreadsheets.md). Nothing is published."""
    from ..curation import service, spreadsheet
    from ..curation.sheetfiles import MAX_BYTES

    if path.stat().st_size > MAX_BYTES:
        fail(AssistantError("too_large", f"{path} is over {MAX_BYTES:,} bytes"))
    data = path.read_bytes()
    try:
        rows = spreadsheet.read_xlsx(data) if path.suffix.lower() == ".xlsx" else spreadsheet.read_csv(data)
    except spreadsheet.SheetError as error:
        refuse([error.problem], "the file was not read")
    created, problems = service.import_sheet(_live(tenant), tenant, rows, author)
    if problems:
        refuse(problems, "nothing was drafted")
    click.echo(f"{len(created)} draft(s) kept; `assistant curate publish -t {tenant}` to publish them")


@curate.command()
@TENANT
@click.option("--format", "form", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True, help="CSV's.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
def sheet(tenant, form, separator, output):
    """Write the tenant's entries and phrasings (as the drafts leave them) to a spreadsheet to edit."""
    from ..curation import service

    output.write_bytes(service.sheet(_live(tenant), tenant, form, separator))
    click.echo(f"written: {output}")


@click.command(name="export")
@TENANT
def export_files(tenant):
    """Write the tenant's published version into its files (knowledge/<tenant>/, intents/<tenant>/),
    keeping their comments and layout, to review and commit; the database then holds no change the
    files lack."""
    from ..curation import drafts, service

    live = _live(tenant)
    unexported = drafts.unexported(live.assistant.store, tenant)
    written = service.export_files(live, tenant)
    for path in written:
        click.echo(f"written: {path.relative_to(live.knowledge.root)}")
    click.echo(f"{len(unexported)} change(s) exported" if written else "the files already hold the live version")


CURATE_COMMANDS = (curate, export_files)
