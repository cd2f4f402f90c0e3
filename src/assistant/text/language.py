"""Deciding the language of a message.

Short chat messages ("ok merci", "SSO ?", "TVA incluse ?") defeat general-purpose detectors, so
four kinds of evidence are added up, as log-likelihoods per language:
- character n-grams, scored against langdetect's published language profiles (its data, read
  deterministically: its own sampling detector is slow and random on short text);
- the words of the knowledge base and training phrases, which know this domain's vocabulary;
- the language of the conversation so far;
- the page language or Accept-Language header when a channel provides it.
An explicit language always wins. Only the tenant's own languages are candidates (``languages``):
a tenant that speaks French and English is never answered in a third language another tenant
speaks, and the first of its languages wins a perfect tie.
"""

import json
import math
import os
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import repeat

from .. import patterns
from . import langdata
from .clean import clean, fold
from .normalise import words

CHAR_WEIGHT = 0.05
WORD_WEIGHT = 1.0
DECISIVE = 3.0  # a word-evidence margin (log-likelihood) beyond which characters are not read
CONVERSATION_PRIOR = 2.5
HINT_PRIOR = 1.5
DEFAULT_PRIOR = 0.3  # on a perfect tie, the tenant's first language (its pages' language)
DEFAULT_LANGUAGE = "fr"  # the same without a tenant (a staff look-up): the vendors' pages are French


def _profile(lang: str) -> dict:
    from langdetect.detector_factory import PROFILES_DIRECTORY  # data only; build time

    with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as f:
        return json.load(f)


def _log_probabilities(counts: Counter, total: int, vocabulary: int) -> tuple[dict[str, float], float]:
    denominator = total + vocabulary
    return {k: math.log((c + 1) / denominator) for k, c in counts.items()}, math.log(1 / denominator)


@dataclass
class LanguageModel:
    """Log-probabilities of one language's character n-grams, and the typography it hints at."""

    chars: dict[str, float]
    char_unseen: float
    typography: list[tuple[str, float]]  # (pattern, weight): kept as text, compiled by patterns.py


class LanguageDetector:
    def __init__(self, models: dict[str, LanguageModel], word_scores: dict[str, tuple[float, ...]]):
        self.models = models
        # Each domain word with its log-probability in every language, in the order of ``models``:
        # one look-up per word of a message, whatever the number of languages.
        self.word_scores = word_scores

    @property
    def languages(self) -> list[str]:
        return list(self.models)

    @classmethod
    def build(cls, texts_by_language: dict[str, list[str]]) -> "LanguageDetector":
        word_counts = {
            lang: Counter(w for t in texts for w in words(t, lang)) for lang, texts in texts_by_language.items()
        }
        vocabulary = set().union(*word_counts.values())
        models, word_lps = {}, []
        for lang, counts in word_counts.items():
            profile = _profile(lang)
            grams = Counter(profile["freq"])
            chars, char_unseen = _log_probabilities(grams, sum(profile["n_words"]), len(grams))
            word_lps.append(_log_probabilities(counts, sum(counts.values()), len(vocabulary)))
            typography = [(t["pattern"], t["weight"]) for t in langdata.load(lang, "language").get("typography", [])]
            for pattern, _ in typography:
                patterns.compile(pattern)  # a pattern it refuses stops the build rather than a reply
            models[lang] = LanguageModel(chars, char_unseen, typography)
        word_scores = {w: tuple(lp.get(w, unseen) for lp, unseen in word_lps) for w in sorted(vocabulary)}
        return cls(models, word_scores)

    def evidence(self, text: str) -> dict[str, float]:
        """Log-likelihood of the message in each language, from its own words and characters.

        Only the words the knowledge uses count (an unknown word says nothing of this domain's
        languages). Character n-grams are only consulted when the words do not settle it: they cost
        most of the time and matter only for messages made of words the knowledge never uses.
        """
        # Loops rather than generators and comprehensions: this runs on every message, and each
        # generator is a frame the interpreter makes and unwinds.
        scores = dict.fromkeys(self.models, 0.0)
        find = self.word_scores.get
        known = [found for w in words(text, DEFAULT_LANGUAGE) if (found := find(w)) and not w.isdigit()]
        if known:
            for lang, total in zip(scores, map(sum, zip(*known))):
                scores[lang] = WORD_WEIGHT * total
        for lang, m in self.models.items():
            for pattern, weight in m.typography:
                if patterns.compile(pattern).search(text):
                    scores[lang] += weight
        if max(scores.values()) - min(scores.values()) < DECISIVE:
            grams = _grams(text)
            for lang, m in self.models.items():
                scores[lang] += CHAR_WEIGHT * sum(map(m.chars.get, grams, repeat(m.char_unseen, len(grams))))
        return scores

    def detect(
        self,
        text: str,
        explicit: str | None = None,
        conversation: str | None = None,
        hint: str | None = None,
        settled: bool = False,
        languages: Sequence[str] | None = None,
    ) -> str:
        """``settled``: the visitor is answering a form, where names and products are language-neutral,
        so the conversation's language holds more firmly. ``languages``: the tenant's, the first
        its default; every language of the knowledge when None."""
        candidates = [lang for lang in self.models if not languages or lang in languages] or list(self.models)
        if explicit in candidates:
            return explicit
        evidence = self.evidence(text)
        default = next((lang for lang in languages if lang in candidates), None) if languages else DEFAULT_LANGUAGE
        prior = CONVERSATION_PRIOR * (3 if settled else 1)
        scores = {
            lang: evidence[lang]
            + prior * (lang == conversation)
            + HINT_PRIOR * (lang == hint)
            + DEFAULT_PRIOR * (lang == default)
            for lang in candidates
        }
        return max(scores, key=scores.get)


def _grams(text: str) -> list[str]:
    lowered = f" {clean(text).lower()} "
    return [g for n in (1, 2, 3) for i in range(len(lowered) - n + 1) if (g := lowered[i : i + n]).strip()]


def hint_from_header(accept_language: str | None, supported: Collection[str]) -> str | None:
    """The first supported language of an Accept-Language header or a page's lang attribute."""
    for part in (accept_language or "").split(","):
        code = fold(part.split(";")[0].strip())[:2]
        if code in supported:
            return code
    return None
