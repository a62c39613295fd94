"""The chart data of an open initiative: its KPI series and the lines around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from boardloop.domain.model import Direction, Unit
from boardloop.report._view import ChartPoint, ChartView

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boardloop.domain.model import Initiative, Target

__all__ = ["SeriesValue", "build_chart"]


class SeriesValue(Protocol):
    """The fields of a KPI value that a chart reads."""

    @property
    def period_end(self) -> dt.date: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def low(self) -> Decimal | None: ...
    @property
    def high(self) -> Decimal | None: ...


def build_chart(
    initiative: Initiative,
    series: Sequence[SeriesValue],
    *,
    title: str,
    baseline: Decimal | None,
    lag_days: int | None,
    control: tuple[str, Sequence[SeriesValue]] | None = None,
) -> ChartView | None:
    """Return the chart of an initiative's series, or None for under two values.

    `control` is the control segment's name and values, drawn beside the series.
    """
    points = _points(series)
    if len(points) < 2:
        return None
    target = initiative.target
    launched = initiative.launched_on
    lag_until = None
    if launched is not None and lag_days:
        lag_until = launched + dt.timedelta(days=lag_days)
    return ChartView(
        title=title,
        unit=_unit(target),
        points=points,
        launched_on=launched,
        lag_until=lag_until,
        deadline=target.deadline,
        baseline=baseline,
        target_level=_target_level(target, baseline),
        control_title=control[0] if control else None,
        control_points=_points(control[1]) if control else (),
    )


def _points(series: Sequence[SeriesValue]) -> tuple[ChartPoint, ...]:
    return tuple(
        ChartPoint(on=v.period_end, value=v.value, low=v.low, high=v.high)
        for v in series
        if v.value.is_finite()
    )


def _unit(target: Target) -> str:
    if target.unit is Unit.PTS:
        return "pts"
    if target.unit in (Unit.PP, Unit.PERCENT):
        return "%"
    return ""


def _target_level(target: Target, baseline: Decimal | None) -> Decimal | None:
    """Return the level the target sets, or the baseline moved by its amount."""
    if target.level is not None:
        return target.level
    if target.direction is Direction.HOLD:
        return baseline
    if baseline is None or target.amount is None or target.direction is None:
        return None
    sign = Decimal(-1) if target.direction is Direction.DECREASE else Decimal(1)
    if target.unit in (Unit.PP, Unit.PTS):
        return baseline + sign * target.amount
    if target.unit is Unit.PERCENT:
        return baseline * (1 + sign * target.amount / 100)
    return None
