"""The C loop behind Matcher.similarities: the nearest example of each intent."""
import numpy as np
import pytest
from assistant._nearest import best_per_intent, index
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse


def brute_force(matrix, intents, cols, query, n_intents):
    """max over each intent's examples of query . example, from the dense matrix."""
    dense_query = np.zeros(matrix.shape[0])
    dense_query[cols] = query
    scores = dense_query @ matrix.toarray()
    return np.array([max([0.0, *scores[intents == i]]) for i in range(n_intents)], dtype=np.float32)


def call(matrix, intents, cols, query, n_intents):
    csr = sparse.csr_matrix(matrix)
    out = np.full(n_intents, -1, dtype=np.float32)
    starts = np.searchsorted(intents, np.arange(n_intents)).astype(np.int64)
    examples = index(csr.indptr.astype(np.int32), csr.indices.astype(np.int32), csr.data.astype(np.float32),
                     starts, len(intents))
    best_per_intent(examples, np.asarray(cols, np.int32), np.asarray(query, np.float32), out)
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 40), st.integers(1, 6), st.integers(0, 10_000))
def test_it_matches_the_dense_product(n_features, n_examples, n_intents, seed):
    rng = np.random.default_rng(seed)
    matrix = sparse.random(n_features, n_examples, density=0.3, random_state=seed, dtype=np.float32)
    intents = np.sort(rng.integers(0, n_intents, n_examples))  # some intents may have no example
    cols = rng.choice(n_features, size=rng.integers(0, n_features + 1), replace=False)
    query = rng.random(len(cols)).astype(np.float32)
    expected = brute_force(matrix, intents, cols, query, n_intents)
    assert np.allclose(call(matrix, intents, cols, query, n_intents), expected, atol=1e-5)


def index_arrays():
    matrix = sparse.csr_matrix(np.eye(3, dtype=np.float32))
    return [matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32), matrix.data,
            np.array([0, 2], np.int64), 3]


def query_arrays():
    return [np.array([0, 2], np.int32), np.ones(2, np.float32), np.zeros(2, np.float32)]


def test_the_valid_arguments_work_and_the_scores_start_again_from_zero():
    examples = index(*index_arrays())
    for _ in range(2):
        args = query_arrays()
        best_per_intent(examples, *args)
        assert args[-1].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("position, wrong", [
    (0, np.array([0, 1, 9, 3], np.int32)),  # row pointers past the postings
    (0, np.array([0, 2, 1, 3], np.int32)),  # row pointers going back
    (0, np.array([1, 2, 3, 3], np.int32)),  # row pointers not starting at 0
    (0, np.zeros(0, np.int32)),             # no row pointer at all
    (1, np.array([0, 1, 3], np.int32)),     # a posting past the last example
    (1, np.array([0, -1, 2], np.int32)),    # a negative example
    (2, np.ones(2, np.float32)),            # fewer weights than postings
    (2, np.ones(3, np.float64)),            # weights of the wrong dtype
    (3, np.array([2, 0], np.int64)),        # intents out of order
    (3, np.array([0, 4], np.int64)),        # an intent starting past the examples
    (4, 2),                                 # fewer examples than the index names
])
def test_a_bad_index_is_refused(position, wrong):
    args = index_arrays()
    args[position] = wrong
    with pytest.raises((TypeError, ValueError)):
        index(*args)


@pytest.mark.parametrize("position, wrong", [
    (0, np.array([0, 2], np.int64)),        # columns of the wrong dtype
    (1, np.ones(2, np.float64)),            # weights of the wrong dtype
    (1, np.ones(4, np.float32)[::2]),       # not contiguous
    (1, np.ones(3, np.float32)),            # more weights than columns
    (2, np.zeros(2, np.float32)[:0]),       # no room for the answer
    (0, np.array([0, 3], np.int32)),        # a column past the last feature
    (0, np.array([-1, 0], np.int32)),       # a negative column
])
def test_a_bad_query_raises_instead_of_reading_out_of_bounds(position, wrong):
    args = query_arrays()
    args[position] = wrong
    with pytest.raises((TypeError, ValueError)):
        best_per_intent(index(*index_arrays()), *args)


def test_a_read_only_output_is_refused():
    args = query_arrays()
    args[-1].setflags(write=False)
    with pytest.raises((TypeError, ValueError, BufferError)):
        best_per_intent(index(*index_arrays()), *args)


def test_only_an_index_is_accepted():
    with pytest.raises((TypeError, ValueError)):
        best_per_intent(object(), *query_arrays())
