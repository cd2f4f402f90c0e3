"""Matching: which intent a normalised message means, with a confidence in 0..1.

Generic on purpose: it trains from any labelled set of (tokens, intent), the vendors' knowledge
or a public benchmark alike. Two signals are combined:
- a linear classifier (a linear SVM, whose scores a softmax turns into probabilities) over three
  views of a message: TF-IDF over its normalised tokens (features.py), which weigh the words that
  tell intents apart; TF-IDF over the text as written (surface.py), whose stop words, word order and
  character n-grams carry its phrasing; and its sentence vector (vectors.py), which carries what it
  means when its words are new;
- the cosine similarity to the nearest training example of that intent, which says whether the
  message resembles anything known at all (the classifier alone is sure of itself everywhere).
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from .. import kernels
from ..kernels.constants import PLACEHOLDER, TOKEN_TAG
from . import vectors
from .features import Fitted, Vectorizer
from .surface import SurfaceVectorizer, surface

C = 1.0  # SVM regularisation
SURFACE_MIN_DF = 2  # a feature of the text as written is kept if this many examples have it
TEMPERATURE = 7.0  # SVM scores are small margins: scaled before the softmax
BLEND = 0.2  # weight of nearest-example similarity against classifier probability
# A word the examples never use is read as its closest known word when that one is this close
# (rapidfuzz's normalised Indel similarity, 0..100) and long enough for a typo to be likely.
CORRECTION_CUTOFF = 85
CORRECTION_MIN_LENGTH = 5


def quantised(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights as 16-bit integers, one scale per intent (column): ``q * scale`` is within
    max|coef| / 65534 of each weight, closer than half precision's rounding for the largest ones."""
    scale = (np.abs(coef).max(axis=0) / 32767).astype(np.float32)
    scale[scale == 0] = 1.0
    return np.round(coef / scale).astype(np.int16), scale


class Candidate(NamedTuple):
    """One ranked intent. A named tuple: made five times a message, in a sixth of a frozen
    dataclass's time."""

    intent: str
    confidence: float
    probability: float
    similarity: float


