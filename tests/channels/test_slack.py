"""The Slack channel: signed requests only, the slash command's Block Kit answer and its buttons, the
slow path through response_url, and mentions and direct messages answered once each. Slack's Web
API and response_url are a local fake server: nothing leaves the machine."""

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from slack_signing import SECRET, signed

from assistant import Source
from assistant.channels import chatops, create_app, slack
from assistant.settings import Settings

BOT_TOKEN = "xoxb-test-token"
EXO_FR = "Qu'est-ce qu'une souscription eXo ?"
EXO_SOURCE = "FAQ d'eXo Platform — Business modèle &amp; licences — Q1"


class FakeSlack:
    """Slack's Web API and response_url on 127.0.0.1: records every POST, answers like Slack."""

    def __init__(self):
        self.posts: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.posts.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(raw)})
                body = json.dumps({"ok": True, "ts": "1700000000.000200"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet tests
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[dict]:
        return [p for p in self.posts if p["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_slack():
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def client(fresh, fake_slack, monkeypatch):
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(var, raising=False)  # slack_sdk would send even 127.0.0.1 through a proxy
    settings = Settings(
        slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=fake_slack.url + "/api/",
        slack_teams={"TCONEX": "conex"},
        default_tenant="exo",
    )
    yield create_app(settings, assistant=fresh).test_client()
    assert chatops.wait_idle()


def form_post(client, path, fields, headers=None):
    body = urlencode(fields).encode()
    return client.post(
        path,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=signed(body) if headers is None else headers,
    )


def command(client, fake_slack, text, team="TEXO", user="U1"):
    fields = {
        "command": "/faq",
        "text": text,
        "team_id": team,
        "user_id": user,
        "channel_id": "C1",
        "response_url": fake_slack.url + "/response/1",
    }
    return form_post(client, "/slack/commands", fields)


def event(client, payload, retry=0):
    body = json.dumps(payload).encode()
    headers = {
        **signed(body),
        **({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}),
    }
    return client.post("/slack/events", data=body, content_type="application/json", headers=headers)


def callback(event_id, **fields):
    return {
        "type": "event_callback",
        "team_id": "TEXO",
        "event_id": event_id,
        "event": {"user": "U1", "channel": "C9", "ts": f"1700000000.{event_id[-4:]}", **fields},
    }


def blocks_of(message):
    return {block["type"]: block for block in message["blocks"]}


# -- the slash command ----------------------------------------------------------------------------


def test_a_command_gets_an_ephemeral_answer_with_its_source_and_vote_buttons(client, fake_slack):
    response = command(client, fake_slack, EXO_FR)
    assert response.status_code == 200
    message = response.get_json()
    assert message["response_type"] == "ephemeral"
    assert "souscription" in message["text"]
    blocks = blocks_of(message)
    assert blocks["section"]["text"]["type"] == "mrkdwn" and "souscription" in blocks["section"]["text"]["text"]
    assert blocks["context"]["elements"][0]["text"] == EXO_SOURCE
    buttons = blocks["actions"]["elements"]
    assert [b["action_id"] for b in buttons] == ["feedback_helpful", "feedback_unhelpful"]
    assert [b["text"]["text"] for b in buttons] == ["Utile", "Pas utile"]
    session = buttons[0]["value"]
    assert buttons[1]["value"] == session and session.startswith("slack.") and len(session) <= 64
    assert fake_slack.posts == []  # answered in time: nothing through response_url


def test_an_english_question_is_answered_in_english(client, fake_slack):
    message = command(client, fake_slack, "What is included in an eXo subscription?").get_json()
    assert message["text"].startswith("Every eXo subscription includes")
    assert [b["text"]["text"] for b in blocks_of(message)["actions"]["elements"]] == ["Helpful", "Not helpful"]


def test_a_user_keeps_one_conversation_and_the_team_chooses_the_tenant(client, fake_slack, fresh):
    def session(message):
        return blocks_of(message)["actions"]["elements"][0]["value"]

    first = command(client, fake_slack, EXO_FR).get_json()
    again = command(client, fake_slack, "What is included in an eXo subscription?").get_json()
    other = command(client, fake_slack, EXO_FR, user="U2").get_json()
    assert session(first) == session(again) != session(other)
    conex = command(client, fake_slack, "How does Conex sell its software?", team="TCONEX").get_json()
    assert blocks_of(conex)["context"]["elements"][0]["text"].startswith("Conex FAQ — ")
    assert fresh.store.get("sessions", session(conex))["tenant"] == "conex"


def test_an_empty_command_gets_help_in_both_languages(client, fake_slack):
    message = command(client, fake_slack, "  ").get_json()
    assert message["response_type"] == "ephemeral"
    assert "Usage : `/faq votre question`" in message["text"] and "Usage: `/faq your question`" in message["text"]


def test_a_slow_reply_is_acknowledged_at_once_and_posted_to_response_url(client, fake_slack, fresh, monkeypatch):
    reply = fresh.reply

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return reply(*args, **kwargs)

    monkeypatch.setattr(fresh, "reply", slow)
    monkeypatch.setattr(slack, "REPLY_BUDGET", 0.01)
    response = command(client, fake_slack, EXO_FR)
    assert response.get_json() == {
        "response_type": "ephemeral",
        "text": "…",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}],
    }
    assert chatops.wait_idle()
    [late] = fake_slack.at("/response/1")
    assert late["body"]["response_type"] == "ephemeral" and "souscription" in late["body"]["text"]
    assert blocks_of(late["body"])["context"]["elements"][0]["text"] == EXO_SOURCE


def test_text_is_escaped_as_slack_requires():
    assert slack.escape("R&D <b> > 3") == "R&amp;D &lt;b&gt; &gt; 3"
    assert slack.incoming("<@U123> prix &lt; 10 &amp; plus") == "prix < 10 & plus"
    long = slack.mrkdwn("&" * 5000)
    assert len(long) <= slack.SECTION_LIMIT and long.endswith("&amp;…")


ODD_TITLE = "Q&A <beta> *new* _x_ [draft] | y"


def test_a_source_is_its_title_escaped_as_slack_requires():
    source = Source("f.txt", "s", "q", ODD_TITLE, None)
    assert slack.source_text(source) == "Q&amp;A &lt;beta&gt; *new* _x_ [draft] | y"


def test_a_source_with_an_address_is_a_link_that_its_title_and_address_cannot_break():
    """Slack reads a link up to its first "|" then up to ">": the address is percent-encoded where
    it holds either (and escaped), the title escaped; Slack's markup has no escape for * or _."""
    source = Source("f.txt", "s", "q", ODD_TITLE, "https://docs.example/faq?a=1&b=(2) x|y>z")
    assert slack.source_text(source) == (
        "<https://docs.example/faq?a=1&amp;b=%282%29%20x%7Cy%3Ez|Q&amp;A &lt;beta&gt; *new* _x_ [draft] | y>"
    )


def test_a_command_links_the_source_when_the_document_has_an_address(client, fake_slack, fresh, monkeypatch):
    monkeypatch.setattr(fresh.tenants["exo"], "document_url", "https://docs.example/exo/faq")
    message = command(client, fake_slack, "What is included in an eXo subscription?").get_json()
    assert (
        blocks_of(message)["context"]["elements"][0]["text"]
        == "<https://docs.example/exo/faq|eXo Platform FAQ — Business model &amp; licences — Q2>"
    )


# -- signatures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slack/commands", "/slack/interactions", "/slack/events"])
@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        signed(b"text=something+else"),  # signed, another body
        signed(b"", secret="not-the-secret"),  # forged
        signed(b"", timestamp=int(time.time()) - 6 * 60),  # stale: over 5 minutes old
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},  # malformed
    ],
    ids=["unsigned", "other-body", "forged", "stale", "malformed"],
)
def test_requests_not_signed_by_slack_are_refused(client, path, headers, caplog):
    response = client.post(path, data=b"", content_type="application/x-www-form-urlencoded", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert any(r.levelname == "WARNING" and "signature" in r.getMessage() for r in caplog.records)


def test_a_signature_made_a_minute_ago_is_accepted(client, fake_slack):
    body = urlencode({"command": "/faq", "text": EXO_FR, "team_id": "TEXO", "user_id": "U1"}).encode()
    response = client.post(
        "/slack/commands",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=signed(body, timestamp=int(time.time()) - 60),
    )
    assert response.status_code == 200


# -- the vote buttons ------------------------------------------------------------------------------


def click(client, fake_slack, action_id, session, **extra):
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "team": {"id": "TEXO"},
        "response_url": fake_slack.url + "/response/vote",
        "actions": [{"action_id": action_id, "block_id": "feedback", "value": session}],
        **extra,
    }
    return form_post(client, "/slack/interactions", {"payload": json.dumps(payload)})


