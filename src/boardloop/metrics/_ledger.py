"""Revenue ledger input contract: read, validate and normalise to monthly amounts."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

__all__ = ["COLUMNS", "LedgerError", "LedgerTable", "load_ledger"]

COLUMNS = (
    "customer_id",
    "date",
    "period",
    "amount",
    "currency",
    "plan_interval",
    "one_time",
    "subscription_id",
)
"""Canonical ledger column names; `columns=` maps them to a file's own names."""

# Monthly amounts keep ten decimal places, so amount / 12 stays exact to a
# ten-billionth of a currency unit.
_SCALE = Decimal("1e-10")
_SCHEMA = {
    "customer_id": "string",
    "month": "date",
    "months": "int64",
    "monthly_amount": "decimal(38,10)",
}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}
_INTERVAL_MONTHS = {
    "": 1,
    "month": 1,
    "monthly": 1,
    "quarter": 3,
    "quarterly": 3,
    "year": 12,
    "yearly": 12,
    "annual": 12,
    "annually": 12,
}
_INTERVAL_COUNT = re.compile(r"^(\d+)[\s-]*(month|year)s?$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class LedgerError(Exception):
    """A ledger value that cannot be used, with its place and the remedy."""

    def __init__(
        self,
        path: str,
        line: int | None,
        column: str,
        value: str,
        hint: str,
        *,
        problem: str = "invalid value",
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        self.hint = hint
        self.problem = problem
        location = path if line is None else f"{path}:{line}"
        text = f"{location}: {problem} in column '{column}': {value!r}"
        if hint:
            text = f"{text}\n  hint: {hint}"
        super().__init__(text)


@dataclass(frozen=True)
class LedgerTable:
    """A validated ledger: one row per charge, amounts normalised to monthly.

    `table` has the columns `customer_id`, `month` (first day of the month the
    charge starts), `months` (service months the charge covers) and
    `monthly_amount` (amount / months). `backend` is the Ibis connection that
    runs every expression built on `table`; None means Ibis's default backend,
    an in-memory DuckDB.
    """

    table: ir.Table
    source: str
    rows_read: int
    one_time_excluded: int
    currency: str | None
    backend: BaseBackend | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class _Charge:
    customer_id: str
    month: date
    months: int
    monthly_amount: Decimal


@dataclass
class _Checked:
    charges: list[_Charge]
    rows_read: int = 0
    one_time: int = 0
    currency: str | None = None


def load_ledger(
    path_or_table: str | Path | ir.Table,
    *,
    columns: Mapping[str, str] | None = None,
    backend: BaseBackend | None = None,
) -> LedgerTable:
    """Read a CSV, Parquet or Ibis table of recurring revenue into a `LedgerTable`.

    Args:
        path_or_table: the file or table, one row per charge.
        columns: maps canonical column names to the input's own names.
        backend: the Ibis connection that runs the KPI queries, such as
            `ibis.postgres.connect(...)`. The default is an in-memory DuckDB.

    Raises:
        LedgerError: on a missing column, a non-numeric amount, an unreadable
            date, an unknown plan interval, missing customer ids or a
            duplicate row.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    names = _column_names(columns)
    source, records = _records(path_or_table)
    checked = _validate(source, records, names)
    data = {
        "customer_id": [c.customer_id for c in checked.charges],
        "month": [c.month for c in checked.charges],
        "months": [c.months for c in checked.charges],
        "monthly_amount": [c.monthly_amount for c in checked.charges],
    }
    # An empty pandas-style column has no type of its own, so build the table
    # through Arrow with the schema, which also serves a ledger with no charges.
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    arrow_schema = ibis.schema(_SCHEMA).to_pyarrow()
    table = pa.Table.from_pydict(data, schema=arrow_schema)
    return LedgerTable(
        table=ibis.memtable(table),
        source=source,
        rows_read=checked.rows_read,
        one_time_excluded=checked.one_time,
        currency=checked.currency,
        backend=backend,
    )


def _to_arrow(expr: ir.Expr, backend: BaseBackend | None) -> Any:
    """Run `expr` on `backend`, or on Ibis's default backend when it is None.

    Returns a PyArrow table for a table expression, a scalar for a scalar one.

    Ibis copies the in-memory tables that `expr` reads into the backend first,
    as temporary tables on a server such as PostgreSQL.
    """
    if backend is None:
        return expr.to_pyarrow()
    return backend.to_pyarrow(expr)


def _column_names(
    columns: Mapping[str, str] | None,
    known: tuple[str, ...] = COLUMNS,
    kind: str = "ledger",
) -> dict[str, str]:
    """Map each canonical column to the input's own name; raise on unknown keys."""
    names = {name: name for name in known}
    for canonical, own in (columns or {}).items():
        if canonical not in names:
            raise ValueError(
                f"unknown {kind} column {canonical!r}; known: {', '.join(known)}"
            )
        names[canonical] = own
    return names


def _records(
    path_or_table: str | Path | ir.Table,
) -> tuple[str, Iterator[tuple[int, dict[str, Any]]]]:
    """Return the source name and (line or row number, record) pairs."""
    if not isinstance(path_or_table, str | Path):
        rows = path_or_table.to_pyarrow().to_pylist()
        return "<table>", iter(enumerate(rows, start=1))
    path = Path(path_or_table)
    if not path.is_file():
        raise LedgerError(
            str(path), None, "", str(path), "check the path", problem="file not found"
        )
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        rows = pq.read_table(path).to_pylist()
        return str(path), iter(enumerate(rows, start=1))
    return str(path), _csv_records(path)


def _csv_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for record in reader:
            yield reader.line_num, dict(record)


def _validate(
    source: str, records: Iterator[tuple[int, dict[str, Any]]], names: dict[str, str]
) -> _Checked:
    """Check every record, keeping recurring charges and counting one-time ones."""
    checked = _Checked(charges=[])
    missing_ids: list[int] = []
    seen: dict[tuple[str, ...], int] = {}
    currencies: set[str] = set()
    for line, record in records:
        if checked.rows_read == 0:
            _require_columns(source, record, names)
        checked.rows_read += 1
        key = tuple(_text(record.get(names[name])) for name in COLUMNS)
        if key in seen:
            raise LedgerError(
                source,
                line,
                names["customer_id"],
                key[0],
                f"remove the row or give it a distinct '{names['subscription_id']}'",
                problem=f"duplicate of line {seen[key]}",
            )
        seen[key] = line
        customer = _text(record.get(names["customer_id"]))
        if not customer:
            missing_ids.append(line)
            continue
        if _one_time(source, line, record, names):
            checked.one_time += 1
            continue
        currency = _text(record.get(names["currency"])).upper()
        if currency:
            currencies.add(currency)
        checked.charges.append(_charge(source, line, record, names, customer))

    _reject_missing_ids(source, missing_ids, names["customer_id"])
    if len(currencies) > 1:
        found = ", ".join(sorted(currencies))
        raise LedgerError(
            source,
            None,
            names["currency"],
            found,
            "convert amounts to one currency before loading",
            problem="more than one currency",
        )
    checked.currency = currencies.pop() if currencies else None
    return checked


def _require_columns(
    source: str, record: dict[str, Any], names: dict[str, str]
) -> None:
    for name in ("customer_id", "amount"):
        if names[name] not in record:
            raise LedgerError(
                source,
                None,
                names[name],
                "",
                f"add the column or map it with columns={{'{name}': ...}}",
                problem="missing column",
            )
    if names["date"] not in record and names["period"] not in record:
        raise LedgerError(
            source,
            None,
            names["date"],
            "",
            "add a 'date' (YYYY-MM-DD) or 'period' (YYYY-MM) column",
            problem="missing column",
        )


def _reject_missing_ids(
    source: str,
    lines: list[int],
    column: str,
    error: type[LedgerError] = LedgerError,
) -> None:
    """Raise `error` naming every line without a customer id, if there is one."""
    if not lines:
        return
    shown = ", ".join(str(line) for line in lines[:5])
    more = "" if len(lines) <= 5 else f" and {len(lines) - 5} more"
    raise error(
        source,
        lines[0],
        column,
        "",
        f"{len(lines)} rows have no customer id (lines {shown}{more}); "
        "fill them in or remove them",
        problem="missing customer id",
    )


def _charge(
    source: str,
    line: int,
    record: dict[str, Any],
    names: dict[str, str],
    customer: str,
) -> _Charge:
    amount = _amount(source, line, record.get(names["amount"]), names["amount"])
    months = _interval_months(source, line, record, names)
    monthly = (amount / months).quantize(_SCALE)
    month = _month(source, line, record, names)
    return _Charge(customer, month, months, monthly)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _amount(source: str, line: int, value: Any, column: str) -> Decimal:
    text = _text(value).replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise LedgerError(
            source,
            line,
            column,
            _text(value),
            "write the amount as a plain number such as 1200.50",
            problem="non-numeric amount",
        )
    return amount


def _one_time(
    source: str, line: int, record: dict[str, Any], names: dict[str, str]
) -> bool:
    text = _text(record.get(names["one_time"])).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise LedgerError(
        source,
        line,
        names["one_time"],
        text,
        "use true or false",
        problem="invalid one-time flag",
    )


def _interval_months(
    source: str, line: int, record: dict[str, Any], names: dict[str, str]
) -> int:
    text = _text(record.get(names["plan_interval"])).lower()
    if text in _INTERVAL_MONTHS:
        return _INTERVAL_MONTHS[text]
    match = _INTERVAL_COUNT.match(text)
    if match and int(match.group(1)) > 0:
        unit = 12 if match.group(2) == "year" else 1
        return int(match.group(1)) * unit
    raise LedgerError(
        source,
        line,
        names["plan_interval"],
        text,
        "use month, quarter, year, or a length such as '24 months' or '3 years'",
        problem="unknown plan interval",
    )


def _month(
    source: str, line: int, record: dict[str, Any], names: dict[str, str]
) -> date:
    value = record.get(names["date"])
    column = names["date"]
    if value is None or _text(value) == "":
        value = record.get(names["period"])
        column = names["period"]
    if isinstance(value, date):
        return value.replace(day=1)
    text = _text(value)
    period = _PERIOD.match(text)
    try:
        if period:
            return date(int(period.group(1)), int(period.group(2)), 1)
        return date.fromisoformat(text[:10]).replace(day=1)
    except ValueError:
        raise LedgerError(
            source,
            line,
            column,
            text,
            "write dates as YYYY-MM-DD or periods as YYYY-MM",
            problem="invalid date",
        ) from None
