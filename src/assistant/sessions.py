"""Conversation state: which tenant, which language so far, what was said."""
import re
import uuid
from dataclasses import dataclass, field


@dataclass
class Session:
    id: str
    tenant: str
    lang: str | None = None
    turns: list[dict] = field(default_factory=list)


_VALID_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def new_id() -> str:
    return uuid.uuid4().hex


def valid_id(session_id: str | None) -> bool:
    return bool(session_id) and _VALID_ID.fullmatch(session_id) is not None


class MemorySessions:
    """Sessions kept in memory (one process); a persistent store has the same two methods."""

    def __init__(self):
        self._sessions: dict[str, Session] = {}

    def open(self, tenant: str, session_id: str | None) -> Session:
        """The tenant's session with that id, or a new one: a session never crosses tenants."""
        session = self._sessions.get(session_id) if valid_id(session_id) else None
        if session is not None and session.tenant == tenant:
            return session
        reuse = valid_id(session_id) and session is None
        return Session(id=session_id if reuse else new_id(), tenant=tenant)

    def save(self, session: Session) -> None:
        self._sessions[session.id] = session
