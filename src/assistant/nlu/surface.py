"""Surface features: the message as written, beside its normalised tokens (features.py).

Normalisation drops what stop words and word order say ("what is your name" / "who named you"),
and character n-grams read across word boundaries ("my ba", "y bal") catch phrasing and typos.
Two TF-IDF blocks, each L2-normalised: the words and word pairs of the folded text, and its
character 2- to 5-grams. On CLINC150 they take the matcher from 92.3 % to 94.1 % before rejection.

``text_features`` counts them (their definition is nlu/pure.py's ``text_keys``) and fits the
vocabulary; a message's known ones are looked up by the matching stage's kernels (nlu/kernels.py), in
a table of that vocabulary built when the vectorizer is made or loaded.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .. import kernels
from ..kernels.constants import COLUMNS_PER_CHARACTER
from ..text.clean import fold, single_spaces
from .features import Vocabulary, fit, sparse_rows, tfidf

_ONES = np.ones(4096, np.float32)  # each feature's count, read-only: made once, not per message
_ONES.setflags(write=False)


def surface(text: str) -> str:
    """Folded (lower case, no accents), single spaces."""
    return single_spaces(fold(text))


def text_features(text: str) -> tuple[Counter, Counter]:
    """(words and word pairs, character n-grams) of a message as written, each with its count:
    "t:" and each word, "u:" and each two consecutive words, "k:" and each stretch of 2 to 5
    characters, spaces included (kernels/constants.py)."""
    words, chars = kernels.text_keys(surface(text))
    return Counter(words), Counter(chars)


class SurfaceVectorizer(Vocabulary):
    """TF-IDF over ``text_features``, unknown features left out."""

    def __init__(self, texts: Iterable[str], min_df: int = 1):
        self.index, self.idf = fit([words + chars for words, chars in map(text_features, texts)], min_df)
        self._derive()

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
        folded = surface(text)
        cols = np.empty(COLUMNS_PER_CHARACTER * len(folded), np.int32)
        words, total = kernels.surface_features(self._table, folded, cols)
        # Each occurrence counts one; tfidf() adds up a column's occurrences.
        ones = _ONES[:total] if total <= len(_ONES) else np.ones(total, np.float32)
        return tfidf(cols[:total], ones, self.idf, words)[:3]

    def matrix(self, texts: Sequence[str]):
        return sparse_rows([self.vector(t) for t in texts], self.size)
