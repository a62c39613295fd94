"""Logo and revenue churn by segment for a one-quarter subscriber snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

__all__ = [
    "ALL_SEGMENT",
    "SNAPSHOT_COLUMNS",
    "SNAPSHOT_DEFINITION",
    "Snapshot",
    "SnapshotChurn",
    "SnapshotError",
    "SnapshotSummary",
    "churn_by_segment",
    "load_snapshot",
    "wilson_interval",
]

SNAPSHOT_COLUMNS = (
    "customerID",
    "Contract",
    "InternetService",
    "MonthlyCharges",
    "TotalCharges",
    "Churn",
    "tenure",
)
"""Columns `load_snapshot` requires; other columns are kept as segment fields."""

ALL_SEGMENT = "all"
"""Segment label of the row that covers every subscriber."""

SNAPSHOT_DEFINITION = (
    "one-quarter snapshot; logo churn = share of subscribers with Churn = Yes; "
    "revenue churn = their monthly charges over all monthly charges; "
    "no dates, so no cohort or window"
)

# Two-sided 95 % standard normal quantile.
_Z95 = Decimal("1.959963984540054")

_ROWS_SQL = """
CREATE TABLE subscribers AS
SELECT
    row_number() OVER () + 1 AS _line,
    *
FROM read_csv(?, header = true, all_varchar = true)
"""

_TYPED_SQL = """
CREATE TABLE typed AS
SELECT
    _line,
    trim("{customer}") AS _customer_id,
    TRY_CAST(trim("{monthly}") AS DECIMAL(18, 2)) AS _monthly_charges,
    trim("{total}") = '' OR "{total}" IS NULL AS _total_blank,
    trim("{churn}") = 'Yes' AS _churned,
    *
