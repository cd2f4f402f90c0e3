"""Every curation action as the API (channels/knowledge.py) and the CLI (channels/curate_cli.py)
both run it, on one process's Live: they only read their input and write the result."""

from pathlib import Path

from . import drafts, publishing, spreadsheet, trying
from .apply import Applied
from .building import InvalidKnowledge
from .changes import Knowledge, checked
from .entries import draft_knowledge
from .export import export
from .live import Live


def as_it_will_be(live: Live, tenant: str) -> tuple[Applied, Applied]:
    """The tenant as published, and as its drafts would leave it."""
    store = live.assistant.store
    return draft_knowledge(live.knowledge, tenant, drafts.live(store, tenant).changes, drafts.drafts(store, tenant))


def known(applied: Applied) -> Knowledge:
    return Knowledge(applied.tenant, frozenset(applied.tenant.entries))


def add_change(live: Live, tenant: str, payload: object, author: str) -> dict:
    """Check ``payload`` against the drafts (changes.ChangeError) and keep it as a draft."""
    _, draft = as_it_will_be(live, tenant)
    return drafts.add(live.assistant.store, tenant, checked(payload, known(draft)), author)


def publish(live: Live, tenant: str, author: str) -> publishing.Published:
    done = publishing.publish(live.knowledge, live.assistant.store, tenant, author)
    live.announce(tenant, done.version)  # this process at once; the others before their next request
    return done


def rollback(live: Live, tenant: str, number: int, author: str) -> publishing.Published:
    done = publishing.rollback(live.knowledge, live.assistant.store, tenant, number, author)
    live.announce(tenant, done.version)
    return done


def try_message(live: Live, tenant: str, message: str, lang: str | None) -> dict:
    """The message explained by the published version, and by the drafts (None without drafts)."""
    served = live.assistant
    published = trying.explain(served.bundle, tenant, message, lang, served.clock)
    pending = drafts.drafts(live.assistant.store, tenant)
    if not pending:
        return {"published": published, "draft": None}
    try:
        draft = trying.explain(live.drafts_bundle(tenant, pending), tenant, message, lang, served.clock)
    except InvalidKnowledge as error:
        draft = {"problems": [vars(p) for p in error.problems]}
    return {"published": published, "draft": draft}


def import_sheet(live: Live, tenant: str, rows: list[dict], author: str) -> tuple[list[dict], list]:
    """The drafts a spreadsheet's rows make, all kept, or none and the problems by row and column."""
    _, draft = as_it_will_be(live, tenant)
    made, problems = spreadsheet.import_rows(rows, known(draft), draft.examples)
    if problems:
        return [], problems
    return [drafts.add(live.assistant.store, tenant, change, author) for change in made], []


def sheet(live: Live, tenant: str, form: str, separator: str = ";") -> bytes:
    """The tenant's entries and phrasings as its drafts leave them, as CSV or XLSX."""
    _, draft = as_it_will_be(live, tenant)
    rows = spreadsheet.export_rows(draft.tenant, draft.examples)
    return spreadsheet.to_xlsx(rows) if form == "xlsx" else spreadsheet.to_csv(rows, separator)


def export_files(live: Live, tenant: str) -> list[Path]:
    """The live version written into the tenant's files; the database then holds no change the
    files lack (``drafts.unexported`` is empty)."""
    store = live.assistant.store
    written = export(live.knowledge.root, tenant, drafts.live(store, tenant).changes)
    drafts.mark_exported(store, tenant)
    return written
