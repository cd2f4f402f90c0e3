"""The matching stage's loops in numpy: what each computes, and what runs when the native module is
not built (a machine without a compiler) or ``ASSISTANT_PURE_PYTHON=1`` asks for it.

_native.c computes the same, function by function, with the same signatures; tests/test_kernels.py
runs both on the same inputs. The arithmetic is the native code's, in the same precision and order
(float32 products and sums added one after another, float64 where it adds in float64), so integers
agree exactly and floats to within float32's last digit: the C library's ``logf``, ``expf`` and
``powf`` are computed here in float64 and rounded, which agrees with them to the last bit almost
always. Arguments are checked as the native code checks them, so that neither reads out of bounds
and both refuse the same mistakes.
"""

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

from .. import patterns
from .constants import (
    APOSTROPHE,
    COLUMNS_PER_CHARACTER,
    GRAM_COUNT,
    GRAM_TAG,
    PAIR_TAG,
    PLACEHOLDER,
    SYMBOLS,
    TEXT_GRAM_TAG,
    TEXT_GRAMS,
    TEXT_PAIR_TAG,
    TEXT_WORD_TAG,
    TOKEN_BOUNDS,
    TOKEN_GRAMS,
    TOKEN_TAG,
)

F32, F64 = np.float32, np.float64


def _array(value, dtype, ndim: int, name: str, writable: bool = False) -> np.ndarray:
    """``value`` if it is a C-contiguous array of this dtype and dimension (TypeError otherwise, as
    the native module's buffer checks), writable if asked (ValueError)."""
    if not (isinstance(value, np.ndarray) and value.dtype == dtype and value.ndim == ndim and value.flags.c_contiguous):
        raise TypeError(f"{name} must be a C-contiguous {ndim}-D array of {np.dtype(dtype).name}")
    if writable and not value.flags.writeable:
        raise ValueError(f"{name} is read-only")
    return value


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _sequential_sum(values: np.ndarray, initial) -> np.ndarray:
    """``initial`` plus values[0], values[1], ... added one after another along the first axis, in
    values' dtype: a loop's order, where numpy's own sum adds in pairs (and so rounds otherwise)."""
    return np.add.accumulate(np.concatenate([initial[None], values]), axis=0)[-1]


def _rounded(function, values: np.ndarray, *args) -> np.ndarray:
    """A float32 function of the C library (logf, expf, powf) as float64's, rounded to float32."""
    return function(values.astype(F64), *args).astype(F32)


# -- words --------------------------------------------------------------------------------------------
# split() finds what re.findall(r"[^\W_]+(?:'[^\W_]+)*|[€$%]") finds once re.sub(r"\b(l|qu|...)'", r"\1 ")
# has cut the elided words (test_words). Patterns go through patterns.py, which RE2 cannot spell
# ([^\W_], \b): so one pass over the characters for each, as in _native.c.


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"  # the re module's \w; c.isalnum() is its [^\W_]


def _cut_elisions(text: str, elided: tuple[str, ...]) -> str:
    """The apostrophe after each elided word, at a word boundary, as a space."""
    chars, i, n = list(text), 0, len(text)
    while i < n:
        if _is_word(text[i]) and (i == 0 or not _is_word(text[i - 1])):
            for word in elided:
                end = i + len(word)
                if end < n and text[end] == APOSTROPHE and text.startswith(word, i):
                    chars[end] = " "
                    i = end
                    break
        i += 1
    return "".join(chars)


def _word_end(text: str, i: int) -> int:
    """Where the word starting at i ends: a symbol, or letters and digits joined by single
    apostrophes; i itself if none starts there."""
    n = len(text)
    if text[i] in SYMBOLS:
        return i + 1
    if not text[i].isalnum():
        return i
    while i < n and text[i].isalnum():
        i += 1
    while i + 1 < n and text[i] == APOSTROPHE and text[i + 1].isalnum():
        i += 2
        while i < n and text[i].isalnum():
            i += 1
    return i


