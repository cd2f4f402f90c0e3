"""The C call behind Matcher.rank (_match.c): what the matcher's steps give, one after another."""
from pathlib import Path

import numpy as np
import pytest

from assistant import _linear, _match, _nearest
from assistant.nlu import vectors
from assistant.nlu.evaluate import read_items
from assistant.nlu.surface import surface

EVAL = Path(__file__).parent / "eval"


def by_steps(matcher, tokens, text, top=5):
    """Matcher.rank from the steps' own Python entry points: the tokens' vector, the probabilities of
    it, the text's blocks and the sentence vector, the nearest examples times the known share, the
    blend."""
    cols, weights, coverage = matcher.vectorizer.vector(matcher.correct(tokens))
    if not len(cols):
        return []
    prob, sim = np.empty(len(matcher.intents), np.float32), np.empty(len(matcher.intents), np.float32)
    _linear.probabilities(matcher.sparse_coef, matcher.sparse_scale, cols, weights, *matcher.surface.vector(text),
                          matcher.vectorizer.size, matcher.dense_coef, vectors.vector(text), matcher.intercept,
                          matcher.temperature, prob)
    _nearest.best_per_intent(matcher._index, cols, weights, sim)
    sim *= coverage
    return [(matcher.intents[i], c, p, s) for i, c, p, s in _linear.ranked(prob, sim, matcher.blend, top)]


@pytest.mark.parametrize("name", ["single", "holdout"])
def test_it_ranks_every_evaluation_message_as_the_steps_do_to_the_bit(assistant, name):
    models = assistant.models
    for item in read_items(EVAL / f"{name}.jsonl"):
        matcher = models.matchers[item["tenant"]]
        text = item["message"]
        tokens = models.normaliser.tokens(text, item["lang"])
        assert [tuple(c) for c in matcher.rank(tokens, 8, text)] == by_steps(matcher, tokens, text, 8), text


def test_an_empty_or_unknown_message_ranks_nothing(assistant):
    matcher = assistant.models.matchers["exo"]
    assert matcher.rank([], text="") == [] == by_steps(matcher, [], "")
    assert matcher.rank(["☃☃☃☃☃"], text="☃☃☃☃☃") == [] == by_steps(matcher, ["☃☃☃☃☃"], "☃☃☃☃☃")


def test_a_long_message_with_repeated_words_ranks_as_the_steps_do(assistant):
    matcher = assistant.models.matchers["conex"]
    text = "remboursement licence prix " * 200 + "àéïõ ß 😀"
    tokens = assistant.models.normaliser.tokens(text, "fr")
    assert [tuple(c) for c in matcher.rank(tokens, 50, text)] == by_steps(matcher, tokens, text, 50)


def model_arguments(matcher):
    v, s = matcher.vectorizer, matcher.surface
    return [v._table, v.idf, s._table, s.idf, v.unseen_idf, matcher.sparse_coef, matcher.sparse_scale,
            matcher.dense_coef, matcher.intercept, matcher._index, matcher.temperature, matcher.blend]


@pytest.mark.parametrize("position, wrong", [
    (1, lambda m: m.vectorizer.idf[:-1]),             # a token column without an idf
    (3, lambda m: m.surface.idf[:-1]),                # a text column without an idf
    (5, lambda m: m.sparse_coef[:-1]),                # a feature without a row of weights
    (6, lambda m: m.sparse_scale[:-1]),               # an intent without a scale
    (7, lambda m: np.ascontiguousarray(m.dense_coef[:, :-1])),  # dense rows for one intent fewer
    (8, lambda m: m.intercept.astype(np.float64)),    # the wrong dtype
    (0, lambda m: m._index),                          # an index where a table is expected
    (9, lambda m: m.vectorizer._table),               # a table where the index is expected
])
def test_a_model_of_inconsistent_parts_is_refused(assistant, position, wrong):
    matcher = assistant.models.matchers["exo"]
    args = model_arguments(matcher)
    args[position] = wrong(matcher)
    with pytest.raises((TypeError, ValueError)):
        _match.model(*args)


def test_an_index_of_another_vocabulary_is_refused(assistant):
    exo, conex = assistant.models.matchers["exo"], assistant.models.matchers["conex"]
    args = model_arguments(exo)
    args[9] = conex._index
    with pytest.raises(ValueError):
        _match.model(*args)


@pytest.mark.parametrize("tokens, folded, dense, top", [
    (("prix",), "prix", np.zeros(vectors.SIZE, np.float32), 5),       # tokens not in a list
    (["prix", 3], "prix", np.zeros(vectors.SIZE, np.float32), 5),     # a token not a str
    (["prix"], "prix", np.zeros(vectors.SIZE - 1, np.float32), 5),    # a sentence vector too short
    (["prix"], "prix", np.zeros(vectors.SIZE, np.float64), 5),        # of the wrong dtype
    (["prix"], "prix", np.zeros(vectors.SIZE, np.float32), -1),       # a negative top
])
def test_bad_arguments_raise_instead_of_reading_out_of_bounds(assistant, tokens, folded, dense, top):
    matcher = assistant.models.matchers["exo"]
    with pytest.raises((TypeError, ValueError)):
        _match.rank(matcher._model, tokens, folded, dense, top)


def test_the_model_keeps_its_parts_alive():
    """A model made from a matcher that is then freed, its tables, arrays and index with it, still
    ranks as the matcher did (they are held by the model, not copied)."""
    import gc

    from assistant.nlu.matching import Matcher
    matcher = Matcher.train([(text.split(), intent) for text, intent in [
        ("book flight paris", "flight"), ("plane ticket to rome", "flight"), ("weather today", "weather"),
        ("will it rain tomorrow", "weather"), ("tell me a joke", "joke"), ("a funny story", "joke")]])
    model = _match.model(*model_arguments(matcher))
    tokens, text = ["rain", "tomorrow"], "rain tomorrow"
    expected = [tuple(c)[1:] for c in matcher.rank(tokens, 5, text)]
    del matcher
    gc.collect()
    clutter = [np.full(1 << 16, -1, np.int32) for _ in range(64)]  # over what was freed, if anything was
    assert len(clutter) == 64
    assert [row[1:] for row in _match.rank(model, tokens, surface(text), vectors.vector(text), 5)] == expected
