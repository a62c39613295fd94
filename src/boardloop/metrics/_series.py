"""KPI series per fiscal period or rolling window, per segment and cohort."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from boardloop.domain.fiscal import add_months
from boardloop.metrics._customers import UNKNOWN_SEGMENT
from boardloop.metrics._engine import Span, group_totals, prepare
from boardloop.metrics._fx import FxError
from boardloop.metrics._ledger import _to_arrow
from boardloop.metrics._nps import DEFAULT_MIN_N
from boardloop.metrics._retention import figures_of, window_definition

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics._customers import CustomerTable
    from boardloop.metrics._engine import Prepared
    from boardloop.metrics._fx import FxRates
    from boardloop.metrics._ledger import LedgerTable
    from boardloop.metrics._retention import RetentionFigures

__all__ = [
    "Grain",
    "Progress",
    "SeriesPoint",
    "Window",
    "compute_windows",
    "kpi_series",
    "window_months",
]

Grain = Literal["month", "quarter", "year"]

Progress = Callable[[str, int, int], None]
"""Called with a step's name, the steps done and the steps in all."""

_ONE_DAY = timedelta(days=1)
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class SeriesPoint:
    """KPI figures over one window for one group of customers.

    `figures` is None when the group has no customer with revenue in the
    window's baseline month, so there is nothing to measure. `window_days` is
    set for rolling windows and None for fiscal periods.
    """

    period: str
    period_start: date
    period_end: date
    segment: str | None
    cohort: str | None
    figures: RetentionFigures | None
    window_days: int | None = None


@dataclass(frozen=True)
class Window:
    """A labelled window: its days, and the baseline and last months it compares."""

    label: str
    start: date
    end: date
    baseline: date
    last: date


def window_months(days: int) -> int:
    """Return the whole months a window of `days` days is measured over.

    Revenue is monthly, so 30 days is 1 month, 90 days 3 and 365 days 12.

    Raises:
        ValueError: when `days` is below 15, shorter than half a month.
    """
    months = round(days / _DAYS_PER_MONTH)
    if months < 1:
        raise ValueError(
            f"a {days}-day window is shorter than half a month, and revenue is "
            "monthly; use 30 days or more"
        )
    return months


