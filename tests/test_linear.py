"""The C loop behind Matcher.probabilities: the linear classifier's softmax."""
import numpy as np
import pytest
from assistant._linear import probabilities, ranked
from hypothesis import given, settings
from hypothesis import strategies as st


def reference(coef, scale, cols, weights, cols2, weights2, offset, dense_coef, dense, intercept, temperature):
    """The same probabilities in numpy, in double precision."""
    table = coef.astype(np.float64) * scale
    sparse = weights @ table[cols] + weights2 @ table[cols2 + offset]
    scores = (sparse + dense @ dense_coef.astype(np.float64) + intercept) * temperature
    scores = np.exp(scores - scores.max())
    return scores / scores.sum()


def arguments(rng, n_features, n_classes, n_cols, n_cols2, n_dense):
    offset = n_features // 2
    return [rng.integers(-32767, 32768, (n_features, n_classes)).astype(np.int16),
            (rng.random(n_classes) / 32767).astype(np.float32),
            rng.integers(0, n_features, n_cols).astype(np.int32), rng.random(n_cols).astype(np.float32),
            rng.integers(0, n_features - offset, n_cols2).astype(np.int32), rng.random(n_cols2).astype(np.float32),
            offset, rng.normal(size=(n_dense, n_classes)).astype(np.float32),
            (rng.normal(size=n_dense) * (rng.random(n_dense) < 0.7)).astype(np.float32),
            rng.normal(size=n_classes).astype(np.float32), 7.0]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(1, 37), st.integers(0, 30), st.integers(0, 30), st.integers(0, 20),
       st.integers(0, 10_000))
def test_it_matches_numpy(n_features, n_classes, n_cols, n_cols2, n_dense, seed):
    args = arguments(np.random.default_rng(seed), n_features, n_classes, n_cols, n_cols2, n_dense)
    out = np.full(n_classes, -1, np.float32)
    probabilities(*args, out)
    assert np.allclose(out, reference(*args), rtol=1e-4, atol=1e-6)
    assert out.sum() == pytest.approx(1.0, abs=1e-5)


def test_a_repeated_column_counts_twice():
    args = arguments(np.random.default_rng(0), 10, 4, 0, 0, 0)
    once, twice = np.empty(4, np.float32), np.empty(4, np.float32)
    probabilities(*args[:2], np.array([3], np.int32), np.array([2.0], np.float32), *args[4:], once)
    probabilities(*args[:2], np.array([3, 3], np.int32), np.array([1.0, 1.0], np.float32), *args[4:], twice)
    assert np.allclose(once, twice)


@pytest.mark.parametrize("position, wrong", [
    (0, np.zeros((10, 4), np.int32)),        # weights of the wrong dtype
    (2, np.array([10], np.int32)),           # a column past the table
    (2, np.array([-1], np.int32)),           # a negative column
    (4, np.array([5], np.int32)),            # the second block's column, offset, past the table
    (6, -1),                                 # a negative offset
    (3, np.ones(2, np.float32)),             # more weights than columns
    (8, np.ones(3, np.float32)),             # a sentence vector longer than the dense rows
    (9, np.ones(5, np.float32)),             # an intercept per class, and one more
])
def test_bad_arguments_raise_instead_of_reading_out_of_bounds(position, wrong):
    args = arguments(np.random.default_rng(1), 10, 4, 1, 1, 2)
    args[2], args[4] = np.array([2], np.int32), np.array([1], np.int32)
    args[position] = wrong
    with pytest.raises((TypeError, ValueError)):
        probabilities(*args, np.empty(4, np.float32))


def test_a_read_only_output_is_refused():
    out = np.empty(4, np.float32)
    out.setflags(write=False)
    with pytest.raises((TypeError, ValueError, BufferError)):
        probabilities(*arguments(np.random.default_rng(2), 10, 4, 1, 1, 2), out)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 45), st.floats(0, 1), st.integers(0, 10_000))
def test_ranked_keeps_the_best_blends_first(n_classes, top, blend, seed):
    rng = np.random.default_rng(seed)
    prob, sim = rng.random(n_classes).astype(np.float32), rng.random(n_classes).astype(np.float32)
    rows = ranked(prob, sim, blend, top)
    expected = prob.astype(np.float64) ** (1 - blend) * sim.astype(np.float64) ** blend
    chosen = [r[0] for r in rows]
    assert len(rows) == min(top, n_classes) == len(set(chosen))
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    for i, confidence, p, s in rows:
        assert confidence == pytest.approx(expected[i], rel=1e-5)
        assert (p, s) == (float(prob[i]), float(sim[i]))
    left = np.delete(expected, chosen)
    if rows and len(left):  # none left out beats one taken (beyond float32's rounding)
        assert left.max() <= expected[chosen].min() * (1 + 1e-5)


def test_ranked_orders_ties_as_listed_and_nan_last():
    prob = np.array([0.2, np.nan, 0.5, 0.2, 0.0], np.float32)
    sim = np.ones(5, np.float32)
    assert [r[0] for r in ranked(prob, sim, 0.2, 5)] == [2, 0, 3, 4, 1]


@pytest.mark.parametrize("prob, sim, top", [
    (np.ones(3, np.float32), np.ones(2, np.float32), 2),   # different sizes
    (np.ones(3, np.float32), np.ones(3, np.float32), -1),  # a negative top
    (np.ones(3, np.float64), np.ones(3, np.float32), 2),   # the wrong dtype
])
def test_ranked_refuses_bad_arguments(prob, sim, top):
    with pytest.raises((TypeError, ValueError)):
        ranked(prob, sim, 0.2, top)
