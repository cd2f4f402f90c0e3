"""The widget and the demo pages in Chromium: each reply's labels in its own language, a calm log
(the vote row and the suggestions under the latest reply only), the demo pages' example questions,
sources shown by their title and linked only to a web address, and every state of the widget at a
desktop's and a phone's width in both languages (screenshots in tests/output/)."""

import json

import pytest
from browsing import ask, open_widget, require_chromium, shot, watched_page

require_chromium()

from playwright.sync_api import expect  # noqa: E402

QUESTIONS = {  # per language: an answer with sources and suggestions, another answer, a fallback, a form
    "fr": [
        "vous gardez les sauvegardes combien de temps ?",
        "combien de temps dure l'essai ?",
        "il va faire beau demain à Paris ?",
        "je voudrais un devis",
        "Karim Benali",
    ],
    "en": [
        "how long are backups kept?",
        "how long is the trial period?",
        "what's a good lasagna recipe?",
        "I'd like a quote",
        "Karim Benali",
    ],
}
CLARIFY = {  # a clarification, as the assistant words it (the models decide when one is asked)
    "fr": {
        "message": "payer",
        "lang": "fr",
        "type": "clarify",
        "reply": "Je veux être sûr de bien vous répondre. Parlez-vous de l'une de ces questions ? Comment payer un devis "
        "ou une facture en cours ? / Quels moyens de paiement acceptez-vous ?",
        "suggestions": ["Comment payer un devis ou une facture en cours ?", "Quels moyens de paiement acceptez-vous ?"],
    },
    "en": {
        "message": "pay",
        "lang": "en",
        "type": "clarify",
        "reply": "I want to make sure I answer the right question. Do you mean one of these? How do I pay a quote or an "
        "open invoice? / Which payment methods do you accept?",
        "suggestions": ["How do I pay a quote or an open invoice?", "Which payment methods do you accept?"],
    },
}


