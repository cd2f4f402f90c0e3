"""`assistant curate …` and `assistant export`: the API's curation from the command line."""

import json
import shutil

import pytest
from click.testing import CliRunner

from assistant.channels.cli import cli
from assistant.paths import project_root

TENANT = "anvaigo"
MISSED = "is the hotline free of charge"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """The command on a database of its own (its versions are served to no other test)."""
    monkeypatch.setenv("ASSISTANT_DB", str(tmp_path / "assistant.db"))

    def run(*args):
        return CliRunner().invoke(cli, list(args))

    return run


def test_a_phrasing_drafted_tried_published_and_rolled_back(run):
    change = {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": MISSED}
    added = run("curate", "add", "-t", TENANT, "--author", "Léa", json.dumps(change))
    assert added.exit_code == 0 and added.stdout.startswith("draft 1 kept")
    [draft] = json.loads(run("curate", "drafts", "-t", TENANT, "--json").stdout)
    assert (draft["author"], draft["text"]) == ("Léa", MISSED)
    tried = json.loads(run("curate", "try", "-t", TENANT, "--lang", "en", "--json", MISSED).stdout)
    assert (tried["published"]["decision"], tried["draft"]["decision"]) == ("fallback", "answer")
    published = run("curate", "publish", "-t", TENANT, "--author", "Léa")
    assert published.exit_code == 0 and published.stdout.startswith("version 1 published in")
    asked = json.loads(run("ask", "-t", TENANT, "--lang", "en", "--json", MISSED).stdout)
    assert asked["intent"] == "anvaigo.free_general_questions"
    assert run("curate", "rollback", "-t", TENANT, "0").stdout.startswith("version 2 (= version 0) published")
    assert json.loads(run("ask", "-t", TENANT, "--lang", "en", "--json", MISSED).stdout)["type"] == "fallback"
    versions = json.loads(run("curate", "versions", "-t", TENANT, "--json").stdout)
    assert [(v["version"], v["author"]) for v in versions] == [(2, run_user()), (1, "Léa"), (0, "")]


def run_user():
    import getpass

    return getpass.getuser()


def test_refusals_say_what_is_wrong_and_exit_non_zero(run):
    bad = run("curate", "add", "-t", TENANT, '{"kind": "phrasing", "entry": "nope", "lang": "en", "text": "x"}')
    assert bad.exit_code == 2 and "entry" in bad.output
    assert run("curate", "add", "-t", TENANT, "{not json").exit_code == 2
    assert run("curate", "publish", "-t", TENANT).exit_code == 2  # nothing to publish
    assert run("curate", "rollback", "-t", TENANT, "5").exit_code == 2
    assert run("curate", "drafts", "-t", "nobody").exit_code == 2
    broken = {
        "kind": "entry",
        "entry": "hotline",
        "topic": "support",
        "question": {"en": "Q?"},
        "answer": {"en": "{nope}"},
    }
    run("curate", "add", "-t", TENANT, json.dumps(broken))
    refused = run("curate", "publish", "-t", TENANT)
    assert (
        refused.exit_code == 1
        and "entry hotline field answer" in refused.output
        and "nothing was published" in refused.output
    )


def test_a_sheet_written_then_imported_unchanged_drafts_nothing(run, tmp_path):
    sheet = tmp_path / "anvaigo.csv"
    assert run("curate", "sheet", "-t", TENANT, "-o", str(sheet)).exit_code == 0
    assert run("curate", "import", "-t", TENANT, str(sheet)).stdout.startswith("0 draft(s) kept")
    sheet.write_bytes(sheet.read_bytes() + b"new_one;xx;support;Q?;A.;;;\r\n")
    refused = run("curate", "import", "-t", TENANT, str(sheet))
    assert refused.exit_code == 1 and "column language" in refused.output


def test_export_writes_the_live_version_into_the_files(run, tmp_path, monkeypatch):
    for folder in ("knowledge", "intents"):
        shutil.copytree(project_root() / folder, tmp_path / folder)
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_DATA", str(project_root() / "data"))  # the project's models, already built
    change = {"kind": "phrasing", "entry": "free_general_questions", "lang": "en", "text": MISSED}
    run("curate", "add", "-t", TENANT, json.dumps(change))
    assert run("curate", "publish", "-t", TENANT).exit_code == 0
    exported = run("export", "-t", TENANT)
    assert exported.exit_code == 0 and "written: intents/anvaigo/en/nlu.yml" in exported.stdout
    assert f"    - {MISSED}\n" in (tmp_path / "intents/anvaigo/en/nlu.yml").read_text(encoding="utf-8")
    assert "the files already hold the live version" in run("export", "-t", TENANT).stdout