def kpi_series(
    ledger: LedgerTable,
    *,
    calendar: FiscalCalendar,
    grain: Grain = "month",
    window_days: int | None = None,
    customers: CustomerTable | None = None,
    segment_field: str | None = None,
    by_cohort: bool = False,
    include_all: bool = False,
    start: date | None = None,
    end: date | None = None,
    rates: FxRates | None = None,
    min_n: int = DEFAULT_MIN_N,
    bootstrap: int = 0,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[SeriesPoint]:
    """Compute retention and customer counts per window and customer group.

    Args:
        ledger: the validated revenue ledger.
        calendar: the fiscal calendar that sets period bounds and labels.
        grain: fiscal `month`, `quarter` or `year` periods, each compared with
            the month before it starts.
        window_days: instead of fiscal periods (`grain` is then not used), a
            rolling window of this many days (in whole months) ending at every
            month end.
        customers: customer attributes, needed for `segment_field`.
        segment_field: split customers by this attribute; ledger customers
            without attributes or with a blank value form `UNKNOWN_SEGMENT`.
        by_cohort: split customers by the fiscal quarter of `acquired_on`, or
            of their first month with revenue when that date is unknown.
        include_all: with a split, also give each window's point for the
            whole base (segment and cohort None), first, at little extra cost.
        start: the first window is the one containing this day. The default is
            the ledger's first month with revenue.
        end: the last window is the last one that ends on or before this day.
            The default is the last day of the last month a charge starts in,
            since a yearly charge spreads revenue into months not yet reached.
        rates: exchange rates, needed when the ledger has several currencies.
        min_n: cohorts smaller than this are marked `low_n`.
        bootstrap: resamples of customers for 95 % intervals; 0 computes none.
        seed: the bootstrap's seed; the same seed gives the same intervals.
        progress: called after each step of the work.

    Returns:
        Points ordered by window, then segment, then cohort.

    Raises:
        ValueError: on an unknown grain, a window under 15 days, or a segment
            field that the customer attributes do not contain.
        FxError: when the ledger has several currencies and no rates, or a
            rate is missing.
    """
    _check_segment_field(customers, segment_field)
    months = None if window_days is None else window_months(window_days)
    prepared = prepare(ledger, rates)
    bounds = _revenue_bounds(prepared)
    if bounds is None:
        return []
    first_day = start or bounds[0]
    last_day = end or _last_day(bounds[1])
    if months is None:
        windows = _periods(calendar, grain, first_day, last_day)
    else:
        windows = _rolling(months, first_day, last_day)

    def definition(window: Window) -> str:
        text = window_definition(
            window.start,
            window.end + _ONE_DAY,
            window.baseline,
            window.last,
            ledger,
            rates,
        )
        if window_days is None:
            return text
        span = "1 whole month" if months == 1 else f"{months} whole months"
        return f"{window_days}-day window measured over {span}; {text}"

    groups = _groups(prepared, calendar, customers, segment_field, by_cohort)
    points = compute_windows(
        ledger,
        windows,
        definition=definition,
        rates=rates,
        min_n=min_n,
        bootstrap=bootstrap,
        seed=seed,
        progress=progress,
        prepared=prepared,
        groups=groups,
        include_all=include_all and (segment_field is not None or by_cohort),
    )
    if window_days is None:
        return points
    return [_with_window(point, window_days) for point in points]


def _with_window(point: SeriesPoint, days: int) -> SeriesPoint:
    return SeriesPoint(
        period=point.period,
        period_start=point.period_start,
        period_end=point.period_end,
        segment=point.segment,
        cohort=point.cohort,
        figures=point.figures,
        window_days=days,
    )


def compute_windows(
    ledger: LedgerTable,
    windows: Sequence[Window],
    *,
    definition: Callable[[Window], str],
    rates: FxRates | None = None,
    min_n: int = DEFAULT_MIN_N,
    bootstrap: int = 0,
    seed: int = 0,
    progress: Progress | None = None,
    prepared: Prepared | None = None,
    groups: _Groups | None = None,
    include_all: bool = False,
) -> list[SeriesPoint]:
    """Compute figures for every window and group, in a few queries in all."""
    from boardloop.metrics._bootstrap import bootstrap_intervals

    if not windows:
        return []
    prepared = prepared or prepare(ledger, rates)
    _check_currencies(ledger, prepared, rates, windows)
    whole = _whole_base(prepared)
    groups = groups or whole
    spans = [Span(w.baseline, w.last) for w in windows]
    total_steps = 3
    if include_all:
        total_steps += 1
    if bootstrap:
        total_steps += 1
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(label, done, total_steps)

    totals = group_totals(
        prepared, spans, groups.table, step, whole=whole.table if include_all else None
    )
    intervals = {}
    if bootstrap:
        intervals = bootstrap_intervals(
            prepared, spans, groups.table, resamples=bootstrap, seed=seed
        )
        if include_all:
            intervals |= bootstrap_intervals(
                prepared, spans, whole.table, resamples=bootstrap, seed=seed
            )
        step("bootstrap")
    keys = [*whole.keys, *groups.keys] if include_all else groups.keys

    points = []
    for index, window in enumerate(windows):
        text = definition(window)
        for key in keys:
            found = totals.get((index, *key))
            figures = None
            if found is not None and found.n > 0:
                figures = figures_of(
                    found, text, min_n=min_n, intervals=intervals.get((index, *key))
                )
            points.append(
                SeriesPoint(
                    period=window.label,
                    period_start=window.start,
                    period_end=window.end,
                    segment=key[0],
                    cohort=key[1],
                    figures=figures,
                )
            )
    return points


@dataclass(frozen=True)
class _Groups:
    """Each ledger customer's segment and cohort, and the group keys in order."""

    table: ir.Table
    keys: list[tuple[str | None, str | None]]


def _whole_base(prepared: Prepared) -> _Groups:
    import ibis  # type: ignore[import-untyped,unused-ignore]

    table = prepared.active.select("customer_id").distinct()
    table = table.mutate(segment=ibis.null("string"), cohort=ibis.null("string"))
    return _Groups(table=table, keys=[(None, None)])


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


def _check_currencies(
    ledger: LedgerTable,
    prepared: Prepared,
    rates: FxRates | None,
    windows: Sequence[Window],
) -> None:
    """Raise when amounts in several currencies would be added without rates."""
    if rates is None:
        if len(ledger.currencies) > 1:
            raise FxError(
                ledger.source,
                None,
                "currency",
                ", ".join(ledger.currencies),
                "give monthly exchange rates into one reporting currency "
                "(load_rates, or fx_rates and currency under [data])",
                problem="more than one currency",
            )
        return
    foreign = [c for c in ledger.currencies if c != rates.currency]
    if not foreign:
        return
    months = {w.baseline for w in windows} | {w.last for w in windows}
    active = prepared.active
    needed = active.filter(
        active.currency.isin(foreign) & active.month.isin(sorted(months))
    ).select("currency", "month")
    rows = _to_arrow(needed.distinct(), prepared.backend).to_pylist()
    missing = sorted(
        (str(row["currency"]), row["month"])
        for row in rows
        if rates.rate(str(row["currency"]), row["month"]) is None
    )
    if missing:
        currency, month = missing[0]
        more = "" if len(missing) == 1 else f" ({len(missing)} currency-months in all)"
        raise FxError(
            rates.source,
            None,
            "rate",
            f"{currency} {month:%Y-%m}",
            f"add a row {currency},{month:%Y-%m},<rate into {rates.currency}>{more}",
            problem="missing exchange rate",
        )


def _revenue_bounds(prepared: Prepared) -> tuple[date, date] | None:
    """Return the first month with revenue and the last month billed, or None.

    A yearly charge spreads revenue over months the ledger has not reached,
    so the series ends at the last month a charge starts in, not at the last
    month with revenue.
    """
    active = prepared.active
    first = _to_arrow(active.month.min(), prepared.backend).as_py()
    if first is None:
        return None
    charges = prepared.charges if prepared.charges is not None else active
    last = _to_arrow(charges.month.max(), prepared.backend).as_py()
    return first, last


def _last_day(month: date) -> date:
    return add_months(month, 1) - _ONE_DAY


def _groups(
    prepared: Prepared,
    calendar: FiscalCalendar,
    customers: CustomerTable | None,
    segment_field: str | None,
    by_cohort: bool,
) -> _Groups:
    """Give every ledger customer its segment and acquisition cohort, in SQL."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    active = prepared.active
    base = active.group_by("customer_id").aggregate(first=active.month.min())
    attributes = None if customers is None else customers.table
    if attributes is not None:
        attributes = attributes.rename(attr_id="customer_id")
        base = base.left_join(attributes, base.customer_id == attributes.attr_id)
    if segment_field is not None:
        value = base[segment_field].cast("string").strip()
        segment = ibis.ifelse(value.isnull() | (value == ""), UNKNOWN_SEGMENT, value)
    else:
        segment = ibis.null("string")
    cohort = ibis.null("string")
    order: dict[str, tuple[int, int]] = {}
    if by_cohort:
        acquired = base.first
        if attributes is not None:
            acquired = base.acquired_on.fill_null(base.first)
        month = acquired.truncate("M")
        months = _to_arrow(base.select(month=month).distinct(), prepared.backend)
        labels = {}
        for row in months.to_pylist():
            quarter = calendar.quarter_of(row["month"])
            labels[row["month"]] = calendar.quarter_label(*quarter)
            order[labels[row["month"]]] = quarter
        cohort = month.substitute(labels, else_=ibis.null("string"))
    table = base.select(customer_id=base.customer_id, segment=segment, cohort=cohort)
    found = _to_arrow(table.select("segment", "cohort").distinct(), prepared.backend)
    keys = [(row["segment"], row["cohort"]) for row in found.to_pylist()]
    keys.sort(key=lambda k: (k[0] or "", order.get(k[1] or "", (0, 0))))
    return _Groups(table=table, keys=keys)


def _periods(
    calendar: FiscalCalendar, grain: Grain, first_day: date, last_day: date
) -> list[Window]:
    """List the fiscal periods from the one containing `first_day` to `last_day`.

    A period still running at `last_day` is left out, so customers are not
    counted as churned for months the ledger has not reached yet.
    """
    periods = []
    period = _period_of(calendar, grain, first_day)
    while period.end <= last_day:
        periods.append(period)
        period = _period_of(calendar, grain, period.end + _ONE_DAY)
    return periods


def _period_of(calendar: FiscalCalendar, grain: Grain, day: date) -> Window:
    if grain == "month":
        first = day.replace(day=1)
        return _window(f"{first:%Y-%m}", first, _last_day(first))
    if grain == "quarter":
        fiscal_year, quarter = calendar.quarter_of(day)
        first, last = calendar.quarter_bounds(fiscal_year, quarter)
        return _window(calendar.quarter_label(fiscal_year, quarter), first, last)
    if grain == "year":
        fiscal_year = calendar.fiscal_year(day)
        first, last = calendar.year_bounds(fiscal_year)
        return _window(calendar.year_label(fiscal_year), first, last)
    raise ValueError(f"unknown grain {grain!r}; use 'month', 'quarter' or 'year'")


def _window(label: str, first: date, last: date) -> Window:
    return Window(label, first, last, add_months(first, -1), last.replace(day=1))


def _rolling(months: int, first_day: date, last_day: date) -> list[Window]:
    """List windows of `months` months ending at each month end up to `last_day`.

    The first window is the first whose baseline month is on or after
    `first_day`'s month, so its cohort has a full window of history.
    """
    windows = []
    last = add_months(first_day.replace(day=1), months)
    while _last_day(last) <= last_day:
        start = add_months(last, 1 - months)
        windows.append(
            Window(
                f"{last:%Y-%m}", start, _last_day(last), add_months(last, -months), last
            )
        )
        last = add_months(last, 1)
    return windows
