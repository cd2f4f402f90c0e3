"""`assistant serve`: never a fixed staff token, and the token printed only when it is generated."""

import stat

from assistant.channels.serve import announce, staff_token


def test_a_random_staff_token_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_STAFF_TOKEN", raising=False)
    first = staff_token(tmp_path)
    assert first.new and len(first.value) >= 24
    again = staff_token(tmp_path)
    assert again.value == first.value and not again.new
    assert stat.S_IMODE((tmp_path / "staff_token").stat().st_mode) == 0o600
    other = tmp_path / "other"
    assert staff_token(other).value != first.value


def test_a_configured_token_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_STAFF_TOKEN", "configured")
    assert staff_token(tmp_path).value == "configured"
    assert not (tmp_path / "staff_token").exists()


def started(tmp_path, capsys) -> str:
    announce("http://127.0.0.1:8000", staff_token(tmp_path))
    return capsys.readouterr().out


def test_the_token_is_printed_once_when_generated_then_only_where_it_is_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ASSISTANT_STAFF_TOKEN", raising=False)
    first = started(tmp_path, capsys)
    token = (tmp_path / "staff_token").read_text().strip()
    assert token in first and str(tmp_path / "staff_token") in first and "http://127.0.0.1:8000/staff" in first
    for _ in range(2):
        later = started(tmp_path, capsys)
        assert token not in later and str(tmp_path / "staff_token") in later


def test_a_token_from_the_environment_is_never_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_STAFF_TOKEN", "configured-secret-value")
    printed = started(tmp_path, capsys)
    assert "configured-secret-value" not in printed and "ASSISTANT_STAFF_TOKEN" in printed


def test_the_knowledge_kept_before_the_fork_serves_each_later_load(tmp_path, monkeypatch, assistant):
    import gc

    from assistant import Assistant
    from assistant import bundle as models
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
    from assistant.backoffice.store import open_store

    store = open_store(tmp_path / "a.db")
    first = store.db.conn
    store.close()
    store.insert("feedback", {"session_id": "s", "tenant": "exo", "helpful": 1, "created": "now"})
    assert store.db.conn is not first and store.rows("feedback")[0]["session_id"] == "s"


def served_output(monkeypatch, capsys, bundle, data=None) -> str:
    """What `assistant serve` prints before gunicorn starts, its models read as ``bundle`` (never
    trained here), the knowledge kept and gunicorn run as no-ops."""
    from assistant import bundle as models
    from assistant.channels import serve

    if data:
        monkeypatch.setenv("ASSISTANT_DATA", str(data))
    monkeypatch.setenv("ASSISTANT_STAFF_TOKEN", "configured")
    monkeypatch.setattr(models, "load_bundle", lambda *args, **kwargs: bundle)
    monkeypatch.setattr(serve.preload, "keep_knowledge", lambda: None)
    monkeypatch.setattr(serve.Server, "run", lambda self: None)
    serve.serve("127.0.0.1", 8000, 1)
    return capsys.readouterr().out


def test_serve_says_it_trains_the_models_only_when_the_cache_is_stale(tmp_path, monkeypatch, capsys, bundle):
    from assistant.bundle import BUILDING

    fresh = served_output(monkeypatch, capsys, bundle)  # the bundle fixture left the cache fresh
    assert "about a minute" not in fresh and fresh.startswith("Demo site:")
    stale = served_output(monkeypatch, capsys, bundle, data=tmp_path)  # an empty cache
    assert stale.startswith(BUILDING + "\nDemo site:")
