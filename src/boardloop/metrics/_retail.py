"""Purchase-based activity and cohort retention for a retail invoice ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

import duckdb

__all__ = [
    "RETAIL_COLUMNS",
    "CohortFigure",
    "MonthlyActive",
    "RetailError",
    "RetailLedger",
    "RetailSummary",
    "cohort_retention",
    "load_transactions",
    "monthly_active",
]

RETAIL_COLUMNS = (
    "InvoiceNo",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
"""Columns `load_transactions` requires; other columns are read and ignored."""

_LINES_SQL = """
CREATE TABLE lines AS
SELECT
    row_number() OVER () + 1 AS line,
    trim(InvoiceNo) AS invoice,
    upper(trim(InvoiceNo)) LIKE 'C%' AS cancelled,
    TRY_CAST(Quantity AS DECIMAL(18, 3)) AS quantity,
    TRY_CAST(UnitPrice AS DECIMAL(18, 4)) AS unit_price,
    TRY_CAST(InvoiceDate AS TIMESTAMP) AS invoiced_at,
    NULLIF(trim(CustomerID), '') AS raw_customer,
    TRY_CAST(TRY_CAST(NULLIF(trim(CustomerID), '') AS DOUBLE) AS BIGINT)::VARCHAR
        AS customer_id,
    trim(Country) AS country,
    Quantity AS raw_quantity,
    UnitPrice AS raw_unit_price,
    InvoiceDate AS raw_date
FROM read_csv(?, header = true, all_varchar = true)
"""

# Revenue per customer and month nets cancellations against purchases.
_MONTHLY_SQL = """
CREATE TABLE customer_months AS
SELECT customer_id, date_trunc('month', invoiced_at)::DATE AS month,
       sum(quantity * unit_price) AS revenue
FROM lines WHERE customer_id IS NOT NULL
GROUP BY ALL
"""

# A customer's acquisition month and country come from their first purchase.
_CUSTOMERS_SQL = """
CREATE TABLE customers AS
SELECT customer_id,
       date_trunc('month', min(invoiced_at))::DATE AS cohort,
       arg_min(country, invoiced_at) AS country
FROM lines WHERE customer_id IS NOT NULL AND NOT cancelled
GROUP BY customer_id
"""

_PURCHASES_SQL = """
CREATE TABLE purchase_days AS
SELECT DISTINCT customer_id, invoiced_at::DATE AS day
FROM lines WHERE customer_id IS NOT NULL AND NOT cancelled
"""

_MONTHS_SQL = """
CREATE TABLE months AS
SELECT DISTINCT date_trunc('month', invoiced_at)::DATE AS month FROM lines
"""

# Active at month m: a purchase in the `active_days` days ending on the month's
# last day. A month after the last invoice date is not in the ledger.
_ACTIVE_SQL = """
SELECT m.month, p.customer_id
FROM months m JOIN purchase_days p
  ON p.day <= last_day(m.month)
 AND p.day > last_day(m.month) - CAST(? AS INTEGER)
GROUP BY ALL
"""


class RetailError(Exception):
    """A retail ledger that cannot be read, with its place and the remedy."""


@dataclass(frozen=True)
class RetailSummary:
    """Counts of what the ledger holds, including lines the figures exclude."""

    source: str
    rows_read: int
    cancelled_lines: int
    cancelled_value: Decimal
    missing_customer_lines: int
    missing_customer_value: Decimal
    customers: int
    months: tuple[date, ...]


@dataclass(frozen=True)
class RetailLedger:
    """Invoice lines loaded in an in-memory DuckDB database, with their summary."""

    connection: duckdb.DuckDBPyConnection
    summary: RetailSummary


@dataclass(frozen=True)
class MonthlyActive:
    """Customers active at the end of one month."""

    month: date
    active: int
    n: int
    definition: str


@dataclass(frozen=True)
class CohortFigure:
    """Logo and revenue retention of one cohort, `offset` months after acquisition.

    `logo_retention` is None for an empty cohort; `revenue_retention` is None
    when the cohort's month-0 revenue is not positive.
    """

    cohort: date
    country: str | None
    offset: int
    month: date
    n: int
    active: int
    logo_retention: Decimal | None
    revenue: Decimal
    revenue_month0: Decimal
    revenue_retention: Decimal | None
    definition: str


def load_transactions(path: str | Path) -> RetailLedger:
    """Read an invoice-line CSV (plain or gzip) into a `RetailLedger`.

    Raises:
        RetailError: when the file is missing, a required column is absent,
            or a quantity, price, date or customer id is unreadable.
    """
    source = Path(path)
    if not source.is_file():
        raise RetailError(f"{source}: file not found; check the path")
    connection = duckdb.connect()
    _check_columns(connection, source)
    connection.execute(_LINES_SQL, [str(source)])
    _check_values(connection, source)
    for statement in (_MONTHLY_SQL, _CUSTOMERS_SQL, _PURCHASES_SQL, _MONTHS_SQL):
        connection.execute(statement)
    return RetailLedger(connection, _summarise(connection, str(source)))


def _check_columns(connection: duckdb.DuckDBPyConnection, source: Path) -> None:
    relation = connection.sql(
        "SELECT * FROM read_csv(?, header = true, all_varchar = true) LIMIT 0",
        params=[str(source)],
    )
    missing = [name for name in RETAIL_COLUMNS if name not in relation.columns]
    if missing:
        raise RetailError(
            f"{source}: missing column(s) {', '.join(missing)}; "
            f"the header must name {', '.join(RETAIL_COLUMNS)}"
        )


def _check_values(connection: duckdb.DuckDBPyConnection, source: Path) -> None:
    checks = (
        ("Quantity", "quantity IS NULL", "raw_quantity", "a number"),
        ("UnitPrice", "unit_price IS NULL", "raw_unit_price", "a number"),
        ("InvoiceDate", "invoiced_at IS NULL", "raw_date", "YYYY-MM-DD HH:MM:SS"),
        (
            "CustomerID",
            "raw_customer IS NOT NULL AND customer_id IS NULL",
            "raw_customer",
            "a whole number or blank",
        ),
    )
    for column, condition, raw, expected in checks:
        row = connection.execute(
            f"SELECT line, {raw} FROM lines WHERE {condition} ORDER BY line LIMIT 1"
        ).fetchone()
        if row is not None:
            raise RetailError(
                f"{source}:{row[0]}: invalid value in column '{column}': "
                f"{row[1]!r}; write {expected}"
            )


def _summarise(connection: duckdb.DuckDBPyConnection, source: str) -> RetailSummary:
    row = connection.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE cancelled),
               coalesce(sum(quantity * unit_price) FILTER (WHERE cancelled), 0),
               count(*) FILTER (WHERE customer_id IS NULL),
               coalesce(sum(quantity * unit_price)
                        FILTER (WHERE customer_id IS NULL), 0),
               count(DISTINCT customer_id)
        FROM lines
        """
    ).fetchone()
    assert row is not None
    months = connection.execute("SELECT month FROM months ORDER BY month").fetchall()
    return RetailSummary(
        source=source,
        rows_read=int(row[0]),
        cancelled_lines=int(row[1]),
        cancelled_value=Decimal(row[2]),
        missing_customer_lines=int(row[3]),
        missing_customer_value=Decimal(row[4]),
        customers=int(row[5]),
        months=tuple(month for (month,) in months),
    )


