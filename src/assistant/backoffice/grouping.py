"""Unanswered questions grouped as they arrive, so that staff read groups without any grouping work.

Each question joins the most similar of its tenant's most recently seen groups (rapidfuzz's
token_set_ratio of their folded text at least SIMILAR), or starts a group of its own. The work per
question is bounded whatever visitors have sent: it reads at most CANDIDATES groups through an
index, and compares at most KEY_LENGTH characters of each. A group keeps its count, the languages
and reasons seen, up to EXAMPLES different wordings, and when it was first and last seen.
"""

from rapidfuzz import fuzz, process

from .. import jsoncodec
from ..text.clean import fold
from .store import Store, to_json

SIMILAR = 75  # token_set_ratio from which a question joins a group
CANDIDATES = 300  # the tenant's most recently seen groups a new question is compared with
KEY_LENGTH = 200  # the characters of a folded question that are compared
EXAMPLES = 5  # the most languages, reasons and wordings a group keeps


def key_of(message: str) -> str:
    """The folded question, cut at a word within KEY_LENGTH characters: what groups are compared by."""
    folded = fold(message or "")
    if len(folded) <= KEY_LENGTH:
        return folded
    cut = folded[:KEY_LENGTH]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def closest_seen(store: Store, tenant: str, message: str) -> tuple[tuple | None, int]:
    """The most similar of the tenant's most recently seen groups, if one is similar enough, and the
    highest group id at that time. Worked out before the transaction that stores the question, so
    that the comparisons, the costly part, hold no lock (``group_question``'s ``seen``)."""
    groups = dict(
        store.query(
            "select id, key from unanswered_groups where tenant = ? order by last desc, id desc limit ?",
            [tenant, CANDIDATES],
        )
    )
    top = store.value("select coalesce(max(id), 0) from unanswered_groups")
    return _closest(key_of(message), groups), top


def group_question(
    store: Store,
    tenant: str,
    lang: str,
    message: str,
    reason: str,
    created: str,
    seen: tuple[tuple | None, int] | None = None,
) -> int:
    """The id of the group the question joins (or starts), the group counted; inside a transaction,
    so that two workers never start two groups for one question. ``seen``: ``closest_seen`` before
    the transaction; then only the groups started since are compared here, usually none."""
    key = key_of(message)
    best, top = seen if seen is not None else closest_seen(store, tenant, message)
    started_since = dict(
        store.query(
            "select id, key from unanswered_groups where tenant = ? and id > ? order by id desc limit ?",
            [tenant, top, CANDIDATES],
        )
    )
    found = [match for match in (best, _closest(key, started_since)) if match]
    if not found:
        group = {"tenant": tenant, "key": key, "question": message, "count": 1, "first": created, "last": created}
        lists = {"languages": to_json([lang]), "reasons": to_json([reason]), "examples": to_json([message])}
        return store.insert("unanswered_groups", group | lists)
    group_id = max(found, key=lambda match: match[1])[2]
    last, *lists = store.one(
        "select last, languages, reasons, examples from unanswered_groups where id = ?", [group_id]
    )
    languages, reasons, examples = (jsoncodec.loads(v) for v in lists)
    store.write(
        "update unanswered_groups set count = count + 1, last = ?, languages = ?, reasons = ?, examples = ? "
        "where id = ?",
        [
            max(last, created),
            to_json(_with(languages, lang)),
            to_json(_with(reasons, reason)),
            to_json(_with(examples, message)),
            group_id,
        ],
    )
    return group_id


def _closest(key: str, groups: dict[int, str]):
    """(key, score, id) of the most similar group, if one is similar enough."""
    return process.extractOne(key, groups, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR) if groups else None


def group_ungrouped(store: Store, batch: int = 500) -> int:
    """Group the unanswered questions stored before questions were grouped as they arrived (a
    database from an earlier version), oldest first; returns how many were grouped."""
    done = 0
    while True:
        rows = store.query(
            "select id, tenant, lang, message, reason, created from unanswered "
            "where group_id is null order by id limit ?",
            [batch],
        )
        for row_id, tenant, lang, message, reason, created in rows:
            group_id = group_question(store, tenant, lang, message or "", reason, created)
            store.write("update unanswered set group_id = ? where id = ?", [group_id, row_id])
        done += len(rows)
        if len(rows) < batch:
            return done


def _with(values: list, value) -> list:
    return values if value in values or len(values) >= EXAMPLES else values + [value]
