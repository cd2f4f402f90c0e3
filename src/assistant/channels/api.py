"""The HTTP API under /api/v1/: the public chat for the widget, and staff views behind a token."""

import io
import json
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, request

from .. import patterns
from ..settings import ALL_TENANTS
from ..staff import queries as staff
from ..staff import stats as numbers
from ..staff.lookup import lookup_rows
from ..text.language import hint_from_header
from .csvexport import write_csv
from .headers import for_staff
from .http_errors import ApiError

api = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI = Path(__file__).with_name("openapi.json")
TENANT = patterns.compile(r"[a-z0-9_-]{1,64}")
SESSION = patterns.compile(r"[A-Za-z0-9_-]{1,64}")


def assistant(app=None):
    """The application's Assistant; ``app``, when the caller already holds it, spares the proxy."""
    return (app or current_app).extensions["assistant"]


def settings():
    return current_app.extensions["assistant_settings"]


def body(req) -> dict:
    if req.json_object is None:
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    return req.json_object


def text_field(data: dict, name: str, required: bool = True, pattern=None) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (pattern and not pattern.fullmatch(value)):
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a valid string.")
    return value


def tenant_field(data: dict, tenants: dict) -> str:
    tenant = text_field(data, "tenant")
    if not TENANT.fullmatch(tenant) or tenant not in tenants:
        raise ApiError(404, "unknown_tenant", f"Unknown tenant; tenants: {', '.join(sorted(tenants))}.")
    return tenant


# -- public -------------------------------------------------------------------------------------------


@api.post("/chat")
def chat():
    app, req = current_app, request
    app.extensions["chat_rate_limit"].check(req.remote_addr)
    data = body(req)
    served = assistant(app)
    tenant = tenant_field(data, served.tenants)
    message = text_field(data, "message")
    session_id = text_field(data, "session_id", required=False, pattern=SESSION)
    lang = text_field(data, "lang", required=False)
    languages = served.tenants[tenant].languages
    if lang is not None and lang not in languages:
        raise ApiError(
            400, "invalid_lang", f"'lang' must be one of the tenant's languages: {language_list(languages)}."
        )
    hint = hint_from_header(req.environ.get("HTTP_ACCEPT_LANGUAGE"), languages)
    reply = served.reply(tenant, session_id, message, lang=lang, hint=hint)
    return app.json.response(reply.to_dict())


def language_list(languages) -> str:
    """``'fr' or 'en'``, ``'es', 'en' or 'fr'``: the languages as an error message lists them."""
    quoted = [f"'{lang}'" for lang in languages]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


@api.get("/tenants")
def tenants():
    return jsonify(
        [
            {
                "id": t.id,
                "name": t.name,
                "languages": t.languages,
                "actions": sorted(a["form"] for a in t.actions.values() if a and "form" in a),
            }
            for t in assistant().tenants.values()
        ]
    )


@api.post("/feedback")
def feedback():
    current_app.extensions["feedback_rate_limit"].check(request.remote_addr)
    data = body(request)
    session_id = text_field(data, "session_id", pattern=SESSION)
    helpful = data.get("helpful")
    comment = text_field(data, "comment", required=False)
    if not isinstance(helpful, bool):
        raise ApiError(400, "invalid_helpful", "'helpful' must be true or false.")
    if comment is not None and len(comment) > 2000:
        raise ApiError(400, "invalid_comment", "'comment' is limited to 2000 characters.")
    try:
        assistant().feedback(session_id, helpful, comment)
    except KeyError:
        raise ApiError(404, "unknown_session", "No conversation has this session_id.") from None
    return jsonify({"ok": True}), 201


@api.get("/health")
def health():
    """A trivial endpoint: the floor against which the chat's throughput is measured."""
    return jsonify({"ok": True})


