import pytest

from assistant import Assistant
from assistant.bundle import fingerprint
from assistant.curation.live import Knowledge, Live
from assistant.paths import project_root


@pytest.fixture
def curation(bundle, tmp_path, clock, open_database):
    """Two workers (each an Assistant with its Live switcher) over one database (on each backend),
    and the knowledge they build versions from, with a cache of their own."""
    knowledge = Knowledge(project_root(), tmp_path / "cache", bundle, fingerprint(project_root()))

    def worker():
        assistant = Assistant(bundle, open_database(), clock)
        return Live(assistant, knowledge)

    return knowledge, worker(), worker()
