import os
import tempfile
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
