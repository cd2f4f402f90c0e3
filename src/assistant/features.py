"""Turning normalised tokens into weighted sparse features (TF-IDF over words, word pairs and
character n-grams: the n-grams make a misspelt word still share most of its features)."""
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

CHAR_NGRAMS = (3, 4, 5)


def raw_features(tokens: Sequence[str]) -> Counter:
    feats: Counter = Counter()
    for i, tok in enumerate(tokens):
        feats["w:" + tok] += 1
        if i:
            feats["b:" + tokens[i - 1] + " " + tok] += 1
        for gram in char_ngrams(tok):
            feats[gram] += 0.5
    return feats


@lru_cache(maxsize=65536)
def char_ngrams(token: str) -> tuple[str, ...]:
    """A word's character n-grams, computed once per word: the same words come back all day."""
    if len(token) <= 3 or token.startswith("#"):
        return ()
    padded = f"<{token}>"
    return tuple("c:" + padded[j:j + n] for n in CHAR_NGRAMS for j in range(len(padded) - n + 1))


class Vectorizer:
    """A fitted vocabulary with inverse document frequencies; vectors are L2-normalised."""

    def __init__(self, docs: Iterable[Sequence[str]], min_df: int = 1):
        counted = [raw_features(d) for d in docs]
        df: Counter = Counter(f for feats in counted for f in feats)
        names = sorted(f for f, c in df.items() if c >= min_df)
        self.index = {f: i for i, f in enumerate(names)}
        n = len(counted)
        self.idf = np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in names], dtype=np.float32)
        self.unseen_idf = math.log(1 + n) + 1

    @property
    def size(self) -> int:
        return len(self.index)

    def vector(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """(column indices, L2-normalised weights) of one document's known features, and the
        share of its weight that is known at all (1.0 when every feature was seen in training).

        The share lets similarity say that "quote in GBP" is not quite "quote": unknown features
        are weighted as if seen once.
        """
        raw = raw_features(tokens)
        pairs = [(self.index[f], c) for f, c in raw.items() if f in self.index]
        if not pairs:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), 0.0
        cols = np.fromiter((p[0] for p in pairs), dtype=np.int32, count=len(pairs))
        tf = np.fromiter((p[1] for p in pairs), dtype=np.float32, count=len(pairs))
        weights = (1 + np.log(tf)) * self.idf[cols]
        unknown = np.asarray([c for f, c in raw.items() if f not in self.index], dtype=np.float32)
        unseen = (1 + np.log(unknown)) * self.unseen_idf
        known = float(np.dot(weights, weights))
        return cols, weights / np.sqrt(known), float(np.sqrt(known / (known + np.dot(unseen, unseen))))

    def matrix(self, docs: Sequence[Sequence[str]]):
        from scipy.sparse import csr_matrix

        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            c, w, _ = self.vector(doc)
            rows.extend([r] * len(c))
            cols.extend(c.tolist())
            vals.extend(w.tolist())
        return csr_matrix((vals, (rows, cols)), shape=(len(docs), self.size), dtype=np.float32)
