"""Surface features: the known features the kernels find in a message are those of their definition."""

import pickle
import re
from collections import Counter

import numpy as np
import pytest

from assistant.kernels.constants import TEXT_GRAMS
from assistant.nlu.surface import SurfaceVectorizer
from assistant.text.clean import fold


def by_definition(text: str) -> tuple[Counter, Counter]:
    """Words and word pairs of the folded text, and every character n-gram of it, spaces included."""
    folded = " ".join(fold(text).split())
    tokens = re.findall(r"\w+", folded)
    words = Counter("t:" + t for t in tokens) + Counter("u:" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    chars = Counter(
        "k:" + folded[j : j + n] for n in range(TEXT_GRAMS[0], TEXT_GRAMS[1] + 1) for j in range(len(folded) - n + 1)
    )
    return words, chars


TEXTS = ["what is your name", "who named you", "what is my balance", "my bank balance please", "your name please"]


def test_each_block_is_normalised_and_unknown_features_are_left_out():
    vectorizer = SurfaceVectorizer(TEXTS)
    words, chars = vectorizer.blocks("what is your zorblax")
    for cols, weights in (words, chars):
        assert len(cols) and np.isclose(np.linalg.norm(weights), 1.0)
    names = {i: f for f, i in vectorizer.index.items()}
    assert {names[c] for c in words[0]} == {"t:what", "t:is", "t:your", "u:what is", "u:is your"}
    assert not any("zorb" in names[c] for c in chars[0])


def test_a_rare_feature_needs_min_df_examples():
    assert "t:named" in SurfaceVectorizer(TEXTS).index
    assert (
        "t:named" not in SurfaceVectorizer(TEXTS, min_df=2).index
        and "t:name" in SurfaceVectorizer(TEXTS, min_df=2).index
    )


def test_nothing_known_gives_empty_blocks():
    vectorizer = SurfaceVectorizer(TEXTS)
    assert all(len(cols) == 0 for cols, _ in vectorizer.blocks("§§§"))
    assert all(len(cols) == 0 for cols, _ in vectorizer.blocks(""))


def test_the_lookup_table_is_not_pickled_but_built_again_on_loading():
    vectorizer = SurfaceVectorizer(TEXTS)
    state = vectorizer.__getstate__()
    assert "_table" not in state
    loaded = pickle.loads(pickle.dumps(vectorizer))
    for a, b in zip(loaded.vector("what is your name"), vectorizer.vector("what is your name")):
        assert a.tolist() == b.tolist() and len(a)


PIECES = [
    "What is your name?",
    "Combien coûte  la licence ?",
    "prix ? licence",
    "a b c d e f",
    "ok ok ok ok",
    "  l'hébergement, svp!  ",
    "SSO ?",
    "x",
    "d'essai -- gratuit",
    "mon_compte __ x",
    "😀 prix 😀😀 licence",
    "日本語 テキスト 日本語",
    "1 000 € / mois",
    "ab",
]


def expected_vector(vectorizer: SurfaceVectorizer, text: str) -> dict[int, float]:
    """Each block's TF-IDF over the features of the text's definition, as a column -> weight map."""
    out = {}
    for block in by_definition(text):
        weights = {
            vectorizer.index[f]: (1 + np.log(c)) * vectorizer.idf[vectorizer.index[f]]
            for f, c in block.items()
            if f in vectorizer.index
        }
        norm = np.linalg.norm(list(weights.values())) if weights else 1.0
        out.update({col: w / norm for col, w in weights.items()})
    return out


@pytest.mark.parametrize("text", PIECES)
def test_a_vector_is_the_tfidf_of_the_definitions_known_features(text):
    vectorizer = SurfaceVectorizer(TEXTS + PIECES + [text.upper() + " et le reste"])
    cols, weights = vectorizer.vector(text)
    expected = expected_vector(vectorizer, text)
    assert sorted(cols.tolist()) == sorted(expected)
    assert np.allclose(weights, [expected[c] for c in cols.tolist()], atol=1e-6)
