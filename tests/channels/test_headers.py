"""The browser's security headers: every kind of response carries them, pages run only the
application's own files (no inline script or style), staff responses are never stored or framed."""

from html.parser import HTMLParser

import pytest

from assistant.channels import create_app
from assistant.settings import Settings

TOKEN = "headers-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ORIGIN = "https://www.exo.example"
STAFF_API = [
    "/api/v1/lookup?q=refund",
    "/api/v1/requests",
    "/api/v1/requests/QUO-NOPE",
    "/api/v1/unanswered",
    "/api/v1/outbox",
    "/api/v1/ledger",
]
# Every kind of response: (method, path, request options, expected status).
RESPONSES = {
    "the index": ("GET", "/", {}, 200),
    "a demo page": ("GET", "/demo/exo?lang=en", {}, 200),
    "an asset": ("GET", "/widget.js", {}, 200),
    "the demo site's script": ("GET", "/site.js", {}, 200),
    "the staff page": ("GET", "/staff", {}, 200),
    "a staff API response": ("GET", "/api/v1/ledger", {"headers": AUTH}, 200),
    "a staff API refusal": ("GET", "/api/v1/outbox", {}, 401),
    "a public API response": ("POST", "/api/v1/chat", {"json": {"tenant": "exo", "message": "bonjour"}}, 200),
    "a public API response to another origin": (
        "POST",
        "/api/v1/chat",
        {"json": {"tenant": "exo", "message": "hello"}, "headers": {"Origin": ORIGIN}},
        200,
    ),
    "a CORS preflight": (
        "OPTIONS",
        "/api/v1/chat",
        {"headers": {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}},
        200,
    ),
    "the tenants": ("GET", "/api/v1/tenants", {}, 200),
    "the OpenAPI document": ("GET", "/api/v1/openapi.json", {}, 200),
    "a 404 JSON error": ("GET", "/api/v1/nowhere", {}, 404),
    "an unknown page": ("GET", "/demo/nobody", {}, 404),
    "a 405": ("POST", "/", {}, 405),
    "a 413": ("POST", "/api/v1/chat", {"data": "x" * 20000, "content_type": "application/json"}, 413),
}


@pytest.fixture(scope="module")
def client(bundle, tmp_path_factory):
    from assistant import Assistant
    from assistant.backoffice.store import open_store

    assistant = Assistant(bundle, open_store(tmp_path_factory.mktemp("headers") / "assistant.db"))
    settings = Settings(staff_token=TOKEN, allowed_origins={"exo": [ORIGIN]}, rate_limit="1000 per minute")
    return create_app(settings, assistant=assistant).test_client()


def fetch(client, method, path, options):
    return client.open(path, method=method, **options)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: sources}."""
    directives = [d.split() for d in response.headers["Content-Security-Policy"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_response_carries_the_security_headers(client, kind):
    method, path, options, status = RESPONSES[kind]
    response = fetch(client, method, path, options)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources for sources in csp.values())
    if response.mimetype == "text/html":
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    else:  # JSON, files, errors: nothing may run or load
        assert csp["default-src"] == ["'none'"]


def test_the_public_chat_still_answers_another_origin_it_allows(client):
    method, path, options, _ = RESPONSES["a public API response to another origin"]
    response = fetch(client, method, path, options)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/staff", *STAFF_API])
@pytest.mark.parametrize("token", [True, False], ids=["with the token", "without"])
def test_staff_responses_are_never_stored_nor_framed(client, path, token):
    response = client.get(path, headers=AUTH if token else {})
    assert response.status_code in ((200, 404) if token or path == "/staff" else (401,))
    assert response.headers["Cache-Control"] == "no-store"
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/demo/exo", "/api/v1/tenants", "/widget.js"])
def test_public_responses_may_be_cached(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' would block in a page: inline scripts, event-handler
    attributes, style attributes and elements, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


@pytest.mark.parametrize("path", ["/", "/demo/exo", "/demo/conex?lang=en", "/demo/solidxperts", "/staff"])
def test_pages_hold_no_inline_code(client, path):
    parser = InlineCode()
    parser.feed(client.get(path).get_data(as_text=True))
    assert parser.found == []
