"""Features: a message's TF-IDF vector, whatever shortcuts compute it, is the one its definition gives."""
import math

import numpy as np
import pytest

from assistant.features import Vectorizer, raw_features

DOCS = [["prix", "licence"], ["prix", "abonnement", "mensuel"], ["remboursement", "licence", "licence"]]


def by_definition(vectorizer: Vectorizer, tokens: list[str]) -> tuple[dict, float]:
    """Every raw feature counted, (1 + log tf) x idf, L2-normalised over the known ones; unknown
    features weighted as if seen once give the share of weight that is known."""
    raw = raw_features(tokens)
    known = {f: (1 + math.log(c)) * vectorizer.idf[vectorizer.index[f]] for f, c in raw.items() if f in vectorizer.index}
    unknown = [(1 + math.log(c)) * vectorizer.unseen_idf for f, c in raw.items() if f not in vectorizer.index]
    norm = math.sqrt(sum(w * w for w in known.values()))
    share = math.sqrt(norm ** 2 / (norm ** 2 + sum(u * u for u in unknown)))
    return {f: w / norm for f, w in known.items()}, share


@pytest.mark.parametrize("tokens", [
    ["prix", "licence"],
    ["licence", "licence", "prix", "licence"],              # repeated words and their n-grams add up
    ["prix", "abonnement", "zorblax", "zorblax", "lic"],    # unknown words, repeated, and a short one
    ["licences", "remboursemnt", "prix", "licence"],        # n-grams shared with known words
])
def test_a_vector_is_its_definition(tokens):
    vectorizer = Vectorizer(DOCS)
    names = {i: f for f, i in vectorizer.index.items()}
    expected, expected_share = by_definition(vectorizer, tokens)
    for _ in range(2):  # the second time from the words already seen
        cols, weights, share = vectorizer.vector(tokens)
        assert {names[c]: w for c, w in zip(cols.tolist(), weights.tolist())} == pytest.approx(expected, rel=1e-5)
        assert share == pytest.approx(expected_share, rel=1e-5)
        assert list(cols) == sorted(set(cols))


def test_nothing_known_is_an_empty_vector():
    cols, weights, share = Vectorizer(DOCS).vector(["zzz"])
    assert len(cols) == len(weights) == 0 and share == 0.0


def test_the_word_cache_is_not_saved_with_the_model():
    import pickle
    vectorizer = Vectorizer(DOCS)
    vectorizer.vector(["prix", "licence"])
    assert "_words" not in pickle.loads(pickle.dumps(vectorizer)).__dict__
    assert np.array_equal(pickle.loads(pickle.dumps(vectorizer)).vector(["prix"])[0], vectorizer.vector(["prix"])[0])
