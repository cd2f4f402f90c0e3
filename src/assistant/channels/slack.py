"""Slack: the /faq slash command with its feedback buttons, and the Events API (mentions of the app,
direct messages). Every request must carry Slack's signature (HMAC-SHA256 of the raw body with the
app's signing secret, at most 5 minutes old)."""

import logging
import threading
import time

from flask import Blueprint, current_app, jsonify, request
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from .. import patterns
from . import chatops
from .api import assistant, settings
from .http_errors import ApiError

blueprint = Blueprint("slack", __name__, url_prefix="/slack")
log = logging.getLogger(__name__)

REPLY_BUDGET = 2.5  # seconds: Slack drops a command not answered in 3 s; later replies go to response_url
SECTION_LIMIT = 3000  # characters in a section's text, Slack's limit
SEEN_FOR = 3600  # seconds an event id is remembered: Slack retries within about 5 minutes
COMMAND = "/faq"
VOTES = {"feedback_helpful": True, "feedback_unhelpful": False}
MENTION = patterns.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


# -- requests from Slack ---------------------------------------------------------------------------


def verify(retries_by_event: bool = False) -> None:
    """Reject what Slack did not sign, with the signature computed on the raw body as received, and
    a signed request received before: a signature stays valid for five minutes, and is accepted
    once. ``X-Slack-Retry-Num``, which the signature does not cover, reopens nothing, except on the
    Events API (``retries_by_event``), where Slack's own retries of an event come again with its
    signature and are answered once by their event id instead."""
    secret = settings().slack_signing_secret
    try:
        valid = bool(secret) and SignatureVerifier(secret).is_valid_request(request.get_data(), request.headers)
    except ValueError:  # a timestamp that is not a number
        valid = False
    if not valid:
        log.warning("slack: rejected %s from %s: missing, forged or stale signature", request.path, request.remote_addr)
        raise ApiError(401, "invalid_signature", "This request is not signed by Slack.")
    retried = retries_by_event and "X-Slack-Retry-Num" in request.headers
    if not first_time("signature:" + request.headers.get("X-Slack-Signature", "")) and not retried:
        log.warning("slack: rejected a replayed request to %s from %s", request.path, request.remote_addr)
        raise ApiError(401, "replayed_request", "This signed request was already received.")


def tenant_of(team_id: str | None, config=None) -> str:
    config = config or settings()
    return chatops.tenant_for(config.slack_teams, config.default_tenant, team_id)


def incoming(text: str) -> str:
    """Slack escapes &, < and > in what users type, and writes mentions as <@U123>."""
    text = MENTION.sub(" ", text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


@blueprint.post("/commands")
def commands():
    verify()
    form = request.form
    tenant, text = tenant_of(form.get("team_id")), incoming(form.get("text", ""))
    if not text:
        return jsonify(ephemeral(plain(chatops.help_text(assistant(), tenant, form.get("command") or COMMAND))))
    session_id = chatops.session_for(settings(), "slack", tenant, form.get("team_id"), form.get("user_id"))
    core = assistant()  # bound here: the thread that replies has no application context

    def reply() -> dict:
        return ephemeral(message(chatops.ask(core, tenant, session_id, text)))

    pending = Pending(reply, form.get("response_url"))
    return jsonify(pending.wait(REPLY_BUDGET) or ephemeral(plain("…")))


@blueprint.post("/interactions")
def interactions():
    verify()
    try:
        payload = current_app.json.loads(request.form.get("payload", ""))
    except ValueError:
        raise ApiError(400, "invalid_payload", "'payload' must hold JSON.") from None
    actions = payload.get("actions") if isinstance(payload, dict) else None
    vote = next((a for a in actions or [] if isinstance(a, dict) and a.get("action_id") in VOTES), None)
    if vote is None:  # another kind of interaction: acknowledged, nothing to do
        return "", 200
    session_id = voter_session(payload)
    lang = (
        chatops.feedback(assistant(), session_id, VOTES[vote["action_id"]])
        if session_id and vote.get("value") == session_id
        else None
    )
    ack = acknowledgement(payload, chatops.label(assistant(), lang, "thanks" if lang else "unknown"))
    # Slack ignores the body of this answer for buttons: what the user sees goes through response_url.
    if payload.get("response_url"):
        chatops.background(respond, payload["response_url"], ack)
    return jsonify(ack)


@blueprint.post("/events")
def events():
    verify(retries_by_event=True)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    if data.get("type") == "url_verification":
        return jsonify({"challenge": data.get("challenge", "")})
    event = data.get("event") if data.get("type") == "event_callback" else None
    # Keyed by event id (Slack's retries), and by message: a mention in a direct message arrives
    # twice, as app_mention and as message, with two event ids.
    if (
        isinstance(event, dict)
        and wanted(event)
        and first_time(data.get("event_id"), f"{event['channel']}:{event.get('ts')}")
    ):
        chatops.background(answer_event, assistant(), settings(), data.get("team_id") or event.get("team"), event)
    return "", 200  # at once: Slack retries what is not acknowledged within 3 s


def wanted(event: dict) -> bool:
    """A mention of the app, or a user's direct message; never a bot (this app included), an edit
    or a deletion, which would make the app answer itself or answer twice."""
    if event.get("bot_id") or event.get("subtype") or not event.get("user") or not event.get("channel"):
        return False
    return event.get("type") == "app_mention" or (event.get("type") == "message" and event.get("channel_type") == "im")


def voter_session(payload: dict) -> str | None:
    """The conversation of the user who clicked: a vote counts only on one's own conversation."""
    user, team = payload.get("user"), payload.get("team")
    if not isinstance(user, dict) or not isinstance(team, dict) or not user.get("id") or not team.get("id"):
        return None
    return chatops.session_for(settings(), "slack", tenant_of(team["id"]), team["id"], user["id"])


def first_time(*keys: str | None) -> bool:
    """Remember keys in the database, shared by every server process: Slack's retry of an event
    may reach another process than the first delivery. True if none was seen before."""
    keys, now = [k for k in keys if k], time.time()
    store = assistant().store
    store.write("delete from slack_events where seen < ?", [now - SEEN_FOR])
    added = [
        store.write("insert into slack_events (key, seen) values (?, ?) on conflict do nothing", [k, now]) for k in keys
    ]
    return all(added)


def answer_event(core, config, team_id: str | None, event: dict) -> None:
    tenant, text = tenant_of(team_id, config), incoming(event.get("text", ""))
    direct = event.get("channel_type") == "im"
    if text:
        session_id = chatops.session_for(config, "slack", tenant, team_id, event["user"])
        # Buttons only in a direct message: in a channel, anyone could vote on someone else's answer.
        reply = message(chatops.ask(core, tenant, session_id, text), votes=direct)
    else:
        reply = plain(chatops.help_text(core, tenant))
    thread = event.get("thread_ts") or (None if direct else event.get("ts"))  # a mention: answer in a thread
    post_message(config, event["channel"], reply, thread)


# -- the slow path of a command --------------------------------------------------------------------


class Pending:
    """A command's reply computed in the background: returned in time, or else posted to the
    command's response_url when it is ready (the lock decides which, exactly once)."""

    def __init__(self, work, response_url: str | None):
        self.work, self.response_url = work, response_url
        self.lock, self.done = threading.Lock(), threading.Event()
        self.message: dict | None = None
        self.late = False
        chatops.background(self._compute)

    def _compute(self) -> None:
        try:
            result = self.work()
        except Exception:
            log.exception("slack: a command's reply failed")
            result = ephemeral(plain("Something went wrong on our side. / Une erreur s'est produite de notre côté."))
        with self.lock:
            self.message, late = result, self.late
        self.done.set()
        if late:
            respond(self.response_url, result)

    def wait(self, budget: float) -> dict | None:
        self.done.wait(budget)
        with self.lock:
            self.late = self.message is None
            return self.message


# -- messages --------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """The three characters Slack's markup reserves; nothing else is escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> str:
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept, size = [], 0
    for char in text:  # escaped one character at a time, so that no "&amp;" is cut in half
        part = escape(char)
        if size + len(part) > limit - 1:
            break
        kept.append(part)
        size += len(part)
    return "".join(kept) + "…"


def plain(text: str) -> dict:
    return {"text": mrkdwn(text), "blocks": [section(text)]}


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(text)}}


