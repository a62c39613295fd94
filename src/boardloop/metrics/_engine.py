"""Retention for many windows and customer groups at once, in a few SQL queries.

Every window is a pair of months: the baseline month B, whose customers with
revenue form the cohort, and the last month L. A cohort customer is retained
when it has revenue in every month B+1..L. Instead of checking each month, the
engine numbers each customer's months with revenue and subtracts that number
from the month index. The difference, the run, stays constant across a
stretch of consecutive months. A customer is retained when it has revenue in
L and L lies in the same run as B. Every join is then an equality join on
(month, customer), so one pass serves any number of windows and groups.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.metrics._ledger import _to_arrow

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._fx import FxRates
    from boardloop.metrics._ledger import LedgerTable

__all__ = ["GroupTotals", "Span", "customer_rows", "group_totals", "prepare"]

TOP_CUSTOMERS = 10
"""Top-customer concentration is the share of MRR held by this many customers."""

Step = Callable[[str], None]


@dataclass(frozen=True)
class Span:
    """One window: cohort from `baseline` month, judged at `last` month."""

    baseline: date
    last: date


@dataclass(frozen=True)
class GroupTotals:
    """Sums over one window and one customer group; the rates are derived later."""

    n: int
    retained: int
    reactivations: int
    start_mrr: Decimal
    end_mrr: Decimal
    capped: Decimal
    expansion: Decimal
    contraction: Decimal
    churned_revenue: Decimal
    reactivated_revenue: Decimal
    fx_effect: Decimal
    new_customers: int
    total_customers: int
    total_mrr: Decimal
    top_mrr: Decimal


@dataclass(frozen=True)
class Prepared:
    """The ledger's active customer-months, stored once in the backend.

    `charges` is the ledger's table of charges, whose last month is the last
    month the ledger reports on.
    """

    active: ir.Table
    backend: BaseBackend | None
    rates: FxRates | None
    charges: ir.Table | None = None


GroupKey = tuple[str | None, str | None]


def prepare(
    ledger: LedgerTable, rates: FxRates | None, *, materialise: bool = True
) -> Prepared:
    """Build the active customer-months with their run numbers.

    With `materialise`, the result is stored as a temporary table, so the
    queries that follow read it instead of repeating the work, and kept in
    the ledger's cache for later series with the same rates.
    """
    # A ledger copied with another table (one segment's rows, say) keeps the
    # same cache, so the key names the table too.
    key = ("prepared", id(ledger.table), id(rates))
    if materialise and key in ledger.cache:
        table, cached = ledger.cache[key]
        assert isinstance(cached, Prepared)
        if table is ledger.table and cached.rates is rates:
            return cached
    import ibis  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._retention import monthly_revenue

    mrr = monthly_revenue(ledger)
    active = mrr.filter(mrr.mrr > 0)
    index = active.month.year() * 12 + active.month.month()
    order = ibis.row_number().over(group_by=active.customer_id, order_by=active.month)
    active = active.mutate(run=index - order)
    backend = ledger.backend
    if not materialise or backend is None:
        return Prepared(active, backend, rates, ledger.table)
    name = f"boardloop_active_{uuid.uuid4().hex}"
    active = backend.create_table(name, active, temp=True)
    prepared = Prepared(active, backend, rates, ledger.table)
    ledger.cache[key] = (ledger.table, prepared)
    return prepared


def _spans_table(spans: Sequence[Span]) -> ir.Table:
    import ibis  # type: ignore[import-untyped,unused-ignore]

    return ibis.memtable(
        {
            "span": list(range(len(spans))),
            "baseline": [s.baseline for s in spans],
            "last": [s.last for s in spans],
        },
        schema={"span": "int64", "baseline": "date", "last": "date"},
    )


def _converted(
    prepared: Prepared, rows: ir.Table, amount: str, month: str, name: str
) -> ir.Table:
    """Add column `name`: `amount` in the reporting currency at `month`'s rate."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    if prepared.rates is None or "currency" not in rows.columns:
        return rows.mutate(**{name: rows[amount]})
    rates = prepared.rates.table.select(
        rate_currency="currency", rate_month="month", rate="rate"
    )
    joined = rows.left_join(
        rates,
        (rows.currency == rates.rate_currency) & (rows[month] == rates.rate_month),
    )
    # Rows in the reporting currency, or with none given, keep their amount.
    own = joined.currency.isnull() | (joined.currency == prepared.rates.currency)
    rate = ibis.ifelse(own, ibis.literal(1).cast(joined.rate.type()), joined.rate)
    return joined.mutate(**{name: joined[amount] * rate}).drop(
        "rate_currency", "rate_month", "rate"
    )


