"""The conversation a request refers to: a reference stored with the request (the conversation's
session id and the last turn saved before it), and its turns read back when staff open the request.

A reference, rather than a copy of the turns, keeps what is stored proportional to what visitors
type: a conversation that asks for a person ten times is stored once, not ten times over.
"""

TRANSCRIPT_TURNS = 200  # the most turns a request's detail shows: the last ones it covers


def reference(store, session_id: str) -> dict:
    """A reference to the conversation so far: the turn saved last (0 before any), through its index."""
    found = store.value("select id from turns where session_id = ? order by id desc limit 1", [session_id])
    return {"session_id": session_id, "last_turn": found or 0}


def transcript(store, payload: dict, most: int = TRANSCRIPT_TURNS) -> tuple[list[dict], int]:
    """The turns a request's payload refers to, oldest first, at most the ``most`` last ones, and how
    many it covers: the turns saved before the request, and the one that asked for it (saved by the
    same reply, the first after them). A payload of an earlier version holds its transcript itself."""
    if isinstance(payload.get("transcript"), list):
        turns = payload.pop("transcript")
        return turns[-most:], len(turns)
    conversation = payload.get("conversation")
    if not isinstance(conversation, dict):
        return [], 0
    covered = (
        "from turns where session_id = ? and id <= coalesce("
        "(select min(id) from turns where session_id = ? and id > ?), ?)"
    )
    session_id, last_turn = conversation.get("session_id"), conversation.get("last_turn", 0)
    params = [session_id, session_id, last_turn, last_turn]
    total = store.value(f"select count(*) {covered}", params)
    last = store.query(f'select "user", assistant {covered} order by id desc limit ?', [*params, most])
    return [{"user": user, "assistant": assistant} for user, assistant in reversed(last)], total
