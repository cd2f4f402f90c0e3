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
