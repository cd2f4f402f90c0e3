"""`assistant serve`: never a fixed staff token."""
import stat

from assistant.channels.serve import staff_token


def test_a_random_staff_token_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_STAFF_TOKEN", raising=False)
    first = staff_token(tmp_path)
    assert len(first) >= 24 and staff_token(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "staff_token").stat().st_mode) == 0o600
    other = tmp_path / "other"
    assert staff_token(other) != first


def test_a_configured_token_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_STAFF_TOKEN", "configured")
    assert staff_token(tmp_path) == "configured"
    assert not (tmp_path / "staff_token").exists()


def test_the_knowledge_kept_before_the_fork_serves_each_later_load(tmp_path, monkeypatch, assistant):
    import gc

    from assistant import Assistant, models
    from assistant.channels.preload import keep_knowledge

    monkeypatch.setattr(models, "_kept", None)
    try:
        keep_knowledge()
        assert gc.get_freeze_count() > 0  # a worker's collections leave the inherited pages alone
        kept = models._kept[1]
        loaded = Assistant.load(db=tmp_path / "worker.db")
        assert loaded.bundle is kept
        assert loaded.reply("exo", None, "combien de temps dure l'essai ?").type == "answer"
    finally:
        gc.unfreeze()


def test_a_store_closed_before_a_fork_opens_a_new_connection_when_used_again(tmp_path):
    from assistant.store import Store

    store = Store(tmp_path / "a.db")
    first = store.db.conn
    store.close()
    store.insert("feedback", {"session_id": "s", "tenant": "exo", "helpful": 1, "created": "now"})
    assert store.db.conn is not first and store.rows("feedback")[0]["session_id"] == "s"
