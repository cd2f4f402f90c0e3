import pytest

from assistant import Assistant
from assistant.backoffice.store import Store
from assistant.bundle import fingerprint
from assistant.curation.live import Knowledge, Live
from assistant.paths import project_root


@pytest.fixture
def curation(bundle, tmp_path, clock):
    """Two workers (each an Assistant with its Live switcher) over one database, and the knowledge
    they build versions from, with a cache of their own."""
    knowledge = Knowledge(project_root(), tmp_path / "cache", bundle, fingerprint(project_root()))

    def worker():
        assistant = Assistant(bundle, Store(tmp_path / "assistant.db"), clock)
        return Live(assistant, knowledge)

    return knowledge, worker(), worker()
