"""What the assistant makes of a message, step by step, for staff trying a wording: its language and
why, its words as the matcher reads them, the best candidates with their scores, and the reply —
given by an assistant on a throwaway database, so that a try leaves no conversation behind."""

from ..backoffice.store import open_store
from ..bundle import Bundle
from ..core import Assistant, utc_now
from ..dialogue.answers import question_in
from ..text.clean import clean, without_contacts

CANDIDATES = 5


def explain(bundle: Bundle, tenant: str, message: str, lang: str | None = None, clock=utc_now) -> dict:
    """``message`` as the knowledge of ``bundle`` reads and answers it in ``tenant`` (``lang`` forces
    the language), by an assistant on a throwaway database."""
    assistant = Assistant(bundle, open_store(":memory:"), clock)
    t = assistant.tenant(tenant)
    plain = without_contacts(clean(message))
    detector = assistant.models.detector
    code = detector.detect(plain, explicit=lang, languages=t.languages)
    candidates = assistant.read_intent(tenant, plain, code)[:CANDIDATES]
    reply = assistant.reply(tenant, None, message, lang=code)
    return {
        "language": {"code": code, "why": why(detector, plain, code, lang, t.languages)},
        "tokens": assistant.models.normaliser_for(tenant).tokens(plain, code),
        "candidates": [
            {
                "intent": c.intent,
                "question": question_in(t.entries[c.intent], code, t.languages) if c.intent in t.entries else None,
                "probability": round(c.probability, 4),
                "similarity": round(c.similarity, 4),
                "confidence": round(c.confidence, 4),
            }
            for c in candidates
        ],
        "decision": reply.type,
        "reply": {"text": reply.reply, "type": reply.type, "sources": [vars(s) for s in reply.sources]},
    }


def why(detector, text: str, code: str, forced: str | None, languages: list[str]) -> str:
    """In words: forced, or the evidence of the message's words and characters for each language."""
    if forced:
        return f"forced to {forced}"
    evidence = {lang: score for lang, score in detector.evidence(text).items() if lang in languages}
    ranked = sorted(evidence.items(), key=lambda kv: -kv[1])
    scores = ", ".join(f"{lang} {score:.1f}" for lang, score in ranked)
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 1e-9:
        return f"no evidence either way ({scores}): the tenant's first language, {code}"
    return f"its words and letters (log-likelihood {scores})"
