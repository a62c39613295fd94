"""Numbers as the explanation sentence prints them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from boardloop.domain.model import Direction, LevelBound, Unit
from boardloop.domain.numbers import quantize_or_none

__all__ = ["change", "level", "magnitude", "share", "target_change", "target_level"]

# Suffix after a number, per unit; currency takes the ISO code when known.
SUFFIX = {Unit.PP: "pp", Unit.PERCENT: "%", Unit.PTS: " pts", Unit.COUNT: ""}


def _number(value: Decimal, unit: Unit | None, *, signed: bool) -> str:
    sign = "+" if signed else ""
    if unit is Unit.CURRENCY or (unit is Unit.COUNT and value == value.to_integral()):
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.1f}"


def _with_unit(text: str, unit: Unit | None, currency: str | None) -> str:
    if unit is Unit.CURRENCY:
        return f"{text} {currency}" if currency else text
    return text + SUFFIX.get(unit, "") if unit is not None else text


def change(value: Decimal, unit: Unit | None, currency: str | None = None) -> str:
    """Format a signed movement: +3.2pp, -1.5%, +4.0 pts, +12,000 USD."""
    return _with_unit(_number(value, unit, signed=True), unit, currency)


def magnitude(value: Decimal, unit: Unit | None, currency: str | None = None) -> str:
    """Format an unsigned size, such as a gap or a band half-width: 1.8pp."""
    return _with_unit(_number(abs(value), unit, signed=False), unit, currency)


def target_change(
    direction: Direction, amount: Decimal, unit: Unit | None, currency: str | None
) -> str:
    """Format a change target with the sign of its direction: +5.0pp, -2.0pp."""
    signed = -amount if direction is Direction.DECREASE else amount
    return change(signed, unit, currency)


def level(value: Decimal, native_unit: Unit | None, currency: str | None = None) -> str:
    """Format a KPI value in its native unit: a rate as 92.5%, a score as 41.0."""
    if native_unit is Unit.PP:
        return f"{value:,.1f}%"
    if native_unit is Unit.PTS:
        return f"{value:,.1f}"
    return _with_unit(_number(value, native_unit, signed=False), native_unit, currency)


def target_level(
    value: Decimal, bound: LevelBound, native_unit: Unit | None, currency: str | None
) -> str:
    """Format a level target: a level of 94.0% or more."""
    words = {
        LevelBound.AT_LEAST: " or more",
        LevelBound.AT_MOST: " or less",
        LevelBound.EXACTLY: "",
    }
    return f"a level of {level(value, native_unit, currency)}{words[bound]}"


def share(value: Decimal) -> str:
    """Format a fraction as a whole percent: 0.64 -> 64%, and -0.001 -> 0%."""
    percent = quantize_or_none(value * 100, Decimal(1), ROUND_HALF_UP)
    if percent is None:
        return "n/a"
    return f"{percent + 0:.0f}%"
