"""Dates in messages, in either language's usual forms, and periods added to them.

"sortie le 15/03/2021", "released March 15, 2021", "depuis mars 2021", "in 2021", "2021-03-15":
a date is read as precisely as the visitor wrote it (a day, a month or a year), a period a fact
states is added to it ("7 years" after March 2021 is March 2028) and the result is written back
at the same precision in the reply's language. The month names and the words that announce a year
alone are per-language data (``lang/<code>/dates.yml``); a message is read with every language's,
since a visitor may write a date in either.
"""

import calendar
from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from .. import patterns
from . import langdata
from .clean import fold

PRECISIONS = ("year", "month", "day")
ISO = patterns.compile(r"(?:^|\D)(\d{4})-(\d{1,2})-(\d{1,2})(?:\D|\Z)")
# Day, month and year with one separator used twice; dots only before a four-digit year, so that a
# version number ("10.2.15") is not read as a date.
NUMERIC = patterns.compile(
    r"(?:^|[^\d/.-])(?:(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})|(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})"
    r"|(\d{1,2})\.(\d{1,2})\.(\d{4}))(?:[^\d/-]|\Z)"
)


class Day(NamedTuple):
    """A date and how precisely it was given: "day", "month" (the 1st stands for the month) or
    "year" (1 January stands for the year)."""

    value: date
    precision: str


def day_of(moment: date | datetime) -> date:
    """The day of a clock's reading: clocks give a datetime, a test's may give a date."""
    return moment.date() if isinstance(moment, datetime) else moment


def read_date(text: str, today: date) -> Day | None:
    """The first date the message gives, or None. A day and month without a year is the latest
    such day not after ``today``: visitors give dates of what has happened (a release, a purchase)."""
    folded = fold(text)
    for reader in (_iso, _numeric, _named, _year):
        day = reader(folded, today)
        if day is not None:
            return day
    return None


def add(day: Day, amount: float, unit: str) -> Day:
    """``day`` plus a period of a fact's unit (day, business_day, week, month, year)."""
    whole = int(amount)
    if unit in ("month", "year"):
        return Day(_plus_months(day.value, whole * (12 if unit == "year" else 1)), day.precision)
    if unit == "business_day":
        value = day.value
        for _ in range(whole):
            value += timedelta(days=3 if value.weekday() == 4 else 2 if value.weekday() == 5 else 1)
        return Day(value, "day")
    days = whole * 7 if unit == "week" else whole
    return Day(day.value + timedelta(days=days), day.precision)


def is_past(day: Day, today: date) -> bool:
    """Whether the whole of ``day`` (its month, its year) is before today."""
    if day.precision == "year":
        return day.value.year < today.year
    if day.precision == "month":
        return (day.value.year, day.value.month) < (today.year, today.month)
    return day.value < today


def written(day: Day, lang: str, form: str = "date") -> str:
    """The date as the language writes it, as precisely as it was given ("15 mars 2028", "March
    2028", "2028"), in one of three forms: ``date``, ``on`` ("le 15 mars 2028", "in March 2028") or
    ``until`` ("jusqu'au 15 mars 2028", "until 2028")."""
    data = _data(lang)
    value = day.value
    number = data["first_day"] if value.day == 1 else str(value.day)
    pattern = data["written"][day.precision][form]
    return pattern.format(day=number, month=data["names"][value.month - 1], year=value.year)


# -- readers, on folded text ---------------------------------------------------------------------


def _iso(folded: str, today: date) -> Day | None:
    match = ISO.search(folded)
    return _day(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def _numeric(folded: str, today: date) -> Day | None:
    match = NUMERIC.search(folded)
    if match is None:
        return None
    first, second, year = (int(g) for g in match.groups() if g is not None)
    year += 2000 if year < 100 else 0
    if second > 12 >= first:  # "03/15/2021": a month written first
        first, second = second, first
    return _day(year, second, first)


def _named(folded: str, today: date) -> Day | None:
    position = 0
    while (match := _named_pattern().search(folded, position)) is not None:
        before, name, after, year = match.groups()
        day = before or after
        if day is not None or year is not None:  # "may", "mars" alone are not dates
            month = _month_numbers()[name]
            if year is None:
                return _latest(int(day), month, today)
            return _day(int(year), month, int(day)) if day else Day(date(int(year), month, 1), "month")
        position = match.end(2)
    return None


def _year(folded: str, today: date) -> Day | None:
    match = _year_pattern().search(folded)
    return Day(date(int(match.group(1)), 1, 1), "year") if match else None


def _day(year: int, month: int, day: int) -> Day | None:
    try:
        return Day(date(year, month, day), "day")
    except ValueError:
        return None


def _latest(day: int, month: int, today: date) -> Day | None:
    this_year = _day(today.year, month, day)
    if this_year is None or this_year.value <= today:
        return this_year
    return _day(today.year - 1, month, day)


def _plus_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(value.day, calendar.monthrange(year, month + 1)[1]))


# -- per-language data, read once ----------------------------------------------------------------


@cache
def _data(lang: str) -> dict:
    return langdata.load(lang, "dates")


@cache
def _month_numbers() -> dict[str, int]:
    """Every language's month names and abbreviations, each with its month's number."""
    return {
        name: number
        for lang in langdata.languages()
        for number, names in enumerate(_data(lang)["months"], start=1)
        for name in names
    }


@cache
def _named_pattern():
    ordinals = "|".join(
        sorted({o for lang in langdata.languages() for o in _data(lang)["ordinals"]}, key=len, reverse=True)
    )
    names = "|".join(sorted(_month_numbers(), key=len, reverse=True))
    day = rf"(\d{{1,2}})(?:{ordinals})?"
    return patterns.compile(rf"(?:^|\W)(?:{day}\s+)?({names})\.?(?:\s+{day},?)?(?:\s+((?:19|20)\d\d))?(?:\W|\Z)")


@cache
def _year_pattern():
    cues = "|".join(
        sorted({c for lang in langdata.languages() for c in _data(lang)["year_cues"]}, key=len, reverse=True)
    )
    return patterns.compile(rf"(?:^|\W)(?:{cues})\s+((?:19|20)\d\d)(?:\W|\Z)")
