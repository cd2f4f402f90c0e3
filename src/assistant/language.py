"""Deciding the language of a message.

Short chat messages ("ok merci", "SSO ?", "TVA incluse ?") defeat general-purpose detectors, so
four kinds of evidence are added up, as log-likelihoods per language:
- character n-grams, scored against langdetect's published language profiles (its data, read
  deterministically: its own sampling detector is slow and random on short text);
- the words of the knowledge base and training phrases, which know this domain's vocabulary;
- the language of the conversation so far;
- the page language or Accept-Language header when a channel provides it.
An explicit language always wins.
"""
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass

from . import langdata
from .normalise import words
from .text import clean, fold

CHAR_WEIGHT = 0.05
WORD_WEIGHT = 1.0
DECISIVE = 3.0          # a word-evidence margin (log-likelihood) beyond which characters are not read
CONVERSATION_PRIOR = 2.5
HINT_PRIOR = 1.5
DEFAULT_PRIOR = 0.3     # the vendors' pages are French: on a perfect tie, French
DEFAULT_LANGUAGE = "fr"


def _profile(lang: str) -> dict:
    from langdetect.detector_factory import PROFILES_DIRECTORY  # data only; build time

    with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as f:
        return json.load(f)


def _log_probabilities(counts: Counter, total: int, vocabulary: int) -> tuple[dict[str, float], float]:
    denominator = total + vocabulary
    return {k: math.log((c + 1) / denominator) for k, c in counts.items()}, math.log(1 / denominator)


@dataclass
class LanguageModel:
    """Log-probabilities of one language's character n-grams and domain words."""
    chars: dict[str, float]
    char_unseen: float
    words: dict[str, float]
    word_unseen: float
    typography: list[tuple[str, float]]


class LanguageDetector:
    def __init__(self, models: dict[str, LanguageModel]):
        self.models = models

    @property
    def languages(self) -> list[str]:
        return list(self.models)

    @classmethod
    def build(cls, texts_by_language: dict[str, list[str]]) -> "LanguageDetector":
        word_counts = {lang: Counter(w for t in texts for w in words(t, lang)) for lang, texts in texts_by_language.items()}
        vocabulary = len(set().union(*word_counts.values()))
        models = {}
        for lang, counts in word_counts.items():
            profile = _profile(lang)
            grams = Counter(profile["freq"])
            chars, char_unseen = _log_probabilities(grams, sum(profile["n_words"]), len(grams))
            word_lp, word_unseen = _log_probabilities(counts, sum(counts.values()), vocabulary)
            typography = [(t["pattern"], t["weight"]) for t in langdata.load(lang, "language").get("typography", [])]
            models[lang] = LanguageModel(chars, char_unseen, word_lp, word_unseen, typography)
        return cls(models)

    def evidence(self, text: str) -> dict[str, float]:
        """Log-likelihood of the message in each language, from its own words and characters.

        Character n-grams are only consulted when the words do not settle it: they cost most of
        the time and matter only for messages made of words the knowledge never uses.
        """
        tokens = [w for w in words(text, DEFAULT_LANGUAGE) if not w.isdigit()]
        known = [w for w in tokens if any(w in m.words for m in self.models.values())]
        scores = {}
        for lang, m in self.models.items():
            word_score = sum(m.words.get(w, m.word_unseen) for w in known)
            typography = sum(weight for pattern, weight in m.typography if re.search(pattern, text))
            scores[lang] = WORD_WEIGHT * word_score + typography
        if max(scores.values()) - min(scores.values()) < DECISIVE:
            grams = _grams(text)
            for lang, m in self.models.items():
                scores[lang] += CHAR_WEIGHT * sum(m.chars.get(g, m.char_unseen) for g in grams)
        return scores

    def detect(self, text: str, explicit: str | None = None, conversation: str | None = None,
               hint: str | None = None, settled: bool = False) -> str:
        """``settled``: the visitor is answering a form, where names and products are language-neutral,
        so the conversation's language holds more firmly."""
        if explicit in self.models:
            return explicit
        scores = self.evidence(text)
        prior = CONVERSATION_PRIOR * (3 if settled else 1)
        for lang in scores:
            scores[lang] += (prior * (lang == conversation) + HINT_PRIOR * (lang == hint)
                             + DEFAULT_PRIOR * (lang == DEFAULT_LANGUAGE))
        return max(scores, key=scores.get)


def _grams(text: str) -> list[str]:
    lowered = f" {clean(text).lower()} "
    return [g for n in (1, 2, 3) for i in range(len(lowered) - n + 1) if (g := lowered[i:i + n]).strip()]


def hint_from_header(accept_language: str | None, supported: list[str]) -> str | None:
    """The first supported language of an Accept-Language header or a page's lang attribute."""
    for part in (accept_language or "").split(","):
        code = fold(part.split(";")[0].strip())[:2]
        if code in supported:
            return code
    return None
