"""The staff page's curation views in Chromium on the real curation API — Improve, Try and Edit, with
the drafts bar, publish, the versions and rollback — at a desktop's width and a phone's, never
scrolling sideways (screenshots in tests/output/); a change refused on one field and a publish
refused by the check are shown where they are about."""

import pytest
from browsing import require_chromium, serving, shot, sign_in, watched_page

require_chromium()

from playwright.sync_api import expect  # noqa: E402

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"
FALLBACKS = [  # eXo questions that fall back today, asked by visitors (their count: how many asked)
    ("mes sous sont rendus si je change d'avis ?", 3),
    ("do you keep my stuff if your server crashes", 2),
    ("vous facturez en dinars ?", 1),
]


@pytest.fixture
def served(bundle, tmp_path):
    """An assistant of its own for each test: its drafts, versions and unanswered questions."""
    from assistant import Assistant
    from assistant.backoffice.store import open_store

    return Assistant(bundle, open_store(tmp_path / "assistant.db"))


@pytest.fixture
def site(served):
    from assistant.channels import create_app
    from assistant.settings import Settings

    app = create_app(Settings(staff_token="browser-token", rate_limit="1000 per minute"), assistant=served)
    with serving(app) as url:
        yield url


@pytest.fixture
def curate(browser, site, served):
    """A signed-in staff page at a width, the tenant eXo chosen, visitors' fallbacks and a "not
    helpful" vote waiting under Improve."""
    for question, count in FALLBACKS:
        for _ in range(count):
            assert served.reply("exo", None, question).type == "fallback", question
    voted = served.reply("exo", None, "combien de temps dure l'essai ?")
    served.feedback(voted.session_id, False, "je voulais savoir si on peut la prolonger")
    contexts = []

    def open_at(width, tenant="exo"):
        context = browser.new_context(viewport={"width": width, "height": 900 if width > 800 else 844})
        contexts.append(context)
        page = watched_page(context)
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


WIDER = """() => [...document.querySelectorAll("#app *")]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className)"""


