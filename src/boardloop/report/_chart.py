"""The chart data of an open initiative: its KPI series and the lines around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from boardloop.domain.model import Direction, Unit
from boardloop.report._format import date_label, decimal_text
from boardloop.report._view import ChartMark, ChartPoint, ChartView

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
    chart = ChartView(
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
    return chart.model_copy(update={"legend": _legend(chart)})


def _points(series: Sequence[SeriesValue]) -> tuple[ChartPoint, ...]:
    """Return the finite values as points, labelled with the same decimals."""
    finite = [v for v in series if v.value.is_finite()]
    numbers = [n for v in finite for n in (v.value, v.low, v.high) if n is not None]
    places = _table_places(numbers)
    return tuple(
        ChartPoint(
            on=v.period_end,
            value=v.value,
            low=v.low,
            high=v.high,
            value_label=decimal_text(v.value, places=places, fixed=True),
            interval_label=(
                ""
                if v.low is None or v.high is None
                else f"{decimal_text(v.low, places=places, fixed=True)} to "
                f"{decimal_text(v.high, places=places, fixed=True)}"
            ),
        )
        for v in finite
    )


def _table_places(numbers: Sequence[Decimal]) -> int:
    """Return 1 when any number shows a tenth once rounded to one decimal, else 0."""
    for number in numbers:
        if decimal_text(number, places=1) != decimal_text(number, places=0):
            return 1
    return 0


def _legend(chart: ChartView) -> tuple[ChartMark, ...]:
    """List the elements the chart draws, in drawing order, with caption words."""
    first, last = chart.span
    marks = [ChartMark(mark="series", label="Line: measured values")]
    intervals = [p for p in chart.points if p.low is not None and p.high is not None]
    if len(intervals) >= 2:
        marks.append(ChartMark(mark="band", label="band: 95% interval"))
    if chart.target_level is not None:
        marks.append(ChartMark(mark="target", label="dashed line: target level"))
    if chart.launched_on is not None:
        launch = f"solid rule: launch, {date_label(chart.launched_on)}"
        marks.append(ChartMark(mark="launch", label=launch))
        if chart.lag_until is not None:
            marks.append(ChartMark(mark="lag", label="shaded: lag after launch"))
    if chart.lag_until is not None and first <= chart.lag_until <= last:
        lag_end = f"dotted rule: end of lag, {date_label(chart.lag_until)}"
        marks.append(ChartMark(mark="lag-end", label=lag_end))
    if chart.deadline is not None:
        deadline = f"solid rule: deadline, {date_label(chart.deadline)}"
        marks.append(ChartMark(mark="deadline", label=deadline))
    controls = [p for p in chart.control_points if first <= p.on <= last]
    if len(controls) >= 2:
        control = f"grey dashed line: {chart.control_title or 'control'} (control)"
        marks.append(ChartMark(mark="control", label=control))
    return tuple(marks)


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
