"""What staff look at, as plain rows: requests, the outbox, grace-call ledgers, unanswered
questions. The command line and the staff page print these same rows."""
import json

from rapidfuzz import fuzz

from .forms import standing_values
from .text import fold

SIMILAR = 75  # rapidfuzz token_set_ratio above which two unanswered questions are one group


def requests(store, tenant=None, kind=None, status=None) -> list[dict]:
    clauses = [(c, v) for c, v in (("tenant", tenant), ("kind", kind), ("status", status)) if v]
    where = " and ".join(f"{c} = ?" for c, _ in clauses) or None
    return [_request_row(r) for r in store.rows("requests", where, [v for _, v in clauses], order_by="created desc")]


def request(store, reference: str) -> dict | None:
    row = store.get("requests", reference)
    if row is None:
        return None
    return {**_request_row(row), "notices": outbox(store, reference=reference)}


def _request_row(row: dict) -> dict:
    return {"reference": row["reference"], "tenant": row["tenant"], "kind": row["kind"], "status": row["status"],
            "created": row["created"], "lang": row["lang"], "session_id": row["session_id"],
            "payload": json.loads(row["payload"])}


def outbox(store, tenant=None, reference=None) -> list[dict]:
    clauses = [(c, v) for c, v in (("tenant", tenant), ("reference", reference)) if v]
    where = " and ".join(f"{c} = ?" for c, _ in clauses) or None
    return [{k: r[k] for k in ("id", "created", "reference", "tenant", "recipient", "subject", "body")}
            for r in store.rows("outbox", where, [v for _, v in clauses], order_by="id")]


def ledger(assistant, tenant=None) -> list[dict]:
    rows = []
    for tenant_id, book in assistant.backoffice.ledgers.items():
        if tenant and tenant != tenant_id:
            continue
        for account in assistant.store.rows("accounts", "tenant = ?", [tenant_id], order_by="account"):
            standing = book.standing(account["account"])
            rows.append({"account": standing.account, "tenant": tenant_id, "seats": account["seats"],
                         "subscription": account["subscription"], "active": bool(account["active"]),
                         "eligible": standing.eligible, "allowance": standing.allowance, "used": standing.used,
                         "remaining": standing.remaining, "year_start": standing.period_start.isoformat(),
                         "renewal": standing.renewal.isoformat()})
    return rows


def unanswered(store, tenant=None) -> list[dict]:
    """Unanswered questions grouped by similarity, the most frequent first: what to write next."""
    where, params = ("tenant = ?", [tenant]) if tenant else (None, [])
    groups: list[dict] = []
    for row in store.rows("unanswered", where, params, order_by="id"):
        text = fold(row["message"])
        group = next((g for g in groups if g["tenant"] == row["tenant"]
                      and fuzz.token_set_ratio(text, g["_key"]) >= SIMILAR), None)
        if group is None:
            group = {"_key": text, "tenant": row["tenant"], "question": row["message"], "count": 0,
                     "languages": [], "examples": [], "reasons": [], "last": row["created"]}
            groups.append(group)
        group["count"] += 1
        group["last"] = row["created"]
        for field, value in (("languages", row["lang"]), ("reasons", row["reason"]), ("examples", row["message"])):
            if value not in group[field] and len(group[field]) < 5:
                group[field].append(value)
    groups.sort(key=lambda g: (-g["count"], g["last"]))
    return [{k: v for k, v in g.items() if not k.startswith("_")} for g in groups]


__all__ = ["requests", "request", "outbox", "ledger", "unanswered", "standing_values"]
