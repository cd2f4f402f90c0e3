"""The staff's numbers (staff/stats.py and `assistant stats`): counted from what conversations
really leave in the store, every day of a range listed, weeks cut to the range, tenants kept apart,
and a range that cannot be read refused."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from assistant import Assistant
from assistant.backoffice.store import open_store
from assistant.channels.cli import cli
from assistant.errors import AssistantError
from assistant.staff import stats as numbers

TODAY = datetime.now(UTC).date()  # what the store stamps real replies with


def turn(store, tenant, session, day, kind="answer", lang="fr", intent=None, hour=10):
    """A turn of a conversation, stamped on ``day`` as the store stamps them."""
    store.insert(
        "turns",
        {
            "session_id": session,
            "tenant": tenant,
            "at": f"{day}T{hour:02d}:00:00+00:00",
            "lang": lang,
            "user": "…",
            "assistant": "…",
            "type": kind,
            "intent": intent,
        },
    )


def vote(store, tenant, session, day, helpful):
    store.insert(
        "feedback",
        {
            "session_id": session,
            "tenant": tenant,
            "helpful": int(helpful),
            "message": "…",
            "created": f"{day}T12:00:00+00:00",
        },
    )


def week_of(fresh, first="2026-11-16", last="2026-11-22", tenants=("exo",)):
    return numbers.stats(fresh, list(tenants), numbers.span(first, last))


def test_real_replies_votes_and_requests_are_counted(fresh, converse):
    """Through Assistant.reply and feedback: an answer, a fallback, a demo request with its form."""
    answered = fresh.reply("exo", None, "how long are backups kept?")
    fresh.feedback(answered.session_id, helpful=True)
    fallen = fresh.reply("exo", None, "une recette de crêpes ?")
    fresh.feedback(fallen.session_id, helpful=False)
    form = converse("exo", "je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui")
    assert [r["type"] for r in form][-1] == "done"

    found = numbers.stats(fresh, ["exo"], numbers.span(today=TODAY))
    totals, last = found["totals"], found["periods"][-1]
    assert (found["from"], found["to"]) == ((TODAY - timedelta(days=29)).isoformat(), TODAY.isoformat())
    assert len(found["periods"]) == 30 and last["start"] == TODAY.isoformat()
    assert {k: totals[k] for k in ("conversations", "messages", "answered", "fallen_back", "other")} == {
        "conversations": 3,
        "messages": 6,
        "answered": 1,
        "fallen_back": 1,
        "other": 4,  # the form's three steps and its confirmation
    }
    assert totals["answered_share"] == round(1 / 6, 4) and totals["fallen_back_share"] == round(1 / 6, 4)
    assert (totals["votes"], totals["helpful"], totals["helpful_rate"]) == (2, 1, 0.5)
    assert totals["requests"] == 1 and totals["requests_by_kind"]["demo"] == 1
    assert totals["languages"] == {"en": 1, "fr": 5}
    assert last == {**totals, "start": last["start"], "end": last["end"]}  # all of it today
    assert found["top_entries"] == [
        {
            "tenant": "exo",
            "entry": "backup_policy",
            "question": "Quelle est votre politique de sauvegarde ?",
            "count": 1,
        }
    ]
    [group] = found["top_unanswered"]
    assert group["question"] == "une recette de crêpes ?" and group["count"] == 2  # its fallback and its vote


def test_every_day_of_the_range_is_listed_with_zeros(fresh):
    turn(fresh.store, "exo", "s1", "2026-11-18")
    found = week_of(fresh)
    assert [p["start"] for p in found["periods"]] == [f"2026-11-{d}" for d in range(16, 23)]
    empty = found["periods"][0]
    assert empty["messages"] == empty["conversations"] == empty["requests"] == 0
    assert empty["answered_share"] is None and empty["helpful_rate"] is None
    assert empty["requests_by_kind"] == {"quote": 0, "demo": 0, "grace_call": 0, "contact": 0}
    assert found["periods"][2]["messages"] == 1 and found["periods"][2]["answered_share"] == 1.0


def test_shares_are_parts_of_the_messages_and_the_rate_of_the_votes(fresh):
    store = fresh.store
    for n, kind in enumerate(["answer", "answer", "clarify", "fallback", "smalltalk", "handoff", "answer", "form"]):
        turn(store, "exo", f"s{n}", "2026-11-20", kind, hour=8 + n)
    for n, helpful in enumerate([True, True, True, False]):
        vote(store, "exo", f"s{n}", "2026-11-20", helpful)
    t = week_of(fresh)["totals"]
    assert (t["answered"], t["clarified"], t["fallen_back"], t["other"]) == (3, 1, 1, 3)
    assert (t["answered_share"], t["clarified_share"], t["fallen_back_share"], t["other_share"]) == (
        0.375,
        0.125,
        0.125,
        0.375,
    )
    assert (t["votes"], t["helpful"], t["helpful_rate"]) == (4, 3, 0.75)


def test_a_conversation_counts_on_the_day_it_began(fresh):
    store = fresh.store
    turn(store, "exo", "long", "2026-11-17", hour=23)
    turn(store, "exo", "long", "2026-11-18", hour=1)
    turn(store, "exo", "before", "2026-11-10")  # began before the range
    turn(store, "exo", "before", "2026-11-19")
    days = {p["start"]: p for p in week_of(fresh)["periods"]}
    assert [(days[d]["conversations"], days[d]["messages"]) for d in ("2026-11-17", "2026-11-18", "2026-11-19")] == [
        (1, 1),
        (0, 1),
        (0, 1),
    ]
    assert week_of(fresh)["totals"]["conversations"] == 1


def test_days_are_utc_days_from_midnight_to_midnight(fresh):
    turn(fresh.store, "exo", "s1", "2026-11-15", hour=23)  # the evening before the range
    turn(fresh.store, "exo", "s2", "2026-11-16", hour=0)
    turn(fresh.store, "exo", "s3", "2026-11-22", hour=23)
    turn(fresh.store, "exo", "s4", "2026-11-23", hour=0)  # the morning after
    assert week_of(fresh)["totals"]["messages"] == 2


def test_weeks_run_monday_to_sunday_cut_to_the_range(fresh):
    turn(fresh.store, "exo", "sunday", "2026-11-08")
    turn(fresh.store, "exo", "monday", "2026-11-09")
    turn(fresh.store, "exo", "friday", "2026-11-20")
    found = numbers.stats(fresh, ["exo"], numbers.span("2026-11-04", "2026-11-20", "week"))  # a Wednesday to a Friday
    assert [(p["start"], p["end"], p["messages"]) for p in found["periods"]] == [
        ("2026-11-04", "2026-11-08", 1),
        ("2026-11-09", "2026-11-15", 1),
        ("2026-11-16", "2026-11-20", 1),
    ]
    assert found["by"] == "week" and found["totals"]["messages"] == 3


def test_a_tenant_sees_only_its_own_numbers_and_several_add_up(fresh):
    store = fresh.store
    turn(store, "exo", "e1", "2026-11-18", intent="exo.trial_length")
    turn(store, "conex", "c1", "2026-11-18", lang="en", intent="conex.free_evaluation")
    turn(store, "conex", "c2", "2026-11-19", kind="fallback")
    vote(store, "conex", "c1", "2026-11-18", False)
    exo, both = week_of(fresh), week_of(fresh, tenants=("conex", "exo"))
    assert (exo["totals"]["messages"], exo["totals"]["votes"], exo["totals"]["languages"]) == (1, 0, {"en": 0, "fr": 1})
    assert [e["entry"] for e in exo["top_entries"]] == ["trial_length"]
    assert (both["totals"]["messages"], both["totals"]["conversations"], both["totals"]["votes"]) == (3, 3, 1)
    assert {(e["tenant"], e["entry"]) for e in both["top_entries"]} == {
        ("exo", "trial_length"),
        ("conex", "free_evaluation"),
    }
    assert numbers.stats(fresh, [], numbers.span("2026-11-16", "2026-11-22"))["totals"]["messages"] == 0


def test_top_lists_are_the_ranges_most_frequent_at_most_ten(fresh):
    store = fresh.store
    entries = sorted(fresh.tenants["exo"].entries)[:12]
    for n, entry in enumerate(entries):
        for k in range(n + 1):
            turn(store, "exo", f"s{n}-{k}", "2026-11-18", intent=f"exo.{entry}")
    turn(store, "exo", "gone", "2026-11-18", intent="exo.retired_entry")
    for k in range(30):
        turn(store, "exo", f"old{k}", "2026-10-01", intent=f"exo.{entries[0]}")  # outside the range
    top = week_of(fresh)["top_entries"]
    assert [row["entry"] for row in top] == entries[::-1][:10] and top[0]["count"] == 12
    assert all(row["question"] for row in top)
    assert numbers.top_entries(fresh, ["exo"], numbers.span("2026-11-16", "2026-11-22"), top=20)[-1] == {
        "tenant": "exo",
        "entry": "retired_entry",
        "question": "",
        "count": 1,
    }


def test_the_periods_as_a_table_have_a_column_for_each_kind_and_language(fresh):
    turn(fresh.store, "exo", "s1", "2026-11-18", lang="en")
    columns, rows = numbers.table_rows(week_of(fresh))
    assert columns[:4] == ["start", "end", "conversations", "messages"]
    assert {"requests_by_kind_demo", "languages_fr", "languages_en", "helpful_rate"} <= set(columns)
    assert len(rows) == 7 and rows[2]["languages_en"] == 1 and rows[0]["languages_en"] == 0
    assert numbers.table_rows(week_of(fresh), "entries")[0] == ["tenant", "entry", "question", "count"]


# -- ranges -------------------------------------------------------------------------------------------


def test_a_range_defaults_to_thirty_days():
    day = date(2026, 11, 22)
    assert numbers.span(today=day) == numbers.Span(date(2026, 10, 24), day, "day")
    assert numbers.span("2026-01-01") == numbers.Span(date(2026, 1, 1), date(2026, 1, 30), "day")
    assert numbers.span(None, "2026-01-30", "week") == numbers.Span(date(2026, 1, 1), date(2026, 1, 30), "week")
    assert len(numbers.span("2024-01-01", "2024-12-31").periods()) == 366  # a leap year: the longest range


@pytest.mark.parametrize(
    "start, end, by, code",
    [
        ("2026-13-01", None, None, "invalid_from"),
        ("20261122", None, None, "invalid_from"),
        ("2026-W47-1", None, None, "invalid_from"),
        (" 2026-11-22", None, None, "invalid_from"),
        ("1999-12-31", None, None, "invalid_from"),
        ("2026-11-22", "2026-11-31", None, "invalid_to"),
        ("2026-11-22", "yesterday", None, "invalid_to"),
        ("2026-11-22", "2026-11-21", None, "invalid_range"),
        ("2025-01-01", "2026-01-02", None, "invalid_range"),  # 367 days
        ("2026-11-01", "2026-11-22", "month", "invalid_by"),
    ],
)
def test_a_range_that_cannot_be_read_is_refused(start, end, by, code):
    with pytest.raises(AssistantError) as refused:
        numbers.span(start, end, by)
    assert refused.value.code == code and refused.value.status == 400


# -- the command line ---------------------------------------------------------------------------------


@pytest.fixture
def cli_store(bundle, tmp_path, monkeypatch):
    """An assistant on the database the commands read."""
    monkeypatch.setenv("ASSISTANT_DB", str(tmp_path / "cli.db"))
    return Assistant(bundle, open_store(tmp_path / "cli.db"))


def test_assistant_stats_prints_the_same_numbers_as_json_csv_and_tables(cli_store):
    turn(cli_store.store, "exo", "s1", "2026-11-18", intent="exo.trial_length")
    turn(cli_store.store, "exo", "s1", "2026-11-18", kind="fallback", hour=11)
    turn(cli_store.store, "conex", "s2", "2026-11-19", intent="conex.free_evaluation")
    runner, week = CliRunner(), ["--from", "2026-11-16", "--to", "2026-11-22"]
    printed = json.loads(runner.invoke(cli, ["stats", "--tenant", "exo", *week, "--json"]).stdout)
    assert printed == week_of(cli_store)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["stats", "-t", "exo", *week, "--csv"]).stdout)))
    assert [(r["start"], r["messages"], r["fallen_back_share"]) for r in rows][2:4] == [
        ("2026-11-18", "2", "0.5"),
        ("2026-11-19", "0", ""),
    ]
    report = runner.invoke(cli, ["stats", *week, "--by", "week"]).stdout
    assert "conversations 2 · messages 3 · answered 66.7 % · clarified 0.0 % · fallen back 33.3 %" in report
    assert "top entries:" in report and "Combien de temps dure la période d'essai ?" in report
    entries = runner.invoke(cli, ["stats", *week, "--table", "entries"]).stdout.splitlines()
    assert entries[0].split() == ["tenant", "entry", "question", "count"] and len(entries) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-11-31"], "'from' must be a day written YYYY-MM-DD"),
        (["--from", "2026-11-22", "--to", "2026-11-01"], "'to' must not be before 'from'"),
        (["--tenant", "nope"], "Unknown tenant 'nope'"),
    ],
)
def test_assistant_stats_refuses_what_it_cannot_read(cli_store, args, message):
    result = CliRunner().invoke(cli, ["stats", *args])
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
