"""Mattermost: a slash command (/faq question, answered to the user alone) and an outgoing webhook
(a trigger word in a channel, answered in the channel). Mattermost proves who it is with the token
it was given when the command or webhook was set up."""
import hmac
import logging

from flask import Blueprint, jsonify, request

from . import chatops
from .api import assistant, settings
from .errors import ApiError

blueprint = Blueprint("mattermost", __name__, url_prefix="/mattermost")
log = logging.getLogger(__name__)

COMMAND = "/faq"


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
        text = text[len(trigger):].lstrip(" \t:,")
    return text.strip()


def answer(data: dict[str, str], text: str, usage: str | None) -> str:
    config = settings()
    tenant = chatops.tenant_for(config.mattermost_teams, config.default_tenant,
                                data.get("team_domain"), data.get("team_id"))
    if not text:
        return chatops.help_text(assistant(), tenant, usage)
    session_id = chatops.session_for(config, "mattermost", tenant, data.get("team_id") or data.get("team_domain"),
                                     data.get("user_id") or data.get("user_name"))
    reply = chatops.ask(assistant(), tenant, session_id, text)
    return "\n\n".join([reply.text] + [f"_{source}_" for source in reply.sources])


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
