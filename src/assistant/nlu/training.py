"""Training a tenant's matcher from its phrasings, its entries' questions and the common intents,
with other tenants' phrases as negatives: what ``bundle.py`` builds and caches."""

import logging
from dataclasses import dataclass, field

import numpy as np

from ..data.intents import COMMON, OUT_OF_SCOPE, IntentData
from ..data.knowledge import Tenant
from ..text import lexicon
from ..text.language import LanguageDetector
from ..text.normalise import Normaliser
from .features import Vectorizer
from .matching import Matcher

log = logging.getLogger(__name__)


@dataclass
class Models:
    normaliser: Normaliser
    detector: LanguageDetector
    matchers: dict[str, Matcher]
    # The tenants that have synonyms of their own read messages with these (the shared tables and theirs).
    own_normalisers: dict[str, Normaliser] = field(default_factory=dict)

    def normaliser_for(self, tenant: str) -> Normaliser:
        return self.own_normalisers.get(tenant, self.normaliser)


# Another tenant's phrase teaches "not mine" only if it resembles none of this tenant's phrases,
# and counts less than a phrase written for this tenant.
# With four to eight phrasings an entry, another tenant's colloquial phrase often shares a third of
# its words with one of this tenant's: such a phrase teaches nothing about "not mine".
NEGATIVE_MAX_SIMILARITY = 0.3
NEGATIVE_WEIGHT = 0.15


def texts_by_language(tenants: dict[str, Tenant], intents: IntentData) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for e in intents.examples:
        texts.setdefault(e.lang, []).append(e.text)
    for tenant in tenants.values():
        for entry in tenant.entries.values():
            for lang in entry.question:
                texts.setdefault(lang, []).extend([entry.question[lang], entry.answer.get(lang, "")])
    return texts


def tenant_examples(tenant: Tenant, intents: IntentData) -> list[tuple[str, str, str]]:
    """(text, language, intent) that teach a tenant's matcher its own intents and the common ones."""
    own = [(e.text, e.lang, e.intent) for e in intents.for_scope(tenant.id)]
    questions = [(q, lang, entry.id) for entry in tenant.entries.values() for lang, q in entry.question.items()]
    common = [(e.text, e.lang, e.intent) for e in intents.for_scope(COMMON)]
    return own + questions + common


def other_tenants_examples(tenant: Tenant, intents: IntentData) -> list[tuple[str, str, str]]:
    return [(e.text, e.lang, OUT_OF_SCOPE) for e in intents.examples if e.scope not in (COMMON, tenant.id)]


def tenant_normaliser(shared: Normaliser, synonyms: dict[str, dict[str, list[str]]]) -> Normaliser | None:
    """The shared normaliser with a tenant's own synonyms, or None when it has none."""
    if not synonyms:
        return None
    tables = dict(shared.tables)
    for lang, own in synonyms.items():
        if lang in tables:
            tables[lang] = lexicon.with_synonyms(tables[lang], lang, own)
    return Normaliser(tables)


def train_tenant(tenant: Tenant, intents: IntentData, normaliser: Normaliser) -> Matcher:
    labelled = [(normaliser.tokens(t, lang), intent, t) for t, lang, intent in tenant_examples(tenant, intents)]
    negatives = [(normaliser.tokens(t, lang), intent, t) for t, lang, intent in other_tenants_examples(tenant, intents)]
    kept = unlike(negatives, [tokens for tokens, intent, _ in labelled if intent != OUT_OF_SCOPE])
    log.info(
        "%s: %d examples, %d of %d other tenants' phrases as negatives",
        tenant.id,
        len(labelled),
        len(kept),
        len(negatives),
    )
    examples = labelled + kept
    return Matcher.train(
        [(tokens, intent) for tokens, intent, _ in examples],
        weights=[1.0] * len(labelled) + [NEGATIVE_WEIGHT] * len(kept),
        texts=[text for _, _, text in examples],
    )


def unlike(candidates: list[tuple[list[str], str, str]], own: list[list[str]]) -> list[tuple[list[str], str, str]]:
    """The candidates that resemble none of ``own`` (cosine below NEGATIVE_MAX_SIMILARITY)."""
    vectorizer = Vectorizer(own)
    similarity = vectorizer.matrix([c[0] for c in candidates]) @ vectorizer.matrix(own).T
    best = np.asarray(similarity.max(axis=1).todense()).ravel()
    return [c for c, b in zip(candidates, best) if c[0] and b < NEGATIVE_MAX_SIMILARITY]


def build(tenants: dict[str, Tenant], intents: IntentData) -> Models:
    texts = texts_by_language(tenants, intents)
    normaliser = Normaliser(
        {lang: lexicon.compile_tables(lang, corpus, intents.synonyms.get(lang, {})) for lang, corpus in texts.items()}
    )
    detector = LanguageDetector.build(texts)
    own = {
        tid: n
        for tid in tenants
        if (n := tenant_normaliser(normaliser, intents.tenant_synonyms.get(tid, {}))) is not None
    }
    matchers = {tid: train_tenant(t, intents, own.get(tid, normaliser)) for tid, t in tenants.items()}
    return Models(normaliser, detector, matchers, own)
