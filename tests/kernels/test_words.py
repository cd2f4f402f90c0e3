"""Splitting a folded message into words (kernels.split): what two regular expressions would find."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.kernels import split
from assistant.text.clean import ELIDED

# The specification: the elided words cut at a word boundary, then the words found.
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[€$%]")
ELISION = re.compile(r"\b(" + "|".join(ELIDED) + ")'")


def by_regex(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(ELISION.sub(r"\1 ", text)))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("l'offre d'essai", ("l", "offre", "d", "essai")),
        ("jusqu'a lorsqu'il puisqu'on qu'on", ("jusqu", "a", "lorsqu", "il", "puisqu", "on", "qu", "on")),
        ("aujourd'hui it's don't", ("aujourd'hui", "it's", "don't")),  # no boundary before d, s, t
        ("l''x _l'x 12,50 € ou 10$ (20 %)", ("l", "x", "l'x", "12", "50", "€", "ou", "10", "$", "20", "%")),
        ("", ()),
        ("'''", ()),
        ("café crème n°3 x²", ("café", "crème", "n", "3", "x²")),
    ],
)
def test_words_and_elisions(text, expected):
    assert split(text, ELIDED) == by_regex(text) == expected


# Letters that elide and those around them, apostrophes, word characters that are not letters,
# and the scripts a visitor might paste.
PIECES = st.lists(
    st.sampled_from(
        [
            "l",
            "d",
            "qu",
            "jusqu",
            "lorsqu",
            "puisqu",
            "s",
            "t",
            "c",
            "a",
            "e",
            "é",
            "'",
            "''",
            " ",
            "_",
            "-",
            "1",
            "²",
            "€",
            "$",
            "%",
            "ß",
            "ı",
            "日本",
            "٣",
            "\u0301",
            "\U0001f600",
            ".",
            "?",
        ]
    ),
    max_size=25,
).map("".join)


@given(PIECES)
def test_the_split_finds_what_the_regular_expressions_find(text):
    assert split(text, ELIDED) == by_regex(text)


@given(st.text(max_size=40))
def test_any_text_is_split_as_the_regular_expressions_split_it(text):
    assert split(text, ELIDED) == by_regex(text)


def test_without_elided_words_nothing_is_cut():
    assert split("l'offre", ()) == ("l'offre",)


def test_only_str_is_accepted():
    with pytest.raises(TypeError):
        split(b"bytes", ELIDED)
    with pytest.raises(TypeError):
        split("text", ("l", 1))
    with pytest.raises(TypeError):
        split("text", ["l"])
