"""Revenue and logo retention for a window, as Ibis expressions over a ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.fiscal import add_months
from boardloop.metrics._nps import DEFAULT_MIN_N

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._engine import GroupTotals
    from boardloop.metrics._fx import FxRates
    from boardloop.metrics._ledger import LedgerTable

__all__ = ["RetentionFigures", "monthly_revenue", "retention"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class RetentionFigures:
    """Retention over one window; rates are None when the cohort is empty.

    `intervals` maps `gross_revenue_retention`, `net_revenue_retention` and
    `logo_retention` to their bootstrap 95 % interval, when one was computed.
    `low_n` marks a cohort smaller than `min_n`: the figure is shown, flagged.
    """

    n: int
    definition: str
    start_mrr: Decimal
    end_mrr: Decimal
    gross_revenue_retention: Decimal | None
    net_revenue_retention: Decimal | None
    logo_retention: Decimal | None
    logo_churn: Decimal | None
    expansion_rate: Decimal | None
    expansion_revenue: Decimal
    contraction_revenue: Decimal
    churned_revenue: Decimal
    retained: int
    churned: int
    reactivations: int
    reactivated_revenue: Decimal
    fx_effect: Decimal = _ZERO
    new_customers: int = 0
    total_customers: int = 0
    top_customer_share: Decimal | None = None
    intervals: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    min_n: int = DEFAULT_MIN_N
    low_n: bool = False


def monthly_revenue(ledger: LedgerTable) -> ir.Table:
    """Build MRR per customer and month: `customer_id`, `month`, `mrr`, `currency`.

    A charge covering several months adds its monthly amount to each of them.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    charges = ledger.table
    columns = ["customer_id", "month", "monthly_amount", "currency"]
    # Most charges cover one month; only the others are spread row by row.
    single = charges.filter(charges.months == 1).select(*columns)
    longer = charges.filter(charges.months > 1)
    longer = longer.mutate(offset=ibis.range(0, longer.months).unnest())
    longer = longer.mutate(month=longer.month + longer.offset.as_interval("M"))
    spread = single.union(longer.select(*columns))
    # A customer bills in one currency (the loader checks), so the month's
    # currency is the one its rows name.
    return spread.group_by("customer_id", "month").aggregate(
        mrr=spread.monthly_amount.sum(), currency=spread.currency.max()
    )


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def retention(
    ledger: LedgerTable,
    start: date,
    end: date,
    *,
    rates: FxRates | None = None,
    min_n: int = DEFAULT_MIN_N,
    bootstrap: int = 0,
    seed: int = 0,
) -> RetentionFigures:
    """Compute retention for customers active before the window [start, end).

    Args:
        ledger: the validated revenue ledger.
        start: the first day of the window; the cohort is the customers with
            revenue in the month before it.
        end: the day after the window.
        rates: exchange rates, needed when the ledger has several currencies.
        min_n: cohorts smaller than this are marked `low_n`.
        bootstrap: resamples for the 95 % intervals; 0 computes none.
        seed: the bootstrap's seed; the same seed gives the same intervals.

    Raises:
        ValueError: when the window does not cross a month boundary.
        FxError: when the ledger has several currencies and no rates, or a
            rate is missing.
    """
    from boardloop.metrics._series import Window, compute_windows

    baseline = _first_of_month(start - timedelta(days=1))
    last = _first_of_month(end - timedelta(days=1))
    if last <= baseline:
        raise ValueError(
            f"window {start} to {end} has no month after its baseline month "
            f"{baseline:%Y-%m}; use a window that ends after {add_months(baseline, 1)}"
        )
    window = Window("window", start, end - timedelta(days=1), baseline, last)
    definition = window_definition(start, end, baseline, last, ledger, rates)
    points = compute_windows(
        ledger,
        [window],
        definition=lambda _: definition,
        rates=rates,
        min_n=min_n,
        bootstrap=bootstrap,
        seed=seed,
    )
    figures = points[0].figures if points else None
    return figures or empty_figures(definition, min_n)


def empty_figures(definition: str, min_n: int) -> RetentionFigures:
    """Return the figures of a window whose cohort has no customer."""
    return RetentionFigures(
        n=0,
        definition=definition,
        start_mrr=_ZERO,
        end_mrr=_ZERO,
        gross_revenue_retention=None,
        net_revenue_retention=None,
        logo_retention=None,
        logo_churn=None,
        expansion_rate=None,
        expansion_revenue=_ZERO,
        contraction_revenue=_ZERO,
        churned_revenue=_ZERO,
        retained=0,
        churned=0,
        reactivations=0,
        reactivated_revenue=_ZERO,
        min_n=min_n,
        low_n=min_n > 0,
    )


def figures_of(
    totals: GroupTotals,
    definition: str,
    *,
    min_n: int,
    intervals: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> RetentionFigures:
    """Turn one window's sums into rates."""
    n, retained, start = totals.n, totals.retained, totals.start_mrr

    def rate(numerator: Decimal) -> Decimal | None:
        return None if n == 0 or start == 0 else numerator / start

    logo = None if n == 0 else Decimal(retained) / Decimal(n)
    share = None if totals.total_mrr <= 0 else totals.top_mrr / totals.total_mrr
    return RetentionFigures(
        n=n,
        definition=definition,
        start_mrr=start,
        end_mrr=totals.end_mrr,
        gross_revenue_retention=rate(totals.capped),
        net_revenue_retention=rate(totals.end_mrr),
        logo_retention=logo,
        logo_churn=None if logo is None else 1 - logo,
        expansion_rate=rate(totals.expansion),
        expansion_revenue=totals.expansion,
        contraction_revenue=totals.contraction,
        churned_revenue=totals.churned_revenue,
        retained=retained,
        churned=n - retained,
        reactivations=totals.reactivations,
        reactivated_revenue=totals.reactivated_revenue,
        fx_effect=totals.fx_effect,
        new_customers=totals.new_customers,
        total_customers=totals.total_customers,
        top_customer_share=share,
        intervals=dict(intervals or {}),
        min_n=min_n,
        low_n=n < min_n,
    )


def window_definition(
    start: date,
    end: date,
    baseline: date,
    last: date,
    ledger: LedgerTable,
    rates: FxRates | None,
) -> str:
    """Describe one window's basis and exclusions in words."""
    if rates is not None:
        currency = (
            f" in {rates.currency} at each currency's {baseline:%Y-%m} rate "
            "(the change from the last month's rate is reported as the FX effect)"
        )
    else:
        currency = f" in {ledger.currency}" if ledger.currency else ""
    return (
        f"window {start} to {end} (end exclusive); basis: monthly recurring "
        f"revenue{currency}, {baseline:%Y-%m} against {last:%Y-%m}; cohort: "
        f"customers with MRR > 0 in {baseline:%Y-%m}, frozen; excluded: "
        f"customers starting inside the window, {ledger.one_time_excluded} "
        "one-time rows; customers with a zero month inside the window count "
        "as churned, and those back by the end are reported as reactivations"
    )
