"""KPI value CSVs: one measured value per KPI, segment and period end."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop.domain.model import KpiValue, Source
from boardloop.io._csv import sniff_delimiter
from boardloop.io._fields import DateOrder, decide_date_order, parse_date, parse_decimal
from boardloop.io._summary import ReadError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from decimal import Decimal

__all__ = ["read_kpi_values"]

_REQUIRED = ("kpi", "segment", "period_end", "value")
_HEADER_NAMES = {
    "kpi": "kpi", "kpi_id": "kpi", "metric": "kpi",
    "segment": "segment", "cohort": "segment",
    "period_end": "period_end", "period end": "period_end", "date": "period_end",
    "as_of": "period_end",
    "value": "value",
    "n": "n", "count": "n", "customers": "n", "responses": "n",
}  # fmt: skip


def read_kpi_values(
    path: Path, aliases: Mapping[str, str] | None = None
) -> list[KpiValue]:
    """Read a KPI value CSV with columns kpi, segment, period_end, value and n.

    `aliases` maps a lower-case KPI name or alias to a catalog id (the bundled
    catalog's aliases when None). Every bad row raises `ReadError` naming the
    line, column and value; so does a repeated (kpi, segment, period_end).
    """
    from boardloop.io import read_text

    path = Path(path)
    if aliases is None:
        from boardloop.catalog import load_catalog

        aliases = load_catalog().aliases()
    text = read_text(path)
    rows, delimiter = _rows(text, path)
    header_line, header = rows[0]
    columns = _columns(header, header_line, path)
    period_ends = [_get(cells, columns, "period_end") for _, cells in rows[1:]]
    order = _date_order(period_ends, delimiter)

    values: list[KpiValue] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for line, cells in rows[1:]:
        value = _value(cells, columns, line, path, aliases, order, delimiter == ";")
        key = (value.kpi_id, value.segment, value.period_end)
        if key in seen:
            raise ReadError(
                path,
                line,
                f"repeated value for kpi '{value.kpi_id}', segment '{value.segment}', "
                f"period end {value.period_end.isoformat()} "
                f"(first on line {seen[key]})",
                "keep one row per kpi, segment and period end",
            )
        seen[key] = line
        values.append(value)
    return values


def _rows(text: str, path: Path) -> tuple[list[tuple[int, list[str]]], str]:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((line, [cell.strip() for cell in cells]))
        line = reader.line_num + 1
    if not rows:
        raise ReadError(path, None, "missing header row", "add a header row")
    return rows, delimiter


def _columns(header: list[str], line: int, path: Path) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _HEADER_NAMES.get(name.strip().casefold().replace("-", "_"))
        if key is not None and key not in columns:
            columns[key] = index
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        raise ReadError(
            path,
            line,
            f"missing column {', '.join(missing)} in header {', '.join(header)}",
            "the header must name kpi, segment, period_end and value (n optional)",
        )
    return columns


def _get(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _date_order(values: list[str], delimiter: str) -> DateOrder | None:
    """Decide the period_end order as register CSVs do.

    A value with a part above 12 proves the order. Otherwise a ';' file reads
    day-first and any other file month-first.
    """
    order, has_numeric = decide_date_order(values)
    if order is None and has_numeric:
        return DateOrder.DAY_FIRST if delimiter == ";" else DateOrder.MONTH_FIRST
    return order


def _value(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    path: Path,
    aliases: Mapping[str, str],
    order: DateOrder | None,
    decimal_comma: bool,
) -> KpiValue:
    def fail(column: str, message: str, hint: str) -> ReadError:
        value = _get(cells, columns, column)
        return ReadError(path, line, f"column '{column}': {message} '{value}'", hint)

    kpi = _get(cells, columns, "kpi")
    if not kpi:
        raise fail("kpi", "missing KPI", "name the KPI by catalog id or alias")
    segment = _get(cells, columns, "segment")
    if not segment:
        raise fail("segment", "missing segment", "write 'all' for every customer")
    period_end = parse_date(_get(cells, columns, "period_end"), order)
    if period_end is None:
        raise fail("period_end", "invalid date", "write dates as YYYY-MM-DD")
    value = _number(_get(cells, columns, "value"), decimal_comma)
    if value is None:
        raise fail("value", "invalid number", "write a number such as 91.5 or 91,5%")
    n_text = _get(cells, columns, "n")
    n = None
    if n_text:
        if not n_text.isdigit():
            raise fail("n", "invalid count", "write a whole number of customers")
        n = int(n_text)
    kpi_id = aliases.get(" ".join(kpi.split()).casefold(), kpi)
    return KpiValue(kpi_id, segment, period_end, value, n, Source(str(path), line))


def _number(text: str, decimal_comma: bool) -> Decimal | None:
    if not text:
        return None
    number, _ = parse_decimal(text, decimal_comma=decimal_comma)
    return number
