"""NPS survey responses: input contract, score and adjusted-Wald margin of error."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardloop.metrics._ledger import (
    LedgerError,
    _records,
    _reject_missing_ids,
    _text,
    _to_arrow,
)
from boardloop.metrics._ledger import _column_names as _ledger_column_names

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._customers import CustomerTable

__all__ = [
    "DEFAULT_MIN_N",
    "NPS_COLUMNS",
    "NpsError",
    "NpsFigure",
    "NpsResponses",
    "load_nps",
    "nps",
]

NPS_COLUMNS = ("customer_id", "responded_at", "score")
"""Canonical NPS columns; `columns=` maps them to an input's own names."""

DEFAULT_MIN_N = 30
"""Response count below which an NPS figure is marked `low_n`."""

# Two-sided 95 % normal quantile.
_Z95 = 1.959963984540054
_SCHEMA = {"customer_id": "string", "responded_at": "date", "score": "int8"}


class NpsError(LedgerError):
    """An NPS response value that cannot be used, with its place and remedy."""


@dataclass(frozen=True)
class NpsResponses:
    """Validated NPS responses: `customer_id`, `responded_at`, `score` (0-10).

    `backend` is the Ibis connection that runs the NPS queries; None means
    Ibis's default backend, an in-memory DuckDB.
    """

    table: ir.Table
    source: str
    rows_read: int
    backend: BaseBackend | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class NpsFigure:
    """NPS over one window, in points from -100 to 100.

    `score`, `margin`, `low` and `high` are None when there are no responses.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    margin: float | None
    low: float | None
    high: float | None
    low_n: bool
    definition: str


@dataclass(frozen=True)
class _Response:
    customer_id: str
    responded_at: date
    score: int


def load_nps(
    path_or_table: str | Path | ir.Table,
    *,
    columns: Mapping[str, str] | None = None,
    backend: BaseBackend | None = None,
) -> NpsResponses:
    """Read a CSV, Parquet or Ibis table of NPS responses into `NpsResponses`.

    Args:
        path_or_table: the file or table, one row per response.
        columns: maps canonical column names to the input's own names.
        backend: the Ibis connection that runs the NPS queries, such as
            `ibis.postgres.connect(...)`. The default is an in-memory DuckDB.

    Raises:
        NpsError: on a missing column, missing customer ids, an invalid date,
            a score that is not a whole number from 0 to 10, or a duplicate row.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    names = _column_names(columns)
    source, records = _records(path_or_table)
    responses, rows_read = _validate(source, records, names)
    data = {
        "customer_id": [r.customer_id for r in responses],
        "responded_at": [r.responded_at for r in responses],
        "score": [r.score for r in responses],
    }
    return NpsResponses(
        table=ibis.memtable(data, schema=_SCHEMA),
        source=source,
        rows_read=rows_read,
        backend=backend,
    )