@api.get("/openapi.json")
def openapi():
    return current_app.response_class(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


# -- staff ----------------------------------------------------------------------------------------------

# Staff lists come a page at a time: ?limit= (1 to MAX_LIMIT, default PAGE_LIMIT) rows from ?offset=,
# as {"items": [...], "next": the URL of the next page or null}; filtered by the token's tenants in
# SQL before they are cut, so that a page costs the same however much visitors have stored.
PAGE_LIMIT, MAX_LIMIT = 50, 200
NUMBER = patterns.compile(r"[0-9]{1,9}")


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None: the scheme's name in any
    case (RFC 6750), one space, a token. A bare token, another scheme, or spaces around the token
    are refused: the token is compared exactly as sent."""
    scheme, space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not space or not token or token != token.strip():
        return None
    return token


def staff_only(view):
    """A view for staff: a valid token is required, and what it returns is limited to the tenants
    that token may see (its scope, in ``g.scope``)."""

    @wraps(view)
    def checked(*args, **kwargs):
        given = bearer_token(request.headers.get("Authorization", ""))
        member = settings().staff_member(given) if given else None
        if not member or not member.tenants:
            raise ApiError(401, "unauthorized", "A valid staff token is required (Authorization: Bearer …).")
        scope = member.tenants
        g.scope = set(assistant().tenants) if ALL_TENANTS in scope else scope & set(assistant().tenants)
        g.staff = member.name  # who made a change to the knowledge
        return view(*args, **kwargs)

    return for_staff(checked)


def tenant_arg() -> str | None:
    tenant = request.args.get("tenant") or None
    if tenant is not None and tenant not in assistant().tenants:
        raise ApiError(404, "unknown_tenant", f"Unknown tenant; tenants: {', '.join(sorted(assistant().tenants))}.")
    if tenant is not None and tenant not in g.scope:
        raise ApiError(403, "forbidden_tenant", "This staff token does not give access to this tenant.")
    return tenant


def tenants_arg() -> str | list[str]:
    """The tenant asked for, else every tenant of the token's scope."""
    return tenant_arg() or sorted(g.scope)


def number_arg(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, str(default))
    if not NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a whole number from {low} to {high}.")
    return int(value)


def page(rows_of):
    """One page of a staff list: ``rows_of(limit, offset)`` is asked for one row more than the page,
    which tells whether a next page exists."""
    limit = number_arg("limit", PAGE_LIMIT, 1, MAX_LIMIT)
    offset = number_arg("offset", 0, 0, 10**9 - 1)
    rows = rows_of(limit + 1, offset)
    following = None
    if len(rows) > limit:
        args = {**request.args.to_dict(), "limit": limit, "offset": offset + limit}
        following = f"{request.path}?{urlencode(args)}"
    return jsonify({"items": rows[:limit], "next": following})


@api.get("/lookup")
@staff_only
def lookup():
    query = request.args.get("q", "")
    if not query.strip() or len(query) > 500:
        raise ApiError(400, "invalid_q", "'q' must hold a query of at most 500 characters.")
    lang = request.args.get("lang") or None
    spoken = sorted({code for t in assistant().tenants.values() for code in t.languages})
    if lang is not None and lang not in spoken:
        raise ApiError(400, "invalid_lang", f"'lang' must be one of the tenants' languages: {language_list(spoken)}.")
    top = request.args.get("top", "5")
    if not top.isdigit() or not 1 <= int(top) <= 50:
        raise ApiError(400, "invalid_top", "'top' must be a number from 1 to 50.")
    return jsonify(lookup_rows(assistant(), query, tenant=tenants_arg(), lang=lang, top=int(top)))


@api.get("/requests")
@staff_only
def requests_list():
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    tenants, store = tenants_arg(), assistant().store
    return page(lambda limit, offset: staff.requests(store, tenants, kind, status, limit, offset))


@api.get("/requests/<reference>")
@staff_only
def requests_show(reference):
    row = staff.request(assistant().store, reference) if len(reference) <= 64 else None
    if row is None or row["tenant"] not in g.scope:  # another tenant's request does not exist for this token
        raise ApiError(404, "unknown_request", "No request has this reference.")
    return jsonify(row)


@api.get("/unanswered")
@staff_only
def unanswered():
    tenants, store = tenants_arg(), assistant().store
    return page(lambda limit, offset: staff.unanswered(store, tenants, limit, offset))


@api.get("/outbox")
@staff_only
def outbox():
    tenants, store = tenants_arg(), assistant().store
    return page(lambda limit, offset: staff.outbox(store, tenants, limit=limit, offset=offset))


@api.get("/ledger")
@staff_only
def ledger():
    tenants, served = tenants_arg(), assistant()
    return page(lambda limit, offset: staff.ledger(served, tenants, limit, offset))


@api.get("/stats")
@staff_only
def stats():
    """The numbers of a tenant (else of every tenant the token sees) over ?from= to ?to= (YYYY-MM-DD,
    by default the last 30 days), ?by=day or week; ?format=csv gives one ?table= of them as a CSV file."""
    tenant, args = tenant_arg(), request.args
    within = numbers.span(args.get("from"), args.get("to"), args.get("by"))
    kind, table = args.get("format", "json"), args.get("table", "periods")
    if kind not in ("json", "csv"):
        raise ApiError(400, "invalid_format", "'format' must be json or csv.")
    if table not in numbers.TABLES:
        raise ApiError(400, "invalid_table", f"'table' must be one of {', '.join(numbers.TABLES)}.")
    found = numbers.stats(assistant(), [tenant] if tenant else sorted(g.scope), within)
    if kind == "json":
        return jsonify(found)
    return csv_file(*numbers.table_rows(found, table), f"stats-{tenant or 'all'}-{found['from']}-{found['to']}-{table}")


def csv_file(columns: list[str], rows: list[dict], name: str):
    """Rows as a CSV download (formulas neutralised, csvexport.py), with a byte order mark: Excel then
    reads it as UTF-8, accents included."""
    text = io.StringIO()
    text.write("\ufeff")
    write_csv(text, columns, rows)
    response = current_app.response_class(text.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def openapi_document() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))
