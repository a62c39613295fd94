"""Display forms of dates, numbers and counts, used only by the builder."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import Unit
from boardloop.domain.numbers import quantize_or_none

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "count",
    "date_label",
    "decimal_text",
    "percent_label",
    "signed_amount",
]

_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def date_label(day: dt.date) -> str:
    """Format a date as "14 Mar 2027", whatever the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def decimal_text(
    value: Decimal, *, places: int = 2, grouped: bool = False, fixed: bool = False
) -> str:
    """Round half up to `places` and never use an exponent.

    Trailing zeros are dropped unless `fixed` is set, which keeps exactly
    `places` decimals, so that numbers in one column line up. A value too
    large to round within the decimal precision, which only data stored before
    input bounds existed can hold, is shown in scientific notation instead.
    """
    step = Decimal(1).scaleb(-places)
    rounded = quantize_or_none(value, step, ROUND_HALF_UP)
    if rounded is None:
        return f"{value:.2E}"
    if rounded.is_zero():
        rounded = abs(rounded)
    text = f"{rounded:,f}" if grouped else f"{rounded:f}"
    if "." in text and not fixed:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed_amount(value: Decimal, unit: str | None, currency: str | None = None) -> str:
    """Format a signed change in its unit: "+3.1pp", "-2%", "+4 pts", "+5,000 USD"."""
    grouped = unit in (Unit.CURRENCY, Unit.COUNT)
    text = decimal_text(value, grouped=grouped)
    if not text.startswith("-") and text != "0":
        text = "+" + text
    if unit in (Unit.PP, Unit.PERCENT):
        return f"{text}{unit}"
    if unit == Unit.PTS:
        return f"{text} pts"
    if unit == Unit.CURRENCY:
        return f"{text} {currency}" if currency else f"{text} (currency)"
    if unit == Unit.COUNT or unit is None:
        return text
    return f"{text} {unit}"


def percent_label(fraction: Decimal) -> str:
    """Format a fraction as a whole percent: 0.615 gives "62%"."""
    return f"{decimal_text(fraction * 100, places=0)}%"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """Format a count with its noun: "1 error", "3 errors"."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number} {noun}"
