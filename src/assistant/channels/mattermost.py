"""Mattermost: a slash command (/faq question, answered to the user alone) and an outgoing webhook
(a trigger word in a channel, answered in the channel). Mattermost proves who it is with the token
it was given when the command or webhook was set up."""

import hmac
import logging

from flask import Blueprint, jsonify, request

from . import chatops
from .api import assistant, settings
from .http_errors import ApiError

blueprint = Blueprint("mattermost", __name__, url_prefix="/mattermost")
log = logging.getLogger(__name__)

COMMAND = "/faq"

# Markdown that text could write by accident, shown as the characters themselves: backslash escapes
# that Mattermost's web (marked) and mobile (commonmark) renderers both read, and character
# references for "& < >" and the backslash, which marked's escapes do not cover.
_MARKDOWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", **{c: "\\" + c for c in "`*_[]~"}})


def fields() -> dict[str, str]:
    """The request's fields, form-encoded (what Mattermost sends by default) or JSON."""
    data = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def check_token(data: dict[str, str]) -> None:
    """The token in the body, or in the "Authorization: Token …" header of newer servers; compared
    in constant time so that timing tells nothing about it."""
    expected = settings().mattermost_token or ""
    given = data.get("token") or request.headers.get("Authorization", "").removeprefix("Token ").strip()
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("mattermost: rejected %s from %s: missing or wrong token", request.path, request.remote_addr)
        raise ApiError(401, "invalid_token", "A valid Mattermost token is required.")


def strip_trigger(text: str, trigger: str | None) -> str:
    """ "faq: how much is it?" -> "how much is it?" (the trigger word is not part of the question)."""
    text = text.strip()
    if trigger and text.lower().startswith(trigger.lower()):
        text = text[len(trigger) :].lstrip(" \t:,")
    return text.strip()


def answer(data: dict[str, str], text: str, usage: str | None) -> str:
    config = settings()
    tenant = chatops.tenant_for(
        config.mattermost_teams, config.default_tenant, data.get("team_domain"), data.get("team_id")
    )
    if not text:
        return chatops.help_text(assistant(), tenant, usage)
    session_id = chatops.session_for(
        config,
        "mattermost",
        tenant,
        data.get("team_id") or data.get("team_domain"),
        data.get("user_id") or data.get("user_name"),
    )
    reply = chatops.ask(assistant(), tenant, session_id, text)
    return "\n\n".join([reply.text] + [source_text(source) for source in reply.sources])


def markdown_text(text: str) -> str:
    """Text as Mattermost shows it literally: nothing in it is read as Markdown."""
    return text.translate(_MARKDOWN)


def source_text(source) -> str:
    """A source in italics as Mattermost shows it: its title, a Markdown link when the document has
    an address."""
    title = markdown_text(source.title)
    return f"_[{title}]({chatops.link_target(source.url)})_" if source.url else f"_{title}_"


@blueprint.post("/command")
def command():
    data = fields()
    check_token(data)
    text = answer(data, data.get("text", "").strip(), data.get("command") or COMMAND)
    return jsonify({"response_type": "ephemeral", "text": text})


@blueprint.post("/webhook")
def webhook():
    data = fields()
    check_token(data)
    trigger = data.get("trigger_word")
    return jsonify({"text": answer(data, strip_trigger(data.get("text", ""), trigger), trigger)})