class Matcher(Fitted):
    CACHES = ("_corrections",)
    DERIVED = ("_model",)  # the whole model for kernels.rank, its vocabularies, weights and examples checked once

    def __init__(
        self,
        vectorizer: Vectorizer,
        intents: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        examples_t,
        example_intent: np.ndarray,
        surface: SurfaceVectorizer,
        blend: float = 0.5,
        temperature: float = 1.0,
    ):
        self.vectorizer = vectorizer
        self.surface = surface
        self.intents = intents
        # features x intents: the tokens' sparse features' rows, those of the text as written, then
        # the sentence vector's. The sparse rows, the most numerous, are kept as 16-bit integers in
        # one table (27 MB a worker over the five tenants, half what floats take), and a message
        # gathers the rows of both views at once.
        end = vectorizer.size + surface.size
        self.sparse_coef, self.sparse_scale = quantised(coef[:end])
        self.dense_coef = coef[end:]
        self.intercept = intercept
        # The training examples by feature (a CSR matrix, features x examples), kept as plain numpy
        # so that answering never imports scipy: its row pointers, and each entry's example and weight,
        # in the dtypes the kernels read.
        self.words = sorted(
            f[len(TOKEN_TAG) :]
            for f in vectorizer.index
            if f.startswith(TOKEN_TAG) and not f.startswith(TOKEN_TAG + PLACEHOLDER)
        )
        # Examples sorted by intent, so that those of each intent follow one another from intent_starts.
        order = np.argsort(example_intent, kind="stable")
        examples_t = examples_t.tocsc()[:, order].tocsr()
        self.by_feature = (
            examples_t.indptr.astype(np.int32),
            examples_t.indices.astype(np.int32),
            examples_t.data.astype(np.float32),
        )
        self.example_intent = np.asarray(example_intent)[order]
        self.intent_starts = np.searchsorted(self.example_intent, np.arange(len(intents))).astype(np.int64)
        self.blend = blend
        self.temperature = temperature
        self._derive()

    def _derive(self) -> None:
        v, s = self.vectorizer, self.surface
        self._model = kernels.model(
            (v._table, v.idf, v.unseen_idf),
            (s._table, s.idf),
            (self.sparse_coef, self.sparse_scale, self.dense_coef, self.intercept, self.temperature),
            (*self.by_feature, self.intent_starts, len(self.example_intent)),
            self.blend,
        )

    @classmethod
    def train(
        cls,
        examples: Sequence[tuple[Sequence[str], str]],
        weights: Sequence[float] | None = None,
        texts: Sequence[str] | None = None,
        c: float = C,
        blend: float = BLEND,
        temperature: float = TEMPERATURE,
    ) -> "Matcher":
        """``texts`` are the examples as written, for their surface features and sentence vectors
        (their tokens joined if absent)."""
        from scipy import sparse  # build time only
        from sklearn.svm import LinearSVC

        docs = [list(tokens) for tokens, _ in examples]
        labels = [intent for _, intent in examples]
        texts = list(texts) if texts is not None else [" ".join(d) for d in docs]
        vectorizer = Vectorizer(docs)
        x = vectorizer.matrix(docs)
        surface = SurfaceVectorizer(texts, min_df=SURFACE_MIN_DF)
        dense = vectors.matrix(texts)
        intents = sorted(set(labels))
        if len(intents) < 3:  # scikit-learn gives two classes a single row of weights, not one per class
            raise ValueError(f"a matcher needs at least three intents, not {len(intents)}")
        index = {intent: i for i, intent in enumerate(intents)}
        y = np.array([index[label] for label in labels])
        features = sparse.hstack([x, surface.matrix(texts), sparse.csr_matrix(dense)]).tocsr()
        model = LinearSVC(C=c).fit(features, y, sample_weight=None if weights is None else np.asarray(weights))
        coef = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        # Similarity looks for the nearest example: an example written twice (or normalised alike)
        # is looked at once.
        seen: dict = {}
        for i, (doc, label) in enumerate(examples):
            seen.setdefault((tuple(doc), label), i)
        first = sorted(seen.values())
        return cls(
            vectorizer,
            intents,
            coef,
            model.intercept_.astype(np.float32),
            x[first].T.tocsr(),
            y[first].astype(np.int32),
            surface,
            blend,
            temperature,
        )

    def correct(self, tokens: Sequence[str]) -> list[str]:
        """Misspelt words replaced by the known word they most resemble ("remboursemnt")."""
        index = self.vectorizer.index
        return [
            self.remember("_corrections", token, self._closest_word)
            if len(token) >= CORRECTION_MIN_LENGTH
            and TOKEN_TAG + token not in index
            and not token.startswith(PLACEHOLDER)
            else token
            for token in tokens
        ]

    def _closest_word(self, token: str) -> str:
        """Searched once per unknown word and process: the same typos come back."""
        best = process.extractOne(token, self.words, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF)
        return best[0] if best else token

    def rank(self, tokens: Sequence[str], top: int = 5, text: str | None = None) -> list[Candidate]:
        """The ``top`` intents for a message's tokens; ``text``, as written, gives its surface features and
        sentence vector. The classifier's probability of each intent (over the tokens' TF-IDF vector, the
        text's and the sentence vector), its nearest example's cosine similarity (times the share of the
        tokens' weight that is known), then confidence = prob ** (1 - blend) * sim ** blend, the best
        first: all of it in one call (kernels.rank)."""
        text = " ".join(tokens) if text is None else text
        rows = kernels.rank(self._model, self.correct(tokens), surface(text), vectors.vector(text), top)
        return [Candidate(self.intents[i], c, p, s) for i, c, p, s in rows]
