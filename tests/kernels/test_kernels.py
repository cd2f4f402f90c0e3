"""The matching stage's kernels: the native module computes what pure.py computes, on the same inputs
(integers exactly, floats within 1e-5), and the facade picks one as documented."""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_words import PIECES

from assistant import kernels
from assistant.kernels import pure
from assistant.text.clean import ELIDED

if kernels.BUILT:
    from assistant.kernels import _native
else:
    _native = None

needs_native = pytest.mark.skipif(
    not kernels.BUILT,
    reason="the native module is not built here (the package was "
    "installed without a compiler): only the pure numpy kernels run",
)
IMPLEMENTATIONS = [pytest.param(pure, id="pure"), pytest.param(_native, id="native", marks=needs_native)]


def test_ci_builds_and_uses_the_native_module():
    """In CI (CI=true) the module must be built and chosen: a build that silently fell back to numpy
    would otherwise pass every test, only slower."""
    if os.environ.get("CI") != "true":
        pytest.skip("only CI requires the native module (CI is not 'true' here)")
    assert kernels.BUILT, "CI=true but assistant.kernels._native is not built: did pip find a compiler?"
    assert kernels.NATIVE or os.environ.get("ASSISTANT_PURE_PYTHON") == "1"


PICKED = "from assistant import kernels; print(kernels.NATIVE, kernels.BUILT, kernels.split is kernels.pure.split)"
WITHOUT_NATIVE = (
    "import importlib.util; real = importlib.util.find_spec; importlib.util.find_spec = lambda name, *a: "
    "None if name.endswith('._native') else real(name, *a)\n" + PICKED
)


def picked(code: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "ASSISTANT_PURE_PYTHON"} | env
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    ).stdout.split()


def test_the_environment_forces_pure_numpy():
    assert picked(PICKED, ASSISTANT_PURE_PYTHON="1") == ["False", str(kernels.BUILT), "True"]
    assert picked(PICKED, ASSISTANT_PURE_PYTHON="0") == [str(kernels.BUILT), str(kernels.BUILT), str(not kernels.BUILT)]


def test_without_the_native_module_pure_numpy_runs():
    assert picked(WITHOUT_NATIVE) == ["False", "False", "True"]


# -- the same inputs through both ---------------------------------------------------------------------

# The pieces of a folded message that test_words.py splits: elisions, apostrophes, scripts.


@needs_native
@given(st.one_of(PIECES, st.text(max_size=40)))
def test_split(text):
    assert _native.split(text, ELIDED) == pure.split(text, ELIDED)
    assert _native.split(text, ()) == pure.split(text, ())


@needs_native
@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 63), max_size=300), st.sampled_from([1, 7, 8, 256]), st.integers(0, 10_000))
def test_pool(ids, width, seed):
    table = np.random.default_rng(seed).normal(size=(64, width)).astype(np.float16)
    outs = [np.full(2 * width, np.nan, np.float32) for _ in range(2)]
    _native.pool(ids, table, outs[0])
    pure.pool(ids, table, outs[1])
    assert np.array_equal(*outs)


VOCABULARY = [
    "prix",
    "licence",
    "licences",
    "abonnement",
    "remboursement",
    "mensuel",
    "#num",
    "日本語",
    "😀😀😀😀",
    "a_b",
]


def vocabulary_index(rng, keys) -> dict[str, int]:
    """A vocabulary of some of these features, at scattered columns."""
    kept = [k for k in dict.fromkeys(keys) if rng.random() < 0.7]
    return dict(zip(kept, rng.permutation(len(kept) * 3)[: len(kept)].tolist()))


@needs_native
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY + ["zorblax", "lic", "", "prx"]), max_size=12), st.integers(0, 10_000))
def test_token_features(tokens, seed):
    rng = np.random.default_rng(seed)
    index = vocabulary_index(rng, [k for doc in (VOCABULARY, tokens) for k in pure.token_counts(doc)])
    cols, counts, unseen = _native.token_features(_native.table(index), tokens, 2.5)  # bytes: the facade reads them
    expected = pure.token_features(pure.table(index), tokens, 2.5)
    assert np.frombuffer(cols, np.int32).tolist() == expected[0].tolist()
    assert np.frombuffer(counts, np.float32).tolist() == expected[1].tolist()
    assert unseen == pytest.approx(expected[2], rel=1e-12)


