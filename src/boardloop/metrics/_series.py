"""Retention per fiscal period, per segment and per acquisition cohort."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from boardloop.domain.fiscal import add_months
from boardloop.metrics._ledger import _to_arrow
from boardloop.metrics._retention import monthly_revenue, retention

if TYPE_CHECKING:
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics._customers import CustomerTable
    from boardloop.metrics._ledger import LedgerTable
    from boardloop.metrics._retention import RetentionFigures

__all__ = ["Grain", "SeriesPoint", "retention_series"]

Grain = Literal["month", "quarter", "year"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class SeriesPoint:
    """Retention over one fiscal period for one group of customers.

    `figures` is None when the group has no customer with revenue in the
    period's baseline month, so there is nothing to measure.
    """

    period: str
    period_start: date
    period_end: date
    segment: str | None
    cohort: str | None
    figures: RetentionFigures | None


@dataclass(frozen=True)
class _Period:
    label: str
    start: date
    end: date


def retention_series(
    ledger: LedgerTable,
    *,
    calendar: FiscalCalendar,
    grain: Grain,
    customers: CustomerTable | None = None,
    segment_field: str | None = None,
    by_cohort: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> list[SeriesPoint]:
    """Compute `retention` for each fiscal period and customer group.

    Args:
        ledger: the validated revenue ledger.
        calendar: the fiscal calendar that sets period bounds and labels.
        grain: the period length: `month`, `quarter` or `year`.
        customers: customer attributes, needed for `segment_field`.
        segment_field: split customers by this attribute; ledger customers
            without attributes or with a blank value form `UNKNOWN_SEGMENT`.
        by_cohort: split customers by the fiscal quarter of `acquired_on`, or
            of their first month with revenue when that date is unknown.
        start: the first period is the one containing this day. The default is
            the ledger's first month with revenue.
        end: the last period is the last one that ends on or before this day.
            The default is the last day of the ledger's last month with revenue.

    Returns:
        Points ordered by period, then segment, then cohort.

    Raises:
        ValueError: on an unknown grain, or a segment field that the customer
            attributes do not contain.
    """
    _check_segment_field(customers, segment_field)
    first_months = _first_revenue_months(ledger)
    if not first_months:
        return []
    groups = _groups(first_months, calendar, customers, segment_field, by_cohort)
    first_day = start or min(first_months.values())
    last_day = end or _last_day(_last_revenue_month(ledger))

    points = []
    for period in _periods(calendar, grain, first_day, last_day):
        for (segment, quarter), ids in sorted(groups.items(), key=_group_order):
            cohort = None if quarter is None else calendar.quarter_label(*quarter)
            points.append(_point(ledger, period, segment, cohort, ids))
    return points


def _check_segment_field(
    customers: CustomerTable | None, segment_field: str | None
) -> None:
    if segment_field is None:
        return
    if customers is None:
        raise ValueError(
            f"segment field {segment_field!r} needs customer attributes; "
            "pass customers=load_customers(...)"
        )
    if segment_field not in customers.segment_fields:
        known = ", ".join(customers.segment_fields) or "none"
        raise ValueError(
            f"unknown segment field {segment_field!r} in {customers.source}; "
            f"known: {known}"
        )


def _first_revenue_months(ledger: LedgerTable) -> dict[str, date]:
    """Return each customer's first month with MRR above zero."""
    mrr = monthly_revenue(ledger)
    active = mrr.filter(mrr.mrr > 0)
    firsts = active.group_by("customer_id").aggregate(first=active.month.min())
    rows = _to_arrow(firsts, ledger.backend).to_pylist()
    return {str(row["customer_id"]): row["first"] for row in rows}


def _last_revenue_month(ledger: LedgerTable) -> date:
    mrr = monthly_revenue(ledger)
    last_month = mrr.filter(mrr.mrr > 0).month.max()
    last: date = _to_arrow(last_month, ledger.backend).as_py()
    return last


def _last_day(month: date) -> date:
    return add_months(month, 1) - _ONE_DAY


_GroupKey = tuple[str | None, tuple[int, int] | None]


def _groups(
    first_months: dict[str, date],
    calendar: FiscalCalendar,
    customers: CustomerTable | None,
    segment_field: str | None,
    by_cohort: bool,
) -> dict[_GroupKey, list[str]]:
    """Assign every ledger customer to a segment and a cohort fiscal quarter."""
    groups: dict[_GroupKey, list[str]] = defaultdict(list)
    for customer_id, first_month in first_months.items():
        segment: str | None = None
        if customers is not None and segment_field is not None:
            segment = customers.segment_of(customer_id, segment_field)
        cohort: tuple[int, int] | None = None
        if by_cohort:
            acquired = _acquired_on(customers, customer_id) or first_month
            cohort = calendar.quarter_of(acquired)
        groups[(segment, cohort)].append(customer_id)
    return groups


def _acquired_on(customers: CustomerTable | None, customer_id: str) -> date | None:
    if customers is None or customer_id not in customers.customers:
        return None
    return customers.customers[customer_id].acquired_on


def _group_order(item: tuple[_GroupKey, list[str]]) -> tuple[str, tuple[int, int]]:
    (segment, quarter), _ = item
    return segment or "", quarter or (0, 0)


def _periods(
    calendar: FiscalCalendar, grain: Grain, first_day: date, last_day: date
) -> list[_Period]:
    """List the periods from the one containing `first_day` to `last_day`.

    A period still running at `last_day` is left out, so customers are not
    counted as churned for months the ledger has not reached yet.
    """
    periods = []
    period = _period_of(calendar, grain, first_day)
    while period.end <= last_day:
        periods.append(period)
        period = _period_of(calendar, grain, period.end + _ONE_DAY)
    return periods


def _period_of(calendar: FiscalCalendar, grain: Grain, day: date) -> _Period:
    if grain == "month":
        first = day.replace(day=1)
        return _Period(f"{first:%Y-%m}", first, _last_day(first))
    if grain == "quarter":
        fiscal_year, quarter = calendar.quarter_of(day)
        first, last = calendar.quarter_bounds(fiscal_year, quarter)
        return _Period(calendar.quarter_label(fiscal_year, quarter), first, last)
    if grain == "year":
        fiscal_year = calendar.fiscal_year(day)
        first, last = calendar.year_bounds(fiscal_year)
        return _Period(calendar.year_label(fiscal_year), first, last)
    raise ValueError(f"unknown grain {grain!r}; use 'month', 'quarter' or 'year'")


def _point(
    ledger: LedgerTable,
    period: _Period,
    segment: str | None,
    cohort: str | None,
    customer_ids: list[str],
) -> SeriesPoint:
    import ibis  # type: ignore[import-untyped,unused-ignore]

    ids = ibis.memtable({"customer_id": customer_ids}, schema={"customer_id": "string"})
    group = dataclasses.replace(
        ledger, table=ledger.table.semi_join(ids, "customer_id")
    )
    figures = retention(group, period.start, period.end + _ONE_DAY)
    return SeriesPoint(
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        segment=segment,
        cohort=cohort,
        figures=figures if figures.n > 0 else None,
    )
