"""The staff page's curation views in Chromium — Improve, Try and Edit, with the drafts bar — at a
desktop's width and a phone's, never scrolling sideways (screenshots in tests/output/). The curation
API is the in-memory stand-in of tests/curation_fake.py, over the real knowledge and matcher, so that
a refused change and a refused publish are shown too; tests/test_curation_end_to_end.py runs the real one."""

import pytest
from browsing import require_chromium, shot, sign_in, watched_page
from curation_fake import FakeCuration

require_chromium()

from playwright.sync_api import expect  # noqa: E402

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def curate(browser, site, served):
    """A signed-in staff page at a width, its curation API the stand-in, the tenant eXo chosen."""
    contexts = []

    def open_at(width, tenant="exo"):
        context = browser.new_context(viewport={"width": width, "height": 900 if width > 800 else 844})
        contexts.append(context)
        page = watched_page(context)
        page.fake = FakeCuration(served)
        page.fake.route(page)
        sign_in(page, site)
        if tenant:
            page.locator("#tenant").select_option(tenant)
        return page

    yield open_at
    for context in contexts:
        context.close()


def unexpected(page, *statuses):
    """What the page reported as wrong, but for the refusals the test asked for (the browser logs each)."""
    return [p for p in page.problems if not any(f"status of {s} " in p for s in statuses)]


def fits(page):
    assert page.evaluate(NO_SIDEWAYS), "the page scrolls sideways"


def test_curation_needs_one_tenant(curate):
    page = curate(1280, tenant=None)
    for view in ("improve", "try", "edit"):
        page.locator(f"#tab-{view}").click()
        expect(page.locator(f"#panel-{view} .needs-tenant")).to_be_visible()
        expect(page.locator("#drafts")).to_be_hidden()
    page.locator("#tenant").select_option("exo")
    expect(page.locator("#panel-edit .needs-tenant")).to_be_hidden()
    expect(page.locator(".entry-pick").first).to_be_visible()
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_improve_try_and_edit_fit_their_screen(curate, width):
    page = curate(width)
    page.locator("#tab-improve").click()
    cards = page.locator(".improve-card")
    expect(cards).to_have_count(3)
    expect(cards.first.locator(".candidate")).to_have_count(3)
    fits(page)
    shot(page, f"curate-{width}-improve")

    # "means this entry": a phrasing draft, the group leaves the list, the drafts bar counts it
    cards.first.locator(".improve-means").first.click()
    expect(cards).to_have_count(2)
    expect(page.locator(".drafts-count")).to_contain_text("1 draft not yet published")
    expect(page.locator("#panel-improve > .status")).to_contain_text("phrasing of")
    assert page.fake.drafts[0]["kind"] == "phrasing" and page.fake.drafts[0]["unanswered"] == [1]
    # "ignore": gone too
    cards.first.locator(".improve-ignore").click()
    expect(cards).to_have_count(1)
    # a vote does not say its language: staff choose it
    expect(cards.first.locator("select")).to_be_visible()
    page.locator(".drafts-toggle").click()
    expect(page.locator("#drafts-list .change")).to_have_count(1)
    fits(page)
    shot(page, f"curate-{width}-improve-drafts")

    # "new entry": the Edit view's form, prefilled with the question
    cards.first.locator(".improve-new").click()
    expect(page.locator("#tab-edit")).to_have_attribute("aria-selected", "true")
    form = page.locator(".entry-form")
    expect(form.locator("#entry-question-fr")).to_have_value("combien de temps dure l'essai gratuit")
    form.locator("#entry-answer-fr").fill("L'essai dure {trial_duration} et peut être prolongé sur demande.")
    form.locator(".entry-save").click()  # no topic: refused, and said next to the topic
    expect(form.locator("#err-topic")).to_contain_text("topic")
    expect(form.locator("#entry-topic")).to_have_attribute("aria-invalid", "true")
    fits(page)
    shot(page, f"curate-{width}-edit-invalid")
    form.locator("#entry-topic").fill("trial")
    form.locator(".entry-save").click()
    expect(page.locator(".entry-status")).to_contain_text("as draft")
    assert page.fake.drafts[-1]["feedback"] == [7]
    expect(page.locator(".drafts-count")).to_contain_text("2 drafts")

    # an entry with facts, its languages side by side (stacked on a phone)
    page.locator("#entry-search").fill("remboursement")
    page.locator(".entry-pick", has_text="remboursement").first.click()
    expect(page.locator(".entry-facts")).to_contain_text("{refund_window}")
    expect(page.locator(".entry-facts")).to_contain_text("30 day")
    fr, en = page.locator(".entry-lang[lang=fr]").bounding_box(), page.locator(".entry-lang[lang=en]").bounding_box()
    assert (fr["y"] == en["y"]) if width > 900 else (en["y"] > fr["y"])
    fits(page)
    shot(page, f"curate-{width}-edit")

    # Try: the published version and the drafts, side by side (stacked on a phone)
    page.locator("#tab-try").click()
    page.locator(".drafts-toggle").click()
    page.locator("#try-message").fill("vous remboursez si ça ne me plaît pas ?")
    page.locator(".try-run").click()
    expect(page.locator(".try-column")).to_have_count(2)
    expect(page.locator(".try-published tbody tr")).to_have_count(5)
    expect(page.locator(".try-published .tokens li").first).to_be_visible()
    fits(page)
    shot(page, f"curate-{width}-try")

    # Publish: progress, then the version
    page.fake.hold = True
    page.locator(".drafts-publish").click()
    expect(page.locator(".publishing")).to_contain_text("Publishing… 1 s", timeout=3000)
    expect(page.locator(".drafts-publish")).to_be_disabled()
    fits(page)
    shot(page, f"curate-{width}-publishing")
    page.fake.hold = False
    page.fake.release()
    expect(page.locator(".drafts-status")).to_contain_text("version 1 is live", timeout=15000)
    expect(page.locator(".drafts-count")).to_contain_text("No drafts · version 1 is live")
    page.locator(".versions-toggle").click()
    expect(page.locator(".version")).to_have_count(2)
    fits(page)
    shot(page, f"curate-{width}-versions")
    page.locator(".version-rollback").click()
    expect(page.locator(".drafts-status")).to_contain_text("Rolled back to version 0", timeout=15000)
    expect(page.locator(".drafts-count")).to_contain_text("version 2 is live")
    assert unexpected(page, 400) == []


def test_a_publish_refused_by_the_check_names_the_entry_and_the_field(curate):
    page = curate(1280)
    page.locator("#tab-edit").click()
    page.locator(".entry-pick").first.click()
    page.locator("#entry-answer-fr").fill("Voir {unknown_fact}.")
    page.locator(".entry-save").click()
    expect(page.locator(".entry-status")).to_contain_text("Saved as draft")
    page.locator(".drafts-publish").click()
    expect(page.locator(".drafts-status")).to_contain_text("Nothing was published: 1 problem", timeout=15000)
    expect(page.locator(".drafts-problems")).to_contain_text("is not a fact of the tenant")
    page.locator(".drafts-problems button").click()
    expect(page.locator("#entry-answer-fr")).to_have_attribute("aria-invalid", "true")
    shot(page, "curate-1280-publish-refused")
    assert unexpected(page, 422) == []
