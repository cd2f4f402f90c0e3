"""Turning normalised tokens into weighted sparse features (TF-IDF over words, word pairs and
character n-grams: the n-grams make a misspelt word still share most of its features).

``raw_features`` counts them (their definition is nlu/pure.py's ``token_keys``) and fits the
vocabulary; a message's known ones are looked up by the matching stage's kernels (nlu/kernels.py),
in a table of that vocabulary built when the vectorizer is made or loaded."""

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .. import kernels

CACHE_LIMIT = 20_000  # words whose result a process keeps (Fitted.CACHES: the matcher's spelling corrections)


def raw_features(tokens: Sequence[str]) -> Counter:
    """Each feature of the tokens (each token, each pair, each token's n-grams) with its count."""
    return kernels.token_counts(tokens)


def remembered(store: dict, key, compute, limit: int = CACHE_LIMIT):
    """``compute(key)``, kept in ``store``; a full store starts over (it only ever holds what a
    few days of messages use, and a flood of random words must not grow it without end)."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            store.clear()
        found = store[key] = compute(key)
    return found


class Fitted:
    """A fitted object with attributes that are not saved with the model: the stores named in
    CACHES, which keep per process what it computed for a word while answering, and the
    attributes named in DERIVED (look-up tables for the kernels), which ``_derive()`` builds from
    the rest when the object is made or loaded."""

    CACHES: tuple[str, ...] = ()
    DERIVED: tuple[str, ...] = ()

    def _derive(self) -> None:
        """Build the DERIVED attributes."""

    def remember(self, cache: str, key, compute):
        return remembered(self.__dict__.setdefault(cache, {}), key, compute)

    def __getstate__(self) -> dict:
        unsaved = self.CACHES + self.DERIVED
        return {k: v for k, v in self.__dict__.items() if k not in unsaved}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._derive()


def tfidf(
    cols: np.ndarray, counts: np.ndarray, idf: np.ndarray, split: int
) -> tuple[np.ndarray, np.ndarray, int, tuple[float, float]]:
    """TF-IDF of two blocks of features, cols[:split] and cols[split:], a column possibly repeated:
    each block summed by column, weighted ``(1 + log tf) * idf`` (a sublinear term frequency) and
    L2-normalised (kernels.tfidf). Returns the distinct columns, their weights, where the second
    block starts, and each block's squared norm before normalising."""
    out_cols, out_weights = np.empty(len(cols), np.int32), np.empty(len(cols), np.float32)
    split, n, squares = kernels.tfidf(cols, counts, idf, split, out_cols, out_weights)
    return out_cols[:n], out_weights[:n], split, squares


class Vocabulary(Fitted):
    """A fitted vocabulary (``index``, feature -> column) with its lookup table for the kernels."""

    DERIVED = ("_table",)

    def _derive(self) -> None:
        self._table = kernels.table(self.index)


class Vectorizer(Vocabulary):
    """A fitted vocabulary with inverse document frequencies; vectors are L2-normalised."""

    def __init__(self, docs: Iterable[Sequence[str]], min_df: int = 1):
        counted = [raw_features(d) for d in docs]
        self.index, self.idf = fit(counted, min_df)
        self.unseen_idf = math.log(1 + len(counted)) + 1
        self._derive()

    @property
    def size(self) -> int:
        return len(self.index)

    def vector(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """(column indices, L2-normalised weights) of one document's known features, and the
        share of its weight that is known at all (1.0 when every feature was seen in training).

        The share lets similarity say that "quote in GBP" is not quite "quote": unknown features
        are weighted as if seen once.
        """
        cols, counts, unseen = kernels.token_features(self._table, list(tokens), self.unseen_idf)
        if not len(cols):
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), 0.0
        cols, weights, _, (known, _) = tfidf(cols, counts, self.idf, len(cols))
        return cols, weights, math.sqrt(known / (known + unseen))

    def matrix(self, docs: Sequence[Sequence[str]]):
        return sparse_rows([self.vector(doc)[:2] for doc in docs], self.size)


def fit(counted: Sequence[Counter], min_df: int = 1) -> tuple[dict[str, int], np.ndarray]:
    """A vocabulary (feature -> column) of the features in at least ``min_df`` documents, and their
    smoothed inverse document frequencies."""
    df: Counter = Counter(f for feats in counted for f in feats)
    names = sorted(f for f, c in df.items() if c >= min_df)
    n = len(counted)
    return {f: i for i, f in enumerate(names)}, np.array(
        [math.log((1 + n) / (1 + df[f])) + 1 for f in names], dtype=np.float32
    )


def sparse_rows(rows: Sequence[tuple[np.ndarray, np.ndarray]], size: int):
    """A CSR matrix (build time only) of documents given as (columns, weights)."""
    from scipy.sparse import csr_matrix

    indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in rows])])
    cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int32)
    vals = np.concatenate([w for _, w in rows]) if rows else np.zeros(0, np.float32)
    return csr_matrix((vals.astype(np.float32), cols, indptr), shape=(len(rows), size))
