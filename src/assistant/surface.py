"""Surface features: the message as written, beside its normalised tokens (features.py).

Normalisation drops what stop words and word order say ("what is your name" / "who named you"),
and character n-grams read across word boundaries ("my ba", "y bal") catch phrasing and typos.
Two TF-IDF blocks, each L2-normalised: the words and word pairs of the folded text, and its
character 2- to 5-grams. On CLINC150 they take the matcher from 92.3 % to 94.1 % before rejection.

A message's character n-grams are those starting in each of its space-separated pieces, and those
depend only on the piece and the few characters after it: each such stretch of text is read once
per process, as words are in features.py.
"""
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .features import Remembers, fit, known_columns, sparse_rows, tfidf
from .text import fold

WORD = re.compile(r"\w+")
CHAR_NGRAMS = (2, 3, 4, 5)
REACH = max(CHAR_NGRAMS) - 1  # how far an n-gram starting in a piece reaches into what follows


def surface(text: str) -> str:
    """Folded (lower case, no accents), single spaces."""
    return " ".join(fold(text).split())


def words_and_pairs(folded: str) -> Counter:
    tokens = WORD.findall(folded)
    words = Counter("t:" + t for t in tokens)
    words.update("u:" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    return words


def pieces(folded: str) -> list[tuple[str, int]]:
    """Each piece with its following space (``length`` characters) and the REACH characters after."""
    out, start = [], 0
    for part in folded.split(" "):
        length = min(len(part) + 1, len(folded) - start)
        out.append((folded[start:start + length + REACH], length))
        start += len(part) + 1
    return out


def piece_ngrams(piece: tuple[str, int]) -> Counter:
    stretch, length = piece
    return Counter("k:" + stretch[j:j + n] for n in CHAR_NGRAMS for j in range(length) if j + n <= len(stretch))


def text_features(text: str) -> tuple[Counter, Counter]:
    """(words and word pairs, character n-grams) of a message as written."""
    folded = surface(text)
    chars: Counter = Counter()
    for piece in pieces(folded):
        chars.update(piece_ngrams(piece))
    return words_and_pairs(folded), chars


class SurfaceVectorizer(Remembers):
    """TF-IDF over ``text_features``, unknown features left out."""
    CACHES = ("_pieces",)

    def __init__(self, texts: Iterable[str], min_df: int = 1):
        self.index, self.idf = fit([words + chars for words, chars in map(text_features, texts)], min_df)

    @property
    def size(self) -> int:
        return len(self.index)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, weights): the words block, then the characters block, each L2-normalised."""
        return self._vector(text)[:2]

    def blocks(self, text: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """The vector's two blocks: (column indices, weights) of the words, then of the characters."""
        cols, weights, split = self._vector(text)
        return [(cols[:split], weights[:split]), (cols[split:], weights[split:])]

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray, int]:
        cols, counts, split = self._features(surface(text))
        return tfidf(cols, counts, self.idf, split)[:3]

    def _features(self, folded: str) -> tuple[np.ndarray, np.ndarray, int]:
        """Known columns and their counts, words block first, and where the characters block starts."""
        word_cols, word_counts = known_columns(self.index, words_and_pairs(folded))
        parts = [self.remember("_pieces", piece, self._piece_columns) for piece in pieces(folded)]
        return (np.concatenate([word_cols, *(c for c, _ in parts)]),
                np.concatenate([word_counts, *(n for _, n in parts)]), len(word_cols))

    def _piece_columns(self, piece: tuple[str, int]) -> tuple[np.ndarray, np.ndarray]:
        return known_columns(self.index, piece_ngrams(piece))

    def matrix(self, texts: Sequence[str]):
        return sparse_rows([self.vector(t) for t in texts], self.size)