def _cohort(prepared: Prepared, spans: ir.Table) -> ir.Table:
    """Build one row per window and cohort customer: start, kept and FX effect."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    active = prepared.active
    has_currency = "currency" in active.columns
    start_cols = {"customer_id": active.customer_id, "start_local": active.mrr}
    if has_currency:
        start_cols["currency"] = active.currency
    starts = active.join(spans, active.month == spans.baseline).select(
        span=spans.span,
        baseline=spans.baseline,
        last=spans["last"],
        start_run=active.run,
        **start_cols,
    )
    ends = active.join(spans, active.month == spans["last"]).select(
        end_span=spans.span,
        end_customer=active.customer_id,
        end_local=active.mrr,
        end_run=active.run,
    )
    joined = starts.left_join(
        ends,
        (starts.span == ends.end_span) & (starts.customer_id == ends.end_customer),
    ).drop("end_span", "end_customer")
    joined = _converted(prepared, joined, "start_local", "baseline", "start")
    joined = _converted(prepared, joined, "end_local", "baseline", "end_fixed")
    joined = _converted(prepared, joined, "end_local", "last", "end_actual")
    present = joined.end_local.notnull()
    retained = present & (joined.end_run == joined.start_run)
    zero = ibis.literal(0).cast(joined.start.type())
    return joined.mutate(
        retained=retained,
        reactivated=present & ~retained,
        kept=ibis.ifelse(retained, joined.end_fixed, zero),
        kept_actual=ibis.ifelse(retained, joined.end_actual, zero),
        end_any=joined.end_fixed.fill_null(zero),
    )


def customer_rows(
    prepared: Prepared, spans: Sequence[Span], groups: ir.Table, *, max_n: int
) -> tuple[Any, Any]:
    """Return every window's cohort customers and group moments, as PyArrow tables.

    Groups of at most `max_n` customers come as rows (`span`, `segment`,
    `cohort`, `customer_id`, then `start`, `capped`, `kept` and `retained` as
    doubles), ordered by group and customer, for resampling. Larger groups
    come as one row of moments each: `n`, the sum of each of the four values
    (`sum_start`, ...) and the sum of each product of two (`sum_start_kept`,
    ...), from which the resampled sums' mean and covariance follow.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    cohort = _cohort(prepared, _spans_table(spans))
    rows = cohort.join(groups, "customer_id")
    keys = ["span", "segment", "cohort"]
    values = {
        "start": rows.start.cast("float64"),
        "capped": ibis.least(rows.kept, rows.start).cast("float64"),
        "kept": rows.kept.cast("float64"),
        "retained": ibis.ifelse(rows.retained, 1, 0).cast("float64"),
    }
    rows = rows.select(*keys, "customer_id", **values)
    # A window partition, unlike a join, puts null segments and cohorts (the
    # whole base) together.
    size = rows.span.count().over(ibis.window(group_by=[rows[k] for k in keys]))
    sized = rows.mutate(group_n=size)
    # Ordered by customer too, so the same seed draws the same customers.
    picked = sized.filter(sized.group_n <= max_n).drop("group_n")
    picked = picked.order_by([*keys, "customer_id"])
    names = list(values)
    moments = {f"sum_{a}": rows[a].sum() for a in names}
    for i, a in enumerate(names):
        for b in names[i:]:
            moments[f"sum_{a}_{b}"] = (rows[a] * rows[b]).sum()
    large = rows.group_by(keys).aggregate(n=rows.count(), **moments)
    large = large.filter(large.n > max_n)
    backend = prepared.backend
    return _to_arrow(picked, backend), _to_arrow(large, backend)


def group_totals(
    prepared: Prepared,
    spans: Sequence[Span],
    groups: ir.Table,
    step: Step | None = None,
    *,
    whole: ir.Table | None = None,
) -> dict[tuple[int, str | None, str | None], GroupTotals]:
    """Sum every window's figures per customer group, keyed by (span, segment, cohort).

    `groups` has one row per customer: `customer_id`, `segment`, `cohort`
    (either may be null). `whole` is the same table with null segment and
    cohort. With it, the whole base gets totals too, under the key (span,
    None, None). Every sum is the groups' sums added up, so only the top
    customers' MRR needs a query of its own.
    """
    spans_table = _spans_table(spans)
    keys = ["span", "segment", "cohort"]

    def run(expr: ir.Table, label: str) -> dict[tuple[Any, ...], dict[str, Any]]:
        rows = _to_arrow(expr, prepared.backend).to_pylist()
        if step is not None:
            step(label)
        return {tuple(row[k] for k in keys): row for row in rows}

    retention = run(_retention_sums(prepared, spans_table, groups), "retention")
    closing = run(_closing_sums(prepared, spans_table, groups), "customers")
    arrivals = run(_new_customers(prepared, spans_table, groups), "new customers")

    totals = {}
    for key in retention.keys() | closing.keys() | arrivals.keys():
        sums = retention.get(key, {})
        end = closing.get(key, {})
        totals[(int(key[0]), key[1], key[2])] = GroupTotals(
            n=_int(sums.get("n")),
            retained=_int(sums.get("retained")),
            reactivations=_int(sums.get("reactivations")),
            start_mrr=_dec(sums.get("start_mrr")),
            end_mrr=_dec(sums.get("end_mrr")),
            capped=_dec(sums.get("capped")),
            expansion=_dec(sums.get("expansion")),
            contraction=_dec(sums.get("contraction")),
            churned_revenue=_dec(sums.get("churned_revenue")),
            reactivated_revenue=_dec(sums.get("reactivated_revenue")),
            fx_effect=_dec(sums.get("fx_effect")),
            new_customers=_int(arrivals.get(key, {}).get("new_customers")),
            total_customers=_int(end.get("total_customers")),
            total_mrr=_dec(end.get("total_mrr")),
            top_mrr=_dec(end.get("top_mrr")),
        )
    if whole is not None:
        top = run(_closing_sums(prepared, spans_table, whole), "whole base")
        for span in range(len(spans)):
            parts = [t for key, t in totals.items() if key[0] == span]
            top_mrr = _dec(top.get((span, None, None), {}).get("top_mrr"))
            totals[(span, None, None)] = _added(parts, top_mrr)
    return totals


