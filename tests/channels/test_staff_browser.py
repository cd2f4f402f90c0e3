"""The staff page in Chromium with data in every table: the tables fit their box at a desktop's width
and the page never scrolls sideways on a phone, "Copy answer" stays where it is, and a source is
shown by its title, linked only to a web address; the Stats tab's charts and tables fit a laptop and a
phone, and its CSV is downloaded with the token (screenshots of every tab in tests/output/)."""

import json
import re

import pytest
from browsing import OUTPUT, fill_the_back_office, require_chromium, shot, sign_in, watched_page

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


# -- the Stats tab ------------------------------------------------------------------------------------

POPULAR = ["backup_policy", "trial_length", "refund_policy", "exact_price", "support_levels", "server_location"]
MISSING = {
    "Avez-vous une application mobile ?": 6,
    "Do you integrate with SAP?": 4,
    "Quel est le délai de réponse ?": 2,
}


def fill_the_stats(served):
    """Thirty days of conversations for exo and conex, stamped day by day as the store stamps them
    (French mostly, some days busier), votes and requests among them, and unanswered questions of today."""
    import random
    from datetime import UTC, datetime, timedelta

    from assistant.backoffice.store import to_json

    store = served.store
    if store.rows("turns", "session_id like 'stats-%'"):
        return
    rng, today = random.Random(27), datetime.now(UTC).date()
    kinds = ["answer"] * 12 + ["clarify", "clarify", "fallback", "fallback", "fallback", "smalltalk", "form"]
    for back in range(30):
        day = (today - timedelta(days=back)).isoformat()
        for n in range(rng.randint(1, 9) + (6 if back % 7 in (1, 2) else 0)):
            tenant, session = ("exo" if n % 4 else "conex"), f"stats-{back}-{n}"
            lang = "en" if rng.random() < 0.3 else "fr"
            for k in range(rng.randint(1, 4)):
                kind = rng.choice(kinds)
                intent = f"exo.{rng.choice(POPULAR)}" if kind == "answer" and tenant == "exo" else None
                store.insert(
                    "turns",
                    {
                        "session_id": session,
                        "tenant": tenant,
                        "at": f"{day}T{9 + k:02d}:15:00+00:00",
                        "lang": lang,
                        "user": "…",
                        "assistant": "…",
                        "type": kind,
                        "intent": intent,
                    },
                )
            if rng.random() < 0.4:
                store.insert(
                    "feedback",
                    {
                        "session_id": session,
                        "tenant": tenant,
                        "helpful": int(rng.random() < 0.75),
                        "comment": "",
                        "message": "…",
                        "created": f"{day}T18:00:00+00:00",
                    },
                )
        if back % 3 == 0:
            kind = rng.choice(["quote", "demo", "grace_call", "contact"])
            store.insert(
                "requests",
                {
                    "reference": f"STAT-{back}",
                    "key": f"stats-{back}",
                    "tenant": "exo",
                    "kind": kind,
                    "status": "submitted",
                    "payload": to_json({"name": f"Client {back}"}),
                    "session_id": f"stats-{back}-0",
                    "lang": "fr",
                    "created": f"{day}T11:00:00+00:00",
                },
            )
    for question, times in MISSING.items():
        for _ in range(times):
            served.backoffice.log_unanswered("exo", "en" if question.startswith("Do") else "fr", question, [], "s" * 16)


def whole_page_shot(page, name: str) -> None:
    """The whole page, below the fold too: the Stats tab is longer than a screen."""
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def open_stats(page, tenant="exo"):
    page.locator(".staff-tenant").select_option(tenant)
    page.locator("#tab-stats").click()
    expect(page.locator("#view-stats svg.chart").first).to_be_visible(timeout=10000)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_stats_tab_shows_thirty_days_in_charts_and_tables_that_fit_the_screen(staff, served, width):
    fill_the_stats(served)
    page = staff(width)
    open_stats(page)
    expect(page.locator("#panel-stats .status")).to_contain_text("eXo Platform,")
    columns = page.locator("#view-stats svg.chart").first.locator("g.chart-column")
    expect(columns).to_have_count(30)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    label = page.locator("#view-stats svg.chart").first.get_attribute("aria-label")
    assert label.startswith("Messages per day, by how they were answered: answered ")
    expect(page.locator(".stats-figure", has_text="Conversations")).to_be_visible()
    expect(page.locator("#view-stats table", has_text="Avez-vous une application mobile ?")).to_be_visible()
    whole_page_shot(page, f"staff-{width}-stats")
    page.locator(".stats-numbers summary").click()
    expect(page.locator(".stats-numbers tbody tr")).to_have_count(30)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#stats-by").select_option("week")
    expect(page.locator("#panel-stats .status")).to_contain_text("a row a week")
    assert page.locator("#view-stats svg.chart").first.locator("g.chart-column").count() in (5, 6)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    whole_page_shot(page, f"staff-{width}-stats-weeks")
    assert page.locator("#app img").count() == 0 and page.problems == []


def test_the_stats_csv_is_downloaded_with_the_token_and_a_bad_range_is_said_in_words(staff, served):
    fill_the_stats(served)
    page = staff(1280)
    open_stats(page)
    with page.expect_download() as started:
        page.locator(".staff-stats-csv[data-table='periods']").click()
    download = started.value
    text = open(download.path(), encoding="utf-8-sig").read()
    assert download.suggested_filename.startswith("stats-exo-") and download.suggested_filename.endswith("-periods.csv")
    assert text.startswith('"start","end","conversations","messages"') and len(text.splitlines()) == 31
    expect(page.locator("#panel-stats .status")).to_contain_text("downloaded")
    to = page.locator("#stats-to").input_value()
    page.locator("#stats-from").fill("2026-01-01")
    page.locator("#stats-to").fill("2025-12-01")
    page.locator("#stats-form button[type=submit]").click()
    refused = page.locator("#panel-stats .status.status-error")
    expect(refused).to_have_text(re.compile(r"^'to' must not be before 'from'\. The numbers below are still those of "))
    page.locator("#stats-to").fill(to)
    page.locator("#stats-from").fill(to)
    page.locator("#stats-form button[type=submit]").click()
    expect(page.locator("#view-stats svg.chart").first.locator("g.chart-column")).to_have_count(1)
    expect(page.locator("#panel-stats .status")).not_to_have_class(re.compile("status-error"))
    assert [p for p in page.problems if "status of 400" not in p] == []  # the refused range's, in the console
