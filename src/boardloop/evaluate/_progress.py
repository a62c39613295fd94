"""Progress arithmetic: movement, relative change, attainment, time path, noise."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import Direction, LevelBound, Unit

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "change_attainment",
    "expected_attainment",
    "level_attainment",
    "level_met",
    "movement",
    "rate_noise_margin",
    "relative_change",
]

HUNDRED = Decimal(100)

# Two-sided 95 % normal quantile, for the noise margin of a difference of rates.
Z_95 = Decimal("1.96")


def relative_change(baseline: Decimal, current: Decimal) -> Decimal | None:
    """Return the change in percent of the baseline, or None when the baseline is 0.

    The divisor is the baseline's magnitude, so a score rising from -10 to -5 is
    +50 %, not -50 %.
    """
    if baseline == 0:
        return None
    return (current - baseline) / abs(baseline) * HUNDRED


def movement(baseline: Decimal, current: Decimal, unit: Unit | None) -> Decimal | None:
    """Return the signed movement in the target's unit; None for % from a 0 baseline."""
    if unit is Unit.PERCENT:
        return relative_change(baseline, current)
    return current - baseline


def change_attainment(
    moved: Decimal, direction: Direction, amount: Decimal
) -> Decimal | None:
    """Return the direction-aware movement over the target amount, uncapped.

    A fall counts as progress for a decrease target. The amount is a magnitude;
    a zero amount has no attainment.
    """
    if amount == 0 or direction is Direction.HOLD:
        return None
    signed = moved if direction is Direction.INCREASE else -moved
    return signed / amount


def level_met(current: Decimal, level: Decimal, bound: LevelBound) -> bool:
    if bound is LevelBound.AT_LEAST:
        return current >= level
    if bound is LevelBound.AT_MOST:
        return current <= level
    return current == level


def level_attainment(
    baseline: Decimal, current: Decimal, level: Decimal
) -> Decimal | None:
    """Return the share of the way from baseline to level; None when they are equal."""
    if level == baseline:
        return None
    return (current - baseline) / (level - baseline)


def expected_attainment(
    start: dt.date | None, deadline: dt.date | None, on: dt.date
) -> Decimal | None:
    """Return the share of time from start to deadline elapsed at `on`, in [0, 1]."""
    if start is None or deadline is None or deadline <= start:
        return None
    elapsed = Decimal((on - start).days) / Decimal((deadline - start).days)
    return min(max(elapsed, Decimal(0)), Decimal(1))


def rate_noise_margin(
    baseline: Decimal, current: Decimal, baseline_n: int | None, current_n: int | None
) -> Decimal | None:
    """Return the 95 % margin of a change between two rates, in percentage points.

    Each rate is a share of `n` customers or responses in percent (0 to 100), and
    the two samples are taken as independent. Without both counts there is no
    margin.
    """
    if baseline_n is None or current_n is None or baseline_n <= 0 or current_n <= 0:
        return None
    if not (0 <= baseline <= HUNDRED and 0 <= current <= HUNDRED):
        return None
    p_before = baseline / HUNDRED
    p_after = current / HUNDRED
    variance = (
        p_before * (1 - p_before) / baseline_n + p_after * (1 - p_after) / current_n
    )
    return Z_95 * variance.sqrt() * HUNDRED