def nps(
    responses: NpsResponses,
    start: date,
    end: date,
    *,
    customers: CustomerTable | None = None,
    segment: tuple[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> NpsFigure:
    """Compute NPS for responses in the window [start, end) with a 95 % margin.

    The score is the percentage of promoters (9-10) minus the percentage of
    detractors (0-6). The margin is the adjusted-Wald interval that B. Rocks
    (The American Statistician, 2016) found best among six NPS methods: add 3
    responses, 0.75 to promoters and 0.75 to detractors (so 1.5 to passives).
    Then, with p and d the adjusted shares,
    margin = z * sqrt((p + d - (p - d)^2) / (n + 3)) * 100, where z = 1.95996
    is the two-sided 95 % normal quantile. The interval `low` to `high` is
    centred on the adjusted score 100 * (p - d), not on `score`, and clipped
    to -100..100.

    Args:
        responses: the validated responses.
        start: first day of the window.
        end: day after the window's last day.
        customers: customer attributes, needed for `segment`.
        segment: a (segment field, value) pair that keeps only those customers.
        min_n: response count below which the figure is marked `low_n`.

    Raises:
        ValueError: when `end` is not after `start`, or `segment` is given
            without customers or names an unknown field.
    """
    if end <= start:
        raise ValueError(f"window {start} to {end} is empty; use an end after start")
    table = responses.table
    table = table.filter((table.responded_at >= start) & (table.responded_at < end))
    if segment is not None:
        table = _in_segment(table, customers, segment, responses.backend)
    counts = _counts(table, responses.backend)
    return _figure(counts, min_n, _definition(start, end, segment, min_n))


def _in_segment(
    table: ir.Table,
    customers: CustomerTable | None,
    segment: tuple[str, str],
    backend: BaseBackend | None,
) -> ir.Table:
    field, value = segment
    if customers is None:
        raise ValueError(
            f"segment {field}={value!r} needs customer attributes; "
            "pass customers=load_customers(...)"
        )
    if field not in customers.segment_fields:
        known = ", ".join(customers.segment_fields) or "none"
        raise ValueError(
            f"unknown segment field {field!r} in {customers.source}; known: {known}"
        )
    # Resolved per customer so that respondents without attributes fall into
    # the same "unknown" segment as in the retention series.
    ids = _to_arrow(table.select("customer_id").distinct(), backend).to_pylist()
    matching_ids = [
        str(row["customer_id"])
        for row in ids
        if customers.segment_of(str(row["customer_id"]), field) == value
    ]
    return table.filter(table.customer_id.isin(matching_ids))


def _counts(table: ir.Table, backend: BaseBackend | None) -> tuple[int, int, int]:
    """Return the promoter, passive and detractor counts."""
    score = table.score
    counts = table.aggregate(
        promoters=(score >= 9).sum(),
        passives=((score >= 7) & (score <= 8)).sum(),
        detractors=(score <= 6).sum(),
    )
    row = _to_arrow(counts, backend).to_pylist()[0]
    return (
        int(row["promoters"] or 0),
        int(row["passives"] or 0),
        int(row["detractors"] or 0),
    )


def _figure(counts: tuple[int, int, int], min_n: int, definition: str) -> NpsFigure:
    promoters, passives, detractors = counts
    n = promoters + passives + detractors
    score = margin = low = high = None
    if n > 0:
        score = 100 * (promoters - detractors) / n
        adjusted_n = n + 3
        p = (promoters + 0.75) / adjusted_n
        d = (detractors + 0.75) / adjusted_n
        margin = 100 * _Z95 * math.sqrt((p + d - (p - d) ** 2) / adjusted_n)
        centre = 100 * (p - d)
        low, high = max(-100.0, centre - margin), min(100.0, centre + margin)
    return NpsFigure(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=score,
        margin=margin,
        low=low,
        high=high,
        low_n=n < min_n,
        definition=definition,
    )


def _definition(
    start: date, end: date, segment: tuple[str, str] | None, min_n: int
) -> str:
    scope = "all respondents" if segment is None else f"{segment[0]}={segment[1]}"
    return (
        f"window {start} to {end} (end exclusive); {scope}; promoters score 9-10, "
        "detractors 0-6; every response counts, including repeat respondents; "
        "95 % margin: adjusted Wald (Rocks 2016); "
        f"figures with fewer than {min_n} responses are marked low n"
    )


def _column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    return _ledger_column_names(columns, NPS_COLUMNS, "NPS")


def _validate(
    source: str, records: Iterator[tuple[int, dict[str, Any]]], names: dict[str, str]
) -> tuple[list[_Response], int]:
    responses: list[_Response] = []
    missing_ids: list[int] = []
    seen: dict[tuple[str, date, int], int] = {}
    rows_read = 0
    for line, record in records:
        if rows_read == 0:
            _require_columns(source, record, names)
        rows_read += 1
        customer_id = _text(record.get(names["customer_id"]))
        if not customer_id:
            missing_ids.append(line)
            continue
        response = _Response(
            customer_id=customer_id,
            responded_at=_date(source, line, record, names["responded_at"]),
            score=_score(source, line, record.get(names["score"]), names["score"]),
        )
        key = (response.customer_id, response.responded_at, response.score)
        if key in seen:
            raise NpsError(
                source,
                line,
                names["customer_id"],
                customer_id,
                "remove the repeated row",
                problem=f"duplicate of line {seen[key]}",
            )
        seen[key] = line
        responses.append(response)

    _reject_missing_ids(source, missing_ids, names["customer_id"], NpsError)
    return responses, rows_read


def _require_columns(
    source: str, record: dict[str, Any], names: dict[str, str]
) -> None:
    for name in NPS_COLUMNS:
        if names[name] not in record:
            raise NpsError(
                source,
                None,
                names[name],
                "",
                f"add the column or map it with columns={{'{name}': ...}}",
                problem="missing column",
            )


def _score(source: str, line: int, value: Any, column: str) -> int:
    text = _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if (
        number.is_finite()
        and number == number.to_integral_value()
        and 0 <= number <= 10
    ):
        return int(number)
    raise NpsError(
        source,
        line,
        column,
        text,
        "scores are whole numbers from 0 to 10",
        problem="invalid score",
    )


def _date(source: str, line: int, record: dict[str, Any], column: str) -> date:
    value = record.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise NpsError(
            source,
            line,
            column,
            text,
            "write response dates as YYYY-MM-DD",
            problem="invalid date",
        ) from None
