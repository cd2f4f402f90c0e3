import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from assistant import Assistant

# Every test process writes to its own database, never to the project's.
os.environ.setdefault("ASSISTANT_DB", str(Path(tempfile.mkdtemp(prefix="assistant-tests-")) / "assistant.db"))


@pytest.fixture(scope="session")
def assistant():
    """The assistant on the project's own knowledge (built once, then read from the cache)."""
    return Assistant.load()


@pytest.fixture
def ask(assistant):
    """One message in a fresh conversation, as a dict of the reply contract."""

    def ask(tenant, message, lang=None, session=None):
        return assistant.reply(tenant, session, message, lang=lang).to_dict()

    return ask


@pytest.fixture(scope="session")
def bundle(assistant):
    """The knowledge, intents and trained models, shared by assistants with their own databases."""
    from assistant import bundle as models
    from assistant.paths import data_dir, project_root

    return models.load_bundle(project_root(), data_dir(project_root()) / "cache")


class Clock:
    """A clock tests move by hand."""

    def __init__(self, day):
        self.now = day

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    from datetime import date

    return Clock(date(2026, 11, 22))


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole run (CI installs Debian's; elsewhere the tests on
    PostgreSQL are skipped when it is missing)."""
    from assistant.cluster import postgres
    from assistant.cluster.ports import free_port

    if not postgres.available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing: make test installs Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (Debian's postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="assistant-postgres-"))
    server = postgres.Postgres(folder, free_port(), durable=False).start()
    yield server
    server.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Where a test's empty database is, on each backend: an SQLite file, or a schema of its own on
    the test PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "assistant.db"
    return request.getfixturevalue("postgres_server").schema_url(f"test_{uuid.uuid4().hex[:16]}")


@pytest.fixture
def open_database(database):
    """Opens the test's database (as often as the test wants: several processes' view of one), and
    closes every store it opened afterwards (a PostgreSQL store holds a pool of connections)."""
    from assistant.backoffice.store import open_store

    opened = []

    def open_database():
        opened.append(open_store(database))
        return opened[-1]

    yield open_database
    for store in opened:
        store.close()


@pytest.fixture
def fresh(bundle, open_database, clock):
    """An assistant with an empty database of its own (on each backend) and a clock the test controls."""
    return Assistant(bundle, open_database(), clock)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the browser tests (which check first that it is installed)."""
    from browsing import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def converse(fresh):
    """Send messages in one conversation; returns the list of replies as dicts. ``{code}`` in a
    message is the one-time code last emailed for the conversation (as the scenarios type it)."""
    from assistant.nlu.scenarios import typed

    def converse(tenant, *messages, session=None, assistant=None):
        replies, assistant = [], assistant or fresh
        for message in messages:
            reply = assistant.reply(tenant, session, typed(message, assistant, session)).to_dict()
            session = reply["session_id"]
            replies.append(reply)
        return replies

    return converse


@pytest.fixture(scope="module")
def served(bundle, tmp_path_factory):
    """The assistant behind the browser tests' site, with a database of its own (per test module)."""
    from assistant.backoffice.store import open_store

    return Assistant(bundle, open_store(tmp_path_factory.mktemp("browser") / "assistant.db"))


@pytest.fixture(scope="module")
def site(served):
    """The application (demo site, widget, staff page) served on 127.0.0.1; yields its origin."""
    from browsing import serving

    from assistant.channels import create_app
    from assistant.settings import Settings

    app = create_app(Settings(staff_token="browser-token", rate_limit="1000 per minute"), assistant=served)
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser):
    """A watched page (see browsing.watched_page) of a desktop-sized browser window."""
    from browsing import watched_page

    context = browser.new_context(viewport={"width": 1280, "height": 860})
    yield watched_page(context)
    context.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A throwaway redis-server (cluster/redis.py) for the session. Missing, it is a failure, never a
    skip: `make test` installs Debian's redis-server first (.ci/apt)."""
    from assistant.cluster.ports import free_port
    from assistant.cluster.redis import Redis, executable

    if executable() is None:
        pytest.fail(
            "the shared-Redis tests need redis-server: run make test (it installs it), or apt-get install redis-server"
        )
    server = Redis(tmp_path_factory.mktemp("redis"), free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied: each test counts, locks and announces from nothing."""
    from assistant import redis_client

    client = redis_client.connect(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def dead_redis_url():
    """The URL of a Redis that is not there: a loopback port nothing listens on."""
    from assistant.cluster.ports import free_port

    return f"redis://127.0.0.1:{free_port()}/0"
