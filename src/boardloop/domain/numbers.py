"""Bounds on user-entered numbers, and rounding that cannot raise.

Every KPI movement, baseline, level and target amount that a person types is
checked against a magnitude bound and `MAX_PLACES`. A rate, percentage or
score stays within ±`MAX_MAGNITUDE` (one million). Money and counts, such as
ARR in USD, stay within ±`MAX_AMOUNT_MAGNITUDE` (one trillion), which is also
the bound when the unit is not known. Those bounds sit far beyond any real
customer-success figure, so a value past them is a typo or an attack.

Values stored before the check existed still reach the reports, so every
display rounds with `quantize_or_none` and shows "n/a" or scientific notation
where the rounded number would not fit the decimal precision.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, getcontext

from boardloop.domain.model import Unit

__all__ = [
    "MAX_AMOUNT_MAGNITUDE",
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "RANGE_HINT",
    "magnitude_problem",
    "quantize_or_none",
]

MAX_MAGNITUDE = Decimal(10) ** 6
MAX_AMOUNT_MAGNITUDE = Decimal(10) ** 12
MAX_PLACES = 6
RANGE_HINT = (
    "write a number within ±1,000,000 (±1,000,000,000,000 for money and counts) "
    "with at most 6 decimal places"
)


def magnitude_problem(value: Decimal, unit: Unit | None = None) -> str | None:
    """Return why `value` is out of bounds for a typed number, or None if it fits.

    The bound depends on `unit`: money and counts get the wider one, and so
    does a value whose unit is None because the caller does not know it.
    """
    if not value.is_finite():
        return "is not a finite number"
    narrow = unit in (Unit.PP, Unit.PERCENT, Unit.PTS)
    bound = MAX_MAGNITUDE if narrow else MAX_AMOUNT_MAGNITUDE
    if abs(value) > bound:
        return f"is beyond the bound of ±{bound:,f}"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        return f"has more than {MAX_PLACES} decimal places"
    return None


def quantize_or_none(
    value: Decimal, step: Decimal, rounding: str = ROUND_HALF_UP
) -> Decimal | None:
    """Round `value` to `step`, or return None when the result cannot be held.

    `Decimal.quantize` raises InvalidOperation when the result needs more
    digits than the context precision (28 by default), as 1e25 rounded to
    0.0001 does. This returns None in that case and for NaN or infinity.
    """
    if not value.is_finite():
        return None
    if value.is_zero():
        return value.quantize(step, rounding=rounding)
    digits = value.adjusted() - step.as_tuple().exponent + 1  # type: ignore[operator]
    if digits > getcontext().prec:
        return None
    return value.quantize(step, rounding=rounding)
