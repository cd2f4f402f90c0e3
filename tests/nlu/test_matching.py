"""The matcher is generic: it trains from any labelled set, as a benchmark does."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assistant.data.intents import OUT_OF_SCOPE
from assistant.nlu.matching import Matcher, quantised

DATA = [
    ("book flight paris", "flight"),
    ("plane ticket to rome", "flight"),
    ("fly to london tomorrow", "flight"),
    ("flight booking please", "flight"),
    ("weather today", "weather"),
    ("will it rain tomorrow", "weather"),
    ("forecast for the weekend", "weather"),
    ("is it sunny outside", "weather"),
    ("tell me a joke", OUT_OF_SCOPE),
    ("what is the meaning of life", OUT_OF_SCOPE),
    ("sing a song", OUT_OF_SCOPE),
    ("who won the game", OUT_OF_SCOPE),
]


def train():
    return Matcher.train([(text.split(), intent) for text, intent in DATA])


def test_it_ranks_the_intent_of_an_unseen_phrase_first():
    matcher = train()
    assert matcher.rank("book a ticket to paris".split())[0].intent == "flight"
    assert matcher.rank("rain forecast".split())[0].intent == "weather"


def test_confidences_are_in_zero_one_and_sorted():
    ranked = train().rank("flight weather".split())
    assert all(0 <= c.confidence <= 1 for c in ranked)
    assert [c.confidence for c in ranked] == sorted((c.confidence for c in ranked), reverse=True)


def test_a_typo_still_matches_through_character_ngrams():
    assert train().rank("wheather tomorow".split())[0].intent == "weather"


def test_unknown_words_lower_the_similarity():
    matcher = train()
    known = matcher.rank("weather today".split())[0]
    diluted = [c for c in matcher.rank("weather today zorblax quuxify".split()) if c.intent == "weather"][0]
    assert diluted.similarity < known.similarity


def test_a_misspelt_word_is_read_as_the_known_word_it_resembles():
    import pickle

    matcher = train()
    assert matcher.correct(["forecastt", "weather", "zorblaxian"]) == ["forecast", "weather", "zorblaxian"]
    assert matcher.correct(["forecastt"]) == ["forecast"]  # the second time from what the process kept
    assert "_corrections" not in pickle.loads(pickle.dumps(matcher)).__dict__


def test_a_loaded_matcher_rebuilds_its_index_and_ranks_as_the_one_saved():
    import pickle

    matcher = train()
    assert not {"_index", "_model", "_corrections"} & set(matcher.__getstate__())
    loaded = pickle.loads(pickle.dumps(matcher))
    assert loaded.rank("rain forecast".split()) == matcher.rank("rain forecast".split())


def test_fewer_than_three_intents_are_refused_when_training():
    two = [(text.split(), intent) for text, intent in DATA if intent != OUT_OF_SCOPE]
    with pytest.raises(ValueError, match="three intents"):
        Matcher.train(two)


def test_nothing_known_gives_no_candidate():
    assert train().rank(["zzzz"]) == []


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 40), st.integers(1, 6)), elements=st.floats(-50, 50, width=32)))
def test_quantised_weights_are_within_a_65534th_of_each_intents_largest(coef):
    q, scale = quantised(coef)
    assert q.dtype == np.int16 and scale.dtype == np.float32
    largest = np.abs(coef).max(axis=0)
    error = np.abs(q * scale.astype(np.float64) - coef)
    assert (error <= largest / 65534 * 1.001 + 1e-12).all()
    assert (q[:, largest == 0] == 0).all()  # an intent without weights keeps none