def _definition(active_days: int) -> str:
    return (
        f"active = at least one purchase (invoice not starting with 'C') in the "
        f"{active_days} days ending on the month's last day; lines without a "
        "CustomerID are excluded; revenue = Quantity * UnitPrice per line, with "
        "cancellations netted against the customer's month revenue; cohort = "
        "month (and, when split by it, country) of the customer's first purchase"
    )


def _check_days(active_days: int) -> None:
    if active_days < 1:
        raise ValueError(f"active_days must be at least 1, got {active_days}")


def monthly_active(
    ledger: RetailLedger, *, active_days: int = 90
) -> list[MonthlyActive]:
    """Count active customers at the end of each ledger month.

    `n` is the number of customers acquired by the end of that month.
    """
    _check_days(active_days)
    rows = ledger.connection.execute(
        f"""
        WITH active AS ({_ACTIVE_SQL})
        SELECT m.month,
               (SELECT count(*) FROM active a WHERE a.month = m.month),
               (SELECT count(*) FROM customers c WHERE c.cohort <= m.month)
        FROM months m ORDER BY m.month
        """,
        [active_days],
    ).fetchall()
    definition = _definition(active_days)
    return [
        MonthlyActive(
            month=row[0], active=int(row[1]), n=int(row[2]), definition=definition
        )
        for row in rows
    ]


def cohort_retention(
    ledger: RetailLedger,
    *,
    active_days: int = 90,
    by: Literal["month", "country"] = "month",
) -> list[CohortFigure]:
    """Compute logo and revenue retention per acquisition cohort and later month.

    With `by="country"` a cohort is an acquisition month and a country.
    Offsets run from 0 to the last ledger month.
    """
    _check_days(active_days)
    country = "c.country" if by == "country" else "NULL::VARCHAR"
    rows = ledger.connection.execute(
        f"""
        WITH active AS ({_ACTIVE_SQL}),
        members AS (SELECT customer_id, cohort, {country} AS country FROM customers c),
        sizes AS (SELECT cohort, country, count(*) AS n FROM members GROUP BY ALL),
        grid AS (
            SELECT s.cohort, s.country, s.n, m.month
            FROM sizes s JOIN months m ON m.month >= s.cohort
        ),
        flags AS (
            SELECT g.cohort, g.country, g.month,
                   count(a.customer_id) AS active,
                   coalesce(sum(r.revenue), 0) AS revenue
            FROM grid g
            JOIN members b ON b.cohort = g.cohort
                AND b.country IS NOT DISTINCT FROM g.country
            LEFT JOIN active a ON a.customer_id = b.customer_id AND a.month = g.month
            LEFT JOIN customer_months r
                ON r.customer_id = b.customer_id AND r.month = g.month
            GROUP BY ALL
        )
        SELECT g.cohort, g.country, g.month, g.n, f.active, f.revenue,
               first(f.revenue) OVER (
                   PARTITION BY g.cohort, g.country ORDER BY g.month
               ) AS revenue0
        FROM grid g JOIN flags f ON f.cohort = g.cohort
            AND f.country IS NOT DISTINCT FROM g.country AND f.month = g.month
        ORDER BY g.cohort, g.country NULLS FIRST, g.month
        """,
        [active_days],
    ).fetchall()
    definition = _definition(active_days)
    return [_figure(row, definition) for row in rows]


def _figure(row: tuple[object, ...], definition: str) -> CohortFigure:
    cohort, country, month, n, active, revenue, revenue0 = row
    assert isinstance(cohort, date) and isinstance(month, date)
    size, count = int(str(n)), int(str(active))
    amount, amount0 = Decimal(str(revenue)), Decimal(str(revenue0))
    return CohortFigure(
        cohort=cohort,
        country=None if country is None else str(country),
        offset=(month.year - cohort.year) * 12 + month.month - cohort.month,
        month=month,
        n=size,
        active=count,
        logo_retention=Decimal(count) / Decimal(size) if size else None,
        revenue=amount,
        revenue_month0=amount0,
        revenue_retention=amount / amount0 if amount0 > 0 else None,
        definition=definition,
    )
