"""The database's tables (columns and their types, primary key), indexes and views: what
``Store`` creates, and adds to a database made by an older version."""

from typing import Any

SCHEMA: dict[str, tuple[dict[str, Any], Any]] = {  # table -> (columns and their types, primary key)
    "turns": (
        {
            "id": int,
            "session_id": str,
            "tenant": str,
            "at": str,
            "lang": str,
            "user": str,
            "assistant": str,
            "type": str,
            "intent": str,
            "state": str,
        },
        "id",
    ),
    "requests": (
        {
            "reference": str,
            "key": str,
            "tenant": str,
            "kind": str,
            "status": str,
            "payload": str,
            "session_id": str,
            "lang": str,
            "created": str,
            "seq": int,  # the order requests were stored in: newest first within a second
        },
        "reference",
    ),
    "outbox": (
        {
            "id": int,
            "reference": str,
            "tenant": str,
            "kind": str,
            "recipient": str,
            "subject": str,
            "body": str,
            "lang": str,
            "created": str,
        },
        "id",
    ),
    "unanswered": (
        {
            "id": int,
            "tenant": str,
            "lang": str,
            "message": str,
            "candidates": str,
            "reason": str,
            "session_id": str,
            "created": str,
            "group_id": int,
        },
        "id",
    ),
    # Similar unanswered questions, grouped as they arrive (grouping.py); languages, reasons and
    # examples are JSON lists.
    "unanswered_groups": (
        {
            "id": int,
            "tenant": str,
            "key": str,
            "question": str,
            "count": int,
            "languages": str,
            "reasons": str,
            "examples": str,
            "first": str,
            "last": str,
            "handled": str,  # null while staff have not acted on it: "ignored", or "change <id>"
        },
        "id",
    ),
    "feedback": (
        {
            "id": int,
            "session_id": str,
            "turn_id": int,
            "tenant": str,
            "helpful": int,
            "comment": str,
            "message": str,
            "created": str,
            "handled": str,  # as unanswered_groups.handled, for "not helpful" votes
        },
        "id",
    ),
    "accounts": (
        {
            "account": str,
            "tenant": str,
            "seats": int,
            "subscription": str,
            "active": int,
            "anniversary": str,
            "manager_email": str,
            "customer_email": str,
        },
        "account",
    ),
    "grace_uses": ({"id": int, "account": str, "reference": str, "used_at": str}, "id"),
    # One-time codes sent to prove an account (verification.py): when, for which conversation, how
    # many guesses; the code itself only as a salted digest.
    "verifications": (
        {
            "id": int,
            "tenant": str,
            "account": str,
            "session_id": str,
            "salt": str,
            "digest": str,
            "created": float,
            "expires": float,
            "attempts": int,
            "verified": float,
        },
        "id",
    ),
    # Slack event ids and request signatures already seen (retries and replays), with when.
    "slack_events": ({"key": str, "seen": float}, "key"),
    # What staff change in a tenant's knowledge (curation/): a draft until published (``version``
    # is then the version that first had it) or discarded; ``change`` is the change as JSON.
    "knowledge_changes": (
        {
            "id": int,
            "tenant": str,
            "kind": str,
            "change": str,
            "author": str,
            "created": str,
            "status": str,
            "version": int,
            "exported": int,
        },
        "id",
    ),
    # Each published version of a tenant: the changes it is made of (JSON, in order), who, when, how
    # long its build took, and the version it restores when it is a rollback.
    "knowledge_versions": (
        {
            "id": int,
            "tenant": str,
            "version": int,
            "changes": str,
            "author": str,
            "created": str,
            "seconds": float,
            "rollback_of": int,
        },
        "id",
    ),
    # What a purge keeps of the rows it deletes (retention.py): their counts, by tenant and day, for
    # the staff's numbers; ``metric`` names what is counted, ``key`` and ``detail`` by what.
    "daily_counts": (
        {"tenant": str, "day": str, "metric": str, "key": str, "detail": str, "count": int},
        ("tenant", "day", "metric", "key", "detail"),
    ),
}
INDEXES = [
    ("requests", ["key"], True),
    ("requests", ["tenant", "kind", "status"], False),
    ("turns", ["session_id"], False),
    ("grace_uses", ["account", "used_at"], False),
    ("unanswered", ["tenant"], False),
    ("outbox", ["reference"], False),
    ("feedback", ["session_id", "turn_id"], False),
    ("verifications", ["tenant", "account", "created"], False),
    ("verifications", ["session_id"], False),
    # Staff lists, filtered by tenant and paged in SQL; a new question's candidate groups.
    ("unanswered", ["group_id"], False),
    ("unanswered_groups", ["tenant", "last"], False),
    ("unanswered_groups", ["tenant", "count", "last"], False),
    ("requests", ["tenant", "created"], False),
    ("requests", ["created"], False),
    ("requests", ["seq"], False),
    ("outbox", ["tenant"], False),
    # The staff's numbers over a range of days (staff/stats.py).
    ("turns", ["tenant", "at"], False),
    ("unanswered", ["tenant", "created"], False),
    ("feedback", ["tenant", "created"], False),
    ("knowledge_changes", ["tenant", "status"], False),
    ("knowledge_versions", ["tenant", "version"], True),
]
# Each conversation as its last turn has it, with when it began: what the sessions table held
# before its state moved onto the turns (see _migrate_sessions).
VIEWS = {
    "sessions": (
        """
    select last.session_id as id, last.tenant, last.lang, last.state,
           (select at from turns as first where first.session_id = last.session_id order by id limit 1) as created,
           last.at as updated
    from turns as last
    where last.id = (select max(id) from turns as t where t.session_id = last.session_id)""",
        "id",
    )
}