def _added(parts: list[GroupTotals], top_mrr: Decimal) -> GroupTotals:
    """Add groups' totals into the whole base's, with its own top customers."""
    names = [f.name for f in fields(GroupTotals) if f.name != "top_mrr"]
    sums = {name: sum((getattr(p, name) for p in parts), 0) for name in names}
    return GroupTotals(**sums, top_mrr=top_mrr)


def _retention_sums(prepared: Prepared, spans: ir.Table, groups: ir.Table) -> ir.Table:
    import ibis  # type: ignore[import-untyped,unused-ignore]

    cohort = _cohort(prepared, spans).join(groups, "customer_id")
    kept, start, retained = cohort.kept, cohort.start, cohort.retained
    zero = ibis.literal(0).cast(start.type())
    return cohort.group_by("span", "segment", "cohort").aggregate(
        n=cohort.count(),
        retained=ibis.ifelse(retained, 1, 0).sum(),
        reactivations=ibis.ifelse(cohort.reactivated, 1, 0).sum(),
        start_mrr=start.sum(),
        end_mrr=kept.sum(),
        capped=ibis.least(kept, start).sum(),
        expansion=ibis.ifelse(retained & (kept > start), kept - start, zero).sum(),
        contraction=ibis.ifelse(retained & (kept < start), start - kept, zero).sum(),
        churned_revenue=ibis.ifelse(retained, zero, start).sum(),
        reactivated_revenue=ibis.ifelse(cohort.reactivated, cohort.end_any, zero).sum(),
        fx_effect=(cohort.kept_actual - kept).sum(),
    )


def _closing_sums(prepared: Prepared, spans: ir.Table, groups: ir.Table) -> ir.Table:
    """Customers with revenue in each window's last month, and the top ones' share."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    active = prepared.active
    has_currency = "currency" in active.columns
    extra = {"currency": active.currency} if has_currency else {}
    closing = active.join(spans, active.month == spans["last"]).select(
        span=spans.span,
        last=spans["last"],
        customer_id=active.customer_id,
        mrr_local=active.mrr,
        **extra,
    )
    closing = _converted(prepared, closing, "mrr_local", "last", "mrr")
    closing = closing.join(groups, "customer_id")
    keys = ["span", "segment", "cohort"]
    if prepared.backend is not None and prepared.backend.name == "duckdb":
        # DuckDB keeps the largest values in a heap per group, several times
        # faster than ranking every row in a window.
        from boardloop.metrics._duckdb_functions import largest

        amount = closing.mrr.cast("decimal(38,10)")
        return closing.group_by(keys).aggregate(
            total_customers=closing.count(),
            total_mrr=closing.mrr.sum(),
            top_mrr=largest(amount, TOP_CUSTOMERS).sums(),
        )
    rank = ibis.row_number().over(
        group_by=[closing.span, closing.segment, closing.cohort],
        order_by=[ibis.desc(closing.mrr), closing.customer_id],
    )
    closing = closing.mutate(rank=rank)
    zero = ibis.literal(0).cast(closing.mrr.type())
    return closing.group_by(keys).aggregate(
        total_customers=closing.count(),
        total_mrr=closing.mrr.sum(),
        top_mrr=ibis.ifelse(closing["rank"] < TOP_CUSTOMERS, closing.mrr, zero).sum(),
    )


def _new_customers(prepared: Prepared, spans: ir.Table, groups: ir.Table) -> ir.Table:
    """Customers whose first month with revenue falls inside each window."""
    active = prepared.active
    firsts = active.group_by("customer_id").aggregate(first=active.month.min())
    arrived = firsts.join(
        spans, (firsts.first > spans.baseline) & (firsts.first <= spans["last"])
    ).select(span=spans.span, customer_id=firsts.customer_id)
    arrived = arrived.join(groups, "customer_id")
    return arrived.group_by("span", "segment", "cohort").aggregate(
        new_customers=arrived.count()
    )


def _int(value: object) -> int:
    return 0 if value is None else int(str(value))


def _dec(value: object) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))
