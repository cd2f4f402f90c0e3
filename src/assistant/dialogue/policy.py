"""The dialogue policy: from ranked candidates to what kind of reply to give."""

from collections.abc import Collection
from typing import NamedTuple

from ..data.intents import COMMON_INTENTS, OUT_OF_SCOPE
from ..nlu.matching import Candidate

# One threshold for every tenant: below it the assistant says it does not know.
THRESHOLD = 0.3
# Two entries closer than this are both offered instead of guessing.
CLARIFY_MARGIN = 0.02


class Decision(NamedTuple):  # made once a message: a named tuple costs a sixth of a frozen dataclass
    kind: str  # "intent", "clarify" or "fallback"
    best: Candidate | None
    other: Candidate | None = None


def is_entry(intent: str, actions: Collection[str]) -> bool:
    """Whether an intent is one of the tenant's entries: neither a common intent nor one of the
    ``actions`` that start a form (the forms' intents, ``FormSet.action_intents``)."""
    return intent not in COMMON_INTENTS and intent not in actions


def decide(
    candidates: list[Candidate],
    threshold: float = THRESHOLD,
    margin: float = CLARIFY_MARGIN,
    *,
    actions: Collection[str] = (),
) -> Decision:
    """Answer the best intent, clarify between two entries too close to tell, or fall back.
    ``actions``: the intents that start a form (none in a benchmark without forms)."""
    if not candidates:
        return Decision("fallback", None)
    best = candidates[0]
    if best.intent == OUT_OF_SCOPE or best.confidence < threshold:
        return Decision("fallback", best)
    runner_up = next((c for c in candidates[1:] if c.intent != OUT_OF_SCOPE), None)
    if (
        runner_up
        and is_entry(best.intent, actions)
        and is_entry(runner_up.intent, actions)
        and best.confidence - runner_up.confidence < margin
    ):
        return Decision("clarify", best, runner_up)
    return Decision("intent", best)
