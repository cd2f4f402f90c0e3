"""Turning normalised tokens into weighted sparse features (TF-IDF over words, word pairs and
character n-grams: the n-grams make a misspelt word still share most of its features)."""
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from .text import fold

CHAR_NGRAMS = (3, 4, 5)
WORD_CACHE = 100_000  # words whose features are kept


def raw_features(tokens: Sequence[str]) -> Counter:
    feats: Counter = Counter(word_pairs(tokens))
    for tok in tokens:
        feats["w:" + tok] += 1
        for gram in char_ngrams(tok):
            feats[gram] += 0.5
    return feats


def word_pairs(tokens: Sequence[str]) -> list[str]:
    return ["b:" + a + " " + b for a, b in zip(tokens, tokens[1:])]


@lru_cache(maxsize=65536)
def char_ngrams(token: str) -> tuple[str, ...]:
    """A word's character n-grams, computed once per word: the same words come back all day."""
    if len(token) <= 3 or token.startswith("#"):
        return ()
    padded = f"<{token}>"
    return tuple("c:" + padded[j:j + n] for n in CHAR_NGRAMS for j in range(len(padded) - n + 1))


def summed(cols: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns, sorted, each with the sum of its counts (a sort beats np.unique here)."""
    order = np.argsort(cols, kind="stable")
    cols, counts = cols[order], counts[order]
    first = np.empty(len(cols), dtype=bool)
    first[0] = True
    np.not_equal(cols[1:], cols[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return cols[starts], np.add.reduceat(counts, starts)


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

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_words"}  # the cache is not saved

    def vector(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """(column indices, L2-normalised weights) of one document's known features, and the
        share of its weight that is known at all (1.0 when every feature was seen in training).

        The share lets similarity say that "quote in GBP" is not quite "quote": unknown features
        are weighted as if seen once.
        """
        parts = [self.word_features(token) for token in tokens]
        pairs = [(self.index.get(name, -1), name) for name in word_pairs(tokens)]
        known_pairs = np.array([c for c, _ in pairs if c >= 0], dtype=np.int32)
        cols = np.concatenate([p[0] for p in parts] + [known_pairs])
        if not len(cols):
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), 0.0
        cols, tf = summed(cols, np.concatenate([p[1] for p in parts] + [np.ones(len(known_pairs), np.float32)]))
        weights = (1 + np.log(tf)) * self.idf[cols]
        unknown = Counter(name for c, name in pairs if c < 0)
        for part in parts:
            if part[2]:
                unknown.update(part[2])
        unseen = (1 + np.log(np.fromiter(unknown.values(), dtype=np.float32, count=len(unknown)))) * self.unseen_idf
        known = float(np.dot(weights, weights))
        return cols, weights / np.sqrt(known), float(np.sqrt(known / (known + np.dot(unseen, unseen))))

    def word_features(self, token: str) -> tuple[np.ndarray, np.ndarray, dict]:
        """One word's known feature columns with their counts, and its unknown features: computed
        once per word, since a message's features are its words' plus its word pairs."""
        words = self.__dict__.setdefault("_words", {})
        found = words.get(token)
        if found is None:
            feats = raw_features([token])
            known = [(self.index[f], c) for f, c in feats.items() if f in self.index]
            found = (np.array([k for k, _ in known], dtype=np.int32), np.array([c for _, c in known], dtype=np.float32),
                     {f: c for f, c in feats.items() if f not in self.index})
            if len(words) >= WORD_CACHE:
                words.clear()
            words[token] = found
        return found

    def matrix(self, docs: Sequence[Sequence[str]]):
        from scipy.sparse import csr_matrix

        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            c, w, _ = self.vector(doc)
            rows.extend([r] * len(c))
            cols.extend(c.tolist())
            vals.extend(w.tolist())
        return csr_matrix((vals, (rows, cols)), shape=(len(docs), self.size), dtype=np.float32)


# The message as written, beside its normalised tokens: stop words and word order carry meaning
# that normalisation drops ("what is your name" / "who named you"), and character n-grams across
# word boundaries ("my ba", "y bal") catch phrasing and typos. Two blocks, each L2-normalised.
_RAW_WORD = re.compile(r"\w+")
TEXT_CHAR_NGRAMS = (2, 3, 4, 5)


def text_features(text: str) -> tuple[Counter, Counter]:
    """(word unigrams and bigrams, character n-grams) of a message as written, case and accents folded."""
    folded = " ".join(fold(text).split())
    tokens = _RAW_WORD.findall(folded)
    words: Counter = Counter("t:" + t for t in tokens)
    words.update("u:" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    chars: Counter = Counter("k:" + folded[j:j + n] for n in TEXT_CHAR_NGRAMS for j in range(len(folded) - n + 1))
    return words, chars


class TextVectorizer:
    """TF-IDF over ``text_features``: sublinear term frequency, each block L2-normalised."""

    def __init__(self, texts: Iterable[str], min_df: int = 1):
        counted = [text_features(t) for t in texts]
        df: Counter = Counter(f for blocks in counted for block in blocks for f in block)
        names = sorted(f for f, c in df.items() if c >= min_df)
        self.index = {f: i for i, f in enumerate(names)}
        n = len(counted)
        self.idf = np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in names], dtype=np.float32)

    @property
    def size(self) -> int:
        return len(self.index)

    def blocks(self, text: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """(column indices, L2-normalised weights) of the words block, then of the characters block."""
        out = []
        for block in text_features(text):
            pairs = [(self.index[f], c) for f, c in block.items() if f in self.index]
            c = np.fromiter((p[0] for p in pairs), dtype=np.int32, count=len(pairs))
            w = (1 + np.log(np.fromiter((p[1] for p in pairs), dtype=np.float32, count=len(pairs)))) * self.idf[c]
            out.append((c, w / (np.sqrt(np.dot(w, w)) or 1.0)))
        return out

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        (word_cols, word_weights), (char_cols, char_weights) = self.blocks(text)
        return np.concatenate([word_cols, char_cols]), np.concatenate([word_weights, char_weights])

    def matrix(self, texts: Sequence[str]):
        from scipy.sparse import csr_matrix

        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            c, w = self.vector(text)
            rows.extend([r] * len(c))
            cols.extend(c.tolist())
            vals.extend(w.tolist())
        return csr_matrix((vals, (rows, cols)), shape=(len(texts), self.size), dtype=np.float32)
