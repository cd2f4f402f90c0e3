"""Features: a message's TF-IDF vector, as the kernels compute it, is the one its definition gives."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.nlu.features import Vectorizer, raw_features, tfidf

DOCS = [["prix", "licence"], ["prix", "abonnement", "mensuel"], ["remboursement", "licence", "licence"]]


def by_definition(vectorizer: Vectorizer, tokens: list[str]) -> tuple[dict, float]:
    """Every raw feature counted, (1 + log tf) x idf, L2-normalised over the known ones; unknown
    features weighted as if seen once give the share of weight that is known."""
    raw = raw_features(tokens)
    known = {
        f: (1 + math.log(c)) * vectorizer.idf[vectorizer.index[f]] for f, c in raw.items() if f in vectorizer.index
    }
    unknown = [(1 + math.log(c)) * vectorizer.unseen_idf for f, c in raw.items() if f not in vectorizer.index]
    norm = math.sqrt(sum(w * w for w in known.values()))
    share = math.sqrt(norm**2 / (norm**2 + sum(u * u for u in unknown)))
    return {f: w / norm for f, w in known.items()}, share


@pytest.mark.parametrize(
    "tokens",
    [
        ["prix", "licence"],
        ["licence", "licence", "prix", "licence"],  # repeated words and their n-grams add up
        ["prix", "abonnement", "zorblax", "zorblax", "lic"],  # unknown words, repeated, and a short one
        ["licences", "remboursemnt", "prix", "licence"],  # n-grams shared with known words
        ["#num", "prix", "#num"],  # a placeholder has no n-grams
        ["😀😀😀😀", "prix", "日本語テキスト", "a_b"],  # beyond ASCII and beyond two bytes
    ],
)
def test_a_vector_is_its_definition(tokens):
    vectorizer = Vectorizer(DOCS)
    names = {i: f for f, i in vectorizer.index.items()}
    expected, expected_share = by_definition(vectorizer, tokens)
    cols, weights, share = vectorizer.vector(tokens)
    assert {names[c]: w for c, w in zip(cols.tolist(), weights.tolist())} == pytest.approx(expected, rel=1e-5)
    assert share == pytest.approx(expected_share, rel=1e-5)
    assert list(cols) == sorted(set(cols))


def test_nothing_known_is_an_empty_vector():
    cols, weights, share = Vectorizer(DOCS).vector(["zzz"])
    assert len(cols) == len(weights) == 0 and share == 0.0


def test_the_lookup_table_is_not_pickled_but_built_again_on_loading():
    import pickle

    vectorizer = Vectorizer(DOCS)
    assert "_table" not in vectorizer.__getstate__()
    loaded = pickle.loads(pickle.dumps(vectorizer))
    for a, b in zip(loaded.vector(["prix", "licence"]), vectorizer.vector(["prix", "licence"])):
        assert np.array_equal(a, b)


def test_tfidf_sums_weighs_and_normalises_each_block():
    idf = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    cols = np.array([2, 0, 2, 3, 1, 3], np.int32)
    counts = np.array([1, 1, 1, 0.5, 1, 0.5], np.float32)
    out_cols, weights, split, squares = tfidf(cols, counts, idf, 3)
    first = [1.0, (1 + math.log(2)) * 3.0]  # column 0 once, column 2 twice
    second = [2.0, (1 + math.log(1.0)) * 4.0]  # column 1 once, column 3 twice half
    assert out_cols.tolist() == [0, 2, 1, 3] and split == 2
    assert squares == pytest.approx((sum(w * w for w in first), sum(w * w for w in second)))
    expected = [w / math.hypot(*first) for w in first] + [w / math.hypot(*second) for w in second]
    assert weights.tolist() == pytest.approx(expected, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6000), st.integers(1, 9000), st.integers(0, 10_000))
def test_tfidf_matches_numpy_on_long_blocks_with_repeats(n, n_features, seed):
    """Long enough for every gap of its sort; counts are halves, as features.py and surface.py give."""
    rng = np.random.default_rng(seed)
    cols = rng.integers(0, n_features, n).astype(np.int32)
    counts = (rng.integers(1, 4, n) / 2).astype(np.float32)
    idf = (rng.random(n_features) + 1).astype(np.float32)
    out_cols, weights, split, _ = tfidf(cols, counts, idf, n)
    expected_cols = np.unique(cols)
    tf = np.bincount(cols, weights=counts, minlength=n_features)[expected_cols]
    expected = (1 + np.log(tf)) * idf[expected_cols]
    assert out_cols.tolist() == expected_cols.tolist() and split == len(expected_cols)
    assert np.allclose(weights, expected / np.linalg.norm(expected) if len(expected) else expected, rtol=1e-5)


@pytest.mark.parametrize("n_features", [200, 70_000, 2**24 + 5])  # one, three and four bytes of column
def test_tfidf_sorts_columns_of_every_size(n_features):
    rng = np.random.default_rng(n_features)
    cols = np.concatenate([rng.integers(0, n_features, 300), [n_features - 1, 0, n_features - 1]]).astype(np.int32)
    idf = np.ones(n_features, np.float32)
    out_cols, weights, split, _ = tfidf(cols, np.ones(len(cols), np.float32), idf, len(cols))
    expected_cols, tf = np.unique(cols, return_counts=True)
    assert out_cols.tolist() == expected_cols.tolist() and split == len(expected_cols)
    assert np.allclose(weights, (1 + np.log(tf)) / np.linalg.norm(1 + np.log(tf)), rtol=1e-5)


def test_tfidf_of_nothing_is_empty():
    out_cols, weights, split, squares = tfidf(np.zeros(0, np.int32), np.zeros(0, np.float32), np.ones(3, np.float32), 0)
    assert len(out_cols) == len(weights) == split == 0 and squares == (0.0, 0.0)


@pytest.mark.parametrize(
    "cols, counts, split",
    [
        (np.array([3], np.int32), np.ones(1, np.float32), 1),  # past the idf table
        (np.array([-1], np.int32), np.ones(1, np.float32), 1),  # negative
        (np.array([0], np.int32), np.zeros(1, np.float32), 1),  # a count of zero
        (np.array([0], np.int64), np.ones(1, np.float32), 1),  # wrong dtype
        (np.array([0], np.int32), np.ones(2, np.float32), 1),  # sizes differ
        (np.array([0], np.int32), np.ones(1, np.float32), 2),  # split past the end
    ],
)
def test_tfidf_refuses_what_it_cannot_read(cols, counts, split):
    with pytest.raises((TypeError, ValueError)):
        tfidf(cols, counts, np.ones(3, np.float32), split)
