"""Hostile and malformed input, one table across the API, Slack, Mattermost, the widget's assets, the
demo site and the staff page: each request gets its expected status — a JSON error for every 4xx of
the API and the webhooks — and nothing is stored that should not be."""

import json
import time
from urllib.parse import urlencode

import pytest
from slack_signing import SECRET, signed

from assistant.channels import create_app
from assistant.settings import Settings

STAFF = "staff-token-for-hostile-tests"
MATTERMOST = "mattermost-token-for-hostile-tests"
AUTH = {"Authorization": f"Bearer {STAFF}"}
NESTED = "[" * 5000 + "]" * 5000
SCRIPT = "<script>alert('x')</script>"


def post_json(path, raw: bytes | str, content_type="application/json", **headers):
    data = raw.encode() if isinstance(raw, str) else raw
    return lambda c: c.post(path, data=data, content_type=content_type, headers=headers)


def chat(**body):
    return post_json("/api/v1/chat", json.dumps(body))


def get(path, **headers):
    return lambda c: c.get(path, headers=headers)


def slack(path, fields: dict | None = None, raw: bytes | None = None, headers=None, content_type=None):
    body = raw if raw is not None else urlencode(fields or {}).encode()
    kind = content_type or "application/x-www-form-urlencoded"
    return lambda c: c.post(
        path, data=body, content_type=kind, headers=signed(body) if headers is None else headers(body)
    )


COMMAND = {
    "command": "/faq",
    "text": "what is a subscription?",
    "team_id": "TEXO",
    "user_id": "U1",
    "response_url": "http://127.0.0.1:9/unused",
}


def mattermost(fields: dict, path="/mattermost/command"):
    return lambda c: c.post(path, data=fields)


