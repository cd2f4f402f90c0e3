import json

from click.testing import CliRunner

from assistant.channels.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_ask_json_prints_the_reply_contract():
    result = run("ask", "--tenant", "exo", "--json", "how long are backups kept?")
    assert result.exit_code == 0
    reply = json.loads(result.stdout)  # stderr may say the models are being trained
    assert reply["type"] == "answer" and reply["lang"] == "en" and "7" in reply["reply"]


def test_ask_prints_the_answer_and_its_source():
    result = run("ask", "--tenant", "conex", "--lang", "fr", "is your code open source?")
    assert result.exit_code == 0
    assert "  [FAQ de Conex — Code source — Q1]\n" in result.output


def test_ask_an_unknown_tenant_fails_clearly():
    result = run("ask", "--tenant", "nope", "hello")
    assert result.exit_code == 2 and "exo" in result.output


def test_lookup_shows_both_languages_and_the_source():
    result = run("lookup", "remboursement", "--tenant", "exo", "--top", "2")
    assert result.exit_code == 0
    assert "fr:" in result.output and "en:" in result.output
    assert "[FAQ d'eXo Platform — Règlement — Q3: 3. Quelle est votre politique de remboursement?]" in result.output


def test_lookup_lists_only_the_entries_that_match():
    result = run("lookup", "refund", "--tenant", "exo")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.output.splitlines() if not line.startswith(" ")] == ["exo.refund_policy"]


def test_lookup_says_in_words_when_nothing_matches():
    result = run("lookup", "weather in paris", "--tenant", "exo")
    assert result.exit_code == 0
    assert result.output == "No entry of exo matches “weather in paris”. Try other words, or the other language.\n"
    assert json.loads(run("lookup", "weather in paris", "--json").stdout) == []


def test_lookup_json_is_ranked():
    rows = json.loads(run("lookup", "grace calls", "--json").stdout)
    assert rows[0]["tenant"] == "solidxperts"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_check_succeeds_on_the_project():
    result = run("check")
    assert result.exit_code == 0 and "ok" in result.output


def test_eval_prints_scores_and_failures(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text(
        json.dumps(
            {
                "id": "a",
                "tenant": "exo",
                "lang": "en",
                "message": "what is your refund policy?",
                "expect": "answer",
                "must": [["30"]],
            }
        )
        + "\n"
        + json.dumps({"id": "b", "tenant": "exo", "lang": "en", "message": "hello", "expect": "fallback", "must": []})
        + "\n",
        encoding="utf-8",
    )
    result = run("eval", str(items))
    assert result.exit_code == 0
    assert "by tenant" in result.output and "b: 'hello'" in result.output
    assert result.output.strip().splitlines()[-1].startswith("overall: 1/2")


def test_chat_holds_one_conversation():
    result = CliRunner().invoke(cli, ["chat", "--tenant", "exo"], input="bonjour\nok merci\nquit\n")
    assert result.exit_code == 0
    assert result.output.count(">") >= 2


def test_chat_ends_each_reply_with_its_type_and_the_requests_status():
    result = CliRunner().invoke(
        cli, ["chat", "--tenant", "exo"], input="je voudrais un devis\nannuler\nhow long are backups kept?\nquit\n"
    )
    assert result.exit_code == 0
    turns = result.output.split("> ")[1:-1]
    assert [turn.splitlines()[-2] for turn in turns] == ["   [form, collecting]", "   [form, cancelled]", "   [answer]"]
    assert (
        turns[0] == "Avec plaisir, je prépare votre demande de devis. Quel est votre nom ?\n   [form, collecting]\n\n"
    )


def test_a_command_says_it_trains_the_models_only_when_the_cache_is_stale(bundle, tmp_path, monkeypatch):
    from assistant import bundle as models

    fresh = run("ask", "--tenant", "exo", "refund?")  # the bundle fixture left the cache fresh
    assert fresh.exit_code == 0 and fresh.stderr == ""
    monkeypatch.setenv("ASSISTANT_DATA", str(tmp_path))  # an empty cache, read as the bundle (never trained here)
    monkeypatch.setattr(models, "load_bundle", lambda *args, **kwargs: bundle)
    stale = run("ask", "--tenant", "exo", "refund?")
    assert stale.stderr == models.BUILDING + "\n" and "30" in stale.stdout


def test_answering_does_not_import_what_only_submitting_needs():
    """jsonschema is imported by the first request submitted, not by every `assistant ask`."""
    import subprocess
    import sys

    code = "import sys, assistant.channels.cli, assistant.core; print('jsonschema' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


def test_check_prints_warnings_but_succeeds(tmp_path, monkeypatch):
    import shutil

    from assistant.paths import project_root

    for folder in ("knowledge", "intents"):
        shutil.copytree(project_root() / folder, tmp_path / folder)
    path = tmp_path / "knowledge/innovaphone/entries.yml"
    text = path.read_text(encoding="utf-8")
    assert "        Before the rental expires," in text
    path.write_text(
        text.replace("        Before the rental expires,", "        Yes, before the rental expires,"), encoding="utf-8"
    )
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    result = run("check")
    assert result.exit_code == 0 and "1 warning" in result.output
    assert "knowledge/innovaphone/entries.yml:" in result.output and "warning: low_credit_reminder" in result.output


def test_answers_prints_every_answer_filled_in():
    from assistant.data import knowledge
    from assistant.paths import project_root

    result = run("answers", "--tenant", "conex", "--lang", "fr")
    assert result.exit_code == 0
    printed = result.output
    assert all(f"[fr] conex.{entry_id}\n" in printed for entry_id in knowledge.load(project_root())["conex"].entries)
    assert "[en]" not in printed and "{" not in printed
    assert "[fr] utter_greeting (conex)\n    Bonjour !" in printed


def test_answers_refuses_an_unknown_tenant():
    assert run("answers", "--tenant", "nope").exit_code == 2
