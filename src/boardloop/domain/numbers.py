"""Bounds on user-entered numbers, and rounding that cannot raise.

Every KPI movement, baseline, level and target amount that a person types is
checked against `MAX_MAGNITUDE` and `MAX_PLACES`. Those bounds sit far beyond
any real customer-success figure (a rate, a score, a count of accounts), so a
value past them is a typo or an attack. Values stored before the check existed
still reach the reports, which is why every display rounds with
`quantize_or_none` and shows "n/a" where the rounded number would not fit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, getcontext

__all__ = [
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "magnitude_problem",
    "quantize_or_none",
]

MAX_MAGNITUDE = Decimal(1_000_000)
MAX_PLACES = 6


def magnitude_problem(value: Decimal) -> str | None:
    """Return why `value` is out of bounds for a typed number, or None if it fits."""
    if not value.is_finite():
        return "is not a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return f"is beyond the bound of ±{MAX_MAGNITUDE:,f}"
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
