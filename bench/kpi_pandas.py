"""Compute the benchmark's monthly retention KPIs with pandas, as an analyst would.

The definitions are the ones bench/kpis.py states. Work is vectorised with
groupby and merge, with one Python loop over the months. As in
bench/kpi_floor.py, money is summed as exact integers in 1/1200 of a currency
unit (cents times 12), so an unchanged MRR compares equal between months.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped,unused-ignore]

__all__ = ["ALL_SEGMENT", "UNKNOWN_SEGMENT", "compute"]

ALL_SEGMENT = "all"
"""Segment label of the rows that cover every customer."""

UNKNOWN_SEGMENT = "unknown"
"""Segment of ledger customers without a customer row or with a blank segment."""

# Currency units per internal money unit: cents (100) times 12 months.
_UNITS = 1200
_PLAN_MONTHS = {"month": 1, "year": 12}
_TOP = 10


def compute(data_dir: Path, window: int = 1) -> list[dict[str, Any]]:
    """Read ledger.parquet and customers.parquet in `data_dir` and compute KPIs.

    Returns one row per month and segment, as bench/kpis.py defines them. A
    window of k months compares each month M with M - k.

    Raises:
        ValueError: when `window` is below 1 or a plan interval is neither
            month nor year.
    """
    if window < 1:
        raise ValueError(f"invalid window {window}; use 1 or more months")
    ledger = pd.read_parquet(
        data_dir / "ledger.parquet",
        columns=["customer_id", "date", "amount", "plan_interval", "one_time"],
        dtype_backend="pyarrow",
    )
    customers = pd.read_parquet(
        data_dir / "customers.parquet",
        columns=["customer_id", "segment"],
        dtype_backend="pyarrow",
    )
    active = _active_months(ledger)
    active["segment"] = _segments(active["customer_id"], customers)
    if active.empty:
        return []

    # iter() because dict() would take the groupby's `keys` attribute for a
    # mapping's keys() method.
    by_month = dict(iter(active.groupby("month")))
    firsts = active.groupby("customer_id").agg(
        first_month=("month", "min"), segment=("segment", "first")
    )
    segments = [*sorted(active["segment"].unique()), ALL_SEGMENT]
    empty = active.iloc[0:0]

    rows: list[dict[str, Any]] = []
    first_point = int(active["month"].min()) + window
    # The last point is the last month a charge starts in: a yearly charge
    # spreads revenue into months the ledger has not reached.
    billed = ledger.loc[~ledger["one_time"], "date"]
    last_point = int((billed.dt.year * 12 + billed.dt.month - 1).max())
    for point in range(first_point, last_point + 1):
        baseline = point - window
        inside = [by_month.get(m, empty) for m in range(baseline + 1, point + 1)]
        cohort = _cohort(
            by_month.get(baseline, empty), pd.concat(inside), point, window
        )
        at_end = _at_end(by_month.get(point, empty))
        new = firsts[firsts["first_month"].between(baseline + 1, point)]
        new_counts = _with_all(new)["segment"].value_counts()
        for segment in segments:
            rows.append(_point_row(point, segment, cohort, at_end, new_counts))
    return rows


def _active_months(ledger: pd.DataFrame) -> pd.DataFrame:
    """Return `customer_id`, `month` (index from year 0) and `mrr` where MRR > 0."""
    charges = ledger[~ledger["one_time"]]
    unknown = set(charges["plan_interval"].dropna().unique()) - set(_PLAN_MONTHS)
    if unknown or charges["plan_interval"].isna().any():
        names = ", ".join(repr(name) for name in sorted(unknown)) or "NULL"
        raise ValueError(f"unsupported plan_interval {names}; use month or year")

    months = charges["plan_interval"].map(_PLAN_MONTHS).astype("int64").to_numpy()
    cents = (charges["amount"].astype("float64") * 100).round().astype("int64")
    dates = charges["date"]
    frame = pd.DataFrame(
        {
            "customer_id": charges["customer_id"].to_numpy(),
            "start": (dates.dt.year * 12 + dates.dt.month - 1).to_numpy("int64"),
            "months": months,
            "units": cents.to_numpy() * (12 // months),
        }
    )

    # A yearly charge covers twelve months: repeat its row once per month.
    spread = frame.loc[frame.index.repeat(frame["months"])]
    offsets = spread.groupby(level=0).cumcount().to_numpy()
    spread = spread.assign(month=spread["start"].to_numpy() + offsets)

    mrr = spread.groupby(["customer_id", "month"], as_index=False)["units"].sum()
    mrr = mrr.rename(columns={"units": "mrr"})
    return mrr[mrr["mrr"] > 0].reset_index(drop=True)


def _segments(customer_ids: pd.Series, customers: pd.DataFrame) -> np.ndarray:
    by_id = customers.set_index("customer_id")["segment"].str.strip()
    segment = customer_ids.map(by_id).replace("", None)
    labels: np.ndarray = segment.fillna(UNKNOWN_SEGMENT).astype(str).to_numpy()
    return labels


def _with_all(frame: pd.DataFrame) -> pd.DataFrame:
    """Append a copy of `frame` labelled with the all-customers segment."""
    return pd.concat([frame, frame.assign(segment=ALL_SEGMENT)], ignore_index=True)


def _cohort(
    baseline: pd.DataFrame, inside: pd.DataFrame, point: int, window: int
) -> pd.DataFrame:
    """Sum the cohort figures per segment for the customers active in `baseline`.

    `inside` contains the active months after the baseline up to `point`.
    """
    active_months = inside.groupby("customer_id").size()
    end_mrr = inside[inside["month"] == point].set_index("customer_id")["mrr"]

    cohort = baseline[["customer_id", "segment"]].copy()
    cohort["start"] = baseline["mrr"].to_numpy()
    ids = cohort["customer_id"]
    cohort["end"] = ids.map(end_mrr).fillna(0).astype("int64").to_numpy()
    retained = ids.map(active_months).fillna(0).to_numpy() == window
    cohort["retained"] = retained
    cohort["kept"] = np.where(retained, cohort["end"], 0)

    start, kept = cohort["start"], cohort["kept"]
    cohort["capped"] = np.minimum(kept, start)
    cohort["expansion"] = np.where(retained, np.maximum(kept - start, 0), 0)
    cohort["contraction"] = np.where(retained, np.maximum(start - kept, 0), 0)
    cohort["churned_revenue"] = np.where(retained, 0, start)
    cohort["reactivations"] = ~retained & (cohort["end"] > 0)
    return (
        _with_all(cohort)
        .groupby("segment")
        .agg(
            n=("customer_id", "size"),
            retained=("retained", "sum"),
            start_mrr=("start", "sum"),
            end_mrr=("kept", "sum"),
            capped=("capped", "sum"),
            expansion=("expansion", "sum"),
            contraction=("contraction", "sum"),
            churned_revenue=("churned_revenue", "sum"),
            reactivations=("reactivations", "sum"),
        )
    )


def _at_end(last: pd.DataFrame) -> pd.DataFrame:
    """Sum customers, MRR and the top ten MRR per segment in the last month."""
    both = _with_all(last)
    grouped = both.groupby("segment")["mrr"]
    top = grouped.nlargest(_TOP).groupby(level=0).sum()
    return pd.DataFrame(
        {"total_customers": grouped.size(), "total_mrr": grouped.sum(), "top": top}
    )


def _point_row(
    point: int,
    segment: str,
    cohort: pd.DataFrame,
    at_end: pd.DataFrame,
    new_counts: pd.Series,
) -> dict[str, Any]:
    """Build one output row, with money turned from 1/1200 units into currency."""
    sums = dict.fromkeys(cohort.columns, 0)
    if segment in cohort.index:
        sums = {name: int(value) for name, value in cohort.loc[segment].items()}
    ends = dict.fromkeys(at_end.columns, 0)
    if segment in at_end.index:
        ends = {name: int(value) for name, value in at_end.loc[segment].items()}

    n, retained, start = sums["n"], sums["retained"], sums["start_mrr"]
    measurable = n > 0 and start != 0
    total_mrr = ends["total_mrr"]
    return {
        "month": f"{point // 12:04d}-{point % 12 + 1:02d}",
        "segment": segment,
        "n": n,
        "retained": retained,
        "churned": n - retained,
        "start_mrr": start / _UNITS,
        "end_mrr": sums["end_mrr"] / _UNITS,
        "capped": sums["capped"] / _UNITS,
        "expansion": sums["expansion"] / _UNITS,
        "contraction": sums["contraction"] / _UNITS,
        "churned_revenue": sums["churned_revenue"] / _UNITS,
        "reactivations": sums["reactivations"],
        "new_customers": int(new_counts.get(segment, 0)),
        "total_customers": ends["total_customers"],
        "top10_share": ends["top"] / total_mrr if total_mrr > 0 else None,
        "grr": sums["capped"] / start if measurable else None,
        "nrr": sums["end_mrr"] / start if measurable else None,
        "logo_retention": retained / n if measurable else None,
    }
