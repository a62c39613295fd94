"""Bootstrap intervals for the control estimates of the register's initiatives.

For each initiative that names a control segment and targets a retention rate,
`kpis compute` resamples the customers of both segments together between the
baseline's period and every later period. The board section then gives the
difference in differences with an interval that keeps each segment's two
periods paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import ControlInterval

if TYPE_CHECKING:
    from boardloop.catalog import Catalog
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import Initiative, KpiValue, Register
    from boardloop.metrics import CustomerTable, FxRates, Grain, LedgerTable
    from boardloop.metrics._control import ControlPair

__all__ = ["CONTROL_RATES", "control_intervals"]

_HUNDRED = Decimal(100)

CONTROL_RATES: dict[str, tuple[str, int]] = {
    "customers.gross_revenue_retention": ("gross_revenue_retention", 1),
    "customers.net_revenue_retention": ("net_revenue_retention", 1),
    "customers.logo_retention_rate": ("logo_retention", 1),
    "customers.logo_churn_rate": ("logo_retention", -1),
    "customers.revenue_churn_rate": ("gross_revenue_retention", -1),
}
"""KPI id -> the resampled rate it follows and its sign (churn is 1 - retention)."""


def control_intervals(
    register: Register,
    values: Sequence[KpiValue],
    *,
    catalog: Catalog,
    ledger: LedgerTable,
    customers: CustomerTable,
    segment_field: str,
    calendar: FiscalCalendar,
    grain: Grain,
    windows: Sequence[int | None],
    rates: FxRates | None,
    resamples: int,
    seed: int,
) -> list[ControlInterval]:
    """Return the control intervals of every initiative that can have one.

    `values` are the freshly computed values. An initiative needs a control
    segment, a target KPI in `CONTROL_RATES`, a target window among `windows`,
    and a baseline date: its stated baseline's date, or else its launch date.
    """
    from boardloop.metrics._control import control_bootstrap

    requested: dict[int | None, list[tuple[str, ControlPair]]] = {}
    for initiative in register.initiatives:
        found = _pairs(initiative, values, catalog, windows)
        if found is not None:
            window, kpi_id, pairs = found
            requested.setdefault(window, []).extend((kpi_id, pair) for pair in pairs)

    intervals = []
    for window, requests in requested.items():
        pairs = list(dict.fromkeys(pair for _, pair in requests))
        draws = control_bootstrap(
            ledger,
            pairs,
            calendar=calendar,
            customers=customers,
            segment_field=segment_field,
            grain=grain,
            window_days=window,
            rates=rates,
            resamples=resamples,
            seed=seed,
        )
        by_pair = {draw.pair: draw for draw in draws}
        for kpi_id, pair in requests:
            draw = by_pair.get(pair)
            rate, sign = CONTROL_RATES[kpi_id]
            if draw is None or rate not in draw.intervals:
                continue
            low, high = (bound * sign * _HUNDRED for bound in draw.intervals[rate])
            intervals.append(
                ControlInterval(
                    kpi_id=kpi_id,
                    segment=pair.segment,
                    control=pair.control,
                    window_days=window,
                    before_end=pair.before_end,
                    after_end=pair.after_end,
                    low=min(low, high),
                    high=max(low, high),
                    n_treated=draw.n_treated,
                    n_control=draw.n_control,
                    resamples=draw.resamples,
                )
            )
    return intervals


def _pairs(
    initiative: Initiative,
    values: Sequence[KpiValue],
    catalog: Catalog,
    windows: Sequence[int | None],
) -> tuple[int | None, str, list[ControlPair]] | None:
    """Return the window, KPI id and period-end pairs to resample for one initiative.

    The earlier end is the last period on or before the baseline's date, as the
    evaluation picks it. The later end is every period after it.
    """
    from boardloop.metrics._control import ControlPair

    target = initiative.target
    control = (initiative.control_segment or "").strip()
    if not control or target.kpi_id is None:
        return None
    kpi = catalog.get(target.kpi_id)
    kpi_id = kpi.id if kpi is not None else target.kpi_id
    if kpi_id not in CONTROL_RATES or target.window_days not in windows:
        return None
    baseline = initiative.baseline
    start = baseline.as_of if baseline is not None else initiative.launched_on
    if start is None:
        return None

    segment = (target.segment or "").strip().casefold()
    series = [
        value
        for value in values
        if value.kpi_id == kpi_id and value.window_days == target.window_days
    ]
    treated = [v for v in series if v.segment.casefold() == segment]
    controls = {v.segment for v in series if v.segment.casefold() == control.casefold()}
    before = [v.period_end for v in treated if v.period_end <= start]
    if not treated or not controls or not before:
        return None
    before_end = max(before)
    pairs = [
        ControlPair(treated[0].segment, min(controls), before_end, value.period_end)
        for value in treated
        if value.period_end > before_end
    ]
    return target.window_days, kpi_id, pairs