def fits(page):
    assert page.evaluate(NO_SIDEWAYS), f"the page scrolls sideways: {page.evaluate(WIDER)}"


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
    expect(cards).to_have_count(4, timeout=10000)
    expect(cards.first).to_contain_text("asked 3 times")
    expect(cards.first.locator(".candidate")).to_have_count(3)
    expect(page.locator(".improve-card", has_text="Not helpful")).to_contain_text("combien de temps dure l'essai")
    fits(page)
    shot(page, f"curate-{width}-improve")

    # "means this entry" — here one that is not among the three best: a phrasing draft, the group
    # leaves the list, the drafts bar counts it
    refunds = page.locator(".improve-card", has_text="mes sous sont rendus")
    refunds.locator(".improve-other").select_option("refund_policy")
    refunds.locator(".improve-other-add").click()
    expect(cards).to_have_count(3)
    expect(page.locator(".drafts-count")).to_contain_text("1 draft not yet published")
    expect(page.locator("#panel-improve > .status")).to_contain_text("phrasing of")
    # "ignore": gone too
    page.locator(".improve-card", has_text="dinars").locator(".improve-ignore").click()
    expect(cards).to_have_count(2)
    page.locator(".drafts-toggle").click()
    expect(page.locator("#drafts-list .change")).to_have_count(1)
    fits(page)
    shot(page, f"curate-{width}-improve-drafts")

    # "new entry": the Edit view's form, prefilled with the question; refused without a topic, said at the topic
    page.locator(".improve-card", has_text="server crashes").locator(".improve-new").click()
    expect(page.locator("#tab-edit")).to_have_attribute("aria-selected", "true")
    form = page.locator(".entry-form")
    expect(form.locator("#entry-question-en")).to_have_value("do you keep my stuff if your server crashes")
    form.locator("#entry-answer-en").fill("Yes: we back up every day and keep the backups {backup_retention}.")
    form.locator(".entry-save").click()
    expect(form.locator("#err-topic")).to_contain_text("'topic' must be one of")
    expect(form.locator("#entry-topic")).to_have_attribute("aria-invalid", "true")
    fits(page)
    shot(page, f"curate-{width}-edit-invalid")
    form.locator("#entry-topic").fill("backup")
    form.locator(".entry-save").click()
    expect(page.locator(".entry-status")).to_contain_text("added as draft")
    expect(page.locator(".drafts-count")).to_contain_text("2 drafts")
    expect(page.locator(".entry-form .missing-note")).to_contain_text("No French text yet")

    # an entry with facts, its languages side by side (stacked on a phone), marked when it lacks one
    page.locator("#entry-filter").select_option("missing")
    expect(page.locator(".entry-pick")).to_have_count(1)
    expect(page.locator(".entry-pick .pill-missing")).to_have_text("no FR")
    page.locator("#entry-filter").select_option("all")
    page.locator("#entry-search").fill("remboursement")
    page.locator(".entry-pick", has_text="politique de remboursement").click()
    expect(page.locator(".entry-facts")).to_contain_text("{refund_window}")
    expect(page.locator(".entry-facts")).to_contain_text("30 day")
    fr, en = page.locator(".entry-lang[lang=fr]").bounding_box(), page.locator(".entry-lang[lang=en]").bounding_box()
    assert (fr["y"] == en["y"]) if width > 900 else (en["y"] > fr["y"])
    fits(page)
    shot(page, f"curate-{width}-edit")

    # Try: the published version and the drafts, side by side (stacked on a phone)
    page.locator("#tab-try").click()
    page.locator("#try-message").fill("mes sous sont rendus si je change d'avis ?")
    page.locator(".try-run").click()
    expect(page.locator(".try-draft .decision")).to_have_text("answer", timeout=60000)
    expect(page.locator(".try-published .decision")).to_have_text("fallback")
    expect(page.locator(".try-published tbody tr")).to_have_count(5)
    expect(page.locator(".try-published .tokens li").first).to_be_visible()
    fits(page)
    shot(page, f"curate-{width}-try")

    # Publish: the button waits with the seconds passing, then the version is live
    page.locator(".drafts-publish").click()
    expect(page.locator(".drafts-publish")).to_be_disabled()
    expect(page.locator(".drafts-status")).to_contain_text("Published: version 1 is live", timeout=60000)
    expect(page.locator(".drafts-count")).to_contain_text("No drafts · version 1 is live")
    page.locator(".versions-toggle").click()
    expect(page.locator(".version")).to_have_count(2)
    page.locator(".version details summary").first.click()
    expect(page.locator(".version details").first).to_contain_text("Phrasing (FR)")
    fits(page)
    shot(page, f"curate-{width}-versions")
    page.locator(".version-rollback", has_text="version 0").click()
    expect(page.locator(".drafts-status")).to_contain_text("Rolled back to version 0", timeout=60000)
    expect(page.locator(".drafts-count")).to_contain_text("version 2 is live")
    assert unexpected(page, 400) == []


def test_a_publish_refused_by_the_check_names_the_entry_and_the_field(curate):
    page = curate(1280)
    page.locator("#tab-edit").click()
    page.locator("#entry-search").fill("refund_policy")
    page.locator(".entry-pick", has_text="refund_policy").click()
    page.locator("#entry-answer-fr").fill("Voir {unknown_fact}.")
    page.locator(".entry-save").click()
    expect(page.locator(".entry-status")).to_contain_text("Saved as draft")
    page.locator(".drafts-publish").click()
    expect(page.locator(".drafts-status")).to_contain_text("Nothing was published", timeout=60000)
    expect(page.locator(".drafts-problems")).to_contain_text("unknown_fact")
    shot(page, "curate-1280-publish-refused")
    page.locator(".drafts-problems button").first.click()
    expect(page.locator("#entry-title")).to_contain_text("Quelle est votre politique de remboursement")
    assert unexpected(page, 422) == []