def message(answer: chatops.Answer, votes: bool = True) -> dict:
    blocks = [section(answer.text)]
    if answer.sources:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": source_text(s)} for s in answer.sources[:10]]}
        )
    if votes and answer.session_id:
        blocks.append(
            {
                "type": "actions",
                "block_id": "feedback",
                "elements": [
                    button(answer.labels["helpful"], "feedback_helpful", answer.session_id, "primary"),
                    button(answer.labels["unhelpful"], "feedback_unhelpful", answer.session_id),
                ],
            }
        )
    return {"text": mrkdwn(answer.text), "blocks": blocks}


def source_text(source, limit: int = 2000) -> str:
    """A source as Slack shows it: its title, linked as ``<url|title>`` when the document has an
    address. The title is escaped as any text is (``& < >``: Slack's markup has no other escape),
    the address also made safe for the link's syntax; both within a context element's limit."""
    if not source.url:
        return mrkdwn(source.title, limit)
    target = escape(chatops.link_target(source.url))
    return f"<{target}|{mrkdwn(source.title, max(limit - len(target) - 3, 1))}>"


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id, "value": value}
    return {**element, "style": style} if style else element


def ephemeral(content: dict) -> dict:
    return {"response_type": "ephemeral", **content}


def acknowledgement(payload: dict, text: str) -> dict:
    """The voted message without its buttons and with the thanks, when Slack sent the message (a
    direct message); else a new ephemeral message (an ephemeral original is not sent back)."""
    blocks = (payload.get("message") or {}).get("blocks")
    if isinstance(blocks, list) and blocks:
        kept = [b for b in blocks if isinstance(b, dict) and b.get("block_id") != "feedback"]
        return {
            "replace_original": True,
            "text": mrkdwn(text),
            "blocks": kept + [{"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(text)}]}],
        }
    return {"response_type": "ephemeral", "replace_original": False, "text": mrkdwn(text)}


# -- to Slack --------------------------------------------------------------------------------------


def respond(response_url: str | None, body: dict) -> None:
    if not response_url or not response_url.startswith(("https://", "http://")):
        log.warning("slack: no usable response_url for a late reply")
        return
    response = WebhookClient(response_url, timeout=10).send_dict(body)
    if response.status_code != 200:
        log.warning("slack: response_url answered %s: %s", response.status_code, response.body)


def post_message(config, channel: str, body: dict, thread_ts: str | None = None) -> None:
    if not config.slack_bot_token:
        log.warning("slack: no bot token (slack_bot_token): cannot answer in channel %s", channel)
        return
    client = WebClient(token=config.slack_bot_token, base_url=config.slack_api_url, timeout=10)
    extra = {"thread_ts": thread_ts} if thread_ts else {}
    try:
        client.chat_postMessage(channel=channel, **body, **extra)
    except SlackApiError as e:
        log.warning("slack: chat.postMessage failed: %s", e.response.get("error"))
