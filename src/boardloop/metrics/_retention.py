"""Revenue and logo retention for a window, as Ibis expressions over a ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.metrics._ledger import _to_arrow

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._ledger import LedgerTable

__all__ = ["RetentionFigures", "monthly_revenue", "retention"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class RetentionFigures:
    """Retention over one window; rates are None when the cohort is empty."""

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


def monthly_revenue(ledger: LedgerTable) -> ir.Table:
    """Build MRR per customer and month: `customer_id`, `month`, `mrr`.

    A charge covering several months adds its monthly amount to each of them.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    charges = ledger.table
    spread = charges.mutate(offset=ibis.range(0, charges.months).unnest())
    spread = spread.mutate(month=spread.month + spread.offset.as_interval("M"))
    return spread.group_by("customer_id", "month").aggregate(
        mrr=spread.monthly_amount.sum()
    )


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _add_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def retention(ledger: LedgerTable, start: date, end: date) -> RetentionFigures:
    """Compute retention for customers active before the window [start, end).

    Raises:
        ValueError: when the window does not cross a month boundary.
    """
    baseline = _first_of_month(start - timedelta(days=1))
    last = _first_of_month(end - timedelta(days=1))
    if last <= baseline:
        raise ValueError(
            f"window {start} to {end} has no month after its baseline month "
            f"{baseline:%Y-%m}; use a window that ends after {_add_month(baseline)}"
        )
    window_months = _months_between(_add_month(baseline), last)
    per_customer = _classify(monthly_revenue(ledger), baseline, last, window_months)
    row = _to_arrow(_totals(per_customer), ledger.backend).to_pylist()[0]
    return _figures(row, _definition(start, end, baseline, last, ledger))


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _classify(
    mrr: ir.Table, baseline: date, last: date, window_months: int
) -> ir.Table:
    """Return one row per cohort customer with start, end and active-month count."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    cohort = mrr.filter((mrr.month == baseline) & (mrr.mrr > 0)).select(
        "customer_id", start_mrr="mrr"
    )
    inside = mrr.filter((mrr.month > baseline) & (mrr.month <= last))
    per_customer = inside.group_by("customer_id").aggregate(
        active_months=(inside.mrr > 0).sum(),
        end_mrr=inside.mrr.max(where=inside.month == last),
    )
    joined = cohort.left_join(per_customer, "customer_id").select(
        cohort.customer_id,
        cohort.start_mrr,
        active_months=per_customer.active_months.fill_null(0),
        end_mrr=per_customer.end_mrr.fill_null(0),
    )
    active_at_end = joined.end_mrr > 0
    retained = joined.active_months == window_months
    return joined.mutate(
        retained=retained,
        reactivated=active_at_end & ~retained,
        kept=ibis.ifelse(retained, joined.end_mrr, 0),
    )


def _totals(cohort: ir.Table) -> ir.Table:
    import ibis  # type: ignore[import-untyped,unused-ignore]

    kept, start = cohort.kept, cohort.start_mrr
    retained = cohort.retained
    return cohort.aggregate(
        n=cohort.count(),
        retained=retained.sum(),
        reactivations=cohort.reactivated.sum(),
        start_mrr=start.sum(),
        end_mrr=kept.sum(),
        capped=ibis.ifelse(kept < start, kept, start).sum(),
        expansion=ibis.ifelse(retained & (kept > start), kept - start, 0).sum(),
        contraction=ibis.ifelse(retained & (kept < start), start - kept, 0).sum(),
        churned_revenue=ibis.ifelse(retained, 0, start).sum(),
        reactivated_revenue=ibis.ifelse(cohort.reactivated, cohort.end_mrr, 0).sum(),
    )


def _dec(value: object) -> Decimal:
    return _ZERO if value is None else Decimal(str(value))


def _figures(row: dict[str, object], definition: str) -> RetentionFigures:
    n = int(str(row["n"] or 0))
    retained = int(str(row["retained"] or 0))
    start = _dec(row["start_mrr"])
    expansion = _dec(row["expansion"])

    def rate(numerator: Decimal) -> Decimal | None:
        return None if n == 0 or start == 0 else numerator / start

    logo = None if n == 0 else Decimal(retained) / Decimal(n)
    return RetentionFigures(
        n=n,
        definition=definition,
        start_mrr=start,
        end_mrr=_dec(row["end_mrr"]),
        gross_revenue_retention=rate(_dec(row["capped"])),
        net_revenue_retention=rate(_dec(row["end_mrr"])),
        logo_retention=logo,
        logo_churn=None if logo is None else 1 - logo,
        expansion_rate=rate(expansion),
        expansion_revenue=expansion,
        contraction_revenue=_dec(row["contraction"]),
        churned_revenue=_dec(row["churned_revenue"]),
        retained=retained,
        churned=n - retained,
        reactivations=int(str(row["reactivations"] or 0)),
        reactivated_revenue=_dec(row["reactivated_revenue"]),
    )


def _definition(
    start: date, end: date, baseline: date, last: date, ledger: LedgerTable
) -> str:
    currency = f" in {ledger.currency}" if ledger.currency else ""
    return (
        f"window {start} to {end} (end exclusive); basis: monthly recurring "
        f"revenue{currency}, {baseline:%Y-%m} against {last:%Y-%m}; cohort: "
        f"customers with MRR > 0 in {baseline:%Y-%m}, frozen; excluded: "
        f"customers starting inside the window, {ledger.one_time_excluded} "
        "one-time rows; customers with a zero month inside the window count "
        "as churned, and those back by the end are reported as reactivations"
    )
