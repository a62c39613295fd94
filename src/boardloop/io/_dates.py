"""Calendar dates as registers write them: ISO, numeric and with month names."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum

__all__ = ["DateOrder", "date_problem", "decide_date_order", "parse_date"]


class DateOrder(StrEnum):
    """Order of day and month in a numeric date such as 03/04/2026."""

    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"),
            ("apr", "april"), ("may",), ("jun", "june"), ("jul", "july"),
            ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
            ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

# A time of day after an ISO date, with an optional zone, as in "T09:00:00Z".
_TIME_SUFFIX = re.compile(
    r"[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(z|[+-]\d{1,2}(:?\d{2})?)?$"
)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def parse_date(text: str, order: DateOrder | None = None) -> dt.date | None:
    """Read a calendar date; a numeric date with day and month both <= 12 needs
    `order`. Returns None when the text is not a date."""
    raw = " ".join(text.strip().casefold().split())
    raw = _TIME_SUFFIX.sub("", raw)
    try:
        if match := _ISO.fullmatch(raw):
            return dt.date(*(int(part) for part in match.groups()))
        if match := _NUMERIC.fullmatch(raw):
            return _numeric_date(match, order)
        if match := _DAY_MONTH_NAME.fullmatch(raw):
            day_text, month_name, year_text = match.groups()
            return _named_date(int(year_text), month_name, int(day_text))
        if match := _MONTH_NAME_DAY.fullmatch(raw):
            month_name, day_text, year_text = match.groups()
            return _named_date(int(year_text), month_name, int(day_text))
    except ValueError:
        return None
    return None


def _numeric_date(match: re.Match[str], order: DateOrder | None) -> dt.date | None:
    first, second, year_text = match.groups()
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    a, b = int(first), int(second)
    if a > 12:
        order = DateOrder.DAY_FIRST
    elif b > 12:
        order = DateOrder.MONTH_FIRST
    if order is None:
        return None
    day, month = (a, b) if order is DateOrder.DAY_FIRST else (b, a)
    return dt.date(year, month, day)


def _named_date(year: int, month_name: str, day: int) -> dt.date | None:
    month = _MONTHS.get(month_name)
    return None if month is None else dt.date(year, month, day)


def decide_date_order(values: list[str]) -> tuple[DateOrder | None, bool]:
    """Find the day/month order that a column's numeric dates prove.

    A first part above 12 proves day-first and a second part above 12 proves
    month-first. Returns the proven order (None when no value proves one, or
    when values prove both) and whether the column has numeric dates at all.
    """
    day_first = month_first = has_numeric = False
    for value in values:
        match = _NUMERIC.fullmatch(value.strip())
        if match is None:
            continue
        has_numeric = True
        day_first = day_first or int(match.group(1)) > 12
        month_first = month_first or int(match.group(2)) > 12
    if day_first and not month_first:
        return DateOrder.DAY_FIRST, True
    if month_first and not day_first:
        return DateOrder.MONTH_FIRST, True
    return None, has_numeric


def date_problem(text: str) -> str:
    """Say why a text shaped like a date is not one ('February 2026 has 28 days').

    Returns an empty string when the text is a date or is not shaped like one.
    """
    raw = " ".join(text.strip().casefold().split())
    raw = _TIME_SUFFIX.sub("", raw)
    if match := _ISO.fullmatch(raw):
        year, month, day = (int(part) for part in match.groups())
        return _day_problem(year, month, day)
    if match := _DAY_MONTH_NAME.fullmatch(raw):
        day_text, month_name, year_text = match.groups()
    elif match := _MONTH_NAME_DAY.fullmatch(raw):
        month_name, day_text, year_text = match.groups()
    else:
        return ""
    month_number = _MONTHS.get(month_name)
    if month_number is None:
        return ""
    return _day_problem(int(year_text), month_number, int(day_text))


def _day_problem(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= year <= 9999:
        return f"year {year} is out of range"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    return ""