# (case, request, expected status, expected error code or None)
CASES = [
    # -- the public chat ------------------------------------------------------------------------------
    ("invalid JSON", post_json("/api/v1/chat", '{"tenant": "exo",'), 400, "invalid_json"),
    ("a JSON array", post_json("/api/v1/chat", '["exo", "hi"]'), 400, "invalid_json"),
    ("a JSON string", post_json("/api/v1/chat", '"hi"'), 400, "invalid_json"),
    ("JSON null", post_json("/api/v1/chat", "null"), 400, "invalid_json"),
    ("an empty body", post_json("/api/v1/chat", ""), 400, "invalid_json"),
    (
        "not JSON at all",
        post_json("/api/v1/chat", "tenant=exo&message=hi", "application/x-www-form-urlencoded"),
        400,
        "invalid_json",
    ),
    ("invalid UTF-8", post_json("/api/v1/chat", b'{"tenant": "exo", "message": "\xff\xfe\xfd"}'), 400, "invalid_json"),
    (
        "a 1 MB body",
        post_json("/api/v1/chat", json.dumps({"tenant": "exo", "message": "a" * 1_000_000})),
        413,
        "request_entity_too_large",
    ),
    ("deeply nested JSON", post_json("/api/v1/chat", '{"tenant": "exo", "message": ' + NESTED + "}"), 400, None),
    ("no tenant", chat(message="hi"), 400, "invalid_tenant"),
    ("a numeric tenant", chat(tenant=7, message="hi"), 400, "invalid_tenant"),
    ("a tenant object", chat(tenant={"$ne": ""}, message="hi"), 400, "invalid_tenant"),
    ("an unknown tenant", chat(tenant="acme", message="hi"), 404, "unknown_tenant"),
    ("path traversal in the tenant", chat(tenant="../exo", message="hi"), 404, "unknown_tenant"),
    ("an encoded traversal", chat(tenant="..%2fexo", message="hi"), 404, "unknown_tenant"),
    ("a tenant with NUL", chat(tenant="exo\x00", message="hi"), 404, "unknown_tenant"),
    ("a tenant in capitals", chat(tenant="EXO", message="hi"), 404, "unknown_tenant"),
    ("SQL in the tenant", chat(tenant="exo' or '1'='1", message="hi"), 404, "unknown_tenant"),
    ("no message", chat(tenant="exo"), 400, "invalid_message"),
    ("a numeric message", chat(tenant="exo", message=42), 400, "invalid_message"),
    ("a list message", chat(tenant="exo", message=["hi"]), 400, "invalid_message"),
    ("an object message", chat(tenant="exo", message={"text": "hi"}), 400, "invalid_message"),
    ("a message over 2,000 characters", chat(tenant="exo", message="devis " * 500), 413, "message_too_long"),
    ("an oversized session id", chat(tenant="exo", message="hi", session_id="s" * 65), 400, "invalid_session_id"),
    ("a huge session id", chat(tenant="exo", message="hi", session_id="s" * 10_000), 400, "invalid_session_id"),
    (
        "SQL in the session id",
        chat(tenant="exo", message="hi", session_id="x'; drop table sessions; --"),
        400,
        "invalid_session_id",
    ),
    ("a numeric session id", chat(tenant="exo", message="hi", session_id=12345678), 400, "invalid_session_id"),
    (
        "a message over the limit before it is cleaned",
        chat(tenant="exo", message="devis" + " " * 2500),
        413,
        "message_too_long",
    ),
    (
        "a chat platform's conversation id",
        chat(tenant="exo", message="hi", session_id="slack." + "a" * 40),
        400,
        "invalid_session_id",
    ),
    ("an unknown language", chat(tenant="exo", message="hi", lang="de"), 400, "invalid_lang"),
    ("a numeric language", chat(tenant="exo", message="hi", lang=1), 400, "invalid_lang"),
    ("GET on the chat", get("/api/v1/chat"), 405, "method_not_allowed"),
    ("an unknown API path", get("/api/v1/../../etc/passwd"), 404, "not_found"),
    # -- feedback -------------------------------------------------------------------------------------
    ("feedback: invalid JSON", post_json("/api/v1/feedback", "{"), 400, "invalid_json"),
    (
        "feedback: helpful as text",
        post_json("/api/v1/feedback", json.dumps({"session_id": "a" * 32, "helpful": "yes"})),
        400,
        "invalid_helpful",
    ),
    (
        "feedback: unknown session",
        post_json("/api/v1/feedback", json.dumps({"session_id": "a" * 32, "helpful": True})),
        404,
        "unknown_session",
    ),
    (
        "feedback: SQL in the session id",
        post_json("/api/v1/feedback", json.dumps({"session_id": "1' or '1'='1", "helpful": True})),
        400,
        "invalid_session_id",
    ),
    (
        "feedback: a chat platform's conversation id",
        post_json("/api/v1/feedback", json.dumps({"session_id": "mattermost." + "a" * 40, "helpful": True})),
        400,
        "invalid_session_id",
    ),
    (
        "feedback: an oversized comment",
        post_json("/api/v1/feedback", json.dumps({"session_id": "a" * 32, "helpful": False, "comment": "x" * 3000})),
        400,
        "invalid_comment",
    ),
    # -- staff ----------------------------------------------------------------------------------------
    ("staff: no token", get("/api/v1/requests"), 401, "unauthorized"),
    ("staff: a wrong token", get("/api/v1/requests", Authorization="Bearer not-the-token"), 401, "unauthorized"),
    ("staff: an empty bearer", get("/api/v1/outbox", Authorization="Bearer "), 401, "unauthorized"),
    ("staff: the token in the query", get(f"/api/v1/unanswered?token={STAFF}"), 401, "unauthorized"),
    ("staff: a token prefix", get("/api/v1/ledger", Authorization=f"Bearer {STAFF[:-1]}"), 401, "unauthorized"),
    (
        "staff: basic authentication",
        get("/api/v1/lookup?q=refund", Authorization="Basic c3RhZmY6c3RhZmY="),
        401,
        "unauthorized",
    ),
    # Only "Bearer", in any case (RFC 6750), one space, then the token exactly: nothing is trimmed or guessed.
    ("staff: a bare token", get("/api/v1/requests", Authorization=STAFF), 401, "unauthorized"),
    ("staff: another scheme", get("/api/v1/requests", Authorization=f"Token {STAFF}"), 401, "unauthorized"),
    (
        "staff: the scheme glued to the token",
        get("/api/v1/requests", Authorization=f"Bearer{STAFF}"),
        401,
        "unauthorized",
    ),
    (
        "staff: two spaces before the token",
        get("/api/v1/requests", Authorization=f"Bearer  {STAFF}"),
        401,
        "unauthorized",
    ),
    ("staff: a tab before the token", get("/api/v1/requests", Authorization=f"Bearer\t{STAFF}"), 401, "unauthorized"),
    ("staff: the scheme in lower case", get("/api/v1/requests", Authorization=f"bearer {STAFF}"), 200, None),
    ("staff: the scheme in capitals", get("/api/v1/outbox", Authorization=f"BEARER {STAFF}"), 200, None),
    ("staff: an oversized query", get("/api/v1/lookup?q=" + "a" * 600, **AUTH), 400, "invalid_q"),
    ("staff: a page over 200 rows", get("/api/v1/unanswered?limit=100000", **AUTH), 400, "invalid_limit"),
    ("staff: a negative offset", get("/api/v1/requests?offset=-1", **AUTH), 400, "invalid_offset"),
    ("staff: top is not a number", get("/api/v1/lookup?q=refund&top=1;drop", **AUTH), 400, "invalid_top"),
    ("staff: traversal in the tenant", get("/api/v1/requests?tenant=../../etc", **AUTH), 404, "unknown_tenant"),
    ("staff: SQL in a filter", get("/api/v1/requests?kind=' or 1=1 --", **AUTH), 200, None),
    ("staff: an oversized reference", get("/api/v1/requests/" + "Q" * 700, **AUTH), 404, "unknown_request"),
    ("staff: traversal in a reference", get("/api/v1/requests/..%2f..%2fetc%2fpasswd", **AUTH), 404, None),
    # -- Slack ----------------------------------------------------------------------------------------
    ("slack: no signature", slack("/slack/commands", COMMAND, headers=lambda body: {}), 401, "invalid_signature"),
    (
        "slack: a forged signature",
        slack("/slack/commands", COMMAND, headers=lambda body: signed(body, secret="guess")),
        401,
        "invalid_signature",
    ),
    (
        "slack: a stale signature",
        slack("/slack/commands", COMMAND, headers=lambda body: signed(body, timestamp=int(time.time()) - 600)),
        401,
        "invalid_signature",
    ),
    (
        "slack: a timestamp that is not a number",
        slack("/slack/commands", COMMAND, headers=lambda body: {**signed(body), "X-Slack-Request-Timestamp": "soon"}),
        401,
        "invalid_signature",
    ),
    (
        "slack: a signature of another body",
        slack("/slack/commands", COMMAND, headers=lambda body: signed(body + b"&text=other")),
        401,
        "invalid_signature",
    ),
    ("slack: a body over 16 KB", slack("/slack/commands", {**COMMAND, "text": "a" * 20_000}), 413, None),
    (
        "slack: a signed event that is not JSON",
        slack("/slack/events", raw=b"{not json", content_type="application/json"),
        400,
        None,
    ),
    ("slack: a signed interaction without payload", slack("/slack/interactions", {"payload": "{"}), 400, None),
    # -- Mattermost -----------------------------------------------------------------------------------
    ("mattermost: no token", mattermost({"text": "hi", "team_domain": "exo-team"}), 401, None),
    ("mattermost: a wrong token", mattermost({"token": "guess", "text": "hi"}), 401, None),
    ("mattermost: a body over 16 KB", mattermost({"token": MATTERMOST, "text": "a" * 20_000}), 413, None),
    (
        "mattermost: a wrong webhook token",
        mattermost({"token": "x" * 26, "text": "faq hi", "trigger_word": "faq"}, "/mattermost/webhook"),
        401,
        None,
    ),
    # -- the widget's assets, the demo site and the staff page -----------------------------------------
    ("site: traversal to the project", get("/..%2fpyproject.toml"), 404, None),
    ("site: traversal through the demo", get("/demo/..%2f..%2fetc%2fpasswd"), 404, None),
    ("site: a script as tenant", get("/demo/" + SCRIPT), 404, None),
    ("site: an asset with NUL", get("/widget.js%00.html"), 404, None),
    ("site: an unlisted file", get("/templates"), 404, None),
]


