"""Surface features: the message as written, beside its normalised tokens (features.py).

Normalisation drops what stop words and word order say ("what is your name" / "who named you"),
and character n-grams read across word boundaries ("my ba", "y bal") catch phrasing and typos.
Two TF-IDF blocks, each L2-normalised: the words and word pairs of the folded text, and its
character 2- to 5-grams. On CLINC150 they take the matcher from 92.3 % to 94.1 % before rejection.

A message's character n-grams are those starting in each of its space-separated pieces, and those
depend only on the piece and the few characters after it: each such stretch of text is read once
per process, as words are in features.py, with the piece's words and the word pairs inside it. Only
the pairs that cross from one piece to the next are looked up for each message.
"""
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from .features import ONES, Remembers, fit, joined, known_columns, sparse_rows, tfidf
from .text import fold, single_spaces

WORD = re.compile(r"\w+")
CHAR_NGRAMS = (2, 3, 4, 5)
REACH = max(CHAR_NGRAMS) - 1  # how far an n-gram starting in a piece reaches into what follows


def surface(text: str) -> str:
    """Folded (lower case, no accents), single spaces."""
    return single_spaces(fold(text))


def words_and_pairs(folded: str) -> Counter:
    return word_features(WORD.findall(folded))


def word_features(tokens: Sequence[str]) -> Counter:
    words = Counter("t:" + t for t in tokens)
    words.update(pair(a, b) for a, b in zip(tokens, tokens[1:]))
    return words


def pair(first: str, second: str) -> str:
    return "u:" + first + " " + second


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


class Piece(NamedTuple):
    """What one piece of a message brings to its vector: the known columns and counts of its words
    and the pairs inside it, then of its character n-grams (as known_columns gives them); its first
    and last words, if any."""
    word_cols: bytes
    word_counts: bytes
    char_cols: bytes
    char_counts: bytes
    first: str | None
    last: str | None


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
        """Known columns and their counts, words block first, and where the characters block starts.
        A column may repeat (a word in two pieces): tfidf() adds up its counts."""
        parts = self.remember_all("_pieces", pieces(folded), self._piece_columns)
        across = self._pairs_across(parts)
        words = [*(p.word_cols for p in parts), across.tobytes()]
        return (joined([*words, *(p.char_cols for p in parts)], np.int32),
                joined([*(p.word_counts for p in parts), ONES * len(across), *(p.char_counts for p in parts)],
                       np.float32),
                sum(map(len, words)) // across.itemsize)

    def _pairs_across(self, parts: list[Piece]) -> np.ndarray:
        """The known word pairs whose words lie in two pieces: "prix licence", and "prix ? licence"
        too, as words_and_pairs() reads it."""
        cols, last = [], None
        for part in parts:
            if part.first is None:
                continue
            if last is not None and (col := self.index.get(pair(last, part.first))) is not None:
                cols.append(col)
            last = part.last
        return np.array(cols, dtype=np.int32)

    def _piece_columns(self, piece: tuple[str, int]) -> Piece:
        stretch, length = piece
        tokens = WORD.findall(stretch[:length])
        word_cols, word_counts = known_columns(self.index, word_features(tokens))
        char_cols, char_counts = known_columns(self.index, piece_ngrams(piece))
        return Piece(word_cols, word_counts, char_cols, char_counts, tokens[0] if tokens else None,
                     tokens[-1] if tokens else None)

    def matrix(self, texts: Sequence[str]):
        return sparse_rows([self.vector(t) for t in texts], self.size)
