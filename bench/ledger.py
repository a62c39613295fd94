"""Generate a seeded, realistic revenue ledger and customer table for benchmarks.

Usage: python bench/ledger.py OUT_DIR [--customers 100000] [--months 36] [--seed 7]
       [--start 2024-01-01] [--format parquet|csv]

Writes OUT_DIR/ledger.parquet and OUT_DIR/customers.parquet (or .csv). The
ledger follows the input contract of `boardloop.metrics.load_ledger`:
customer_id, date, amount, currency, plan_interval, one_time, subscription_id.

Each customer gets a segment (SMB 70 %, Mid-market 22 %, Enterprise 8 %) and
an acquisition month, and 35 % are already customers in the first month. The
starting MRR is drawn log-normally around the segment's median, and the monthly
churn hazard depends on the segment. Every billed month may step MRR up
(expansion) or down (contraction). A churned customer may come back once after
a gap of 1 to 12 months. Some customers pay yearly, billed 12 times their MRR
at each renewal, and some pay a one-time setup fee in their first month.

All randomness comes from DuckDB's `hash` of (seed, customer, month, purpose),
so the same arguments write the same rows, sorted by customer and date. With
seed 7 and 36 months the ledger has about 16 rows per customer (16.1 million
rows for 1 million customers), because customers arrive over the months and
churn.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

__all__ = ["SEGMENTS", "generate_ledger", "main"]

Format = Literal["parquet", "csv"]

SEGMENTS = ("SMB", "Mid-market", "Enterprise")
"""Customer segments, smallest accounts first."""

# Per-segment parameters as SQL CASE expressions over `segment`, in SEGMENTS
# order: median starting MRR, monthly churn hazard, share on yearly plans,
# chance to come back after churn, monthly expansion and contraction chance,
# share paying a setup fee.
_PARAMETERS = {
    "median_mrr": (120.0, 1500.0, 12000.0),
    "hazard": (0.030, 0.015, 0.007),
    "annual_share": (0.05, 0.25, 0.45),
    "return_chance": (0.15, 0.10, 0.06),
    "expand_chance": (0.030, 0.040, 0.050),
    "contract_chance": (0.020, 0.015, 0.010),
    "fee_share": (0.05, 0.30, 0.60),
}
# Share of customers who are already paying in the first ledger month.
_EXISTING_SHARE = 0.35
# Log-normal spread of starting MRR around the segment median.
_MRR_SIGMA = 0.6


def generate_ledger(
    out_dir: str | Path,
    *,
    customers: int,
    months: int = 36,
    seed: int = 7,
    start: date = date(2024, 1, 1),
    fmt: Format = "parquet",
) -> dict[str, int]:
    """Write a seeded ledger and customer table to `out_dir` and return counts.

    The counts are `rows` (ledger rows), `customers`, `churned` (customers
    whose first subscription ended inside the ledger), `reactivated` (churned
    customers who came back inside it), `annual_rows` and `one_time_rows`.

    Raises:
        ValueError: on a non-positive customer or month count, a negative
            seed or an unknown format.
    """
    _check_arguments(customers, months, seed, fmt)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ledger_path = out / f"ledger.{fmt}"
    customers_path = out / f"customers.{fmt}"

    connection = duckdb.connect()
    try:
        connection.execute(_noise_macros(seed))
        connection.execute(_profile_sql(customers, months, start))
        connection.execute(_ledger_sql(months, start))
        _copy(connection, "SELECT * FROM ledger", ledger_path, fmt)
        customer_query = (
            "SELECT customer_id, segment, acquired_on FROM profile ORDER BY i"
        )
        _copy(connection, customer_query, customers_path, fmt)
        return _counts(connection, months)
    finally:
        connection.close()


def _check_arguments(customers: int, months: int, seed: int, fmt: str) -> None:
    if customers < 1:
        raise ValueError(f"invalid customer count {customers}; use 1 or more")
    if months < 1:
        raise ValueError(f"invalid month count {months}; use 1 or more")
    if seed < 0:
        raise ValueError(f"invalid seed {seed}; use 0 or more")
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r}; use 'parquet' or 'csv'")


def _noise_macros(seed: int) -> str:
    """Return macros for uniform draws in (0, 1) keyed by customer and purpose."""
    # DuckDB's hash of several values mixes them weakly (draws for two purposes
    # correlate), so the combined hash is hashed again. The top 53 bits make
    # the double.
    return f"""
    CREATE MACRO uniform(i, purpose) AS
        ((hash(hash({seed}, i, purpose)) >> 11)::DOUBLE + 0.5) / 9007199254740992.0;
    CREATE MACRO monthly_uniform(i, m, purpose) AS
        ((hash(hash({seed}, i, m, purpose)) >> 11)::DOUBLE + 0.5)
        / 9007199254740992.0;
    """


def _by_segment(name: str) -> str:
    smb, mid, enterprise = _PARAMETERS[name]
    return (
        f"CASE segment WHEN 'SMB' THEN {smb} WHEN 'Mid-market' THEN {mid} "
        f"ELSE {enterprise} END AS {name}"
    )


def _profile_sql(customers: int, months: int, start: date) -> str:
    """Return SQL creating `profile`: one row per customer with its life events."""
    parameters = ",\n            ".join(_by_segment(name) for name in _PARAMETERS)
    existing = _EXISTING_SHARE
    return f"""
    CREATE TABLE profile AS
    WITH drawn AS (
        SELECT
            i,
            printf('C%07d', i) AS customer_id,
            CASE
                WHEN uniform(i, 'segment') < 0.70 THEN 'SMB'
                WHEN uniform(i, 'segment') < 0.92 THEN 'Mid-market'
                ELSE 'Enterprise'
            END AS segment,
            uniform(i, 'acquired') AS u_acquired,
            1 + floor(uniform(i, 'day') * 28)::INTEGER AS billing_day
        FROM range({customers}) AS t(i)
    ),
    with_parameters AS (
        SELECT
            *,
            {parameters}
        FROM drawn
    ),
    -- Acquisition month index, starting MRR, yearly plan and first lifetime.
    -- A lifetime in months is geometric: ceil(ln(u) / ln(1 - hazard)).
    lives AS (
        SELECT
            *,
            CASE WHEN u_acquired < {existing} THEN 0
                ELSE floor((u_acquired - {existing}) / (1 - {existing}) * {months})
            END::INTEGER AS first_month,
            greatest(10.0, round(median_mrr * exp({_MRR_SIGMA}
                * sqrt(-2 * ln(uniform(i, 'mrr-radius')))
                * cos(2 * pi() * uniform(i, 'mrr-angle'))), 2)) AS start_mrr,
            uniform(i, 'annual') < annual_share AS annual,
            greatest(1, ceil(ln(uniform(i, 'life-1')) / ln(1 - hazard)))::INTEGER
                AS life_1,
            greatest(1, ceil(ln(uniform(i, 'life-2')) / ln(1 - hazard)))::INTEGER
                AS life_2,
            1 + floor(uniform(i, 'gap') * 12)::INTEGER AS gap
        FROM with_parameters
    ),
    -- Yearly customers can only leave at a renewal, so their lifetimes are
    -- rounded up to whole years.
    spans AS (
        SELECT
            *,
            first_month + CASE WHEN annual THEN 12 * ceil(life_1 / 12)::INTEGER
                ELSE life_1 END AS end_1,
            CASE WHEN annual THEN 12 * ceil(life_2 / 12)::INTEGER
                ELSE life_2 END AS span_2
        FROM lives
    )
    SELECT
        *,
        CASE
            WHEN u_acquired < {existing} THEN DATE '{start.isoformat()}'
                - to_months(1 + floor(uniform(i, 'tenure') * 36)::INTEGER)
                + to_days(billing_day - 1)
            ELSE DATE '{start.isoformat()}' + to_months(first_month)
                + to_days(billing_day - 1)
        END::DATE AS acquired_on,
        end_1 < {months} AS churned,
        end_1 < {months} AND uniform(i, 'return') < return_chance AS returns,
        end_1 + gap AS start_2,
        end_1 + gap + span_2 AS end_2
    FROM spans
    """


def _ledger_sql(months: int, start: date) -> str:
    """Return SQL creating `ledger`: recurring charges plus one-time setup fees."""
    return f"""
    CREATE TABLE ledger AS
    WITH spells AS (
        SELECT i, 1 AS spell, first_month, least(end_1, {months}) AS stop
        FROM profile
        UNION ALL
        SELECT i, 2 AS spell, start_2, least(end_2, {months}) AS stop
        FROM profile
        WHERE returns AND start_2 < {months}
    ),
    billed AS (
        SELECT
            s.i,
            s.spell,
            unnest(range(s.first_month, s.stop, CASE WHEN p.annual THEN 12 ELSE 1 END))
                AS m
        FROM spells AS s
        JOIN profile AS p USING (i)
    ),
    -- Each billed period may step MRR up or down. A yearly renewal covers
    -- twelve months of change, so its step chance is six times the monthly.
    -- Steps are log factors in millionths, summed as integers so the running
    -- total is exact.
    stepped AS (
        SELECT
            b.*,
            CASE
                WHEN b.m = p.first_month THEN 0
                WHEN monthly_uniform(b.i, b.m, 'step')
                    < p.expand_chance * CASE WHEN p.annual THEN 6 ELSE 1 END
                    THEN round(1e6 * ln(1.05 + 0.45
                        * monthly_uniform(b.i, b.m, 'size')))
                WHEN monthly_uniform(b.i, b.m, 'step')
                    < (p.expand_chance + p.contract_chance)
                    * CASE WHEN p.annual THEN 6 ELSE 1 END
                    THEN round(1e6 * ln(0.95 - 0.35
                        * monthly_uniform(b.i, b.m, 'size')))
                ELSE 0
            END::BIGINT AS step
        FROM billed AS b
        JOIN profile AS p USING (i)
    ),
    priced AS (
        SELECT
            i,
            spell,
            m,
            sum(step) OVER (PARTITION BY i ORDER BY m) AS log_factor
        FROM stepped
    ),
    recurring AS (
        SELECT
            p.customer_id,
            (DATE '{start.isoformat()}' + to_months(c.m)
                + to_days(p.billing_day - 1))::DATE AS date,
            (greatest(1.0, round(p.start_mrr * exp(c.log_factor / 1e6), 2))
                * CASE WHEN p.annual THEN 12 ELSE 1 END)::DECIMAL(18, 2) AS amount,
            'USD' AS currency,
            CASE WHEN p.annual THEN 'year' ELSE 'month' END AS plan_interval,
            false AS one_time,
            p.customer_id || '-S' || c.spell AS subscription_id
        FROM priced AS c
        JOIN profile AS p USING (i)
    ),
    setup_fees AS (
        SELECT
            customer_id,
            (DATE '{start.isoformat()}' + to_months(first_month)
                + to_days(billing_day - 1))::DATE AS date,
            round(start_mrr * (1 + 2 * uniform(i, 'fee-size')), 2)::DECIMAL(18, 2)
                AS amount,
            'USD' AS currency,
            NULL::VARCHAR AS plan_interval,
            true AS one_time,
            customer_id || '-setup' AS subscription_id
        FROM profile
        WHERE uniform(i, 'fee') < fee_share
    )
    SELECT * FROM recurring
    UNION ALL
    SELECT * FROM setup_fees
    ORDER BY customer_id, date, one_time
    """


def _copy(
    connection: duckdb.DuckDBPyConnection, query: str, path: Path, fmt: Format
) -> None:
    quoted = str(path).replace("'", "''")
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "HEADER"
    connection.execute(f"COPY ({query}) TO '{quoted}' ({options})")


def _counts(connection: duckdb.DuckDBPyConnection, months: int) -> dict[str, int]:
    ledger_row = connection.execute(
        "SELECT count(*), count(*) FILTER (plan_interval = 'year'),"
        " count(*) FILTER (one_time) FROM ledger"
    ).fetchone()
    profile_row = connection.execute(
        "SELECT count(*), count(*) FILTER (churned),"
        " count(*) FILTER (returns AND start_2 < ?) FROM profile",
        [months],
    ).fetchone()
    assert ledger_row is not None and profile_row is not None
    rows, annual_rows, one_time_rows = ledger_row
    customers, churned, reactivated = profile_row
    return {
        "rows": rows,
        "customers": customers,
        "churned": churned,
        "reactivated": reactivated,
        "annual_rows": annual_rows,
        "one_time_rows": one_time_rows,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the generator from the command line and print counts and wall time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1))
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    options = parser.parse_args(argv)

    began = time.perf_counter()
    counts = generate_ledger(
        options.out_dir,
        customers=options.customers,
        months=options.months,
        seed=options.seed,
        start=options.start,
        fmt=options.format,
    )
    seconds = time.perf_counter() - began
    summary = ", ".join(f"{name} {value}" for name, value in counts.items())
    print(f"wrote {options.out_dir} in {seconds:.1f} s: {summary}")


if __name__ == "__main__":
    main()
