"""Draw an initiative's chart as inline SVG, with its data as a table beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup

from boardloop.report._format import date_label, decimal_text
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from boardloop.report._view import ChartView

__all__ = ["chart_svg", "chart_table"]

_WIDTH = 560
_HEIGHT = 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 12, 28


def chart_svg(chart: ChartView) -> Markup:
    """Return the chart as an SVG element: series, interval band and markers.

    The series is a line with a point per value and the 95 % interval a
    shaded band. The target level is a dashed line and a control series a grey
    dashed one. Solid rules mark the launch and the deadline, a dotted rule the
    end of the lag, and the lag itself is shaded. Only the elements that
    `chart.legend` lists are drawn, so the caption names each of them.
    """
    drawn = {item.mark for item in chart.legend}
    first, last = chart.span
    span = max((last - first).days, 1)
    values: list[Decimal] = []
    for point in chart.points:
        values += [v for v in (point.value, point.low, point.high) if v is not None]
    controls = [p for p in chart.control_points if first <= p.on <= last]
    values += [p.value for p in controls]
    for extra_value in (chart.baseline, chart.target_level):
        if extra_value is not None:
            values.append(extra_value)
    low, high = float(min(values)), float(max(values))
    pad = (high - low) * 0.1 or 1.0
    low, high = low - pad, high + pad

    def x(day: dt.date) -> float:
        return _LEFT + (day - first).days / span * (_WIDTH - _LEFT - _RIGHT)

    def y(value: Decimal) -> float:
        share = (float(value) - low) / (high - low)
        return _TOP + (1 - share) * (_HEIGHT - _TOP - _BOTTOM)

    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-label="{Markup.escape(show_controls(chart.title))}" '
        'xmlns="http://www.w3.org/2000/svg">',
    ]
    bottom = _HEIGHT - _BOTTOM
    if "lag" in drawn and chart.launched_on is not None and chart.lag_until:
        end = min(chart.lag_until, last)
        parts.append(
            f'<rect class="lag" x="{x(chart.launched_on):.1f}" y="{_TOP}" '
            f'width="{max(x(end) - x(chart.launched_on), 0):.1f}" '
            f'height="{bottom - _TOP}"/>'
        )
    band = [
        (p.on, p.low, p.high)
        for p in chart.points
        if p.low is not None and p.high is not None
    ]
    if "band" in drawn:
        upper = " ".join(f"{x(on):.1f},{y(top):.1f}" for on, _, top in band)
        lower = " ".join(f"{x(on):.1f},{y(foot):.1f}" for on, foot, _ in band[::-1])
        parts.append(f'<polygon class="band" points="{upper} {lower}"/>')
    if "target" in drawn and chart.target_level is not None:
        level = y(chart.target_level)
        parts.append(
            f'<line class="target" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" '
            f'y1="{level:.1f}" y2="{level:.1f}"/>'
        )
    for day, name in (
        (chart.launched_on, "launch"),
        (chart.lag_until, "lag-end"),
        (chart.deadline, "deadline"),
    ):
        if name in drawn and day is not None:
            parts.append(
                f'<line class="{name}" x1="{x(day):.1f}" x2="{x(day):.1f}" '
                f'y1="{_TOP}" y2="{bottom}"/>'
            )
    if "control" in drawn:
        other = " ".join(f"{x(p.on):.1f},{y(p.value):.1f}" for p in controls)
        parts.append(f'<polyline class="control" points="{other}"/>')
    line = " ".join(f"{x(p.on):.1f},{y(p.value):.1f}" for p in chart.points)
    parts.append(f'<polyline class="series" points="{line}"/>')
    parts += [
        f'<circle class="point" cx="{x(p.on):.1f}" cy="{y(p.value):.1f}" r="2.5"/>'
        for p in chart.points
    ]
    parts += [
        f'<text x="{_LEFT - 6}" y="{_TOP + 4}" text-anchor="end">'
        f"{_number(Decimal(repr(high)))}</text>",
        f'<text x="{_LEFT - 6}" y="{bottom}" text-anchor="end">'
        f"{_number(Decimal(repr(low)))}</text>",
        f'<text x="{_LEFT}" y="{_HEIGHT - 8}">{date_label(first)}</text>',
        f'<text x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 8}" text-anchor="end">'
        f"{date_label(last)}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))


def chart_table(chart: ChartView) -> Markup:
    """Return the chart's values as a table, for screen readers and print."""
    rows = [
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            date_label(p.on), p.value_label, p.interval_label
        )
        for p in chart.points
    ]
    head = Markup(
        '<table class="chart-data"><caption>{}</caption><thead><tr><th>Period end'
        "</th><th>Value</th><th>95% interval</th></tr></thead><tbody>"
    ).format(show_controls(chart.title))
    table = head + Markup("").join(rows) + Markup("</tbody></table>")
    if not chart.control_points:
        return table
    control_rows = [
        Markup("<tr><td>{}</td><td>{}</td></tr>").format(
            date_label(p.on), p.value_label
        )
        for p in chart.control_points
    ]
    control_head = Markup(
        '<table class="chart-data"><caption>Control: {}</caption><thead><tr>'
        "<th>Period end</th><th>Value</th></tr></thead><tbody>"
    ).format(show_controls(chart.control_title or ""))
    control = control_head + Markup("").join(control_rows)
    return table + control + Markup("</tbody></table>")


def _number(value: Decimal) -> str:
    return decimal_text(value, places=1)
