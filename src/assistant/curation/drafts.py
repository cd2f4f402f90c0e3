"""Where curation is kept (the store's knowledge_changes and knowledge_versions tables): drafts,
published versions, and which unanswered questions and votes staff have handled."""

from dataclasses import dataclass

from .. import jsoncodec
from ..backoffice.store import Store, now, to_json

DRAFT, PUBLISHED, DISCARDED = "draft", "published", "discarded"
IGNORED = "ignored"
MAX_DRAFTS = 500  # a tenant's drafts waiting to be published: enough for a spreadsheet's import


class TooManyDrafts(Exception):
    """The tenant has MAX_DRAFTS drafts: publish or discard some first."""


@dataclass
class Version:
    version: int
    changes: list[dict]  # every change the version is made of, in the order they apply
    author: str
    created: str
    seconds: float
    rollback_of: int | None

    def as_dict(self) -> dict:
        return vars(self).copy()


FILES = Version(0, [], "", "", 0.0, None)  # the tenant's files as reviewed: what rollback to 0 restores


def add(store: Store, tenant: str, change: dict, author: str) -> dict:
    """Keep ``change`` (already checked) as a draft; the unanswered groups and votes it names are
    handled from now on. Returns the draft as ``drafts`` lists it."""
    with store.transaction():
        count = store.count("knowledge_changes", "tenant = ? and status = ?", [tenant, DRAFT])
        if count >= MAX_DRAFTS:
            raise TooManyDrafts(f"{tenant} has {count} drafts: publish or discard some first")
        created = now()
        row = {"tenant": tenant, "kind": change["kind"], "change": to_json(change), "author": author}
        change_id = store.insert("knowledge_changes", row | {"created": created, "status": DRAFT, "exported": 0})
        handle(store, tenant, change, f"change {change_id}")
    return {"id": change_id, **change, "author": author, "created": created}


def handle(store: Store, tenant: str, change: dict, how: str | None) -> None:
    """Mark the groups and votes a change names as handled (``how``), or no longer (None)."""
    for table, key in (("unanswered_groups", "unanswered"), ("feedback", "feedback")):
        for row_id in change.get(key, []):
            store.write(f"update {table} set handled = ? where id = ? and tenant = ?", [how, row_id, tenant])


def ignore(store: Store, tenant: str, group: int | None = None, feedback: int | None = None) -> bool:
    """An unanswered group or a "not helpful" vote that staff chose to leave: it leaves the list
    and does not come back (new questions of the group join it, ignored). False if none such."""
    table, row_id = ("unanswered_groups", group) if group is not None else ("feedback", feedback)
    found = store.one(f"select 1 from {table} where id = ? and tenant = ?", [row_id, tenant])
    if found:
        store.write(f"update {table} set handled = ? where id = ?", [IGNORED, row_id])
    return found is not None


def drafts(store: Store, tenant: str) -> list[dict]:
    rows = store.query(
        "select id, change, author, created from knowledge_changes where tenant = ? and status = ? order by id",
        [tenant, DRAFT],
    )
    return [
        {"id": i, **jsoncodec.loads(change), "author": author, "created": created}
        for i, change, author, created in rows
    ]


def discard(store: Store, tenant: str, change_id: int) -> bool:
    """Drop a draft; the questions it handled come back to the list. False if no such draft."""
    with store.transaction():
        row = store.one(
            "select change from knowledge_changes where id = ? and tenant = ? and status = ?",
            [change_id, tenant, DRAFT],
        )
        if row is None:
            return False
        store.write("update knowledge_changes set status = ? where id = ?", [DISCARDED, change_id])
        handle(store, tenant, jsoncodec.loads(row[0]), None)
    return True


def versions(store: Store, tenant: str) -> list[Version]:
    """Every published version of the tenant, the newest (the live one) first, then its files (0)."""
    rows = store.query(
        "select version, changes, author, created, seconds, rollback_of from knowledge_versions "
        "where tenant = ? order by version desc",
        [tenant],
    )
    return [Version(v, jsoncodec.loads(c), a, cr, s, r) for v, c, a, cr, s, r in rows] + [FILES]


def version(store: Store, tenant: str, number: int) -> Version | None:
    if number == 0:
        return FILES
    return next((v for v in versions(store, tenant) if v.version == number), None)


def live(store: Store, tenant: str) -> Version:
    """The version the tenant is answered from: its newest, or its files when it has none."""
    return versions(store, tenant)[0]


def live_numbers(store: Store) -> dict[str, int]:
    """Each tenant's live version number (tenants never published are not listed): one indexed
    look-up, made before every request to know whether a worker must switch."""
    return dict(store.query("select tenant, max(version) from knowledge_versions group by tenant"))


def record(store: Store, tenant: str, changes: list[dict], author: str, seconds: float, rollback_of=None) -> int:
    """A new version made of ``changes``: the drafts among them are published. Returns its number."""
    with store.transaction():
        last = store.value("select coalesce(max(version), 0) from knowledge_versions where tenant = ?", [tenant])
        number = last + 1
        store.write(
            "insert into knowledge_versions (tenant, version, changes, author, created, seconds, rollback_of) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [tenant, number, to_json(changes), author, now(), round(seconds, 3), rollback_of],
        )
        ids = [c["id"] for c in changes if "id" in c]
        marks = ", ".join("?" * len(ids))
        if ids:
            store.write(
                f"update knowledge_changes set status = ?, version = ? where tenant = ? and status = ? and id in ({marks})",
                [PUBLISHED, number, tenant, DRAFT, *ids],
            )
    return number


def unexported(store: Store, tenant: str) -> list[int]:
    """The changes of the tenant's live version that its files do not hold yet (export.py)."""
    ids = [c["id"] for c in live(store, tenant).changes if "id" in c]
    if not ids:
        return []
    rows = store.query(
        f"select id from knowledge_changes where exported = 0 and id in ({', '.join('?' * len(ids))})", ids
    )
    return [row[0] for row in rows]


def mark_exported(store: Store, tenant: str) -> None:
    """The files now hold the live version: every published change of the tenant is in them, or
    was rolled back out of what they hold."""
    store.write("update knowledge_changes set exported = 1 where tenant = ? and status = ?", [tenant, PUBLISHED])
