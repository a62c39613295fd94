"""KPI value CSVs: one measured value per KPI, segment, window and period end."""

from __future__ import annotations

import csv
import difflib
import functools
import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop.domain.model import KpiValue, Source, Unit
from boardloop.io._csv import sniff_delimiter
from boardloop.io._dates import date_problem, decide_date_order, parse_date
from boardloop.io._fields import DateOrder, parse_decimal
from boardloop.io._summary import ReadError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from boardloop.catalog import Catalog

__all__ = [
    "UNCAPPED_RATE_IDS",
    "ValueRange",
    "kpi_value_ranges",
    "read_kpi_values",
]

# The lowest and highest possible value of a KPI; None leaves that side open.
ValueRange = tuple[Decimal | None, Decimal | None]

_REQUIRED = ("kpi", "segment", "period_end", "value")
_HEADER_NAMES = {
    "kpi": "kpi", "kpi_id": "kpi", "metric": "kpi",
    "segment": "segment", "cohort": "segment",
    "period_end": "period_end", "period end": "period_end", "date": "period_end",
    "as_of": "period_end",
    "value": "value",
    "n": "n", "count": "n", "customers": "n", "responses": "n",
    "window_days": "window_days", "window days": "window_days",
    "low": "low", "high": "high",
    "definition": "definition",
}  # fmt: skip

# Rates in percent, counts and durations cannot be negative.
_NON_NEGATIVE_UNITS = frozenset({Unit.PP, Unit.COUNT, Unit.DAYS})
_SCORE_RANGES: dict[str, ValueRange] = {
    "customers.nps_score": (Decimal(-100), Decimal(100)),
}
_HIGHEST_SHARE = Decimal(100)

# Rates of the bundled catalog that can pass 100 %: net revenue retention adds
# expansion to the starting revenue, and expansion can exceed the starting
# revenue. Every other bundled rate is a share of a whole and stops at 100.
UNCAPPED_RATE_IDS = frozenset(
    {"customers.net_revenue_retention", "customers.expansion_rate"}
)


def kpi_value_ranges(catalog: Catalog) -> dict[str, ValueRange]:
    """Map each catalog KPI id to its possible values, from its native unit.

    A KPI in `pp` (a rate in percent), a count or days cannot be below 0, and a
    rate of the bundled catalog cannot pass 100 unless its id is in
    `UNCAPPED_RATE_IDS`. NPS runs from -100 to 100. Amounts in currency, and
    KPIs with no native unit, have no range.
    """
    capped = _capped_rate_ids()
    ranges: dict[str, ValueRange] = {}
    for kpi in catalog.kpis:
        if kpi.id in _SCORE_RANGES:
            ranges[kpi.id] = _SCORE_RANGES[kpi.id]
        elif kpi.native_unit is Unit.PP and kpi.id in capped:
            ranges[kpi.id] = (Decimal(0), _HIGHEST_SHARE)
        elif kpi.native_unit in _NON_NEGATIVE_UNITS:
            ranges[kpi.id] = (Decimal(0), None)
    return ranges


@functools.cache
def _capped_rate_ids() -> frozenset[str]:
    """Return the ids of the bundled catalog's rates that stop at 100 %.

    NOTE: a rate that only a workspace catalog defines has no upper bound,
    because boardloop cannot tell whether it is a share of a whole.
    """
    from boardloop.catalog import load_catalog

    return frozenset(
        kpi.id
        for kpi in load_catalog().kpis
        if kpi.native_unit is Unit.PP and kpi.id not in UNCAPPED_RATE_IDS
    )