@pytest.mark.parametrize("action_id, helpful", [("feedback_helpful", 1), ("feedback_unhelpful", 0)])
def test_a_vote_is_stored_and_acknowledged(client, fake_slack, fresh, action_id, helpful):
    session = blocks_of(command(client, fake_slack, EXO_FR).get_json())["actions"]["elements"][0]["value"]
    response = click(client, fake_slack, action_id, session)
    assert response.status_code == 200
    assert response.get_json() == {
        "response_type": "ephemeral",
        "replace_original": False,
        "text": "Merci pour votre avis !",
    }
    [vote] = fresh.store.rows("feedback")
    assert (vote["session_id"], vote["helpful"], vote["message"]) == (session, helpful, EXO_FR)
    assert chatops.wait_idle()
    assert [p["body"]["text"] for p in fake_slack.at("/response/vote")] == ["Merci pour votre avis !"]


def test_a_vote_on_a_posted_message_replaces_its_buttons_by_the_thanks(client, fake_slack):
    session = blocks_of(command(client, fake_slack, "What is included in an eXo subscription?").get_json())
    original = [session["section"], session["context"], session["actions"]]
    response = click(
        client, fake_slack, "feedback_helpful", session["actions"]["elements"][0]["value"], message={"blocks": original}
    )
    ack = response.get_json()
    assert ack["replace_original"] is True
    assert [b["type"] for b in ack["blocks"]] == ["section", "context", "context"]
    assert ack["blocks"][-1]["elements"][0]["text"] == "Thanks for your feedback!"


