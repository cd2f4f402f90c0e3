"""Matcher.rank in one call (kernels.rank): what its definition gives, computed here in double
precision from the matcher's own parts; and a model of inconsistent parts is refused by both
implementations."""

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from test_kernels import IMPLEMENTATIONS, model_of

from assistant import kernels
from assistant.kernels import pure
from assistant.nlu import vectors
from assistant.nlu.evaluate import read_items
from assistant.nlu.surface import surface

EVAL = Path(__file__).parents[1] / "eval"


def by_definition(matcher, tokens, text) -> dict[str, tuple[float, float, float]]:
    """intent -> (confidence, probability, similarity): the softmax of the linear classifier's scores
    over the tokens' and the text's TF-IDF vectors and the sentence vector; the best cosine of the
    tokens' vector with an example of each intent, times the share of its weight that is known; the
    blend of the two."""
    cols, weights, coverage = matcher.vectorizer.vector(matcher.correct(tokens))
    if not len(cols):
        return {}
    text_cols, text_weights = matcher.surface.vector(text)
    table = matcher.sparse_coef.astype(np.float64) * matcher.sparse_scale
    scores = (
        weights @ table[cols]
        + text_weights @ table[text_cols + matcher.vectorizer.size]
        + vectors.vector(text) @ matcher.dense_coef.astype(np.float64)
        + matcher.intercept
    ) * matcher.temperature
    prob = np.exp(scores - scores.max())
    prob /= prob.sum()
    indptr, examples, postings = matcher.by_feature
    by_feature = sparse.csr_matrix((postings, examples, indptr), shape=(len(indptr) - 1, len(matcher.example_intent)))
    query = np.zeros(by_feature.shape[0])
    query[cols] = weights
    cosines = by_feature.T @ query
    sim = np.array([max([0.0, *cosines[matcher.example_intent == i]]) for i in range(len(matcher.intents))]) * coverage
    confidence = prob ** (1 - matcher.blend) * sim**matcher.blend
    return {intent: (confidence[i], prob[i], sim[i]) for i, intent in enumerate(matcher.intents)}


def assert_ranks_by_definition(matcher, tokens, text, top):
    expected = by_definition(matcher, tokens, text)
    rows = matcher.rank(tokens, top, text)
    assert len(rows) == min(top, len(expected))
    for row in rows:
        assert (row.confidence, row.probability, row.similarity) == pytest.approx(expected[row.intent], abs=1e-5)
    left_out = [c for intent, (c, _, _) in expected.items() if intent not in {row.intent for row in rows}]
    assert [row.confidence for row in rows] == sorted((row.confidence for row in rows), reverse=True)
    if rows and left_out:  # none left out beats one taken (beyond float32's rounding)
        assert max(left_out) <= rows[-1].confidence + 1e-5


@pytest.mark.parametrize("name", ["single", "holdout"])
def test_every_evaluation_message_ranks_as_its_definition(assistant, name):
    models = assistant.models
    for item in read_items(EVAL / f"{name}.jsonl"):
        matcher = models.matchers[item["tenant"]]
        assert_ranks_by_definition(matcher, models.normaliser.tokens(item["message"], item["lang"]), item["message"], 8)


def test_an_empty_or_unknown_message_ranks_nothing(assistant):
    matcher = assistant.models.matchers["exo"]
    assert matcher.rank([], text="") == [] and matcher.rank(["☃☃☃☃☃"], text="☃☃☃☃☃") == []


def test_a_long_message_with_repeated_words_ranks_as_its_definition(assistant):
    matcher = assistant.models.matchers["conex"]
    text = "remboursement licence prix " * 200 + "àéïõ ß 😀"
    assert_ranks_by_definition(matcher, assistant.models.normaliser.tokens(text, "fr"), text, 50)


