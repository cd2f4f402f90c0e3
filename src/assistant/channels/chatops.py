"""What the chat-platform channels (Slack, Mattermost) share: which tenant a workspace is, a stable
conversation per user, one guarded call into the core, the help text and the background work."""

import logging
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from ..core import Assistant
from ..dialogue.sessions import keyed_id
from ..errors import AssistantError
from ..reply import Source

log = logging.getLogger(__name__)

# What the chat platforms show around answers, a response per language (intents/common/<lang>/responses.yml).
LABELS = {
    "helpful": "utter_vote_helpful",
    "unhelpful": "utter_vote_unhelpful",
    "thanks": "utter_vote_thanks",
    "unknown": "utter_vote_unknown",
    "usage": "utter_chat_usage",
}


@dataclass
class Answer:
    """A reply as a chat platform shows it: the text, its sources (each platform writes their title
    and link in its own markup), and the conversation to vote on (``None`` when there is nothing to
    vote on, e.g. an error message) with the votes' labels in the answer's language."""

    text: str
    lang: str | None
    sources: list[Source] = field(default_factory=list)
    session_id: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


def tenant_for(teams: dict[str, str], default: str | None, *keys: str | None) -> str | None:
    """The tenant of the first key the mapping knows (team id, team domain…), else the default."""
    for key in keys:
        if key and key in teams:
            return teams[key]
    return default


def session_for(config, platform: str, tenant: str, team: str | None, user: str | None) -> str:
    """A user's conversation with a tenant, stable from one message to the next: keyed by the
    server's secret (``sessions.keyed_id``), so that nobody can compute it from the platform's
    public ids, and in a namespace the public chat refuses."""
    return keyed_id(config.session_key, platform, team, user, tenant)


def link_target(url: str) -> str:
    """A source's address as the target of a chat link: what would end or split the link in Slack's
    ``<url|title>`` or Markdown's ``[title](url)`` (spaces, ``< > | ( ) "``, control characters) is
    percent-encoded; what is already percent-encoded stays as it is."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~")


def ask(assistant: Assistant, tenant: str, session_id: str, text: str) -> Answer:
    """One turn of the conversation. An error the core explains (message too long, unknown tenant)
    becomes the answer: a chat platform shows a message, not an HTTP status."""
    try:
        reply = assistant.reply(tenant, session_id, text, keyed=True)
    except AssistantError as e:
        log.warning("chat channel: %s for tenant %r", e.code, tenant)
        return Answer(e.message, None)  # the core's errors are written in every language
    # A vote is about an answer: a fallback is already logged as unanswered, small talk needs none.
    if reply.type != "answer":
        return Answer(reply.reply, reply.lang, list(reply.sources))
    labels = {key: label(assistant, reply.lang, key) for key in ("helpful", "unhelpful")}
    return Answer(reply.reply, reply.lang, list(reply.sources), reply.session_id, labels)


def feedback(assistant: Assistant, session_id: str, helpful: bool) -> str | None:
    """Store a vote; the conversation's language (for the thanks: its tenant's first language if it
    has none yet), or None for an unknown session."""
    try:
        assistant.feedback(session_id, helpful)
        session = assistant.store.get("sessions", session_id)
    except KeyError:
        return None
    tenant = assistant.tenants.get((session or {}).get("tenant"))
    return (session or {}).get("lang") or (tenant.languages[0] if tenant else None)


def help_text(assistant: Assistant, tenant: str, command: str | None = None) -> str:
    """In each of the tenant's languages: nothing has been said yet to tell which one the user
    speaks. ``command`` (a slash command or trigger word) adds how to use it."""
    try:
        t = assistant.tenant(tenant)
    except AssistantError as e:
        return e.message
    topics = ", ".join(sorted({e.topic for e in t.entries.values()}))
    parts = []
    for lang in t.languages:
        usage = "\n" + label(assistant, lang, "usage", command=command) if command else ""
        parts.append(assistant.response("utter_help", lang, t, topics=topics) + usage)
    return "\n\n".join(parts)


def label(assistant: Assistant, lang: str | None, key: str, **values) -> str:
    """A label of LABELS in ``lang`` (without one, the responses' fallback language)."""
    return assistant.intents.response(LABELS[key], lang, **values)


# -- background work ------------------------------------------------------------------------------

_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def background(work, *args) -> threading.Thread:
    """Run ``work(*args)`` in a daemon thread, logged if it fails; ``wait_idle`` joins them all."""
    thread = threading.Thread(target=_run, args=(work, args), daemon=True, name=f"chatops-{work.__name__}")
    with _running_lock:
        _running.add(thread)
    thread.start()
    return thread


def _run(work, args) -> None:
    try:
        work(*args)
    except Exception:  # a background failure has no client to answer: the log is all there is
        log.exception("chat channel: background work %s failed", work.__name__)
    finally:
        with _running_lock:
            _running.discard(threading.current_thread())


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait for the background work started so far (tests, and a clean shutdown); True if all ended."""
    with _running_lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)
    return not any(t.is_alive() for t in threads)