def read_kpi_values(
    path: Path,
    aliases: Mapping[str, str] | None = None,
    *,
    ranges: Mapping[str, ValueRange] | None = None,
) -> list[KpiValue]:
    """Read a KPI value CSV: kpi, segment, period_end, value and optional columns.

    `aliases` maps a lower-case KPI name or alias to a catalog id. When it is
    given, a KPI that is neither one of its names nor one of its ids is an
    error. When it is None, the bundled catalog's aliases resolve names and an
    unknown name is kept as written. `ranges` maps a KPI id to its lowest and
    highest possible value (`kpi_value_ranges` of the bundled catalog when
    None). `n` and `window_days` are optional, and a blank `window_days` reads
    as None: the value states no window. The optional `low` and `high` are the
    bounds of the value's 95 % interval, both or neither, with `low <= high`
    and each within the KPI's range, but not necessarily around `value`. The
    optional `definition` describes how the value was measured. Every bad row
    raises `ReadError` naming the line, column and value; so does a repeated
    (kpi, segment, window_days, period_end).
    """
    from boardloop.io import read_text

    path = Path(path)
    check_names = aliases is not None
    if aliases is None or ranges is None:
        from boardloop.catalog import load_catalog

        bundled = load_catalog()
        aliases = bundled.aliases() if aliases is None else aliases
        ranges = kpi_value_ranges(bundled) if ranges is None else ranges
    text = read_text(path)
    rows, delimiter = _rows(text, path)
    header_line, header = rows[0]
    columns = _columns(header, header_line, path)
    period_ends = [_get(cells, columns, "period_end") for _, cells in rows[1:]]
    order, _ = decide_date_order(period_ends)
    reader = _RowReader(
        path, columns, aliases, ranges, order, delimiter == ";", check_names
    )

    values: list[KpiValue] = []
    seen: dict[tuple[str, str, int | None, dt.date], KpiValue] = {}
    for line, cells in rows[1:]:
        value = reader.read(line, cells)
        key = _series_key(value)
        if key in seen:
            raise _repeated(path, value, seen[key])
        seen[key] = value
        values.append(value)
    return values


def _series_key(value: KpiValue) -> tuple[str, str, int | None, dt.date]:
    """Key one value the way evaluation matches it: case and spaces do not count."""
    kpi = " ".join(value.kpi_id.split()).casefold()
    segment = " ".join(value.segment.split()).casefold()
    return kpi, segment, value.window_days, value.period_end


def _repeated(path: Path, value: KpiValue, first: KpiValue) -> ReadError:
    """Build the error for a second value of one KPI, segment and period end."""
    first_line = first.source.line if first.source is not None else None
    first_as = [
        f"{column} '{before}'"
        for column, before, after in (
            ("kpi", first.kpi_id, value.kpi_id),
            ("segment", first.segment, value.segment),
        )
        if before != after
    ]
    written = f" as {' and '.join(first_as)}" if first_as else ""
    window = "" if value.window_days is None else f", window {value.window_days} days"
    return ReadError(
        path,
        value.source.line if value.source is not None else None,
        f"repeated value for kpi '{value.kpi_id}', segment '{value.segment}'"
        f"{window}, period end {value.period_end.isoformat()} "
        f"(first on line {first_line}{written})",
        "keep one row per kpi, segment, window and period end; segments are "
        "matched without regard to case or spacing",
    )


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
            "the header must name kpi, segment, period_end and value (n, "
            "window_days, low, high and definition optional)",
        )
    return columns


