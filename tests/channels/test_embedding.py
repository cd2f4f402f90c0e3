"""The widget embedded on a vendor's page of another origin whose Content-Security-Policy is strict:
it allows only what docs/channels.md ("Embedding it on a vendor's site") tells a vendor to add —
the assistant's origin in script-src, style-src and connect-src — and the widget still answers, in
French and in English, with no violation of that policy and no error in the console."""

import html

import pytest
from browsing import require_chromium, serving, shot, watched_page
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from assistant.channels import create_app
from assistant.settings import Settings

require_chromium()

from playwright.sync_api import expect  # noqa: E402

# The vendor's own policy: its page runs nothing inline and loads nothing from elsewhere, plus the
# three additions docs/channels.md documents for the assistant at ASSISTANT. Trusted Types as well: the
# widget never writes markup into the page.
VENDOR_POLICY = (
    "default-src 'none'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; "
    "script-src 'self' {assistant}; style-src 'self' {assistant}; connect-src 'self' {assistant}"
)
VENDOR_CSS = """body { margin: 0; font: 17px/1.6 Georgia, serif; color: #222; background: #fbf8f2; }
header { padding: 18px 6vw; background: #6b2d1f; color: #fff; font-weight: bold; letter-spacing: .04em; }
main { padding: 40px 6vw; max-width: 46em; }
h1 { font-size: 2rem; margin: 0 0 .5em; }
"""
COPY = {
    "fr": (
        "Ateliers Dubois — logiciels de gestion",
        "Nos licences, notre support, nos tarifs",
        "Une question sur l'achat ? L'assistant, en bas à droite, vous répond.",
    ),
    "en": (
        "Dubois Workshop — business software",
        "Our licences, our support, our prices",
        "A question about buying? The assistant, at the bottom right, answers.",
    ),
}
QUESTIONS = {
    "fr": ("vous gardez les sauvegardes combien de temps ?", "7 jours"),
    "en": ("how long are backups kept?", "7 days"),
}


def vendor_site(assistant_origin: str):
    """The vendor's site: one page (?lang=fr|en) embedding the widget with the documented tag, its
    stylesheet, and an empty favicon."""
    policy = VENDOR_POLICY.format(assistant=assistant_origin)

    @Request.application
    def app(request):
        if request.path == "/vendor.css":
            return Response(VENDOR_CSS, mimetype="text/css")
        if request.path != "/":
            return Response(status=204)  # the browser's favicon
        lang = "en" if request.args.get("lang") == "en" else "fr"
        brand, title, text = (html.escape(part) for part in COPY[lang])
        page = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{brand}</title>'
            f'<link rel="stylesheet" href="/vendor.css"></head><body><header>{brand}</header>'
            f"<main><h1>{title}</h1><p>{text}</p></main>"
            f'<script src="{assistant_origin}/widget.js" data-tenant="exo" data-lang="{lang}" async></script>'
            f"</body></html>"
        )
        return Response(page, mimetype="text/html", headers={"Content-Security-Policy": policy})

    return app


@pytest.fixture(scope="module")
def vendor(bundle, tmp_path_factory):
    """The vendor's origin, and the assistant's on another port, which allows the vendor's origin."""
    from assistant import Assistant
    from assistant.backoffice.store import open_store

    vendor_server = make_server("127.0.0.1", 0, None, threaded=True)  # its port first: the assistant allows it
    vendor_origin = f"http://127.0.0.1:{vendor_server.server_port}"
    assistant = Assistant(bundle, open_store(tmp_path_factory.mktemp("embedding") / "assistant.db"))
    settings = Settings(
        staff_token="embedding-token", rate_limit="1000 per minute", allowed_origins={"exo": [vendor_origin]}
    )
    with serving(create_app(settings, assistant=assistant)) as assistant_origin:
        vendor_server.app = vendor_site(assistant_origin)
        with serving(None, vendor_server) as origin:
            yield origin


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_widget_answers_on_a_vendor_page_with_a_strict_policy(browser, vendor, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 860 if width > 800 else 844})
    page = watched_page(context)
    response = page.goto(f"{vendor}/?lang={lang}")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.locator(".asst-launcher").click()
    expect(page.locator(".asst-panel")).to_be_visible()
    expect(page.locator(".asst-title")).to_contain_text("eXo Platform")  # the vendor's name, from the API
    question, expected = QUESTIONS[lang]
    page.locator(".asst-input").fill(question)
    page.locator(".asst-send").click()
    answer = page.locator(".asst-msg.asst-bot")
    expect(answer).to_have_count(1, timeout=10000)
    expect(answer).to_contain_text(expected)
    expect(page.locator(".asst-launcher")).to_have_css("border-radius", "50%")  # widget.css applied
    shot(page, f"vendor-strict-csp-{lang}-{width}")
    assert page.problems == []
    context.close()
