"""The staff page in Chromium with data in every table: the tables fit their box at a desktop's width
and the page never scrolls sideways on a phone, "Copy answer" stays where it is, and a source is
shown by its title, linked only to a web address (screenshots of every tab in tests/output/)."""

import json

import pytest
from browsing import fill_the_back_office, require_chromium, shot, sign_in, watched_page

require_chromium()

from playwright.sync_api import expect  # noqa: E402

TABS = {
    "unanswered": "#view-unanswered tbody tr",
    "requests": "#view-requests tbody tr",
    "outbox": "#view-outbox .mail",
    "ledger": "#view-ledger tbody tr",
}
LAST_COLUMN_INSIDE = """wrap => {
  const box = wrap.getBoundingClientRect(), last = wrap.querySelector("thead th:last-child").getBoundingClientRect();
  return wrap.scrollWidth <= wrap.clientWidth && last.right <= box.right + 0.5;
}"""


@pytest.fixture
def staff(browser, site, served):
    """A signed-in staff page at a width, with every list of the back office filled."""
    fill_the_back_office(served)
    contexts = []

    def open_at(width):
        context = browser.new_context(
            viewport={"width": width, "height": 860 if width > 800 else 844},
            permissions=["clipboard-read", "clipboard-write"],
        )
        contexts.append(context)
        page = watched_page(context)
        sign_in(page, site)
        return page

    yield open_at
    for context in contexts:
        context.close()


def show(page, view):
    page.locator(f"#tab-{view}").click()
    expect(page.locator(TABS[view]).first).to_be_visible(timeout=10000)


def look_up(page, query, lang="fr"):
    page.locator(".staff-lang").select_option(lang)
    page.locator(".staff-search").fill(query)
    expect(page.locator("#lookup-status")).to_contain_text(f"“{query}”", timeout=10000)
    expect(page.locator(".staff-result").first).to_be_visible()


def test_the_tables_fit_their_box_at_a_desktop_width(staff):
    page = staff(1280)
    for view in ("unanswered", "requests", "ledger"):
        show(page, view)
        assert page.locator(f"#view-{view} .table-wrap").evaluate(LAST_COLUMN_INSIDE), view
    show(page, "requests")
    page.locator("#view-requests tbody tr", has_text="contact").locator("button").click()
    expect(page.locator("#request-detail")).to_contain_text("Conversation (2 turns)")
    assert page.locator("#view-requests .table-wrap").evaluate(LAST_COLUMN_INSIDE)  # beside a request's detail
    shot(page, "staff-1280-requests-detail")
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_every_tab_of_the_staff_page_fits_its_screen(staff, width):
    page = staff(width)
    tabs = page.locator(".staff-tab")
    for n in range(tabs.count()):  # every tab in sight: the bar wraps rather than hiding some
        box = tabs.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for lang in ("fr", "en"):
        look_up(page, "remboursement" if lang == "fr" else "refund", lang)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"staff-{width}-lookup-{lang}")
    for view in TABS:
        show(page, view)
        if view == "outbox":
            page.locator("#view-outbox .mail summary").first.click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), view
        shot(page, f"staff-{width}-{view}")
    show(page, "requests")
    page.locator("#view-requests tbody tr", has_text="contact").locator("button").click()
    expect(page.locator("#request-detail")).to_contain_text("Conversation (2 turns)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"staff-{width}-request-detail")
    assert page.locator("#app img").count() == 0 and page.problems == []


def test_copy_answer_stays_in_place(staff):
    page = staff(1280)
    look_up(page, "remboursement")
    button, first = page.locator(".staff-copy").first, page.locator(".staff-result").first
    before = button.bounding_box(), first.bounding_box()
    button.click()
    expect(button).to_have_accessible_name("Copied ✓")
    assert (button.bounding_box(), first.bounding_box()) == before
    expect(page.locator("#copy-status")).to_contain_text("was copied")
    expect(button).to_have_accessible_name("Copy answer (FR)", timeout=5000)
    assert button.bounding_box() == before[0]
    assert page.problems == []


def test_a_lookup_source_is_shown_by_its_title_and_linked_only_to_a_web_address(staff):
    def row(id, source):
        return {
            "tenant": "exo",
            "id": id,
            "topic": "hosting",
            "score": 0.9,
            "source": source,
            "question": {"fr": "Sauvegardes ?", "en": "Backups?"},
            "answer": {"fr": "Chaque jour.", "en": "Daily."},
        }

    rows = [
        row(
            "backups",
            {
                "document": "000.txt",
                "section": "Hébergement",
                "question": "5.",
                "title": "eXo Platform FAQ — Hosting — Q5",
                "url": "https://www.exoplatform.com/faq",
            },
        ),
        row("policy", {"document": "001.txt", "title": "eXo Platform FAQ — Policy — Q3", "url": "javascript:alert(1)"}),
        row("support", {"document": "002.txt", "section": "Support", "question": "1. Le support ?"}),
    ]
    page = staff(1280)
    page.route(
        "**/api/v1/lookup?*",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(rows)),
    )
    look_up(page, "sauvegardes")
    sources = page.locator(".staff-result .source")
    expect(sources).to_have_count(3)
    link = sources.nth(0).locator("a")
    expect(link).to_have_text("eXo Platform FAQ — Hosting — Q5")
    assert link.get_attribute("href") == "https://www.exoplatform.com/faq"
    assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
    expect(sources.nth(1)).to_have_text("Source: eXo Platform FAQ — Policy — Q3")
    expect(sources.nth(1).locator("a")).to_have_count(0)
    expect(sources.nth(2)).to_have_text("Source: 002.txt — Support — 1. Le support ?")
    assert page.problems == page.dialogs == []
