"""NPS per fiscal period or rolling window and per segment, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from boardloop.domain.fiscal import add_months
from boardloop.metrics._customers import UNKNOWN_SEGMENT
from boardloop.metrics._ledger import _to_arrow
from boardloop.metrics._nps import DEFAULT_MIN_N, NpsFigure, _definition, _figure
from boardloop.metrics._series import (
    Grain,
    Window,
    _check_segment_field,
    _periods,
    _rolling,
    window_months,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics._customers import CustomerTable
    from boardloop.metrics._nps import NpsResponses

__all__ = ["NpsPoint", "nps_series"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class NpsPoint:
    """NPS over one window for one segment (None: every respondent)."""

    period: str
    period_start: date
    period_end: date
    segment: str | None
    figure: NpsFigure
    window_days: int | None = None


def nps_series(
    responses: NpsResponses,
    *,
    calendar: FiscalCalendar,
    grain: Grain = "month",
    window_days: int | None = None,
    customers: CustomerTable | None = None,
    segment_field: str | None = None,
    start: date | None = None,
    end: date | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> list[NpsPoint]:
    """Compute NPS for every window, for all respondents or per segment.

    Windows follow `kpi_series`: fiscal periods of `grain`, or with
    `window_days` the whole months ending at every month end (180 days is the
    six months up to and including the month). Respondents without customer
    attributes, or with a blank segment value, form `UNKNOWN_SEGMENT`.

    Raises:
        ValueError: on an unknown grain, a window under 15 days, or a segment
            field that the customer attributes do not contain.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    _check_segment_field(customers, segment_field)
    if responses.rows_read == 0:
        return []
    table = responses.table
    bounds = table.aggregate(
        first=table.responded_at.min(), last=table.responded_at.max()
    )
    row = _to_arrow(bounds, responses.backend).to_pylist()[0]
    if row["first"] is None:
        return []
    first_day = start or row["first"].replace(day=1)
    last_day = end or add_months(row["last"].replace(day=1), 1) - _ONE_DAY
    if window_days is None:
        windows = _periods(calendar, grain, first_day, last_day)
    else:
        # The first window may start before the first response: months
        # without a survey simply add no responses.
        months = window_months(window_days)
        windows = _rolling(months, add_months(first_day, -months), last_day)
    if not windows:
        return []

    spans = ibis.memtable(
        {
            "span": list(range(len(windows))),
            "start": [w.start for w in windows],
            "end": [w.end + _ONE_DAY for w in windows],
        },
        schema={"span": "int64", "start": "date", "end": "date"},
    )
    inside = table.join(
        spans, (table.responded_at >= spans.start) & (table.responded_at < spans.end)
    ).select(span=spans.span, customer_id=table.customer_id, score=table.score)
    inside = _with_segment(inside, customers, segment_field)
    score = inside.score
    counts = inside.group_by("span", "segment").aggregate(
        promoters=ibis.ifelse(score >= 9, 1, 0).sum(),
        passives=ibis.ifelse((score >= 7) & (score <= 8), 1, 0).sum(),
        detractors=ibis.ifelse(score <= 6, 1, 0).sum(),
    )
    found = {
        (int(r["span"]), r["segment"]): (
            int(r["promoters"] or 0),
            int(r["passives"] or 0),
            int(r["detractors"] or 0),
        )
        for r in _to_arrow(counts, responses.backend).to_pylist()
    }
    segments = sorted({key[1] for key in found}, key=lambda s: s or "")
    return [
        _point(window, segment, found.get((i, segment), (0, 0, 0)), min_n, window_days)
        for i, window in enumerate(windows)
        for segment in segments
    ]


def _with_segment(
    inside: ir.Table, customers: CustomerTable | None, segment_field: str | None
) -> ir.Table:
    """Add each response's `segment` from the customer attributes."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    if customers is None or segment_field is None:
        return inside.mutate(segment=ibis.null("string"))
    attributes = customers.table.select(
        attr_id="customer_id", attr_segment=customers.table[segment_field]
    )
    joined = inside.left_join(attributes, inside.customer_id == attributes.attr_id)
    text = joined.attr_segment.cast("string").strip()
    return joined.select(
        "span",
        "customer_id",
        "score",
        segment=ibis.ifelse(text.isnull() | (text == ""), UNKNOWN_SEGMENT, text),
    )


def _point(
    window: Window,
    segment: str | None,
    counts: tuple[int, int, int],
    min_n: int,
    window_days: int | None,
) -> NpsPoint:
    scope = None if segment is None else ("segment", segment)
    definition = _definition(window.start, window.end + _ONE_DAY, scope, min_n)
    if window_days is not None:
        definition = f"{window_days}-day window of whole months; {definition}"
    return NpsPoint(
        period=window.label,
        period_start=window.start,
        period_end=window.end,
        segment=segment,
        figure=_figure(counts, min_n, definition),
        window_days=window_days,
    )
