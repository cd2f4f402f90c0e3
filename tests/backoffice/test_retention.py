"""A purge deletes visitors' words older than a day and keeps their counts, on both backends."""

from datetime import date

from click.testing import CliRunner

from assistant.backoffice.retention import purge
from assistant.channels.cli import cli
from assistant.staff import stats as staff_stats


def stamp(store, table: str, day: str, session: str | None = None) -> None:
    """Date a table's rows (or a conversation's) as if written on ``day``."""
    column = {"turns": "at", "unanswered_groups": "last"}.get(table, "created")
    where, params = ("session_id = ?", [session]) if session else ("1 = 1", [])
    store.write(f"update {table} set {column} = ? where {where}", [f"{day}T10:00:00+00:00", *params])


def test_a_purge_deletes_old_conversations_and_requests_and_the_numbers_stay_the_same(fresh, converse):
    old = converse("exo", "quelle est votre politique de remboursement ?", "je veux parler à quelqu'un")[-1]
    converse("exo", "do you sell bicycles?")
    fresh.backoffice.feedback(old["session_id"], helpful=False, comment="pas clair")
    recent = converse("exo", "proposez-vous un essai gratuit ?")[-1]
    store = fresh.store
    for table in ("turns", "feedback", "requests", "outbox", "unanswered", "unanswered_groups"):
        stamp(store, table, "2026-01-10")
    stamp(store, "turns", "2026-11-20", recent["session_id"])
    within = staff_stats.span("2026-01-01", "2026-12-01")
    before = staff_stats.stats(fresh, ["exo"], within)

    gone = purge(store, date(2026, 6, 1))

    assert gone["turns"] > 0 and gone["requests"] == 1 and gone["feedback"] == 1 and gone["unanswered"] >= 1
    assert {r["session_id"] for r in store.rows("turns")} == {recent["session_id"]}
    assert store.count("requests") == store.count("outbox") == store.count("unanswered") == 0
    after = staff_stats.stats(fresh, ["exo"], within)
    assert after["totals"] == before["totals"] and after["periods"] == before["periods"]
    assert after["top_entries"] == before["top_entries"]
    purge(store, date(2026, 6, 1))  # again: nothing left to count twice
    assert staff_stats.stats(fresh, ["exo"], within)["totals"] == before["totals"]


def test_a_conversation_still_going_on_is_kept_whole(fresh, converse):
    session = converse("exo", "bonjour")[-1]["session_id"]
    stamp(fresh.store, "turns", "2026-01-10")
    converse("exo", "proposez-vous un essai gratuit ?", session=session)
    purge(fresh.store, date(2026, 6, 1))
    assert fresh.store.count("turns", "session_id = ?", [session]) == 2


def test_assistant_purge_needs_an_age_and_reads_days_or_weeks(monkeypatch):
    runner = CliRunner()
    monkeypatch.delenv("ASSISTANT_RETENTION_DAYS", raising=False)
    assert runner.invoke(cli, ["purge"]).exit_code == 2
    assert runner.invoke(cli, ["purge", "--older-than", "0d"]).exit_code == 2
    assert runner.invoke(cli, ["purge", "--older-than", "soon"]).exit_code == 2
    weeks = runner.invoke(cli, ["purge", "--older-than", "2w", "--dry-run"])
    assert weeks.exit_code == 0 and "(14 days)" in weeks.output
    monkeypatch.setenv("ASSISTANT_RETENTION_DAYS", "90")
    done = runner.invoke(cli, ["purge"])
    assert done.exit_code == 0 and "(90 days)" in done.output and "turns:" in done.output