@pytest.fixture(scope="module")
def app_client(bundle, tmp_path_factory):
    from assistant import Assistant
    from assistant.backoffice.store import open_store

    core = Assistant(bundle, open_store(tmp_path_factory.mktemp("hostile") / "assistant.db"))
    settings = Settings(
        staff_token=STAFF,
        slack_signing_secret=SECRET,
        mattermost_token=MATTERMOST,
        rate_limit="100000 per minute",
        default_tenant="exo",
    )
    return core, create_app(settings, assistant=core).test_client()


def counts(core) -> dict:
    return {name: core.store.count(name) for name in core.store.tables() if name != "slack_events"}


@pytest.mark.parametrize("case, send, status, code", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(app_client, case, send, status, code):
    core, client = app_client
    before = counts(core)
    response = send(client)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if response.status_code >= 400 and response.mimetype == "application/json":
        assert set(response.get_json()["error"]) == {"code", "message"}
        assert code is None or response.get_json()["error"]["code"] == code
    if not response.request.path.startswith(("/demo", "/..", "/widget", "/templates")):
        assert response.mimetype == "application/json"
    assert counts(core) == before, f"{case} stored something"


def test_there_are_at_least_fifty_cases():
    assert len(CASES) >= 50


def test_a_replayed_slack_signature_is_refused(app_client):
    core, client = app_client
    send = slack("/slack/commands", {**COMMAND, "text": "help"})
    body = urlencode({**COMMAND, "text": "help"}).encode()
    headers = signed(body)
    first = client.post("/slack/commands", data=body, content_type="application/x-www-form-urlencoded", headers=headers)
    again = client.post("/slack/commands", data=body, content_type="application/x-www-form-urlencoded", headers=headers)
    assert first.status_code == 200 and again.status_code == 401
    assert again.get_json()["error"]["code"] == "replayed_request"
    assert send(client).status_code in (200, 401)


def test_injection_in_a_message_is_stored_as_text_and_harms_nothing(app_client):
    core, client = app_client
    before = counts(core)
    for message in ("'; DROP TABLE requests; --", SCRIPT, "exo\x00conex", "{{7*7}} ${7*7}"):
        reply = client.post("/api/v1/chat", json={"tenant": "exo", "message": message}).get_json()
        assert reply["type"] in ("fallback", "smalltalk", "answer") and "49" not in reply["reply"]
    after = counts(core)
    assert after["turns"] == before["turns"] + 4 and after["requests"] == before["requests"]
    stored = [t["user"] for t in core.store.rows("turns", order_by="id")][-4:]
    assert stored[0] == "'; DROP TABLE requests; --" and stored[1] == SCRIPT


def test_markup_in_the_demo_and_staff_pages_is_escaped(app_client):
    _, client = app_client
    page = client.get("/demo/exo?lang=" + SCRIPT).get_data(as_text=True)
    assert SCRIPT not in page
    staff = client.get("/staff?q=" + SCRIPT).get_data(as_text=True)
    assert SCRIPT not in staff


def test_a_wrong_method_says_which_methods_are_allowed(app_client):
    _, client = app_client
    response = client.put("/api/v1/health")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
