"""Dates read in either language's usual forms, periods added to them, and answers computed from them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text.dates import Day, add, is_past, read_date, written

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("sortie le 15/03/2021", date(2021, 3, 15), "day"),
        ("released March 15, 2021", date(2021, 3, 15), "day"),
        ("released on 15th March 2021.", date(2021, 3, 15), "day"),
        ("le 1er mars 2021", date(2021, 3, 1), "day"),
        ("2021-03-15", date(2021, 3, 15), "day"),
        ("12.04.2022 purchase", date(2022, 4, 12), "day"),
        ("03/15/2021", date(2021, 3, 15), "day"),  # a month written first when it can only be one
        ("achetée le 3 févr. 2024", date(2024, 2, 3), "day"),
        ("depuis mars 2021", date(2021, 3, 1), "month"),
        ("in May 2024", date(2024, 5, 1), "month"),
        ("sortie en 2021", date(2021, 1, 1), "year"),
        ("bought on 20 December", date(2025, 12, 20), "day"),  # no year: the latest such day not after today
        ("acheté le 3 novembre", date(2026, 11, 3), "day"),
    ],
)
def test_a_date_is_read_as_precisely_as_it_is_written(text, value, precision):
    assert read_date(text, TODAY) == Day(value, precision)


@pytest.mark.parametrize(
    "text",
    [
        "we have 2000 users",
        "version 10.2.15",
        "may I ask something?",
        "mars",
        "31/02/2024",
        "SOLIDWORKS 2024",
        "30 days",
    ],
)
def test_what_is_not_a_date_is_not_read_as_one(text):
    assert read_date(text, TODAY) is None


@pytest.mark.parametrize(
    "start, amount, unit, end",
    [
        (Day(date(2021, 3, 15), "day"), 7, "year", Day(date(2028, 3, 15), "day")),
        (Day(date(2024, 1, 31), "day"), 1, "month", Day(date(2024, 2, 29), "day")),
        (Day(date(2026, 11, 3), "day"), 30, "day", Day(date(2026, 12, 3), "day")),
        (Day(date(2021, 3, 15), "day"), 30, "business_day", Day(date(2021, 4, 26), "day")),
        (Day(date(2021, 3, 1), "month"), 12, "month", Day(date(2022, 3, 1), "month")),
    ],
)
def test_a_period_is_added_in_its_unit(start, amount, unit, end):
    assert add(start, amount, unit) == end


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_a_written_date_is_read_back_as_the_same_day(day):
    for lang in ("fr", "en"):
        assert read_date(written(Day(day, "day"), lang), TODAY) == Day(day, "day")


def test_a_date_is_written_at_its_precision_in_each_form():
    march = Day(date(2028, 3, 1), "month")
    assert written(march, "fr", "until") == "jusqu'en mars 2028" and written(march, "en", "on") == "in March 2028"
    first = Day(date(2028, 3, 1), "day")
    assert written(first, "fr", "on") == "le 1er mars 2028" and written(first, "en", "until") == "until 1 March 2028"
    assert is_past(Day(date(2026, 12, 1), "month"), TODAY) is False
    assert is_past(Day(date(2026, 12, 6), "day"), TODAY) is True


def test_an_answer_is_computed_from_a_date_and_says_when_the_period_is_over(fresh, clock, converse):
    clock.now = clock.now.replace(year=2026, month=12, day=7)
    [within] = converse("exo", "I bought a subscription online on 20 November, can I still get a refund?")
    assert "20 December 2026" in within["reply"]
    [over] = converse("exo", "souscription achetée en ligne le 2 octobre 2026, je peux être remboursé ?")
    assert "n'est plus remboursable" in over["reply"] and "1er novembre 2026" in over["reply"]
    [support] = converse("exo", "notre version majeure est sortie en mars 2021, maintenue jusqu'à quand ?")
    assert "jusqu'en mars 2028" in support["reply"]


def test_without_a_date_the_entry_gives_its_general_answer(ask):
    reply = ask("exo", "what is your refund policy?")
    assert "30 days" in reply["reply"] and "until" not in reply["reply"]
