import gzip
import json
import re
from importlib.util import find_spec
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_to_num import alpha2digit

from assistant.nlu.evaluate import read_items
from assistant.text import langdata, numbers
from assistant.text.clean import fold, split
from assistant.text.normalise import expand_contractions, words
from assistant.text.numbers import extract, format_number, format_quantity, spells_number, to_digits


@pytest.mark.parametrize(
    "text, lang, value",
    [
        ("we pay €12,000 this year", "en", 12000),
        ("on paie 12 000 € par an", "fr", 12000),
        ("12k", "en", 12000),
        ("budget 12k€", "fr", 12000),
        ("douze mille euros", "fr", 12000),
        ("twenty seats", "en", 20),
        ("j'ai huit sièges", "fr", 8),
        ("12,5 %", "fr", 12.5),
        ("1.5k", "en", 1500),
    ],
)
def test_numbers_are_read_in_digits_or_words(text, lang, value):
    assert [n.value for n in extract(text, lang)] == [value]


def test_money_and_counted_things_are_told_apart():
    money, seats = extract("5000 euros pour 8 sièges", "fr")
    assert money.money and not seats.money
    assert seats.counts == "people"


@pytest.mark.parametrize(
    "text",
    [
        "120 iSC, 40 par mois",
        "1000 credits, monthly consumption 125 iSC",
        "balance 200 iSC, our config burns 40 iSC monthly",
    ],
)
def test_a_per_month_phrase_qualifies_the_nearest_number(text):
    numbers = extract(text, "en")
    assert [n.counts == "per_month" for n in numbers] == [False, True]


def test_numbers_are_written_in_the_conventions_of_the_language():
    assert format_number(12840, "fr") == "12 840"
    assert format_number(12840, "en") == "12,840"
    assert format_number(2.5, "fr") == "2,5"
    assert format_quantity(12840, "eur", "fr") == "12 840 €"
    assert format_quantity(12840, "eur", "en") == "€12,840"
    assert format_quantity(1, "day", "fr") == "1 jour"
    assert format_quantity(30, "day", "en") == "30 days"
    assert format_quantity(7, "percent", "fr") == "7 %"


def lemma_table_words(lang: str) -> set[str]:
    """Every word of spaCy's lemma table for a language, forms and lemmas, as written, and the
    parts of its compounds ("quatre-vingt-deuxièmes": "quatre", "vingt", "deuxièmes")."""
    folder = Path(find_spec("spacy_lookups_data").submodule_search_locations[0]) / "data"
    with gzip.open(folder / f"{lang}_lemma_lookup.json.gz") as f:
        table = json.load(f)
    found = set(table)
    for lemma in table.values():
        found.update(lemma if isinstance(lemma, list) else [lemma])
    return found | {part for word in found for part in word.split("-")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text2num_changes_nothing_in_words_that_spell_no_number(lang):
    """Normalisation skips text2num when a message's words hold none of the language's
    number_words: no other word of the language, alone or repeated, may be one text2num reads."""
    unlisted = [w for w in lemma_table_words(lang) if not spells_number(split(fold(w)), lang)]
    assert len(unlisted) > 50_000
    read = [w for w in unlisted if alpha2digit(w, lang) != w or alpha2digit(f"{w} {w}", lang) != f"{w} {w}"]
    assert read == []


def evaluation_messages() -> list[str]:
    sets = sorted((Path(__file__).parents[1] / "eval").glob("*.jsonl"))
    return [item["message"] for path in sets for item in read_items(path) if "message" in item]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_evaluation_messages_split_as_they_did_when_text2num_read_them_all(lang):
    contractions = langdata.load(lang, "language")["contractions"]
    for message in evaluation_messages():
        every_time = split(expand_contractions(fold(alpha2digit(message, lang)), contractions))
        assert words(message, lang, contractions) == every_time, message


def test_a_message_without_number_words_is_not_given_to_text2num(monkeypatch):
    given = []
    monkeypatch.setattr(numbers, "alpha2digit", lambda text, lang: given.append(text) or text)
    to_digits.cache_clear()
    words("combien coûte une licence pour 8 sièges ?", "en")
    words("Vingt-Deux sièges", "fr")
    to_digits.cache_clear()  # no other test sees what the stand-in returned
    assert given == ["Vingt-Deux sièges"]


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Vingt-Deux sièges", "fr", ("22", "sieges")),
        ("quatre-vingts licences", "fr", ("80", "licences")),
        ("TWENTY-ONE seats", "en", ("21", "seats")),
        ("deux cents comptes", "fr", ("200", "comptes")),
        ("qu'un million", "fr", ("qu", "un", "1000000")),
    ],
)
def test_number_words_in_any_case_plural_or_elided_are_still_read(text, lang, expected):
    assert words(text, lang) == expected


# The pattern numbers were read with before RE2, whose lookarounds the rewritten one consumes.
BACKTRACKING_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ ,.]\d{3})+(?![\d])|\d+)(?:[.,](\d{1,2})(?!\d))?\s?(k|m)?"
    r"(?![a-z])",
    re.IGNORECASE,
)


@given(
    st.lists(
        st.sampled_from(
            [
                "1",
                "12",
                "123",
                "1234",
                " ",
                ",",
                ".",
                "k",
                "m",
                "K",
                "a",
                "h",
                "é",
                "٣",
                "ı",
                "\n",
                "-",
                "_",
                "2 000",
                "3,5",
            ]
        ),
        max_size=14,
    ).map("".join)
)
def test_numbers_are_found_where_the_backtracking_pattern_found_them(text):
    """Their spans, digits, decimals and multiplier, including its oddities ("24h" reads 2)."""
    expected = [(m.start(), m.end(), *m.group(1, 2, 3)) for m in BACKTRACKING_NUMBER.finditer(text)]
    assert [tuple(found) for found in numbers._written(text)] == expected


def test_a_run_of_digits_before_a_letter_gives_up_its_last_digit():
    assert [n.value for n in extract("24h sur 24", "fr")] == [2, 24]