FROM subscribers
"""


class SnapshotError(Exception):
    """A snapshot file that cannot be read, with its place and the remedy."""


@dataclass(frozen=True)
class SnapshotSummary:
    """Counts of what the snapshot contains, including blank `TotalCharges`."""

    source: str
    rows_read: int
    churned: int
    blank_total_charges: int
    blank_total_charges_lines: tuple[int, ...]


@dataclass(frozen=True)
class Snapshot:
    """Snapshot rows loaded in an in-memory DuckDB database, with their summary.

    `columns` maps each contract name in `SNAPSHOT_COLUMNS` to the file's own.
    """

    connection: duckdb.DuckDBPyConnection
    summary: SnapshotSummary
    columns: Mapping[str, str]


@dataclass(frozen=True)
class SnapshotChurn:
    """Logo and revenue churn of one segment value, or of `ALL_SEGMENT`.

    `wilson_low` and `wilson_high` bound `logo_churn_rate` at 95 %.
    `revenue_churn_rate` is None when the segment's monthly charges sum to zero.
    """

    field: str
    segment: str
    n: int
    churned: int
    logo_churn_rate: Decimal
    wilson_low: Decimal
    wilson_high: Decimal
    monthly_charges: Decimal
    churned_monthly_charges: Decimal
    revenue_churn_rate: Decimal | None
    definition: str


def load_snapshot(
    path: str | Path, *, columns: Mapping[str, str] | None = None
) -> Snapshot:
    """Read a subscriber snapshot CSV into a `Snapshot`.

    `columns` maps names in `SNAPSHOT_COLUMNS` to the file's own names.

    Raises:
        SnapshotError: when the file is missing, a required column is absent,
            or a customer id, churn flag, charge, tenure or segment is invalid.
    """
    source = Path(path)
    if not source.is_file():
        raise SnapshotError(f"{source}: file not found; check the path")
    names = _column_names(columns)
    connection = duckdb.connect()
    connection.execute(_ROWS_SQL, [str(source)])
    _check_columns(connection, source, names)
    connection.execute(
        _TYPED_SQL.format(
            customer=names["customerID"],
            monthly=names["MonthlyCharges"],
            total=names["TotalCharges"],
            churn=names["Churn"],
        )
    )
    _check_values(connection, source, names)
    _check_duplicates(connection, source, names)
    return Snapshot(connection, _summarise(connection, str(source)), names)


def _column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    names = {name: name for name in SNAPSHOT_COLUMNS}
    for key, value in (columns or {}).items():
        if key not in names:
            raise ValueError(
                f"unknown column mapping key {key!r}; "
                f"use one of {', '.join(SNAPSHOT_COLUMNS)}"
            )
        names[key] = value
    return names


def _check_columns(
    connection: duckdb.DuckDBPyConnection, source: Path, names: Mapping[str, str]
) -> None:
    header = connection.table("subscribers").columns
    missing = [names[key] for key in SNAPSHOT_COLUMNS if names[key] not in header]
    if missing:
        raise SnapshotError(
            f"{source}: missing column(s) {', '.join(missing)}; the header must "
            "name them, or pass columns= to map them to the file's own names"
        )


def _check_values(
    connection: duckdb.DuckDBPyConnection, source: Path, names: Mapping[str, str]
) -> None:
    total, tenure = names["TotalCharges"], names["tenure"]
    checks = (
        ("customerID", "_customer_id IS NULL OR _customer_id = ''", "a customer id"),
        ("Churn", "trim(\"{c}\") NOT IN ('Yes', 'No') OR \"{c}\" IS NULL", "Yes or No"),
        ("MonthlyCharges", "_monthly_charges IS NULL", "a number such as 29.85"),
        (
            "TotalCharges",
            f'NOT _total_blank AND TRY_CAST(trim("{total}") AS DECIMAL(18, 2)) IS NULL',
            "a number or blank",
        ),
        (
            "tenure",
            f"NOT regexp_full_match(coalesce(trim(\"{tenure}\"), ''), '[0-9]+')",
            "a whole number of months, 0 or more",
        ),
        ("Contract", "coalesce(trim(\"{c}\"), '') = ''", "the contract type"),
        ("InternetService", "coalesce(trim(\"{c}\"), '') = ''", "the service type"),
    )
    for key, condition, expected in checks:
        column = names[key]
        row = connection.execute(
            f'SELECT _line, "{column}" FROM typed '
            f"WHERE {condition.format(c=column)} ORDER BY _line LIMIT 1"
        ).fetchone()
        if row is not None:
            raise SnapshotError(
                f"{source}:{row[0]}: invalid value in column '{column}': "
                f"{row[1]!r}; write {expected}"
            )


def _check_duplicates(
    connection: duckdb.DuckDBPyConnection, source: Path, names: Mapping[str, str]
) -> None:
    row = connection.execute(
        """
        SELECT max(_line), _customer_id, min(_line) FROM typed
        GROUP BY _customer_id HAVING count(*) > 1 ORDER BY max(_line) LIMIT 1
        """
    ).fetchone()
    if row is not None:
        raise SnapshotError(
            f"{source}:{row[0]}: invalid value in column '{names['customerID']}': "
            f"{row[1]!r} already appears on line {row[2]}; keep one row per "
            "subscriber"
        )


def _summarise(connection: duckdb.DuckDBPyConnection, source: str) -> SnapshotSummary:
    row = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE _churned) FROM typed"
    ).fetchone()
    assert row is not None
    blank = connection.execute(
        "SELECT _line FROM typed WHERE _total_blank ORDER BY _line"
    ).fetchall()
    return SnapshotSummary(
        source=source,
        rows_read=int(row[0]),
        churned=int(row[1]),
        blank_total_charges=len(blank),
        blank_total_charges_lines=tuple(int(line) for (line,) in blank),
    )


def wilson_interval(successes: int, n: int) -> tuple[Decimal, Decimal]:
    """Return the 95 % Wilson score interval for `successes` out of `n`.

    With p = successes / n and z = 1.959963984540054, the bounds are
    (p + z²/2n ± z·sqrt(p(1 - p)/n + z²/4n²)) / (1 + z²/n).
    """
    if n <= 0:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and {n}, got {successes}")
    size = Decimal(n)
    share = Decimal(successes) / size
    z_squared = _Z95 * _Z95
    centre = share + z_squared / (2 * size)
    spread = _Z95 * (share * (1 - share) / size + z_squared / (4 * size * size)).sqrt()
    scale = 1 + z_squared / size
    # At p = 0 or p = 1 one bound is exactly 0 or 1; rounding would leave 1e-28.
    low = Decimal(0) if successes == 0 else (centre - spread) / scale
    high = Decimal(1) if successes == n else (centre + spread) / scale
    return low, high


def churn_by_segment(
    snapshot: Snapshot, *, segment_field: str = "Contract"
) -> list[SnapshotChurn]:
    """Compute logo and revenue churn per value of `segment_field`, then for all.

    Segments are ordered by value and the `ALL_SEGMENT` row comes last. A blank
    segment value is its own segment, labelled by the empty string.

    Raises:
        ValueError: when `segment_field` is not a column of the snapshot, or
            one of its values is `ALL_SEGMENT`.
    """
    header = snapshot.connection.table("subscribers").columns
    column = snapshot.columns.get(segment_field, segment_field)
    if column not in header:
        raise ValueError(
            f"unknown segment field {segment_field!r}; use a column of "
            f"{snapshot.summary.source}: {', '.join(header[1:])}"
        )
    rows = snapshot.connection.execute(
        f"""
        SELECT coalesce(trim("{column}"), '') AS segment, count(*),
               count(*) FILTER (WHERE _churned),
               sum(_monthly_charges),
               coalesce(sum(_monthly_charges) FILTER (WHERE _churned), 0)
        FROM typed GROUP BY ALL ORDER BY segment
        """
    ).fetchall()
    if any(row[0] == ALL_SEGMENT for row in rows):
        raise ValueError(
            f"segment field {segment_field!r} has the value {ALL_SEGMENT!r}, "
            "which names the total row; rename that value in the file"
        )
    figures = [_figure(segment_field, row) for row in rows]
    total = (ALL_SEGMENT, *(sum(row[index] for row in rows) for index in range(1, 5)))
    if rows:
        figures.append(_figure(segment_field, total))
    return figures


def _figure(field: str, row: tuple[object, ...]) -> SnapshotChurn:
    segment, n, churned, charges, churned_charges = row
    size, count = int(str(n)), int(str(churned))
    amount, churned_amount = Decimal(str(charges)), Decimal(str(churned_charges))
    low, high = wilson_interval(count, size)
    return SnapshotChurn(
        field=field,
        segment=str(segment),
        n=size,
        churned=count,
        logo_churn_rate=Decimal(count) / Decimal(size),
        wilson_low=low,
        wilson_high=high,
        monthly_charges=amount,
        churned_monthly_charges=churned_amount,
        revenue_churn_rate=churned_amount / amount if amount else None,
        definition=SNAPSHOT_DEFINITION,
    )
