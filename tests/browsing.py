"""What the browser tests share: Debian's Chromium driven by Playwright (it cannot download a browser
of its own here), screenshots, and a record of what a page reports as wrong — Content-Security-Policy
violations, console errors, uncaught exceptions. A missing browser is a failure, never a skip: `make
test` installs Chromium (.ci/apt) and Playwright (pip) first."""

import importlib.util
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).parent / "output"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Reports each violation of the page's policy to the test: a listener added before the page's own
# scripts run (Playwright's init scripts are not subject to the page's policy).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.reportViolation(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
                         " at " + e.sourceFile + ":" + e.lineNumber);
}, true);
"""


def require_chromium() -> None:
    """Fail the calling test module, saying what to install, when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"the browser tests need Chromium at {CHROMIUM}: run make test (it installs Debian's "
            "chromium), or apt-get install chromium",
            pytrace=False,
        )
    if importlib.util.find_spec("playwright") is None:
        pytest.fail(
            "the browser tests need Playwright: run make test (it installs it), or pip install -e '.[test]'",
            pytrace=False,
        )


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)


@contextmanager
def serving(app, server=None):
    """``app`` (a WSGI application) served on a free port of 127.0.0.1, in a thread; yields its
    origin. ``server``, when given, is one already bound (whose port had to be known in advance)."""
    server = server or make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def watched_page(context):
    """A new page of ``context`` whose ``problems`` list what it reports: the policy's violations,
    console errors and uncaught exceptions; ``dialogs``, the alerts it opened (dismissed)."""
    page = context.new_page()
    page.problems, page.dialogs = [], []
    page.expose_function("reportViolation", lambda text: page.problems.append(f"CSP: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"exception: {error}"))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"))


def open_widget(page, url):
    from playwright.sync_api import expect

    page.goto(url)
    page.locator(".asst-launcher").click()
    expect(page.locator(".asst-panel")).to_be_visible()
    expect(page.locator(".asst-input")).to_be_focused()


def ask(page, text):
    """Send ``text`` from the widget; returns its reply's message."""
    from playwright.sync_api import expect

    count = page.locator(".asst-msg.asst-bot").count()
    page.locator(".asst-input").fill(text)
    page.locator(".asst-send").click()
    expect(page.locator(".asst-msg.asst-bot")).to_have_count(count + 1, timeout=10000)
    return page.locator(".asst-msg.asst-bot").last


def sign_in(page, site):
    from playwright.sync_api import expect

    page.goto(f"{site}/staff")
    page.locator(".staff-token").fill("browser-token")
    page.locator(".staff-login").click()
    expect(page.locator("#app")).to_be_visible(timeout=10000)


def fill_the_back_office(served):
    """More unanswered groups and requests than a page holds, one contact request with its
    conversation, and a name typed as markup."""
    import random
    import string

    from assistant.backoffice.backends import Request

    if served.store.rows("requests", "key = ?", ["browser-0"]):  # filled by the test before
        return
    rng = random.Random(3)
    for n in range(57):
        words = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(3))
        served.backoffice.log_unanswered("exo" if n % 3 else "conex", "fr", f"{words} ?", [], "s" * 16)
    for n in range(55):
        name = "<img src=x onerror=alert(1)>" if n == 54 else f"Visiteur {n}"
        served.backoffice.submit(
            Request(
                "exo",
                "demo",
                {"name": name, "email": f"v{n}@exemple.dz", "company": "Sonatrach"},
                "s" * 16,
                "fr",
                f"browser-{n}",
            )
        )
    sid = served.reply("exo", None, "combien de temps dure l'essai ?").session_id
    served.reply("exo", sid, "je veux parler à quelqu'un")
