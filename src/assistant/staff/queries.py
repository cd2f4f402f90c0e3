"""What staff look at, as plain rows: requests, the outbox, grace-call ledgers, unanswered
questions. The command line and the staff page print these same rows.

Every list is filtered by tenant in SQL, then ordered and cut to a page (``limit`` rows from
``offset``; every row when ``limit`` is None), so that a page costs the same however much visitors
have stored. ``tenant`` is one tenant, a collection of them (a staff token's scope), or None for all.
"""

from ..backoffice.transcripts import transcript
from ..dialogue.validators import standing_values
from ..jsoncodec import loads

SUMMARY_FIELDS = ("name", "email", "company", "account")  # what a request's line in a list shows
SUMMARY_LENGTH = 120


def _tenants(tenant) -> tuple[list[str], list]:
    """The SQL clause and parameters that keep the rows of ``tenant`` (see the module's docstring)."""
    if tenant is None:
        return [], []
    chosen = [tenant] if isinstance(tenant, str) else sorted(tenant)
    return [f"tenant in ({', '.join('?' * len(chosen))})" if chosen else "1 = 0"], chosen


def _select(store, sql: str, clauses: list[str], params: list, order: str, limit, offset) -> list[dict]:
    where = f" where {' and '.join(clauses)}" if clauses else ""
    if limit is None:  # every row from the offset on
        return store.records(f"{sql}{where} order by {order}", params)[offset:]
    return store.records(f"{sql}{where} order by {order} limit ? offset ?", [*params, limit, offset])


def requests(store, tenant=None, kind=None, status=None, limit=None, offset=0) -> list[dict]:
    """Requests, newest first, each with a short summary of who sent it (never its payload)."""
    clauses, params = _tenants(tenant)
    for column, value in (("kind", kind), ("status", status)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    fields = ", ".join(f"{store.json_field('payload', f)} as {f}" for f in SUMMARY_FIELDS)
    rows = _select(
        store,
        f"select reference, tenant, kind, status, created, lang, {fields} from requests",
        clauses,
        params,
        "created desc, seq desc",
        limit,
        offset,
    )
    return [
        {**{k: row[k] for k in ("reference", "tenant", "kind", "status", "created", "lang")}, "summary": _summary(row)}
        for row in rows
    ]


def _summary(row: dict) -> str:
    """Name, email, company and account, as far as the request has them, within SUMMARY_LENGTH."""
    text = " · ".join(str(row[f]) for f in SUMMARY_FIELDS if row.get(f) not in (None, ""))
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def request(store, reference: str) -> dict | None:
    """One request: its payload, the notices it sent, and the conversation it refers to."""
    row = store.get("requests", reference)
    if row is None:
        return None
    payload = loads(row["payload"])
    turns, total = transcript(store, payload)
    return {
        **{k: row[k] for k in ("reference", "tenant", "kind", "status", "created", "lang", "session_id")},
        "payload": payload,
        "notices": outbox(store, reference=reference),
        "transcript": turns,
        "transcript_turns": total,
    }


OUTBOX = "select id, created, reference, tenant, recipient, subject, body from outbox"


def outbox(store, tenant=None, reference=None, limit=None, offset=0) -> list[dict]:
    """The notices, newest first; a request's own, in the order they were sent."""
    clauses, params = _tenants(tenant)
    if reference:
        clauses.append("reference = ?")
        params.append(reference)
    return _select(store, OUTBOX, clauses, params, "id" if reference else "id desc", limit, offset)


def emails(store, key: str) -> list[dict]:
    """One email by its id (digits), or else every email sent for a reference (a request's, or a
    one-time code's CODE-n), in the order they were sent."""
    if key.isdigit():
        return _select(store, OUTBOX, ["id = ?"], [int(key)], "id", None, 0)
    return outbox(store, reference=key)


def ledger(assistant, tenant=None, limit=None, offset=0) -> list[dict]:
    """Each account of the tenants that keep a grace-call ledger, by tenant and account."""
    books = assistant.backoffice.ledgers
    clauses, params = _tenants(
        books.keys() if tenant is None else [t for t in ([tenant] if isinstance(tenant, str) else tenant) if t in books]
    )
    rows = []
    for account in _select(
        assistant.store,
        "select account, tenant, seats, subscription, active from accounts",
        clauses,
        params,
        "tenant, account",
        limit,
        offset,
    ):
        standing = books[account["tenant"]].standing(account["account"])
        rows.append(
            {
                "account": standing.account,
                "tenant": account["tenant"],
                "seats": account["seats"],
                "subscription": account["subscription"],
                "active": bool(account["active"]),
                "eligible": standing.eligible,
                "allowance": standing.allowance,
                "used": standing.used,
                "remaining": standing.remaining,
                "year_start": standing.period_start.isoformat(),
                "renewal": standing.renewal.isoformat(),
            }
        )
    return rows


def unanswered(store, tenant=None, limit=None, offset=0) -> list[dict]:
    """Groups of similar unanswered questions (grouping.py), the most frequent first, then the most
    recently seen: what to write next."""
    clauses, params = _tenants(tenant)
    rows = _select(
        store,
        "select id, count, tenant, question, languages, reasons, examples, last from unanswered_groups",
        clauses,
        params,
        "count desc, last desc, id desc",
        limit,
        offset,
    )
    for row in rows:
        for field in ("languages", "reasons", "examples"):
            row[field] = loads(row[field])
    return rows


__all__ = ["requests", "request", "outbox", "emails", "ledger", "unanswered", "standing_values"]
