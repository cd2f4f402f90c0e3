"""The Mattermost channel: the slash command and the outgoing webhook, behind the token Mattermost
was given, form-encoded or JSON, answered in the question's language with the source."""

import pytest

from assistant import Source
from assistant.channels import create_app, mattermost
from assistant.settings import Settings

TOKEN = "mattermost-token-for-tests"
EXO_FR = "Qu'est-ce qu'une souscription eXo ?"
EXO_EN = "What is included in an eXo subscription?"
EXO_SOURCE = "_FAQ d'eXo Platform — Business modèle &amp; licences — Q1_"


@pytest.fixture
def client(fresh):
    settings = Settings(mattermost_token=TOKEN, mattermost_teams={"conex-team": "conex"}, default_tenant="exo")
    return create_app(settings, assistant=fresh).test_client()


def slash(text, **fields):
    return {
        "token": TOKEN,
        "team_id": "t1",
        "team_domain": "exo-team",
        "channel_id": "c1",
        "user_id": "u1",
        "user_name": "alice",
        "command": "/faq",
        "text": text,
        "response_url": "http://127.0.0.1:9/unused",
        **fields,
    }


def outgoing(text, trigger="faq", **fields):
    return {
        "token": TOKEN,
        "team_domain": "exo-team",
        "channel_name": "town-square",
        "user_name": "alice",
        "text": text,
        "trigger_word": trigger,
        **fields,
    }


def test_the_command_answers_in_french_with_the_source(client):
    response = client.post("/mattermost/command", data=slash(EXO_FR))
    assert response.status_code == 200
    body = response.get_json()
    assert body["response_type"] == "ephemeral"
    answer, source = body["text"].split("\n\n")
    assert answer.startswith("Une souscription (un abonnement)") and source == EXO_SOURCE


def test_the_command_answers_in_english_and_accepts_json(client):
    body = client.post("/mattermost/command", json=slash(EXO_EN)).get_json()
    assert body["text"].startswith("Every eXo subscription includes")
    assert body["text"].endswith("\n\n_eXo Platform FAQ — Business model &amp; licences — Q2_")


def test_the_token_may_come_in_the_authorization_header(client):
    fields = slash(EXO_EN)
    del fields["token"]
    response = client.post("/mattermost/command", data=fields, headers={"Authorization": f"Token {TOKEN}"})
    assert response.status_code == 200


def test_the_team_chooses_the_tenant(client):
    body = client.post(
        "/mattermost/command", data=slash("How does Conex sell its software?", team_domain="conex-team")
    ).get_json()
    assert "_Conex FAQ — " in body["text"]


def test_an_empty_command_gets_help(client):
    body = client.post("/mattermost/command", data=slash("")).get_json()
    assert "Usage : `/faq votre question`" in body["text"] and "Usage: `/faq your question`" in body["text"]


@pytest.mark.parametrize("path", ["/mattermost/command", "/mattermost/webhook"])
@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x"], ids=["missing", "empty", "wrong", "longer"])
@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_wrong_or_missing_token_is_refused(client, path, token, as_json, caplog):
    fields = {k: v for k, v in slash(EXO_FR, token=token).items() if v is not None}
    response = client.post(path, json=fields) if as_json else client.post(path, data=fields)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert any(r.levelname == "WARNING" and "token" in r.getMessage() for r in caplog.records)


def test_without_a_configured_token_everything_is_refused(fresh):
    client = create_app(Settings(), assistant=fresh).test_client()
    assert client.post("/mattermost/command", data=slash(EXO_FR, token="")).status_code == 401
    assert client.post("/mattermost/webhook", data=outgoing("faq " + EXO_FR, token="")).status_code == 401


@pytest.mark.parametrize("text", ["faq " + EXO_EN, "FAQ: " + EXO_EN, "faq, " + EXO_EN])
def test_the_webhook_strips_the_trigger_word(client, text):
    response = client.post("/mattermost/webhook", data=outgoing(text))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"text"}
    assert body["text"].startswith("Every eXo subscription includes")


def test_the_webhook_answers_in_french_and_in_json(client):
    body = client.post("/mattermost/webhook", json=outgoing("faq " + EXO_FR)).get_json()
    assert body["text"].startswith("Une souscription") and body["text"].endswith(EXO_SOURCE)


ODD_TITLE = "Q&A <beta> *new* _x_ [draft] \\ `y` ~z"


def test_a_source_is_its_title_in_italics_with_nothing_read_as_markdown():
    source = Source("f.txt", "s", "q", ODD_TITLE, None)
    assert mattermost.source_text(source) == r"_Q&amp;A &lt;beta&gt; \*new\* \_x\_ \[draft\] &#92; \`y\` \~z_"


def test_a_source_with_an_address_is_a_markdown_link_that_its_title_and_address_cannot_break():
    source = Source("f.txt", "s", "q", ODD_TITLE, "https://docs.example/faq?a=1&b=(2) x")
    assert mattermost.source_text(source) == (
        r"_[Q&amp;A &lt;beta&gt; \*new\* \_x\_ \[draft\] &#92; \`y\` \~z]"
        "(https://docs.example/faq?a=1&b=%282%29%20x)_"
    )


def test_the_command_links_the_source_when_the_document_has_an_address(client, fresh, monkeypatch):
    monkeypatch.setattr(fresh.tenants["exo"], "document_url", "https://docs.example/exo/faq")
    body = client.post("/mattermost/command", data=slash(EXO_EN)).get_json()
    assert body["text"].endswith(
        "\n\n_[eXo Platform FAQ — Business model &amp; licences — Q2](https://docs.example/exo/faq)_"
    )


def test_the_trigger_word_alone_gets_help(client):
    body = client.post("/mattermost/webhook", data=outgoing("faq")).get_json()
    assert "Usage: `faq your question`" in body["text"]


def test_a_user_keeps_one_conversation(client, fresh):
    client.post("/mattermost/command", data=slash(EXO_FR))
    client.post("/mattermost/command", data=slash(EXO_EN))
    client.post("/mattermost/command", data=slash(EXO_EN, user_id="u2"))
    sessions = [row["id"] for row in fresh.store.rows("sessions")]
    assert len(sessions) == 2 and all(s.startswith("mattermost.") for s in sessions)
