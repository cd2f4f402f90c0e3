"""The widget in a real browser: Playwright driving Debian's Chromium (headless) against the
demo site served on 127.0.0.1, under the application's own Content-Security-Policy. A missing
browser is a failure, never a skip (`make test` installs it)."""

import re

import pytest
from browsing import ask, fill_the_back_office, open_widget, require_chromium, shot, sign_in, watched_page

require_chromium()

from playwright.sync_api import expect  # noqa: E402


def test_a_missing_browser_fails_the_browser_tests_and_says_what_to_install(monkeypatch):
    import browsing

    monkeypatch.setattr(browsing, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        browsing.require_chromium()


def test_a_french_question_gets_a_french_answer_with_its_source(page, site):
    open_widget(page, f"{site}/demo/exo")
    answer = ask(page, "vous gardez les sauvegardes combien de temps ?")
    expect(answer).to_contain_text("7 jours")
    sources = page.locator(".asst-sources").last
    expect(sources).to_contain_text("FAQ d'eXo Platform — Hébergement")
    expect(sources).not_to_contain_text("000_73c03afdea15b033.txt")  # the file is for machines, not people
    shot(page, "exo-fr-answer")
    assert page.problems == []


def test_an_english_question_gets_an_english_answer(page, site):
    open_widget(page, f"{site}/demo/conex?lang=en")
    expect(ask(page, "is your code open source?")).to_contain_text("proprietary")
    shot(page, "conex-en-answer")
    assert page.problems == []


def test_a_demo_request_is_completed_and_the_conversation_survives_a_reload(page, site):
    open_widget(page, f"{site}/demo/exo")
    ask(page, "je voudrais une démo")
    ask(page, "Karim Benali, karim@exemple.dz")
    expect(ask(page, "Sonatrach")).to_contain_text("Est-ce que tout est correct")
    count = page.locator(".asst-msg.asst-bot").count()
    page.locator(".asst-suggestion", has_text="Oui").click()
    expect(page.locator(".asst-msg.asst-bot")).to_have_count(count + 1, timeout=10000)
    expect(page.locator(".asst-msg.asst-bot").last).to_contain_text("DEM-")
    shot(page, "exo-demo-done")
    messages = page.locator(".asst-msg").count()
    page.reload()
    page.locator(".asst-launcher").click()
    expect(page.locator(".asst-msg")).to_have_count(messages)
    expect(page.locator(".asst-msg.asst-bot").last).to_contain_text("DEM-")
    assert page.problems == []


def test_markup_typed_by_a_visitor_is_shown_as_text_and_runs_nothing(page, site):
    open_widget(page, f"{site}/demo/exo")
    ask(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(".asst-msg.asst-user").last).to_have_text("<img src=x onerror=alert(1)>")
    assert page.locator(".asst-panel img").count() == 0
    assert page.dialogs == []
    shot(page, "exo-markup-as-text")


def test_escape_closes_the_panel_and_focus_returns_to_the_launcher(page, site):
    open_widget(page, f"{site}/demo/exo")
    page.keyboard.press("Escape")
    expect(page.locator(".asst-panel")).to_be_hidden()
    expect(page.locator(".asst-launcher")).to_be_focused()


def test_the_panel_fills_a_narrow_screen(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    open_widget(page, f"{site}/demo/innovaphone?lang=en")
    box = page.locator(".asst-panel").bounding_box()
    assert box["width"] >= 370
    shot(page, "innovaphone-mobile")
    context.close()


def test_the_staff_page_searches_as_you_type(page, site):
    page.goto(f"{site}/staff")
    page.locator(".staff-token").fill("browser-token")
    page.locator(".staff-login").click()
    page.locator(".staff-search").fill("remboursement")
    expect(page.locator(".staff-result").first).to_be_visible(timeout=10000)
    shot(page, "staff-lookup")
    page.locator("#tab-ledger").click()
    expect(page.locator("#panel-ledger")).to_contain_text("SX-1005", timeout=10000)
    expect(page.locator("#panel-ledger tbody tr")).to_have_count(5)
    shot(page, "staff-ledger")
    for view in ("unanswered", "requests", "outbox"):
        page.locator(f"#tab-{view}").click()
        expect(page.locator(f"#panel-{view} .status")).not_to_have_text(re.compile(r"^(Loading…)?$"), timeout=10000)
    assert page.problems == []


def test_the_staff_page_lists_only_the_entries_that_match(page, site):
    page.goto(f"{site}/staff")
    page.locator(".staff-token").fill("browser-token")
    page.locator(".staff-login").click()
    page.locator(".staff-search").fill("refund")
    expect(page.locator("#lookup-status")).to_have_text("3 results for “refund”.", timeout=10000)
    expect(page.locator(".staff-result")).to_have_count(3)
    page.locator(".staff-search").fill("weather in paris")
    expect(page.locator("#lookup-status")).to_have_text("No answer matches “weather in paris”.", timeout=10000)
    expect(page.locator(".staff-result")).to_have_count(0)
    shot(page, "staff-lookup-no-match")
    assert page.problems == []


def test_the_index_page_runs_under_its_own_policy(page, site):
    page.goto(site)
    expect(page.locator(".tenant-card")).to_have_count(5)
    page.wait_for_load_state("networkidle")
    assert page.problems == []


@pytest.mark.parametrize(
    "lang, question, expected",
    [
        ("fr", "vous gardez les sauvegardes combien de temps ?", "7 jours"),
        ("en", "how long are backups kept?", "7 days"),
    ],
)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_pages_buttons_open_the_widget_under_the_pages_policy(browser, site, lang, question, expected, width):
    context = browser.new_context(viewport={"width": width, "height": 860 if width > 800 else 844})
    page = watched_page(context)
    page.goto(f"{site}/demo/exo" + ("?lang=en" if lang == "en" else ""))
    expect(page.locator(".asst-launcher")).to_be_attached()
    buttons = page.locator("[data-open-assistant]")
    buttons.first.click()  # the demo's own script, site.js, opens the widget
    expect(page.locator(".asst-panel")).to_be_visible()
    expect(page.locator(".asst-input")).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    buttons.last.dispatch_event("click")  # the widget open, a button gives its input the focus
    expect(page.locator(".asst-input")).to_be_focused()
    expect(ask(page, question)).to_contain_text(expected)
    shot(page, f"demo-exo-{lang}-{width}")
    assert page.problems == []
    context.close()


def test_the_staff_lists_show_a_page_then_more(page, site, served):
    fill_the_back_office(served)
    groups, requests = (served.store.count(table) for table in ("unanswered_groups", "requests"))
    sign_in(page, site)
    page.locator("#tab-unanswered").click()
    rows = page.locator("#view-unanswered tbody tr")
    expect(rows).to_have_count(50, timeout=10000)
    more = page.locator("#panel-unanswered .staff-more")
    expect(more).to_have_text("More groups")
    expect(page.locator("#panel-unanswered .status")).to_have_text("50 groups shown; more below.")
    shot(page, "staff-unanswered-1280")
    more.scroll_into_view_if_needed()
    shot(page, "staff-unanswered-1280-more")
    more.click()
    expect(rows).to_have_count(groups)
    expect(more).to_have_count(0)
    expect(page.locator("#panel-unanswered .status")).to_have_text(f"{groups} groups.")

    page.locator("#tab-requests").click()
    rows = page.locator("#view-requests tbody tr")
    expect(rows).to_have_count(50, timeout=10000)
    expect(page.locator("#view-requests tbody")).to_contain_text("<img src=x onerror=alert(1)>")
    shot(page, "staff-requests-1280")
    page.locator("#panel-requests .staff-more").scroll_into_view_if_needed()
    shot(page, "staff-requests-1280-more")
    page.locator("#panel-requests .staff-more").click()
    expect(rows).to_have_count(requests)
    page.locator("#view-requests tbody tr", has_text="contact").locator("button").click()
    detail = page.locator("#request-detail")
    expect(detail).to_contain_text("Conversation (2 turns)")
    expect(detail).to_contain_text("combien de temps dure l'essai ?")
    shot(page, "staff-request-detail-1280")
    assert page.locator("#app img").count() == 0 and page.dialogs == [] and page.problems == []


def test_the_staff_lists_work_on_a_phone(browser, site, served):
    fill_the_back_office(served)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = watched_page(context)
    sign_in(page, site)
    page.locator("#tab-unanswered").click()
    expect(page.locator("#view-unanswered tbody tr")).to_have_count(50, timeout=10000)
    shot(page, "staff-unanswered-390")
    page.locator("#tab-requests").click()
    expect(page.locator("#view-requests tbody tr")).to_have_count(50, timeout=10000)
    shot(page, "staff-requests-390")
    more = page.locator("#panel-requests .staff-more")
    more.scroll_into_view_if_needed()
    expect(more).to_be_visible()
    shot(page, "staff-requests-390-more")
    page.locator("#view-requests tbody tr", has_text="contact").locator("button").click()
    expect(page.locator("#request-detail")).to_contain_text("Conversation (2 turns)")
    shot(page, "staff-request-detail-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # tables scroll in their frames, not the page
    assert page.problems == []
    context.close()