def _get(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


class _RowReader:
    """Turn one CSV row into a KPI value, or raise `ReadError` naming the cell."""

    def __init__(
        self,
        path: Path,
        columns: dict[str, int],
        aliases: Mapping[str, str],
        ranges: Mapping[str, ValueRange],
        order: DateOrder | None,
        decimal_comma: bool,
        check_names: bool,
    ) -> None:
        self.path = path
        self.columns = columns
        self.aliases = aliases
        self.ranges = ranges
        self.order = order
        self.decimal_comma = decimal_comma
        self.known_ids = frozenset(aliases.values()) if check_names else None
        self.line = 0
        self.cells: list[str] = []

    def read(self, line: int, cells: list[str]) -> KpiValue:
        self.line, self.cells = line, cells
        kpi = self._get("kpi")
        if not kpi:
            raise self._fail(
                "kpi", "missing KPI", "name the KPI by catalog id or alias"
            )
        kpi_id = self._kpi_id(kpi)
        segment = self._get("segment")
        if not segment:
            raise self._fail(
                "segment", "missing segment", "write 'all' for every customer"
            )
        period_end = self._period_end()
        value = self._value(kpi_id)
        n_text = self._get("n")
        n = None
        if n_text:
            if not n_text.isdigit():
                raise self._fail(
                    "n", "invalid count", "write a whole number of customers"
                )
            n = int(n_text)
        low, high = self._interval(kpi_id)
        return KpiValue(
            kpi_id,
            segment,
            period_end,
            value,
            n,
            Source(str(self.path), line),
            window_days=self._window_days(),
            low=low,
            high=high,
            definition=self._get("definition") or None,
        )

    def _get(self, column: str) -> str:
        return _get(self.cells, self.columns, column)

    def _fail(
        self, column: str, message: str, hint: str, reason: str = ""
    ) -> ReadError:
        text = f"column '{column}': {message} '{self._get(column)}'"
        if reason:
            text = f"{text}: {reason}"
        return ReadError(self.path, self.line, text, hint)

    def _kpi_id(self, kpi: str) -> str:
        """Resolve a KPI name to its id; reject an unknown name if names are checked."""
        name = " ".join(kpi.split()).casefold()
        kpi_id = self.aliases.get(name)
        if kpi_id is not None:
            return kpi_id
        if self.known_ids is None:
            return kpi
        by_folded_id = {known.casefold(): known for known in self.known_ids}
        if name in by_folded_id:
            return by_folded_id[name]
        close = difflib.get_close_matches(name, list(self.aliases), n=3)
        suggestion = f"did you mean {', '.join(close)}? " if close else ""
        raise self._fail(
            "kpi",
            "unknown KPI",
            f"{suggestion}name a catalog KPI by id or alias; known ids: "
            f"{', '.join(sorted(self.known_ids))}",
        )

    def _window_days(self) -> int | None:
        """Read the measurement window in whole days, None for a blank cell."""
        text = self._get("window_days")
        if not text:
            return None
        hint = (
            "write the window as a whole number of days, such as 90, or leave it "
            "blank when the value states no window"
        )
        if not (text.isascii() and text.isdigit()):
            raise self._fail("window_days", "invalid window", hint)
        window_days = int(text)
        if window_days < 1:
            raise self._fail(
                "window_days", "invalid window", hint, "a window is 1 day or more"
            )
        return window_days

    def _period_end(self) -> dt.date:
        text = self._get("period_end")
        period_end = parse_date(text, self.order)
        if period_end is not None:
            return period_end
        if decide_date_order([text]) == (None, True):
            raise self._fail(
                "period_end",
                "ambiguous date",
                "write period_end as YYYY-MM-DD; the dates in this column do not "
                "show whether the day or the month comes first",
            )
        raise self._fail(
            "period_end",
            "invalid date",
            "write dates as YYYY-MM-DD",
            date_problem(text),
        )

    def _value(self, kpi_id: str) -> Decimal:
        value = self._number("value", "write a number such as 91.5 or 91,5%")
        self._check_range("value", "value", value, kpi_id)
        return value

    def _interval(self, kpi_id: str) -> tuple[Decimal | None, Decimal | None]:
        """Read the 95 % interval from `low` and `high`, (None, None) when blank."""
        low_text, high_text = self._get("low"), self._get("high")
        if not low_text and not high_text:
            return None, None
        hint = (
            "write both bounds of the 95 % interval in the value's unit, such as "
            "low 89.2 and high 93.1, or leave both blank"
        )
        for column, other in (("low", "high"), ("high", "low")):
            if not self._get(column):
                raise ReadError(
                    self.path,
                    self.line,
                    f"column '{column}': missing bound, while column '{other}' is "
                    f"'{self._get(other)}'",
                    hint,
                )
        low = self._number("low", hint)
        high = self._number("high", hint)
        self._check_range("low", "low bound", low, kpi_id)
        self._check_range("high", "high bound", high, kpi_id)
        if low > high:
            raise ReadError(
                self.path,
                self.line,
                f"column 'high': high bound {high} is below the low bound {low}",
                "write the lower bound in low and the upper bound in high",
            )
        return low, high

    def _number(self, column: str, hint: str) -> Decimal:
        """Read a number as `value` is read: decimal commas, % signs and spaces."""
        text = self._get(column)
        number = None
        if text:
            number, _ = parse_decimal(text, decimal_comma=self.decimal_comma)
        if number is None:
            raise self._fail(column, "invalid number", hint)
        return number

    def _check_range(
        self, column: str, noun: str, number: Decimal, kpi_id: str
    ) -> None:
        """Reject a number outside the KPI's possible values, naming the bound."""
        low, high = self.ranges.get(kpi_id, (None, None))
        clip = (
            ""
            if column == "value"
            else "; clip an interval bound that a normal approximation puts "
            "outside the possible values"
        )
        if low is not None and number < low:
            raise self._out_of_range(
                column,
                f"{noun} {number} is below {low}, the minimum for {kpi_id}",
                "check the sign, and write the value in the KPI's native unit: "
                f"a rate as 91.5 for 91.5 %, NPS from -100 to 100{clip}",
            )
        if high is not None and number > high:
            raise self._out_of_range(
                column,
                f"{noun} {number} is above {high}, the maximum for {kpi_id}",
                "write the value in the KPI's native unit: a rate as 91.5 for "
                "91.5 %, which cannot pass 100 for a share of customers or revenue; "
                f"NPS from -100 to 100{clip}",
            )

    def _out_of_range(self, column: str, gap: str, hint: str) -> ReadError:
        return ReadError(self.path, self.line, f"column '{column}': {gap}", hint)
