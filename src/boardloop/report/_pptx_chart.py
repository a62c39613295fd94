"""An initiative's chart as a native PowerPoint line chart, editable in PowerPoint.

The chart is built from the view model's points, so its data sheet contains the
values themselves: the KPI series, the 95 % interval bounds, the target level
and the control segment, over a date axis.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Pt

from boardloop.report._pptx_shapes import Box, clip, colour, emu_box

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from pptx.chart.series import LineSeries
    from pptx.dml.color import RGBColor
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide

    from boardloop.report._brand import BrandView
    from boardloop.report._view import ChartPoint, ChartView

__all__ = ["SERIES_NAMES", "add_line_chart", "value_range"]

# Names of the chart's series besides the KPI itself, which takes the chart title.
SERIES_NAMES = {
    "low": "95% interval, low",
    "high": "95% interval, high",
    "target": "Target level",
}
_TARGET = colour("#1b6e3a")
_GREY = colour("#999999")


def _values(
    days: list[dt.date], points: tuple[ChartPoint, ...], field: str
) -> list[float | None]:
    """Line the points' `field` up with the category dates; a gap is None."""
    by_day: dict[dt.date, Decimal | None] = {p.on: getattr(p, field) for p in points}
    values: list[float | None] = []
    for day in days:
        value = by_day.get(day)
        values.append(None if value is None else float(value))
    return values


def value_range(chart: ChartView) -> tuple[float, float, float]:
    """Return the value axis minimum, maximum and major unit for the drawn values.

    The range spans the KPI values, the interval bounds, the target level and
    the control values, padded by a tenth of their spread on each side (1.0
    when all are equal), as the SVG chart pads. The ends are then rounded out
    to a multiple of the major unit, which gives three to seven intervals.
    """
    values: list[float] = []
    for point in (*chart.points, *chart.control_points):
        bounds = (point.value, point.low, point.high)
        values += [float(v) for v in bounds if v is not None]
    if chart.target_level is not None:
        values.append(float(chart.target_level))
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad
    step = _nice_step((high - low) / 5)
    # Rounding drops float noise such as 0.30000000000000004 from the labels.
    minimum = round(math.floor(low / step) * step, 9)
    maximum = round(math.ceil(high / step) * step, 9)
    return minimum, maximum, step


def _nice_step(raw: float) -> float:
    """Return the smallest of 1, 2, 2.5 or 5 times a power of ten that is >= `raw`."""
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0):
        if factor * power >= raw:
            return factor * power
    return 10.0 * power


def add_line_chart(slide: Slide, box: Box, chart: ChartView, brand: BrandView) -> None:
    """Add the chart at `box`."""
    # The categories are every date with a value, the control's included, so
    # both series share one date axis.
    days = sorted({p.on for p in chart.points} | {p.on for p in chart.control_points})
    # python-pptx 1.0 leaves the chart data classes unannotated.
    data = CategoryChartData(number_format="0.0")  # type: ignore[no-untyped-call]
    data.categories = days
    data.add_series(clip(chart.title, 60), _values(days, chart.points, "value"))  # type: ignore[no-untyped-call]
    bands = any(p.low is not None for p in chart.points)
    if bands:
        data.add_series(SERIES_NAMES["low"], _values(days, chart.points, "low"))  # type: ignore[no-untyped-call]
        data.add_series(SERIES_NAMES["high"], _values(days, chart.points, "high"))  # type: ignore[no-untyped-call]
    if chart.target_level is not None:
        level = float(chart.target_level)
        data.add_series(SERIES_NAMES["target"], [level] * len(days))  # type: ignore[no-untyped-call]
    if chart.control_points:
        name = f"Control: {clip(chart.control_title or '', 50)}"
        data.add_series(name, _values(days, chart.control_points, "value"))  # type: ignore[no-untyped-call]

    # add_chart returns the graphic frame, although python-pptx 1.0 annotates
    # it as the chart.
    frame = cast(
        "GraphicFrame",
        slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS,
            *emu_box(box),
            data,  # type: ignore[arg-type]  # a ChartData subclass, unannotated
        ),
    )
    line_chart = frame.chart
    line_chart.has_legend = True
    line_chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    line_chart.legend.include_in_layout = False
    line_chart.legend.font.size = Pt(9)
    line_chart.font.size = Pt(9)
    line_chart.category_axis.tick_labels.number_format = "mmm yy"
    line_chart.category_axis.tick_labels.number_format_is_linked = False
    # The date labels sit under the plot, and the date axis crosses the value
    # axis at its minimum, so neither is drawn at zero over the data.
    line_chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    value_axis = line_chart.value_axis
    value_axis.crosses = XL_AXIS_CROSSES.MINIMUM
    value_axis.has_major_gridlines = True
    minimum, maximum, step = value_range(chart)
    value_axis.minimum_scale = minimum
    value_axis.maximum_scale = maximum
    value_axis.major_unit = step

    series = list(line_chart.plots[0].series)
    _style(series[0], colour(brand.accent), width=2.25, marker=True)
    rest = series[1:]
    if bands:
        for bound in rest[:2]:
            _style(bound, _GREY, width=0.75, dash=MSO_LINE_DASH_STYLE.ROUND_DOT)
        rest = rest[2:]
    if chart.target_level is not None:
        _style(rest[0], _TARGET, width=1.5, dash=MSO_LINE_DASH_STYLE.DASH)
        rest = rest[1:]
    for control in rest:
        _style(control, _GREY, width=1.25, dash=MSO_LINE_DASH_STYLE.LONG_DASH)


def _style(
    series: LineSeries,
    rgb: RGBColor,
    *,
    width: float,
    marker: bool = False,
    dash: MSO_LINE_DASH_STYLE | None = None,
) -> None:
    series.smooth = False
    series.format.line.color.rgb = rgb
    series.format.line.width = Pt(width)
    if dash is not None:
        series.format.line.dash_style = dash
    if marker:
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 5
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb
    else:
        series.marker.style = XL_MARKER_STYLE.NONE