def model_arguments(implementation, matcher) -> list:
    v, s = matcher.vectorizer, matcher.surface
    return [
        [implementation.table(v.index), v.idf, v.unseen_idf],
        [implementation.table(s.index), s.idf],
        [matcher.sparse_coef, matcher.sparse_scale, matcher.dense_coef, matcher.intercept, matcher.temperature],
        [*matcher.by_feature, matcher.intent_starts, len(matcher.example_intent)],
        matcher.blend,
    ]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    "part, position, wrong",
    [
        (0, 1, lambda m: m.vectorizer.idf[:-1]),  # a token column without an idf
        (1, 1, lambda m: m.surface.idf[:-1]),  # a text column without an idf
        (2, 0, lambda m: m.sparse_coef[:-1]),  # a feature without a row of weights
        (2, 1, lambda m: m.sparse_scale[:-1]),  # an intent without a scale
        (2, 2, lambda m: np.ascontiguousarray(m.dense_coef[:, :-1])),  # dense rows for one intent fewer
        (2, 3, lambda m: m.intercept.astype(np.float64)),  # the wrong dtype
        (3, 0, lambda m: m.by_feature[0][:-1]),  # an index with a feature fewer
        (3, 1, lambda m: m.by_feature[1] + 10**6),  # postings past the last example
        (3, 3, lambda m: m.intent_starts[::-1].copy()),  # intents out of order
        (3, 4, lambda m: 2),  # fewer examples than the postings name
        (0, 0, lambda m: object()),  # not a table
    ],
)
def test_a_model_of_inconsistent_parts_is_refused(assistant, implementation, part, position, wrong):
    matcher = assistant.models.matchers["exo"]
    args = model_arguments(implementation, matcher)
    args[part][position] = wrong(matcher)
    with pytest.raises((TypeError, ValueError)):
        implementation.model(*map(lambda a: tuple(a) if isinstance(a, list) else a, args))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_an_index_of_another_vocabulary_is_refused(assistant, implementation):
    exo, conex = assistant.models.matchers["exo"], assistant.models.matchers["conex"]
    args = model_arguments(implementation, exo)
    args[3] = model_arguments(implementation, conex)[3]
    with pytest.raises(ValueError):
        implementation.model(*map(lambda a: tuple(a) if isinstance(a, list) else a, args))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    "tokens, folded, dense, top",
    [
        (("prix",), "prix", np.zeros(vectors.SIZE, np.float32), 5),  # tokens not in a list
        (["prix", 3], "prix", np.zeros(vectors.SIZE, np.float32), 5),  # a token not a str
        (["prix"], b"prix", np.zeros(vectors.SIZE, np.float32), 5),  # the text not a str
        (["prix"], "prix", np.zeros(vectors.SIZE - 1, np.float32), 5),  # a sentence vector too short
        (["prix"], "prix", np.zeros(vectors.SIZE, np.float64), 5),  # of the wrong dtype
        (["prix"], "prix", np.zeros(vectors.SIZE, np.float32), -1),  # a negative top
    ],
)
def test_bad_arguments_raise_instead_of_reading_out_of_bounds(assistant, implementation, tokens, folded, dense, top):
    model = model_of(implementation, assistant.models.matchers["exo"])
    with pytest.raises((TypeError, ValueError)):
        implementation.rank(model, tokens, folded, dense, top)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_model_is_not_a_table_nor_a_table_a_model(assistant, implementation):
    model = model_of(implementation, assistant.models.matchers["exo"])
    with pytest.raises((TypeError, ValueError)):
        implementation.rank(implementation.table({}), ["prix"], "prix", np.zeros(vectors.SIZE, np.float32), 5)
    with pytest.raises((TypeError, ValueError)):
        implementation.token_features(model, ["prix"], 1.0)


def test_the_model_keeps_its_parts_alive():
    """A model made from a matcher that is then freed, its tables, arrays and index with it, still
    ranks as the matcher did (they are held by the model, not copied)."""
    import gc

    from assistant.nlu.matching import Matcher

    matcher = Matcher.train(
        [
            (text.split(), intent)
            for text, intent in [
                ("book flight paris", "flight"),
                ("plane ticket to rome", "flight"),
                ("weather today", "weather"),
                ("will it rain tomorrow", "weather"),
                ("tell me a joke", "joke"),
                ("a funny story", "joke"),
            ]
        ]
    )
    model = model_of(kernels, matcher)
    tokens, text = ["rain", "tomorrow"], "rain tomorrow"
    expected = [tuple(c)[1:] for c in matcher.rank(tokens, 5, text)]
    del matcher
    gc.collect()
    clutter = [np.full(1 << 16, -1, np.int32) for _ in range(64)]  # over what was freed, if anything was
    assert len(clutter) == 64
    assert [row[1:] for row in kernels.rank(model, tokens, surface(text), vectors.vector(text), 5)] == expected


def test_pure_index_is_the_dense_product():
    """The nearest example of each intent, in numpy, against the dense product: intents without an
    example, or whose examples share nothing with the query, score 0."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        matrix = sparse.random(12, 20, density=0.3, random_state=rng, dtype=np.float32).tocsr()
        intents = np.sort(rng.integers(0, 5, 20))
        starts = np.searchsorted(intents, np.arange(5)).astype(np.int64)
        index = pure.Index(matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32), matrix.data, starts, 20)
        cols = rng.choice(12, size=rng.integers(0, 13), replace=False).astype(np.int32)
        query = rng.random(len(cols)).astype(np.float32)
        dense = np.zeros(12)
        dense[cols] = query
        scores = dense @ matrix.toarray()
        expected = [max([0.0, *scores[intents == i]]) for i in range(5)]
        assert np.allclose(index.best_per_intent(cols, query), expected, atol=1e-6)
