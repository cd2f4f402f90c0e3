import pytest

from assistant.numbers import extract, format_number, format_quantity


@pytest.mark.parametrize("text, lang, value", [
    ("we pay €12,000 this year", "en", 12000),
    ("on paie 12 000 € par an", "fr", 12000),
    ("12k", "en", 12000),
    ("budget 12k€", "fr", 12000),
    ("douze mille euros", "fr", 12000),
    ("twenty seats", "en", 20),
    ("j'ai huit sièges", "fr", 8),
    ("12,5 %", "fr", 12.5),
    ("1.5k", "en", 1500),
])
def test_numbers_are_read_in_digits_or_words(text, lang, value):
    assert [n.value for n in extract(text, lang)] == [value]


def test_money_and_counted_things_are_told_apart():
    money, seats = extract("5000 euros pour 8 sièges", "fr")
    assert money.money and not seats.money
    assert seats.counts == "people"


@pytest.mark.parametrize("text", ["120 iSC, 40 par mois", "1000 credits, monthly consumption 125 iSC",
                                  "balance 200 iSC, our config burns 40 iSC monthly"])
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
