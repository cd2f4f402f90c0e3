"""The database's plain-SQL insert, used where sqlite-utils' would cost more than the write."""
import pytest

from assistant.store import Store


def test_insert_writes_the_row_and_refuses_columns_the_schema_lacks(tmp_path):
    store = Store(tmp_path / "assistant.db")
    store.insert("feedback", {"session_id": "s1", "tenant": "exo", "helpful": 1, "comment": "", "message": "hi",
                              "created": "2026-01-01T00:00:00+00:00"})
    with pytest.raises(ValueError, match="no column drop"):
        store.insert("feedback", {"session_id": "s2", "drop": "x"})
    assert [(r["session_id"], r["helpful"]) for r in store.rows("feedback")] == [("s1", 1)]