def test_a_vote_for_an_unknown_conversation_is_not_stored(client, fake_slack, fresh):
    response = click(client, fake_slack, "feedback_helpful", "slack." + "0" * 40)
    assert "not recorded" in response.get_json()["text"]
    assert fresh.store.rows("feedback") == []


# -- the Events API --------------------------------------------------------------------------------


def test_the_url_verification_returns_the_challenge(client):
    response = event(client, {"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV"})
    assert response.get_json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


def test_a_mention_is_answered_once_in_its_thread(client, fake_slack):
    response = event(client, callback("Ev0001", type="app_mention", text="<@UBOT> What is an eXo subscription?"))
    assert response.status_code == 200
    assert chatops.wait_idle()
    [post] = fake_slack.at("/api/chat.postMessage")
    assert post["headers"]["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert post["body"]["channel"] == "C9" and post["body"]["thread_ts"] == "1700000000.0001"
    assert post["body"]["text"].startswith("A subscription gives you the right")
    assert [b["type"] for b in post["body"]["blocks"]] == ["section", "context"]  # no votes in a channel


def test_a_direct_message_is_answered_with_vote_buttons(client, fake_slack):
    event(client, callback("Ev0002", type="message", channel_type="im", text=EXO_FR))
    assert chatops.wait_idle()
    [post] = fake_slack.at("/api/chat.postMessage")
    assert "thread_ts" not in post["body"]
    assert [b["type"] for b in post["body"]["blocks"]] == ["section", "context", "actions"]


def test_a_retried_event_is_answered_once(client, fake_slack):
    payload = callback("Ev0003", type="app_mention", text="<@UBOT> What is an eXo subscription?")
    for retry in range(3):  # Slack's retries say so in a header
        assert event(client, payload, retry).status_code == 200
    assert chatops.wait_idle()
    assert len(fake_slack.at("/api/chat.postMessage")) == 1


def test_a_mention_in_a_direct_message_is_answered_once(client, fake_slack):
    """Slack sends it twice, as app_mention and as message, with two event ids."""
    mention = callback("Ev0004", type="app_mention", text="<@UBOT> What is an eXo subscription?")
    message = callback("Ev0005", type="message", channel_type="im", text="<@UBOT> What is an eXo subscription?")
    message["event"]["ts"] = mention["event"]["ts"]
    event(client, mention), event(client, message)
    assert chatops.wait_idle()
    assert len(fake_slack.at("/api/chat.postMessage")) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "message", "channel_type": "im", "bot_id": "B1", "text": EXO_FR},
        {"type": "message", "channel_type": "im", "subtype": "bot_message", "text": EXO_FR},
        {"type": "message", "channel_type": "im", "subtype": "message_changed", "message": {"text": EXO_FR}},
        {"type": "message", "channel_type": "channel", "text": EXO_FR},  # a channel message, not addressed to us
    ],
    ids=["bot_id", "bot_message", "message_changed", "channel"],
)
def test_bot_messages_edits_and_other_channels_are_ignored(client, fake_slack, fields):
    assert event(client, callback("Ev0006", **fields)).status_code == 200
    assert chatops.wait_idle()
    assert fake_slack.posts == []


