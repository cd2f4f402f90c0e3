"""While the database server is away, visitors get a clear 503 JSON error; once it is back, the
same server answers again, without a restart, and nothing was half-written meanwhile."""

import shutil
import tempfile
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.backoffice.store import open_store
from assistant.channels.app import create_app
from assistant.cluster.ports import free_port
from assistant.cluster.postgres import Postgres
from assistant.settings import Settings


@pytest.fixture
def server(postgres_server):  # postgres_server: skipped (or failed in CI) without PostgreSQL
    server = Postgres(Path(tempfile.mkdtemp(prefix="assistant-postgres-")), free_port(), durable=False).start()
    yield server
    server.stop("immediate")
    shutil.rmtree(server.folder, ignore_errors=True)


def test_chat_during_a_database_outage_is_a_503_then_carries_on(bundle, server):
    assistant = Assistant(bundle, open_store(server.url))
    client = create_app(Settings(rate_limit="1000 per minute"), assistant=assistant).test_client()
    first = client.post("/api/v1/chat", json={"tenant": "exo", "message": "je voudrais un devis"})
    assert first.status_code == 200
    session = first.get_json()["session_id"]
    turns = assistant.store.count("turns")

    server.stop()
    down = client.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "Karim, karim@exemple.dz", "session_id": session}
    )
    assert down.status_code == 503 and down.get_json()["error"]["code"] == "unavailable"
    assert down.headers["Retry-After"] and "briefly unavailable" in down.get_json()["error"]["message"]

    server.start()
    again = client.post(
        "/api/v1/chat", json={"tenant": "exo", "message": "Karim, karim@exemple.dz", "session_id": session}
    )
    assert again.status_code == 200 and again.get_json()["session_id"] == session
    assert again.get_json()["action"]["status"] == "collecting"  # the form goes on where it was
    assert assistant.store.count("turns") == turns + 1  # the refused message left nothing behind
    assistant.store.close()
