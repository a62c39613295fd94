"""Customer attributes input contract: segment fields and acquisition dates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardloop.metrics._ledger import (
    LedgerError,
    _column,
    _duckdb_for,
    _raw_table,
    _records,
    _reject_missing_ids,
    _text,
    _to_arrow,
    text_view,
)
from boardloop.metrics._ledger import _column_names as _ledger_column_names

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._ledger import LedgerTable

__all__ = [
    "CUSTOMER_COLUMNS",
    "UNKNOWN_SEGMENT",
    "Customer",
    "CustomerError",
    "CustomerTable",
    "load_customers",
    "unmatched_customers",
]

CUSTOMER_COLUMNS = ("customer_id", "acquired_on")
"""Canonical attribute columns; every other column in the input is a segment field."""

UNKNOWN_SEGMENT = "unknown"
"""Segment value for ledger customers without attributes or with a blank value."""


class CustomerError(LedgerError):
    """A customer attribute value that cannot be used, with its place and remedy."""


@dataclass(frozen=True)
class Customer:
    """One customer's attributes and the line or row they were read from."""

    customer_id: str
    segments: Mapping[str, str]
    acquired_on: date | None
    line: int


@dataclass(frozen=True)
class CustomerTable:
    """Validated customer attributes.

    `table` contains `customer_id`, `acquired_on` and one text column per segment
    field. `customers` gives the same rows as `Customer` objects with their
    source lines; it is read again, row by row, on first use.
    """

    segment_fields: tuple[str, ...]
    source: str
    rows_read: int
    table: ir.Table = field(repr=False)
    _input: object = field(default=None, repr=False, compare=False)
    _names: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def customers(self) -> Mapping[str, Customer]:
        """Every customer by id, with the line or row it was read from."""
        source, records = _records(self._input)  # type: ignore[arg-type,unused-ignore]
        return _validate(source, records, dict(self._names))[0]

    def segment_of(self, customer_id: str, segment_field: str) -> str:
        """Return a customer's value for `segment_field`, or `UNKNOWN_SEGMENT`."""
        customer = self.customers.get(customer_id)
        if customer is None:
            return UNKNOWN_SEGMENT
        return customer.segments.get(segment_field) or UNKNOWN_SEGMENT