def test_the_facade_gives_token_features_as_arrays():
    cols, counts, unseen = kernels.token_features(kernels.table({"w:prix": 4, "c:<pri": 1}), ["prix", "zut"], 2.0)
    assert cols.dtype == np.int32 and counts.dtype == np.float32
    assert sorted(zip(cols.tolist(), counts.tolist())) == [(1, 0.5), (4, 1.0)] and unseen > 0


TEXTS = [
    "What is your name?",
    "combien coute  la licence ?",
    "a b c d e f",
    "ok ok ok ok",
    "l'hebergement, svp!",
    "d'essai -- gratuit",
    "mon_compte __ x",
    "😀 prix 😀😀 licence",
    "日本語 テキスト",
    "1 000 € / mois",
    "ab",
    "",
]


@needs_native
@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TEXTS), st.sampled_from(TEXTS), st.integers(0, 10_000))
def test_surface_features(text, other, seed):
    folded = " ".join(text.lower().split())
    index = vocabulary_index(
        np.random.default_rng(seed), [k for block in pure.text_keys(folded + " " + other) for k in block]
    )
    outs = [np.full(6 * len(folded), -1, np.int32) for _ in range(2)]
    assert _native.surface_features(_native.table(index), folded, outs[0]) == pure.surface_features(
        pure.table(index), folded, outs[1]
    )
    assert outs[0].tolist() == outs[1].tolist()


@needs_native
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3000), st.integers(1, 70_000), st.integers(0, 10_000))
def test_tfidf(n, n_features, seed):
    rng = np.random.default_rng(seed)
    cols = rng.integers(0, n_features, n).astype(np.int32)
    counts = (rng.integers(1, 4, n) / 2).astype(np.float32)
    idf = (rng.random(n_features) + 1).astype(np.float32)
    split = int(rng.integers(0, n + 1))
    outs = [(np.empty(n, np.int32), np.empty(n, np.float32)) for _ in range(2)]
    native = _native.tfidf(cols, counts, idf, split, *outs[0])
    expected = pure.tfidf(cols, counts, idf, split, *outs[1])
    assert native[:2] == expected[:2] and native[2] == pytest.approx(expected[2], rel=1e-6)
    k = native[1]
    assert outs[0][0][:k].tolist() == outs[1][0][:k].tolist()
    assert np.allclose(outs[0][1][:k], outs[1][1][:k], rtol=1e-5, atol=0)


def model_of(implementation, matcher):
    """The matcher's model made by one implementation from the matcher's own parts."""
    v, s = matcher.vectorizer, matcher.surface
    table = implementation.table
    return implementation.model(
        (table(v.index), v.idf, v.unseen_idf),
        (table(s.index), s.idf),
        (matcher.sparse_coef, matcher.sparse_scale, matcher.dense_coef, matcher.intercept, matcher.temperature),
        (*matcher.by_feature, matcher.intent_starts, len(matcher.example_intent)),
        matcher.blend,
    )


def assert_same_ranking(native, expected):
    assert [row[0] for row in native] == [row[0] for row in expected]
    for row, other in zip(native, expected):
        assert row[1:] == pytest.approx(other[1:], abs=1e-5)


@needs_native
def test_rank_on_every_tenant_and_odd_messages(assistant):
    from assistant.nlu import vectors
    from assistant.nlu.surface import surface

    models = assistant.models
    messages = [
        "combien coute la licence pour 12 utilisateurs ?",
        "refund policy",
        "",
        "☃☃☃☃☃",
        "remboursement licence prix " * 200 + "àéïõ ß 😀",
        "SSO ?",
        "l'hébergement inclut-il les sauvegardes",
    ]
    for matcher in models.matchers.values():
        native, numpy = model_of(_native, matcher), model_of(pure, matcher)
        for text in messages:
            tokens = matcher.correct(models.normaliser.tokens(text, "fr"))
            args = (tokens, surface(text), vectors.vector(text), 60)
            assert_same_ranking(_native.rank(native, *args), pure.rank(numpy, *args))
