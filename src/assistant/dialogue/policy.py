"""The dialogue policy: from ranked candidates to what kind of reply to give."""
from typing import NamedTuple

from ..data.intents import COMMON_INTENTS, OUT_OF_SCOPE
from ..nlu.matching import Candidate

# One threshold for every tenant: below it the assistant says it does not know.
THRESHOLD = 0.3
# Two entries closer than this are both offered instead of guessing.
CLARIFY_MARGIN = 0.02


class Decision(NamedTuple):  # made once a message: a named tuple costs a sixth of a frozen dataclass
    kind: str                  # "intent", "clarify" or "fallback"
    best: Candidate | None
    other: Candidate | None = None


def is_entry(intent: str) -> bool:
    return intent not in COMMON_INTENTS


def decide(candidates: list[Candidate], threshold: float = THRESHOLD, margin: float = CLARIFY_MARGIN) -> Decision:
    if not candidates:
        return Decision("fallback", None)
    best = candidates[0]
    if best.intent == OUT_OF_SCOPE or best.confidence < threshold:
        return Decision("fallback", best)
    runner_up = next((c for c in candidates[1:] if c.intent != OUT_OF_SCOPE), None)
    if (runner_up and is_entry(best.intent) and is_entry(runner_up.intent)
            and best.confidence - runner_up.confidence < margin):
        return Decision("clarify", best, runner_up)
    return Decision("intent", best)