def split(folded: str, elided: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a folded text: runs of letters and digits joined by single apostrophes, and each
    symbol alone, once each elided word ("l", "qu") is cut, at a word boundary, from the next."""
    if not isinstance(folded, str) or not isinstance(elided, tuple) or not all(isinstance(e, str) for e in elided):
        raise TypeError("split: a str and a tuple of str")
    text = _cut_elisions(folded, elided) if elided else folded
    words, i = [], 0
    while i < len(text):
        end = _word_end(text, i)
        if end > i:
            words.append(text[i:end])
        i = max(end, i + 1)
    return tuple(words)


# -- pooling ------------------------------------------------------------------------------------------


def _normalised(v: np.ndarray) -> tuple[np.ndarray, float]:
    """v L2-normalised (unless it is zero), and its squared norm, summed in float64 item after item."""
    square = float(_sequential_sum(v.astype(F64) ** 2, np.zeros((), F64)))
    return (v * F32(1.0 / math.sqrt(square)) if square > 0.0 else v), square


def pool(ids: list[int], table: np.ndarray, out: np.ndarray) -> None:
    """Writes into out (float32, twice the table's width) the sum of the table's rows listed in ids,
    then their element-wise max, each L2-normalised; zeros if ids is empty. The table is a 2-D
    float16 array (finite values: the max of a NaN is left unspecified)."""
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise TypeError("pool: ids must be a list of int")
    table, out = _array(table, np.float16, 2, "table"), _array(out, F32, 1, "out", writable=True)
    rows, width = table.shape
    _check(len(out) == 2 * width, "pool: out must be twice as wide as the table")
    if any(i < 0 or i >= rows for i in ids):
        raise IndexError("pool: a token id outside the table")
    if not ids:
        out[:] = 0
        return
    vectors = table[ids].astype(F32)  # every half float is a float: exact
    out[:width] = _normalised(_sequential_sum(vectors, np.zeros(width, F32)))[0]
    out[width:] = _normalised(vectors.max(axis=0))[0]


# -- vocabulary ---------------------------------------------------------------------------------------


class Table:
    """A vocabulary's look-up table: its index, feature -> column."""

    __slots__ = ("index", "columns")

    def __init__(self, index: dict[str, int]):
        self.index = index
        self.columns = max(index.values(), default=-1) + 1


def table(index: dict[str, int]) -> Table:
    """The look-up table of a vocabulary (feature -> column, each column in 0..2**31)."""
    if not isinstance(index, dict) or not all(isinstance(k, str) and isinstance(v, int) for k, v in index.items()):
        raise TypeError("table: index must map str to int")
    _check(all(0 <= v < 2**31 for v in index.values()), "table: columns must be in 0..2**31")
    return Table(index)


def _table(value) -> Table:
    if not isinstance(value, Table):
        raise TypeError("a vocabulary's table expected")
    return value


@lru_cache(maxsize=65536)
def token_grams(token: str) -> tuple[str, ...]:
    """A token's character n-grams, between its bounds ("<token>"): none for a short token or a
    placeholder. (Kept: training reads the same words thousands of times.)"""
    if len(token) <= TOKEN_GRAMS[0] or token.startswith(PLACEHOLDER):
        return ()
    bounded = TOKEN_BOUNDS[0] + token + TOKEN_BOUNDS[1]
    return tuple(
        GRAM_TAG + bounded[j : j + n]
        for n in range(TOKEN_GRAMS[0], TOKEN_GRAMS[1] + 1)
        for j in range(len(bounded) - n + 1)
    )


def token_keys(tokens: Sequence[str]) -> Iterator[tuple[str, float]]:
    """The features of a message's tokens with what each occurrence counts: each pair of consecutive
    tokens, then each token followed by its n-grams."""
    for a, b in zip(tokens, tokens[1:]):
        yield PAIR_TAG + a + " " + b, 1.0
    for token in tokens:
        yield TOKEN_TAG + token, 1.0
        for gram in token_grams(token):
            yield gram, GRAM_COUNT


def token_counts(tokens: Sequence[str]) -> Counter:
    """Each feature of the tokens with its count, in the order first met (what vocabularies are fit on)."""
    counts: Counter = Counter()
    for key, count in token_keys(tokens):
        counts[key] += count
    return counts


def token_features(t: Table, tokens: list[str], unseen_idf: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The known features of a list of tokens: their columns (int32) and counts (float32), in the
    order of token_keys, a column repeated as often as its feature occurs; and the sum, over the
    features the table lacks, in the order first met, of ((1 + log tf) * unseen_idf) ** 2, tf a
    feature's count in the message."""
    index = _table(t).index
    if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
        raise TypeError("tokens must be a list of str")
    cols, counts, unknown = [], [], Counter()
    for key, count in token_keys(tokens):
        col = index.get(key)
        if col is None:
            unknown[key] += count
        else:
            cols.append(col)
            counts.append(count)
    unseen = 0.0
    for count in unknown.values():
        w = (1.0 + math.log(count)) * unseen_idf
        unseen += w * w
    return np.array(cols, np.int32), np.array(counts, F32), unseen


WORDS = patterns.compile(r"\w+")


def text_keys(folded: str) -> tuple[list[str], list[str]]:
    """The features of a folded text, in two blocks: each word (a run of \\w) followed by its pair
    with the word before; then, at each character, the stretches of each size that start there."""
    words, previous = [], None
    for word in WORDS.findall(folded):
        words.append(TEXT_WORD_TAG + word)
        if previous is not None:
            words.append(TEXT_PAIR_TAG + previous + " " + word)
        previous = word
    low, high = TEXT_GRAMS
    return words, [
        TEXT_GRAM_TAG + folded[j : j + n]
        for j in range(len(folded))
        for n in range(low, high + 1)
        if j + n <= len(folded)
    ]


def surface_features(t: Table, folded: str, out: np.ndarray) -> tuple[int, int]:
    """Writes to out (int32, at least COLUMNS_PER_CHARACTER a character) the known columns of the
    text's features, in text_keys' order: the words and pairs in out[:words], the stretches in
    out[words:total]. A column repeats as often as its feature occurs."""
    index = _table(t).index
    if not isinstance(folded, str):
        raise TypeError("surface_features: folded must be a str")
    out = _array(out, np.int32, 1, "out", writable=True)
    _check(len(out) >= COLUMNS_PER_CHARACTER * len(folded), "surface_features: out is too short")
    words, grams = ([index[k] for k in keys if k in index] for keys in text_keys(folded))
    out[: len(words)] = words
    out[len(words) : len(words) + len(grams)] = grams
    return len(words), len(words) + len(grams)


# -- tf-idf -------------------------------------------------------------------------------------------


def _weigh(cols: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """One block: its distinct columns, sorted, weighted (1 + log tf) * idf (tf the column's summed
    counts) and L2-normalised; and the squared norm before normalising."""
    if not len(cols):
        return cols, np.zeros(0, F32), 0.0
    order = np.argsort(cols, kind="stable")
    distinct, first = np.unique(cols[order], return_index=True)
    tf = np.add.reduceat(counts[order], first)  # whole numbers and halves: exact in any order
    weights, square = _normalised((F32(1.0) + _rounded(np.log, tf)) * idf[distinct])
    return distinct.astype(np.int32), weights, square


def tfidf(cols, counts, idf, split: int, out_cols, out_weights) -> tuple[int, int, tuple[float, float]]:
    """cols[:split] and cols[split:] (int32) are two blocks of feature columns with their counts
    (float32, positive), a column possibly repeated. Each block is summed by column, weighted
    (1 + log tf) * idf[col] and L2-normalised, then written, sorted by column, to out_cols (int32)
    and out_weights (float32), the first block in [0, k), the second in [k, n). Returns k, n and
    each block's squared norm before normalising."""
    cols, counts, idf = _array(cols, np.int32, 1, "cols"), _array(counts, F32, 1, "counts"), _array(idf, F32, 1, "idf")
    out_cols = _array(out_cols, np.int32, 1, "out_cols", writable=True)
    out_weights = _array(out_weights, F32, 1, "out_weights", writable=True)
    n = len(cols)
    _check(
        len(counts) == n
        and len(out_cols) >= n
        and len(out_weights) >= n
        and 0 <= split <= n
        and bool(np.all((cols >= 0) & (cols < len(idf)) & (counts > 0))),
        "tfidf: a column outside the idf table, a count not positive, or sizes inconsistent",
    )
    first, second = _weigh(cols[:split], counts[:split], idf), _weigh(cols[split:], counts[split:], idf)
    k, m = len(first[0]), len(second[0])
    out_cols[:k], out_weights[:k] = first[:2]
    out_cols[k : k + m], out_weights[k : k + m] = second[:2]
    return k, k + m, (first[2], second[2])


# -- classifier ---------------------------------------------------------------------------------------


def _rows_sum(rows: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """sum of weights[i] * rows[i] (float32, each product rounded, then added row after row)."""
    return _sequential_sum(weights[:, None] * rows.astype(F32), np.zeros(k, F32))


def probabilities(
    m: "Model", cols: np.ndarray, weights: np.ndarray, cols2: np.ndarray, weights2: np.ndarray, dense: np.ndarray
) -> np.ndarray:
    """softmax(temperature * (sparse * scale + dense @ dense_coef + intercept)), the sparse scores the
    16-bit rows of the tokens' columns, then of the text's (after the tokens' rows), times their weights."""
    k = len(m.intercept)
    sparse = _rows_sum(m.coef[np.concatenate([cols, cols2 + m.offset])], np.concatenate([weights, weights2]), k)
    used = np.flatnonzero(dense)
    scores = (sparse * m.scale + _rows_sum(m.dense_coef[used], dense[used], k) + m.intercept) * F32(m.temperature)
    exp = _rounded(np.exp, scores - scores.max())
    return (exp.astype(F64) / float(_sequential_sum(exp.astype(F64), np.zeros((), F64)))).astype(F32)


def ranked(prob: np.ndarray, sim: np.ndarray, blend: float, top: int) -> list[tuple[int, float, float, float]]:
    """[(class, confidence, probability, similarity)] of the top classes by confidence =
    prob ** (1 - blend) * sim ** blend, the highest first, ties in the classes' order, NaN last."""
    confidence = _rounded(np.power, prob, float(F32(1.0 - blend))) * _rounded(np.power, sim, float(F32(blend)))
    order = np.argsort(-confidence, kind="stable")[:top]
    return [(int(j), float(confidence[j]), float(prob[j]), float(sim[j])) for j in order]


# -- nearest ------------------------------------------------------------------------------------------


class Index:
    """The training examples by feature: a CSR matrix (features x examples) whose examples are sorted
    by intent, intent i's starting at starts[i]."""

    def __init__(self, indptr, examples, weights, starts, n_examples: int):
        self.indptr, self.examples = _array(indptr, np.int32, 1, "indptr"), _array(examples, np.int32, 1, "examples")
        self.weights, self.starts = _array(weights, F32, 1, "weights"), _array(starts, np.int64, 1, "starts")
        self.n_examples, self.n_features = n_examples, len(indptr) - 1
        _check(self._valid(), "model: the examples' index has arrays of inconsistent sizes or postings out of range")

    def _valid(self) -> bool:
        indptr, examples, starts = self.indptr, self.examples, self.starts
        return (
            len(indptr) > 0
            and indptr[0] == 0
            and self.n_examples >= 0
            and len(self.weights) == len(examples)
            and bool(np.all(np.diff(indptr) >= 0))
            and indptr[-1] <= len(examples)
            and bool(np.all((examples >= 0) & (examples < self.n_examples)))
            and bool(np.all((starts >= 0) & (starts <= self.n_examples)))
            and bool(np.all(np.diff(starts) >= 0))
        )

    def best_per_intent(self, cols: np.ndarray, query: np.ndarray) -> np.ndarray:
        """The largest dot product of the query (columns and weights) with an example of each intent;
        0 for an intent whose examples share no feature with it, or that has none."""
        begin, end = self.indptr[cols], self.indptr[cols + 1]
        lengths = end - begin
        postings = np.repeat(begin - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        score = np.zeros(self.n_examples, F32)
        np.add.at(score, self.examples[postings], np.repeat(query, lengths) * self.weights[postings])  # in order
        ends = np.append(self.starts[1:], self.n_examples)
        best = np.zeros(len(self.starts), F32)
        some = ends > self.starts
        if some.any():
            best[some] = np.maximum(np.maximum.reduceat(score, self.starts[some]), 0)
        return best


# -- matching -----------------------------------------------------------------------------------------


class Model:
    """A matcher's model for rank(), checked once: its vocabularies, classifier and examples' index."""

    def __init__(self, tokens, surface, linear, index, blend: float):
        (self.tokens, self.token_idf, self.unseen_idf), (self.surface, self.surface_idf) = tokens, surface
        self.coef, self.scale, self.dense_coef, self.intercept, self.temperature = linear
        self.index, self.blend = Index(*index), blend
        for name, dtype, ndim in (
            ("token_idf", F32, 1),
            ("surface_idf", F32, 1),
            ("coef", np.int16, 2),
            ("scale", F32, 1),
            ("dense_coef", F32, 2),
            ("intercept", F32, 1),
        ):
            _array(getattr(self, name), dtype, ndim, name)
        self.offset = len(self.token_idf)
        _check(self._consistent(), "model: tables, weights and index of inconsistent sizes")

    def _consistent(self) -> bool:
        rows, k = self.coef.shape
        return (
            _table(self.tokens).columns <= self.offset
            and _table(self.surface).columns <= len(self.surface_idf)
            and rows == self.offset + len(self.surface_idf)
            and self.index.n_features == self.offset
            and len(self.scale) == len(self.intercept) == len(self.index.starts) == k
            and self.dense_coef.shape[1] == k
        )


def model(tokens, surface, linear, index, blend: float) -> Model:
    """A matcher's model: tokens = (table, idf, unseen_idf) of its tokens' vocabulary, surface =
    (table, idf) of the text's, linear = (coef, scale, dense_coef, intercept, temperature) of its
    classifier (coef: 16-bit rows of the tokens' features, then of the text's; dense_coef: the
    sentence vector's rows; one column per intent), index = (indptr, examples, weights, starts,
    n_examples) of its examples (Index), blend the weight of similarity in a confidence."""
    return Model(tokens, surface, linear, index, blend)


def token_vector(m: Model, tokens: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """The tokens' TF-IDF vector (columns, weights) and the share of its weight that is known."""
    cols, counts, unseen = token_features(m.tokens, tokens, m.unseen_idf)
    cols, weights, known = _weigh(cols, counts, m.token_idf)
    return cols, weights, math.sqrt(known / (known + unseen)) if len(cols) else 0.0


def text_vector(m: Model, folded: str) -> tuple[np.ndarray, np.ndarray]:
    """The text's TF-IDF vector (columns, weights): its words block, then its stretches block."""
    out = np.empty(COLUMNS_PER_CHARACTER * len(folded), np.int32)
    words, total = surface_features(m.surface, folded, out)
    blocks = [_weigh(cols, np.ones(len(cols), F32), m.surface_idf) for cols in (out[:words], out[words:total])]
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


def rank(
    m: Model, tokens: list[str], folded: str, dense: np.ndarray, top: int
) -> list[tuple[int, float, float, float]]:
    """The top intents of a message: its tokens' TF-IDF vector and the share of its weight that is
    known; the folded text's; the classifier's probabilities of those and of the sentence vector
    dense; each intent's nearest example times that share; the ranking of the blend. An empty list
    if none of the tokens' features is known."""
    if not isinstance(m, Model):
        raise TypeError("rank: a model expected")
    dense = _array(dense, F32, 1, "dense")
    cols, weights, coverage = token_vector(m, tokens)
    if not isinstance(folded, str):
        raise TypeError("rank: folded must be a str")
    _check(len(dense) == len(m.dense_coef) and top >= 0, "rank: a sentence vector of the wrong size, or a negative top")
    if not len(cols):
        return []
    prob = probabilities(m, cols, weights, *text_vector(m, folded), dense)
    sim = m.index.best_per_intent(cols, weights) * F32(coverage)
    return ranked(prob, sim, m.blend, top)
