"""Training a tenant's matcher from its phrasings, its entries' questions and the common intents,
with other tenants' phrases as negatives: what ``bundle.py`` builds and caches."""

import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .. import patterns
from ..data.intents import COMMON, OUT_OF_SCOPE, IntentData
from ..data.knowledge import Tenant
from ..text import lexicon
from ..text.language import LanguageDetector
from ..text.normalise import Normaliser
from ..text.numbers import format_number, format_quantity
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
    return own + questions + untranslated(tenant, own + questions) + common


def untranslated(tenant: Tenant, examples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """An entry not yet written in one of the tenant's languages is also read in that language: its
    texts as that language's words read them, so that a visitor writing in it finds the entry by the
    words both share (names, "hotline", "SSO", cognates) until staff translate it."""
    missing = {e.id: [lang for lang in tenant.languages if lang not in e.question] for e in tenant.entries.values()}
    return [(text, lang, intent) for text, _, intent in examples if intent in missing for lang in missing[intent]]


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
    answers = sparse_answers(tenant, labelled, normaliser)
    log.info(
        "%s: %d examples, %d of %d other tenants' phrases as negatives, %d answer clauses of sparse entries",
        tenant.id,
        len(labelled),
        len(kept),
        len(negatives),
        len(answers),
    )
    examples = labelled + kept + answers
    return Matcher.train(
        [(tokens, intent) for tokens, intent, _ in examples],
        weights=sparse_weights(tenant, [intent for _, intent, _ in labelled])
        + [NEGATIVE_WEIGHT] * len(kept)
        + [ANSWER_WEIGHT] * len(answers),
        texts=[text for _, _, text in examples],
    )


# Few phrasings (issue 27, section 5). An entry a support agent has just written has its question and
# maybe two or three phrasings per language, where the developers wrote 9 to 53: the out_of_scope
# class's hundreds of phrasings then outweigh it, and visitors' questions about it fall back. An entry
# with fewer than SPARSE_EXAMPLES examples (both languages together) is helped twice; every entry of
# the files has at least 20, so a build of them is unchanged (docs/quality.md#with-few-phrasings):
# - each of its examples weighs SPARSE_EXAMPLES / their number, at most SPARSE_CAP (10 for a question
#   in two languages, 2.5 with three phrasings each);
# - the clauses of its answer (its sentences cut at their commas too, the facts written in) teach it
#   too, each weighing ANSWER_WEIGHT: they hold the words visitors ask with ("10 tickets", "named
#   contacts", "remboursé") that its question lacks.
SPARSE_EXAMPLES = 20
SPARSE_CAP = 10.0
ANSWER_WEIGHT = 3.0
_CLAUSE_END = patterns.compile(r"[.!?;:,]\s+")  # an answer's clauses: its sentences, cut at their commas too
_PLACEHOLDER = patterns.compile(r"\{([a-z][a-z0-9_]*)(\.value)?\}")
ANSWER_CLAUSE_MIN_WORDS = 3


def sparse_weights(tenant: Tenant, labels: list[str]) -> list[float]:
    """The weight of each labelled example: 1, or more for an entry with few examples."""
    counts = Counter(labels)
    return [
        min(SPARSE_CAP, max(1.0, SPARSE_EXAMPLES / counts[label])) if label in tenant.entries else 1.0
        for label in labels
    ]


def sparse_answers(
    tenant: Tenant, labelled: list[tuple[list[str], str, str]], normaliser: Normaliser
) -> list[tuple[list[str], str, str]]:
    """(tokens, entry, clause) for the clauses of the answers of the entries with few examples."""
    counts = Counter(intent for _, intent, _ in labelled)
    found = []
    for entry in tenant.entries.values():
        if counts[entry.id] >= SPARSE_EXAMPLES:
            continue
        for lang, answer in entry.answer.items():
            # read in its language, and in those the entry lacks (``untranslated``)
            readers = [lang, *(code for code in tenant.languages if code not in entry.answer)]
            for clause in answer_clauses(answer, tenant, lang):
                for reader in readers:
                    tokens = normaliser.tokens(clause, reader)
                    if tokens:
                        found.append((tokens, entry.id, clause))
    return found


def answer_clauses(answer: str, tenant: Tenant | None = None, lang: str = "en") -> list[str]:
    """An answer's clauses of a few words or more, each fact written as the answer writes it ("10
    tickets"), a computed placeholder left out."""
    parts = _CLAUSE_END.split(_PLACEHOLDER.sub(lambda m: _fact_words(m.group(1), m.group(2), tenant, lang), answer))
    return [s.strip() for s in parts if len(s.split()) >= ANSWER_CLAUSE_MIN_WORDS]


def _fact_words(name: str, bare: str | None, tenant: Tenant | None, lang: str) -> str:
    fact = tenant.facts.get(name) if tenant is not None else None
    if fact is None or fact.value is None:
        return ""
    return format_number(fact.value, lang) if bare else format_quantity(fact.value, fact.unit, lang)


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
