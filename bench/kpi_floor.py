"""Compute the benchmark's monthly retention KPIs as one DuckDB SQL query.

This is the floor that boardloop's engine is compared with: the same
definitions that bench/kpis.py states, written by hand over the Parquet files
that bench/ledger.py writes.

Money is summed as exact integers in 1/1200 of a currency unit (cents times 12),
because a yearly charge adds amount / 12 to each month it covers. So a customer
whose MRR did not change compares equal between two months, and expansion and
contraction are never float noise. Money is divided back into currency units
only in the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

__all__ = ["ALL_SEGMENT", "UNKNOWN_SEGMENT", "compute"]

ALL_SEGMENT = "all"
"""Segment label of the rows that cover every customer."""

UNKNOWN_SEGMENT = "unknown"
"""Segment of ledger customers without a customer row or with a blank segment."""

# Currency units per internal money unit: cents (100) times 12 months.
_UNITS = 1200

_SQL = """
WITH charges AS (
    SELECT
        customer_id,
        year(date) * 12 + month(date) - 1 AS first_month,
        CASE plan_interval
            WHEN 'month' THEN 1
            WHEN 'year' THEN 12
            ELSE error('unsupported plan_interval ' || coalesce(
                '''' || plan_interval || '''', 'NULL') || '; use month or year')
        END AS months,
        CAST(round(amount * 100) AS BIGINT) AS cents
    FROM read_parquet($ledger)
    WHERE NOT one_time
),
-- One row per charge and month it covers, in 1/1200 currency units per month.
spread AS (
    SELECT
        customer_id,
        first_month + unnest(range(months)) AS month,
        cents * (12 // months) AS units
    FROM charges
),
active AS (
    SELECT customer_id, month, sum(units) AS mrr
    FROM spread
    GROUP BY customer_id, month
    HAVING sum(units) > 0
),
segmented AS (
    SELECT
        a.customer_id,
        a.month,
        a.mrr,
        coalesce(nullif(trim(c.segment), ''), $unknown) AS segment
    FROM active AS a
    LEFT JOIN read_parquet($customers) AS c USING (customer_id)
),
-- Active months are distinct and ordered, so the k-th next active month is
-- month + k exactly when every month in between is active too. The customer's
-- active month L = month + k, if any, is one of the next k active months.
timeline AS MATERIALIZED (
    SELECT
        segment,
        month,
        mrr,
        coalesce(lead(month, $window) OVER later = month + $window, false)
            AS retained,
        {end_mrr} AS end_mrr,
        lag(month) OVER later IS NULL AS first_active
    FROM segmented
    WINDOW later AS (PARTITION BY customer_id ORDER BY month)
),
bounds AS (
    -- The last point is the last month a charge starts in: a yearly charge
    -- spreads revenue into months the ledger has not reached.
    SELECT
        min(month) + $window AS first_point,
        (SELECT max(first_month) FROM charges) AS last_point
    FROM timeline
),
points AS (
    SELECT unnest(range(first_point, last_point + 1)) AS point FROM bounds
),
segments AS (
    SELECT DISTINCT segment FROM timeline
    UNION ALL
    SELECT $all
),
classified AS (
    SELECT
        segment,
        month + $window AS point,
        mrr AS start_mrr,
        end_mrr,
        retained,
        CASE WHEN retained THEN end_mrr ELSE 0 END AS kept
    FROM timeline, bounds
    WHERE month + $window BETWEEN first_point AND last_point
),
cohort_totals AS (
    SELECT
        point,
        CASE WHEN grouping(segment) = 1 THEN $all ELSE segment END AS segment,
        count(*) AS n,
        count(*) FILTER (retained) AS retained,
        sum(start_mrr) AS start_mrr,
        sum(kept) AS end_mrr,
        sum(least(kept, start_mrr)) AS capped,
        sum(greatest(kept - start_mrr, 0)) FILTER (retained) AS expansion,
        sum(greatest(start_mrr - kept, 0)) FILTER (retained) AS contraction,
        sum(start_mrr) FILTER (NOT retained) AS churned_revenue,
        count(*) FILTER (NOT retained AND end_mrr > 0) AS reactivations
    FROM classified
    GROUP BY GROUPING SETS ((point, segment), (point))
),
end_totals AS (
    SELECT
        month AS point,
        CASE WHEN grouping(segment) = 1 THEN $all ELSE segment END AS segment,
        count(*) AS total_customers,
        sum(mrr) AS total_mrr,
        list_sum(max(mrr, 10)) AS top10_mrr
    FROM timeline, bounds
    WHERE month BETWEEN first_point AND last_point
    GROUP BY GROUPING SETS ((month, segment), (month))
),
-- A customer is new at each of the k points whose window contains its first
-- active month.
arrivals AS (
    SELECT segment, month + unnest(range($window)) AS point
    FROM timeline
    WHERE first_active
),
new_totals AS (
    SELECT
        point,
        CASE WHEN grouping(segment) = 1 THEN $all ELSE segment END AS segment,
        count(*) AS new_customers
    FROM arrivals, bounds
    WHERE point BETWEEN first_point AND last_point
    GROUP BY GROUPING SETS ((point, segment), (point))
),
grid AS (
    SELECT
        p.point,
        s.segment,
        coalesce(c.n, 0) AS n,
        coalesce(c.retained, 0) AS retained,
        coalesce(c.start_mrr, 0) AS start_mrr,
        coalesce(c.end_mrr, 0) AS end_mrr,
        coalesce(c.capped, 0) AS capped,
        coalesce(c.expansion, 0) AS expansion,
        coalesce(c.contraction, 0) AS contraction,
        coalesce(c.churned_revenue, 0) AS churned_revenue,
        coalesce(c.reactivations, 0) AS reactivations,
        coalesce(w.new_customers, 0) AS new_customers,
        coalesce(e.total_customers, 0) AS total_customers,
        e.total_mrr,
        e.top10_mrr
    FROM points AS p
    CROSS JOIN segments AS s
    LEFT JOIN cohort_totals AS c USING (point, segment)
    LEFT JOIN end_totals AS e USING (point, segment)
    LEFT JOIN new_totals AS w USING (point, segment)
)
SELECT
    printf('%04d-%02d', point // 12, point % 12 + 1) AS month,
    segment,
    n,
    retained,
    n - retained AS churned,
    start_mrr / $units AS start_mrr,
    end_mrr / $units AS end_mrr,
    capped / $units AS capped,
    expansion / $units AS expansion,
    contraction / $units AS contraction,
    churned_revenue / $units AS churned_revenue,
    reactivations,
    new_customers,
    total_customers,
    CASE WHEN total_mrr > 0 THEN top10_mrr::DOUBLE / total_mrr::DOUBLE END
        AS top10_share,
    CASE WHEN n > 0 AND start_mrr <> 0
        THEN capped::DOUBLE / start_mrr::DOUBLE END AS grr,
    CASE WHEN n > 0 AND start_mrr <> 0
        THEN end_mrr::DOUBLE / start_mrr::DOUBLE END AS nrr,
    CASE WHEN n > 0 AND start_mrr <> 0
        THEN retained::DOUBLE / n::DOUBLE END AS logo_retention
FROM grid
ORDER BY point, segment
"""


def _sql(window: int) -> str:
    """Return the query, with one CASE branch per lead offset 1..`window`."""
    branches = "\n".join(
        f"            WHEN lead(month, {offset}) OVER later = month + $window"
        f" THEN lead(mrr, {offset}) OVER later"
        for offset in range(1, window + 1)
    )
    end_mrr = f"CASE\n{branches}\n            ELSE 0\n        END"
    return _SQL.replace("{end_mrr}", end_mrr)


def compute(data_dir: Path, window: int = 1) -> list[dict[str, Any]]:
    """Read ledger.parquet and customers.parquet in `data_dir` and compute KPIs.

    Returns one row per month and segment, as bench/kpis.py defines them. A
    window of k months compares each month M with M - k.

    Raises:
        ValueError: when `window` is below 1.
        duckdb.Error: on a plan interval other than month or year, or an
            unreadable file.
    """
    if window < 1:
        raise ValueError(f"invalid window {window}; use 1 or more months")
    parameters = {
        "ledger": str(data_dir / "ledger.parquet"),
        "customers": str(data_dir / "customers.parquet"),
        "window": window,
        "all": ALL_SEGMENT,
        "unknown": UNKNOWN_SEGMENT,
        "units": float(_UNITS),
    }
    connection = duckdb.connect()
    try:
        connection.execute("SET enable_progress_bar = false")
        cursor = connection.execute(_sql(window), parameters)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()