# -- conversations that belong to their Slack user -------------------------------------------------


def test_a_users_conversation_id_is_keyed_by_the_servers_secret(client, fake_slack, fresh):
    """Nobody computes a Slack user's conversation id from the public team and user ids: it is an
    HMAC under the server's secret, unlike the hash of public ids it once was."""
    session = blocks_of(command(client, fake_slack, EXO_FR).get_json())["actions"]["elements"][0]["value"]
    unkeyed = hashlib.sha256("\x1f".join(["exo", "TEXO", "U1"]).encode()).hexdigest()
    assert unkeyed[:40] not in session and fresh.store.get("sessions", session) is not None
    other = Settings(slack_signing_secret=SECRET, session_secret="another server's secret")
    assert chatops.session_for(other, "slack", "exo", "TEXO", "U1") != session


def test_the_public_chat_cannot_reach_a_slack_users_form(client, fake_slack, fresh):
    """A Slack user's quote in progress can neither be read nor changed through the public API."""
    command(client, fake_slack, "je voudrais un devis")
    assert chatops.wait_idle()
    [session] = [row["id"] for row in fresh.store.rows("sessions")]
    for path, body in (
        ("/api/v1/chat", {"tenant": "exo", "message": "my email is actually evil@example.com", "session_id": session}),
        ("/api/v1/feedback", {"session_id": session, "helpful": False}),
    ):
        response = client.post(path, json=body)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_session_id"
    assert fresh.sessions.open("exo", session, keyed=True).form["slots"] == {}


def test_a_vote_counts_only_on_ones_own_conversation(client, fake_slack, fresh):
    session = blocks_of(command(client, fake_slack, EXO_FR).get_json())["actions"]["elements"][0]["value"]
    payload = {
        "type": "block_actions",
        "user": {"id": "U2"},
        "team": {"id": "TEXO"},
        "actions": [{"action_id": "feedback_unhelpful", "block_id": "feedback", "value": session}],
    }
    response = form_post(client, "/slack/interactions", {"payload": json.dumps(payload)})
    assert "not recorded" in response.get_json()["text"] and fresh.store.rows("feedback") == []


# -- each signed request once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/slack/commands", {"command": "/faq", "text": "hello", "team_id": "TEXO", "user_id": "U1"}),
        ("/slack/interactions", {"payload": json.dumps({"type": "block_actions", "actions": []})}),
    ],
)
def test_a_retry_header_does_not_reopen_a_signed_request_outside_the_events_api(client, path, fields):
    """X-Slack-Retry-Num is not covered by the signature: anyone replaying a captured request can add
    it. Outside the Events API it changes nothing."""
    body = urlencode(fields).encode()
    headers = signed(body)
    assert (
        client.post(path, data=body, content_type="application/x-www-form-urlencoded", headers=headers).status_code
        == 200
    )
    again = client.post(
        path, data=body, content_type="application/x-www-form-urlencoded", headers={**headers, "X-Slack-Retry-Num": "1"}
    )
    assert again.status_code == 401 and again.get_json()["error"]["code"] == "replayed_request"


def test_a_replayed_event_with_a_retry_header_is_answered_once(client, fake_slack):
    payload = callback("Ev0900", type="message", channel_type="im", text=EXO_FR)
    body = json.dumps(payload).encode()
    headers = signed(body)
    for extra in ({}, {"X-Slack-Retry-Num": "1"}, {"X-Slack-Retry-Num": "2"}):
        response = client.post(
            "/slack/events", data=body, content_type="application/json", headers={**headers, **extra}
        )
        assert response.status_code == 200
    assert chatops.wait_idle()
    assert len(fake_slack.at("/api/chat.postMessage")) == 1
    replayed = client.post("/slack/events", data=body, content_type="application/json", headers=headers)
    assert replayed.status_code == 401
