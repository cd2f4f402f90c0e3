"""Surface features: the text as written, read piece by piece, gives the features of its definition."""
import pickle
import re
from collections import Counter

import numpy as np
import pytest

from assistant.surface import CHAR_NGRAMS, SurfaceVectorizer, text_features
from assistant.text import fold


def by_definition(text: str) -> tuple[Counter, Counter]:
    """Words and word pairs of the folded text, and every character n-gram of it, spaces included."""
    folded = " ".join(fold(text).split())
    tokens = re.findall(r"\w+", folded)
    words = Counter("t:" + t for t in tokens) + Counter("u:" + a + " " + b for a, b in zip(tokens, tokens[1:]))
    chars = Counter("k:" + folded[j:j + n] for n in CHAR_NGRAMS for j in range(len(folded) - n + 1))
    return words, chars


@pytest.mark.parametrize("text", [
    "What is your name?", "Combien coûte  la licence ?", "a b c d e f", "SSO ?", "x", "", "  l'hébergement, svp!  ",
    "is my bank balance ok", "ok ok ok ok",
])
def test_features_read_piece_by_piece_are_those_of_the_whole_text(text):
    assert text_features(text) == by_definition(text)


TEXTS = ["what is your name", "who named you", "what is my balance", "my bank balance please", "your name please"]


def test_each_block_is_normalised_and_unknown_features_are_left_out():
    vectorizer = SurfaceVectorizer(TEXTS)
    for _ in range(2):  # the second time from the pieces already read
        words, chars = vectorizer.blocks("what is your zorblax")
        for cols, weights in (words, chars):
            assert len(cols) and np.isclose(np.linalg.norm(weights), 1.0)
        names = {i: f for f, i in vectorizer.index.items()}
        assert {names[c] for c in words[0]} == {"t:what", "t:is", "t:your", "u:what is", "u:is your"}
        assert not any("zorb" in names[c] for c in chars[0])


def test_a_rare_feature_needs_min_df_examples():
    assert "t:named" in SurfaceVectorizer(TEXTS).index
    assert "t:named" not in SurfaceVectorizer(TEXTS, min_df=2).index and "t:name" in SurfaceVectorizer(TEXTS, min_df=2).index


def test_nothing_known_gives_empty_blocks_and_the_cache_is_not_saved():
    vectorizer = SurfaceVectorizer(TEXTS)
    assert all(len(cols) == 0 for cols, _ in vectorizer.blocks("§§§"))
    assert "_pieces" not in pickle.loads(pickle.dumps(vectorizer)).__dict__


PIECES = ["What is your name?", "Combien coûte  la licence ?", "prix ? licence", "a b c d e f", "ok ok ok ok",
          "  l'hébergement, svp!  ", "SSO ?", "x", "d'essai -- gratuit"]


def expected_vector(vectorizer: SurfaceVectorizer, text: str) -> dict[int, float]:
    """Each block's TF-IDF over the features of the text's definition, as a column -> weight map."""
    out = {}
    for block in by_definition(text):
        weights = {vectorizer.index[f]: (1 + np.log(c)) * vectorizer.idf[vectorizer.index[f]]
                   for f, c in block.items() if f in vectorizer.index}
        norm = np.linalg.norm(list(weights.values())) if weights else 1.0
        out.update({col: w / norm for col, w in weights.items()})
    return out


@pytest.mark.parametrize("text", PIECES)
def test_a_vector_built_from_remembered_pieces_is_that_of_the_whole_text(text):
    vectorizer = SurfaceVectorizer(TEXTS + PIECES)
    for _ in range(2):  # the second time from the pieces already read
        cols, weights = vectorizer.vector(text)
        expected = expected_vector(vectorizer, text)
        assert sorted(cols.tolist()) == sorted(expected)
        assert np.allclose(weights, [expected[c] for c in cols.tolist()], atol=1e-6)
