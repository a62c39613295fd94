"""Difference in differences against a named control segment, from KPI values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boardloop.domain.model import ControlInterval, KpiValue

__all__ = ["ControlEstimate", "control_estimate"]

_MONTH_DAYS = Decimal("30.4375")
_MIN_TREND_POINTS = 3


@dataclass(frozen=True, slots=True)
class ControlEstimate:
    """The treated segment's change minus the control segment's, in the KPI's unit.

    `low` and `high` bound the estimate's 95 % interval from a bootstrap over
    the customers of both segments, when one was computed for these dates
    (`bootstrap` is then that interval). `margin` is that interval's half-width,
    or else the four values' half-widths added in quadrature, when every value
    has an interval. `trend_gap` is how much faster the treated series rose than the
    control per month before launch (negative: slower), None with fewer than
    three values before launch in either series. `parallel` is True when that
    gap, carried to the current value's date, stays inside the margin.
    """

    segment: str
    estimate: Decimal
    control_before: Decimal
    control_after: Decimal
    margin: Decimal | None
    trend_gap: Decimal | None
    parallel: bool | None
    low: Decimal | None = None
    high: Decimal | None = None
    bootstrap: ControlInterval | None = None


def control_estimate(
    segment: str,
    treated: Sequence[KpiValue],
    control: Sequence[KpiValue],
    *,
    launched_on: dt.date,
    before_on: dt.date,
    after_on: dt.date,
    change: Decimal,
    intervals: Sequence[ControlInterval] = (),
) -> ControlEstimate | None:
    """Estimate the effect as the treated change minus the control's change.

    Each segment's values are the last on or before `before_on` (the baseline's
    date) and `after_on` (the current value's date). `change` is the treated
    change to use when the treated series lacks a value at either date, as for
    a stated baseline older than the series. The interval is the one
    of `intervals` computed for the two values' period ends, when there is one.
    Returns None when the control has no value at either end.
    """
    before = _last_on(control, before_on)
    after = _last_on(control, after_on)
    if before is None or after is None or before.period_end >= after.period_end:
        return None
    # The treated segment's own values at the two dates, when it has both, so
    # that the estimate and its resampled interval measure the same change.
    treated_before = _last_on(treated, before_on)
    treated_after = _last_on(treated, after_on)
    if treated_before is not None and treated_after is not None:
        change = treated_after.value - treated_before.value
    estimate = change - (after.value - before.value)
    ends = (before.period_end, after.period_end)
    bootstrap = next(
        (i for i in intervals if (i.before_end, i.after_end) == ends), None
    )
    if bootstrap is not None:
        margin: Decimal | None = (bootstrap.high - bootstrap.low) / 2
    else:
        margin = _margin([treated_before, treated_after, before, after])
    gap = _trend_gap(treated, control, launched_on)
    parallel = None
    if gap is not None and margin is not None:
        months = Decimal((after_on - launched_on).days) / _MONTH_DAYS
        parallel = abs(gap) * months <= margin
    return ControlEstimate(
        segment=segment,
        estimate=estimate,
        control_before=before.value,
        control_after=after.value,
        margin=margin,
        trend_gap=gap,
        parallel=parallel,
        low=None if bootstrap is None else bootstrap.low,
        high=None if bootstrap is None else bootstrap.high,
        bootstrap=bootstrap,
    )


def _last_on(values: Sequence[KpiValue], day: dt.date) -> KpiValue | None:
    found = [value for value in values if value.period_end <= day]
    return found[-1] if found else None


def _margin(values: list[KpiValue | None]) -> Decimal | None:
    """Add the four values' independent half-widths in quadrature."""
    total = Decimal(0)
    for value in values:
        if value is None or value.low is None or value.high is None:
            return None
        total += ((value.high - value.low) / 2) ** 2
    return total.sqrt()


def _trend_gap(
    treated: Sequence[KpiValue], control: Sequence[KpiValue], launched_on: dt.date
) -> Decimal | None:
    """Return the treated pre-launch slope minus the control's, per month."""
    slopes = []
    for values in (treated, control):
        points = [v for v in values if v.period_end < launched_on]
        if len(points) < _MIN_TREND_POINTS:
            return None
        slopes.append(_slope(points))
    return slopes[0] - slopes[1]


def _slope(points: Sequence[KpiValue]) -> Decimal:
    """Least-squares slope of the values against time, per month."""
    origin = points[0].period_end
    xs = [Decimal((p.period_end - origin).days) / _MONTH_DAYS for p in points]
    ys = [p.value for p in points]
    mean_x = sum(xs, Decimal(0)) / len(xs)
    mean_y = sum(ys, Decimal(0)) / len(ys)
    spread = sum(((x - mean_x) ** 2 for x in xs), Decimal(0))
    if spread == 0:
        return Decimal(0)
    products = ((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sum(products, Decimal(0)) / spread