def load_customers(
    path_or_table: str | Path | ir.Table,
    *,
    columns: Mapping[str, str] | None = None,
) -> CustomerTable:
    """Read a CSV, Parquet or Ibis table of customer attributes.

    DuckDB checks the input first; an input that fails a check is read again
    row by row, so the error names its line.

    Args:
        path_or_table: the file or table, one row per customer.
        columns: maps `customer_id` and `acquired_on` to the input's own names.

    Raises:
        CustomerError: on a missing `customer_id` column, missing customer ids,
            a duplicate customer id or an invalid acquisition date.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    names = _column_names(columns)
    local = _duckdb_for(None)
    source, raw = _raw_table(path_or_table, local)
    checked = None if raw is None else _sql_checked(source, raw, names, local)
    if checked is not None:
        segment_fields, rows_read, arrow = checked
    else:
        source, records = _records(path_or_table)
        customers, segment_fields, rows_read = _validate(source, records, names)
        arrow = _arrow_of(customers, segment_fields)
    return CustomerTable(
        segment_fields=segment_fields,
        source=source,
        rows_read=rows_read,
        table=ibis.memtable(arrow),
        _input=path_or_table,
        _names=names,
    )


def _schema(segment_fields: tuple[str, ...]) -> dict[str, str]:
    schema = {"customer_id": "string", "acquired_on": "date"}
    schema.update(dict.fromkeys(segment_fields, "string"))
    return schema


def _arrow_of(
    customers: Mapping[str, Customer], segment_fields: tuple[str, ...]
) -> Any:
    import ibis  # type: ignore[import-untyped,unused-ignore]
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    data: dict[str, list[Any]] = {
        "customer_id": [c.customer_id for c in customers.values()],
        "acquired_on": [c.acquired_on for c in customers.values()],
    }
    for segment_field in segment_fields:
        data[segment_field] = [c.segments[segment_field] for c in customers.values()]
    schema = ibis.schema(_schema(segment_fields)).to_pyarrow()
    return pa.Table.from_pydict(data, schema=schema)


def _sql_checked(
    source: str, raw: ir.Table, names: dict[str, str], local: BaseBackend
) -> tuple[tuple[str, ...], int, Any] | None:
    """Check and read the attributes in DuckDB; None when a row fails a check."""
    import duckdb
    import ibis  # type: ignore[import-untyped,unused-ignore]

    segment_fields = _segment_fields(source, dict.fromkeys(raw.columns), names)
    raw = text_view(raw, local, (names["customer_id"], *segment_fields))
    customer_id = _column(raw, names["customer_id"])
    acquired = _column(raw, names["acquired_on"])
    day = ibis.ifelse(
        acquired.re_search(r"^\d{4}-\d{2}-\d{2}"),
        acquired.substr(0, 10).try_cast("date"),
        ibis.null("date"),
    )
    rows = raw.select(
        customer_id=customer_id,
        acquired_on=day,
        bad_date=((acquired != "") & day.isnull()) | raw.odd_space,
        **{name: _column(raw, name) for name in segment_fields},
    )
    problems = rows.aggregate(
        n=rows.count(),
        ids=rows.customer_id.nunique(),
        missing=(rows.customer_id == "").sum(),
        bad_dates=rows.bad_date.sum(),
    )
    try:
        counts = local.to_pyarrow(problems).to_pylist()[0]
    except duckdb.Error:
        return None
    n = int(counts["n"])
    if counts["missing"] or counts["bad_dates"] or int(counts["ids"]) != n:
        return None
    table = rows.drop("bad_date").cast(_schema(segment_fields))
    return segment_fields, n, local.to_pyarrow(table)


def unmatched_customers(ledger: LedgerTable, customers: CustomerTable) -> list[str]:
    """Return the ledger's customer ids that have no attributes, sorted."""
    ids = ledger.table.select("customer_id").distinct()
    known = customers.table.select(known_id="customer_id")
    missing = ids.anti_join(known, ids.customer_id == known.known_id)
    rows = _to_arrow(missing, ledger.backend).to_pylist()
    return sorted(str(row["customer_id"]) for row in rows)


def _column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    return _ledger_column_names(columns, CUSTOMER_COLUMNS, "customer")


def _validate(
    source: str, records: Iterator[tuple[int, dict[str, Any]]], names: dict[str, str]
) -> tuple[dict[str, Customer], tuple[str, ...], int]:
    """Check every record; return customers, segment fields and rows read."""
    customers: dict[str, Customer] = {}
    segment_fields: tuple[str, ...] = ()
    missing_ids: list[int] = []
    rows_read = 0
    for line, record in records:
        if rows_read == 0:
            segment_fields = _segment_fields(source, record, names)
        rows_read += 1
        customer_id = _text(record.get(names["customer_id"]))
        if not customer_id:
            missing_ids.append(line)
            continue
        if customer_id in customers:
            raise CustomerError(
                source,
                line,
                names["customer_id"],
                customer_id,
                "keep one row per customer",
                problem=f"duplicate of line {customers[customer_id].line}",
            )
        customers[customer_id] = Customer(
            customer_id=customer_id,
            segments={name: _text(record.get(name)) for name in segment_fields},
            acquired_on=_acquired_on(source, line, record, names["acquired_on"]),
            line=line,
        )

    _reject_missing_ids(source, missing_ids, names["customer_id"], CustomerError)
    return customers, segment_fields, rows_read


def _segment_fields(
    source: str, record: dict[str, Any], names: dict[str, str]
) -> tuple[str, ...]:
    if names["customer_id"] not in record:
        raise CustomerError(
            source,
            None,
            names["customer_id"],
            "",
            "add the column or map it with columns={'customer_id': ...}",
            problem="missing column",
        )
    contract = set(names.values())
    return tuple(name for name in record if name not in contract)


def _acquired_on(
    source: str, line: int, record: dict[str, Any], column: str
) -> date | None:
    value = record.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CustomerError(
            source,
            line,
            column,
            text,
            "write acquisition dates as YYYY-MM-DD or leave them blank",
            problem="invalid date",
        ) from None
