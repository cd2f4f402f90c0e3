"""The README's two screenshots, taken again: the widget answering on a demo page, and the staff page
showing a visitor's request with its conversation, both at a desktop's width (1280 px).

    .venv/bin/python docs/images/screenshots.py

It serves the application with `assistant serve` on a free port (a database of its own in a temporary
folder, a staff token of its own), fills the back office through the public API the way visitors
would, then drives Debian's Chromium with Playwright, as the browser tests do (tests/browsing.py).
The first run after a change to the knowledge or the code trains the models first: about a minute."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TOKEN = "screenshots-token"
WIDTH, HEIGHT = 1280, 800
STAFF_HEIGHT = 1250  # down to the request's conversation
# What visitors said before the screenshots: a quote carried to its end, a person asked for, questions
# the knowledge does not cover.
CONVERSATIONS = [
    ("exo", ["I'd like a quote", "Karim Benali, karim@example.dz, 40 users", "Sonatrach", "Enterprise Plus", "yes"]),
    ("exo", ["how long is the trial period?", "I'd like to talk to someone"]),
    ("exo", ["do you have an office in Algiers?"]),
    ("conex", ["est-ce que vous sponsorisez des hackathons ?"]),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def wait_for(base: str, server: subprocess.Popen) -> None:
    for _ in range(600):  # training the models on a first run takes about a minute
        if server.poll() is not None:
            sys.exit(f"assistant serve stopped ({server.returncode})")
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("assistant serve did not answer within 5 minutes")


def widget(browser, base: str) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{base}/demo/exo?lang=en")
    page.locator(".asst-launcher").click()
    page.locator(".asst-input").fill("how long are backups kept?")
    page.locator(".asst-send").click()
    expect(page.locator(".asst-reply .asst-suggestion").first).to_be_visible(timeout=15000)
    page.screenshot(path=str(HERE / "widget.png"))


def staff(browser, base: str) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": STAFF_HEIGHT})
    page.goto(f"{base}/staff")
    page.locator(".staff-token").fill(TOKEN)
    page.locator(".staff-login").click()
    expect(page.locator("#app")).to_be_visible(timeout=10000)
    page.locator("#tab-requests").click()
    row = page.locator("#view-requests tbody tr", has_text="contact")
    expect(row).to_be_visible(timeout=10000)
    row.locator("button").click()
    expect(page.locator("#request-detail")).to_contain_text("Conversation", timeout=10000)
    page.evaluate("window.scrollTo(0, 0)")  # opening the detail scrolls to it: show the tabs as well
    page.screenshot(path=str(HERE / "staff.png"))


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ASSISTANT_STAFF_TOKEN": TOKEN,
           "ASSISTANT_DB": str(Path(tempfile.mkdtemp(prefix="assistant-screenshots-")) / "assistant.db")}
    server = subprocess.Popen([str(Path(sys.executable).with_name("assistant")), "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base, server)
        for tenant, messages in CONVERSATIONS:
            session = None
            for message in messages:
                session = post(base, "/api/v1/chat", {"tenant": tenant, "message": message,
                                                      **({"session_id": session} if session else {})})["session_id"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            widget(browser, base)
            staff(browser, base)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"wrote {HERE / 'widget.png'} and {HERE / 'staff.png'}")


if __name__ == "__main__":
    main()