def canned(page, *replies):
    """The chat answers these replies (each to its "message") itself; other messages go to the assistant."""
    by_message = {r["message"]: r for r in replies}

    def handle(route):
        sent = json.loads(route.request.post_data or "{}")
        reply = by_message.get(sent.get("message"))
        if reply is None:
            return route.continue_()
        body = {
            "session_id": sent.get("session_id") or "",
            "intent": None,
            "confidence": 0.9,
            "action": None,
            "suggestions": [],
            "sources": [],
            **{k: v for k, v in reply.items() if k != "message"},
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/chat", handle)


def fits(page):
    """Nothing scrolls sideways: neither the page nor the widget's log."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    log = page.locator(".asst-log")
    if log.is_visible():
        assert log.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert log.evaluate("""e => [...e.querySelectorAll(".asst-sources")].every(s =>
            s.firstChild.getBoundingClientRect().right <= s.lastChild.getBoundingClientRect().left)""")  # label, titles


def test_the_labels_of_an_earlier_reply_keep_its_language(page, site):
    open_widget(page, f"{site}/demo/exo")
    ask(page, QUESTIONS["fr"][0])
    french = page.locator(".asst-reply").first
    expect(french.locator(".asst-src-label")).to_have_text("Source :")
    expect(ask(page, QUESTIONS["en"][1])).to_contain_text("30 days")
    english = page.locator(".asst-reply").last
    expect(english.locator(".asst-src-label")).to_have_text("Source:")
    expect(english.locator(".asst-ask")).to_have_text("Was this answer helpful?")
    expect(french.locator(".asst-src-label")).to_have_text("Source :")
    assert french.get_attribute("lang") == "fr" and english.get_attribute("lang") == "en"
    page.reload()
    page.locator(".asst-launcher").click()
    expect(page.locator(".asst-reply").first.locator(".asst-src-label")).to_have_text("Source :")
    expect(page.locator(".asst-reply").last.locator(".asst-src-label")).to_have_text("Source:")
    assert page.problems == []


def test_only_the_latest_reply_has_the_vote_row_and_the_suggestions(page, site):
    open_widget(page, f"{site}/demo/exo")
    ask(page, QUESTIONS["fr"][0])
    expect(page.locator(".asst-reply").last.locator(".asst-suggestion")).not_to_have_count(0)
    page.locator(".asst-helpful").click()
    expect(page.locator(".asst-thanks")).to_have_text("Merci pour votre retour !")
    ask(page, QUESTIONS["fr"][1])
    for _ in range(2):  # as the replies arrive, then drawn again after a reload
        latest = page.locator(".asst-reply").last
        expect(page.locator(".asst-fb")).to_have_count(1)
        expect(latest.locator(".asst-fb .asst-helpful")).to_have_count(1)
        expect(page.locator(".asst-suggestions")).to_have_count(1)
        expect(latest.locator(".asst-suggestion")).not_to_have_count(0)
        page.reload()
        page.locator(".asst-launcher").click()
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_demo_pages_example_question_asks_the_widget(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 860 if width > 800 else 844})
    page = watched_page(context)
    page.goto(f"{site}/demo/exo?lang=en")
    examples = page.locator("button[data-ask-assistant]")
    expect(examples).to_have_count(3)
    expect(examples.first).to_have_text("How long is the trial period?")
    examples.first.scroll_into_view_if_needed()
    shot(page, f"demo-examples-{width}")
    examples.first.click()
    expect(page.locator(".asst-panel")).to_be_visible()
    expect(page.locator(".asst-msg.asst-user").last).to_have_text("How long is the trial period?")
    expect(page.locator(".asst-msg.asst-bot").last).to_contain_text("30 days", timeout=10000)
    fits(page)
    shot(page, f"demo-example-asked-{width}")
    page.keyboard.press("Escape")
    examples.nth(1).focus()  # from the keyboard too
    page.keyboard.press("Enter")
    expect(page.locator(".asst-msg.asst-user").last).to_have_text(examples.nth(1).inner_text())
    expect(page.locator(".asst-msg.asst-bot")).to_have_count(2, timeout=10000)
    assert page.problems == []
    context.close()


def test_a_source_is_shown_by_its_title_and_linked_only_to_a_web_address(page, site):
    sources = [
        {
            "document": "000_73c03afdea15b033.txt",
            "section": "Hébergement",
            "question": "5. Sauvegardes ?",
            "title": "eXo Platform FAQ — Hosting — Q5",
            "url": "https://www.exoplatform.com/faq#hosting",
        },
        {
            "document": "001.txt",
            "section": "Règlement",
            "question": "3. Remboursement ?",
            "title": "eXo Platform FAQ — Policy — Q3",
            "url": "javascript:alert(1)",
        },
        {"document": "002.txt", "section": "Support", "question": "1. Le support ?"},  # before titles existed
    ]
    canned(
        page,
        {
            "message": "sauvegardes",
            "lang": "en",
            "type": "answer",
            "reply": "We back up every day.",
            "sources": sources,
        },
    )
    open_widget(page, f"{site}/demo/exo")
    ask(page, "sauvegardes")
    box = page.locator(".asst-sources").last
    expect(box.locator(".asst-src-label")).to_have_text("Sources:")
    link = box.locator("a")
    expect(link).to_have_count(1)
    expect(link).to_have_text("eXo Platform FAQ — Hosting — Q5")
    assert link.get_attribute("href") == "https://www.exoplatform.com/faq#hosting"
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    expect(box.locator(".asst-source").nth(1)).to_have_text("eXo Platform FAQ — Policy — Q3")
    expect(box.locator(".asst-source").nth(2)).to_have_text("002.txt — Support — 1. Le support ?")
    shot(page, "widget-sources-linked")
    assert page.problems == []


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_state_of_the_widget_fits_its_screen(browser, site, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 860 if width > 800 else 844})
    page = watched_page(context)
    canned(page, CLARIFY[lang])
    answer, _, fallback, form, name = QUESTIONS[lang]
    name_of = f"widget-{lang}-{width}"
    page.goto(f"{site}/demo/exo" + ("?lang=en" if lang == "en" else ""))
    expect(page.locator(".asst-launcher")).to_be_visible()
    fits(page)
    shot(page, f"{name_of}-1-closed")
    page.locator(".asst-launcher").click()
    fits(page)
    shot(page, f"{name_of}-2-open")
    ask(page, answer)
    expect(page.locator(".asst-reply").last.locator(".asst-suggestion")).not_to_have_count(0)
    page.locator(".asst-input").focus()
    page.keyboard.press("Shift+Tab")  # from the input to the last suggestion: its focus ring
    expect(page.locator(".asst-suggestion").last).to_be_focused()
    fits(page)
    shot(page, f"{name_of}-3-answer")
    page.locator(".asst-helpful").click()
    expect(page.locator(".asst-thanks")).to_be_visible()
    shot(page, f"{name_of}-4-voted")
    expect(ask(page, CLARIFY[lang]["message"])).to_contain_text(CLARIFY[lang]["suggestions"][0])
    fits(page)
    shot(page, f"{name_of}-5-clarify")
    ask(page, fallback)
    expect(page.locator(".asst-fb")).to_have_count(0)
    fits(page)
    shot(page, f"{name_of}-6-fallback")
    ask(page, form)
    ask(page, name)
    fits(page)
    shot(page, f"{name_of}-7-form")
    errors = page.locator(".asst-error").count()
    page.locator(".asst-input").fill("https://www.example.com/" + "a-very-long-word" * 130)
    page.locator(".asst-send").click()
    expect(page.locator(".asst-error")).to_have_count(errors + 1, timeout=10000)
    fits(page)
    shot(page, f"{name_of}-8-error")
    assert [p for p in page.problems if "status of 413" not in p] == []  # the refusal of the long message
    context.close()
