"""Revenue ledger input contract: read, validate and normalise to monthly amounts."""

from __future__ import annotations

import csv
import gzip
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
    "currency": "string",
}
DEFAULT_MEMORY_LIMIT = "3GB"
"""Memory the private DuckDB may hold before it spills to disk."""

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
# An amount with commas that group thousands, such as 1,200.50.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
# Monthly amounts are decimal(38,10): 28 digits before the point.
_AMOUNT_LIMIT = Decimal(10) ** 28
# Amounts that DuckDB parses exactly into decimal(18,6), matched whole.
_PLAIN_DECIMAL = r"[+-]?(\d{1,12}(\.\d{0,6})?|\.\d{1,6})"
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
# The first two bytes of every gzip file (RFC 1952).
_GZIP_MAGIC = b"\x1f\x8b"
_NOT_UTF8_HINT = (
    "save the file as UTF-8 CSV, plain or gzip-compressed (.csv.gz); other "
    "encodings and zip, bz2 or xz archives are not read"
)


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
        if column and value:
            text = f"{location}: {problem} in column '{column}': {value!r}"
        elif column:
            text = f"{location}: {problem} '{column}'"
        elif value:
            text = f"{location}: {problem}: {value!r}"
        else:
            text = f"{location}: {problem}"
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
    currencies: tuple[str, ...] = ()
    backend: BaseBackend | None = field(default=None, repr=False, compare=False)
    # Work shared by the KPI queries of this ledger, such as its stored
    # customer-months, kept so that several series compute it once.
    cache: dict[object, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def currency(self) -> str | None:
        """The ledger's one currency, or None when it names none or several."""
        return self.currencies[0] if len(self.currencies) == 1 else None


@dataclass(frozen=True)
class _Charge:
    customer_id: str
    month: date
    months: int
    monthly_amount: Decimal
    currency: str | None


@dataclass
class _Checked:
    charges: list[_Charge]
    rows_read: int = 0
    one_time: int = 0


def load_ledger(
    path_or_table: str | Path | ir.Table,
    *,
    columns: Mapping[str, str] | None = None,
    backend: BaseBackend | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> LedgerTable:
    """Read a CSV, Parquet or Ibis table of recurring revenue into a `LedgerTable`.

    Args:
        path_or_table: the file or table, one row per charge.
        columns: maps canonical column names to the input's own names.
        backend: the Ibis connection that runs the KPI queries, such as
            `ibis.postgres.connect(...)`. The default is an in-memory DuckDB.
        memory_limit: what that in-memory DuckDB may hold, such as "3GB",
            before it spills to disk.

    Raises:
        LedgerError: on a missing column, a non-numeric amount, an unreadable
            date, an unknown plan interval, missing customer ids or a
            duplicate row.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    names = _column_names(columns)
    local = _duckdb_for(backend, memory_limit)
    source, raw = _raw_table(path_or_table, local)
    parsed = None if raw is None else _sql_parsed(source, raw, names, local)
    if parsed is not None:
        rows_read, one_time = _sql_counts(parsed, local)
        charges = _sql_charges(parsed)
    else:
        # The row-by-row check names the exact line of the first problem.
        source, records = _records(path_or_table)
        checked = _validate(source, records, names)
        rows_read, one_time = checked.rows_read, checked.one_time
        charges = ibis.memtable(_charges_arrow(checked.charges))
    table = _store(charges, local, backend, stored=parsed is not None)
    currencies = _currencies(source, table, names["currency"], backend or local)
    return LedgerTable(
        table=table,
        source=source,
        rows_read=rows_read,
        one_time_excluded=one_time,
        currencies=currencies,
        backend=backend or local,
    )


def _duckdb_for(
    backend: BaseBackend | None, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> BaseBackend:
    """Return the DuckDB connection that reads and checks the input.

    A DuckDB `backend` does the work itself. For any other backend, or none,
    a private in-memory DuckDB does it, and the result is copied over. The
    private one keeps at most `memory_limit` and spills the rest to a folder
    in the system's temporary directory.
    """
    import tempfile

    import ibis  # type: ignore[import-untyped,unused-ignore]

    if backend is not None and backend.name == "duckdb":
        return backend
    spill = Path(tempfile.gettempdir()) / "boardloop-duckdb"
    return ibis.duckdb.connect(memory_limit=memory_limit, temp_directory=str(spill))


def _raw_table(
    path_or_table: str | Path | ir.Table, local: BaseBackend
) -> tuple[str, ir.Table | None]:
    """Open the input as a DuckDB table; a CSV file's columns are all text.

    Returns None for the table when DuckDB cannot read a CSV file as written
    (ragged rows, say), so the row-by-row reader reports where.
    """
    import duckdb
    import ibis  # type: ignore[import-untyped,unused-ignore]

    if not isinstance(path_or_table, str | Path):
        raw = local.create_table(
            f"boardloop_input_{uuid.uuid4().hex}",
            ibis.memtable(path_or_table.to_pyarrow()),
            temp=True,
        )
        return "<table>", raw
    path = Path(path_or_table)
    if not path.is_file():
        raise LedgerError(
            str(path), None, "", str(path), "check the path", problem="file not found"
        )
    if path.suffix.lower() == ".parquet":
        return str(path), local.read_parquet(path)
    header = _csv_header(path)
    if header is None:
        return str(path), None
    # DuckDB 1.5 detects gzip by the .gz suffix only, so name it for any gzip file.
    compression = "gzip" if _is_gzip(path) else "none"
    try:
        raw = local.read_csv(
            path,
            header=True,
            delim=",",
            quote='"',
            escape='"',
            compression=compression,
            auto_detect=False,
            columns=dict.fromkeys(header, "VARCHAR"),
        )
    except (duckdb.Error, ValueError):
        return str(path), None
    return str(path), raw


def _csv_header(path: Path) -> list[str] | None:
    """Return the CSV file's column names, or None when DuckDB should not read it.

    Blank or repeated names, and a header that the first line does not hold
    whole, are left to the row-by-row reader.
    """
    with _open_csv(path) as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error:
            return None
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
    if not header or len(set(header)) != len(header) or "" in header:
        return None
    return header


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def _open_csv(path: Path) -> IO[str]:
    """Open a CSV file as UTF-8 text, decompressing a gzip file on the fly.

    A byte order mark at the start is skipped.
    """
    if _is_gzip(path):
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig")
    return path.open(newline="", encoding="utf-8-sig")


def _not_utf8(path: Path) -> LedgerError:
    return LedgerError(
        str(path), None, "", "", _NOT_UTF8_HINT, problem="file is not UTF-8 text"
    )


# Code points that Python's str.strip() removes besides the space: DuckDB's
# trim() removes only spaces.
_OTHER_SPACES = (
    *range(9, 14),
    *range(28, 32),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text_view(
    raw: ir.Table,
    local: BaseBackend,
    keys: tuple[str, ...] = (),
    row_key: tuple[str, ...] = (),
) -> ir.Table:
    """Return every column of `raw` as trimmed text ('' for null), in SQL.

    The extra boolean column `odd_space` marks a row where a column of `keys`
    starts or ends with whitespace other than spaces. Such a row goes to the
    row-by-row reader, so both paths read every value alike. The column
    `row_hash` hashes the `row_key` columns, to find duplicate rows cheaply.
    """
    return local.sql(_text_sql(raw, keys, row_key))


def _text_sql(
    raw: ir.Table,
    keys: tuple[str, ...],
    row_key: tuple[str, ...],
    typed: frozenset[str] = frozenset(),
) -> str:
    """Return the SQL of `text_view`; columns in `typed` keep their own type."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    trimmed = ", ".join(
        _quote(c)
        if c in typed
        else f"coalesce(trim(CAST({_quote(c)} AS VARCHAR)), '') AS {_quote(c)}"
        for c in raw.columns
    )
    spaces = ", ".join(str(code) for code in _OTHER_SPACES)
    odd = [
        f"unicode({_quote(c)}) IN ({spaces}) "
        f"OR unicode(right({_quote(c)}, 1)) IN ({spaces})"
        for c in keys
        if c in raw.columns
    ]
    odd_space = " OR ".join(odd) or "false"
    hashed = ", ".join(_quote(c) for c in row_key if c in raw.columns) or "''"
    source = ibis.to_sql(raw, dialect="duckdb")
    return (
        f"SELECT *, ({odd_space}) AS odd_space, hash({hashed}) AS row_hash "
        f"FROM (SELECT {trimmed} FROM ({source}) AS raw) AS text"
    )


def _typed(raw: ir.Table, names: dict[str, str]) -> frozenset[str]:
    """Return the input's date and amount columns that need no parsing.

    A Parquet or database column typed as a date, a timestamp, an integer or
    an exact decimal of at most 10 places already contains the value the
    row-by-row reader would read from its text.
    """
    schema = raw.schema()
    typed = set()
    date = schema.get(names["date"])
    if date is not None and (date.is_date() or date.is_timestamp()):
        typed.add(names["date"])
    amount = schema.get(names["amount"])
    if amount is not None and (amount.is_integer() or _exact_decimal(amount)):
        typed.add(names["amount"])
    return frozenset(typed)


def _exact_decimal(dtype: Any) -> bool:
    """Tell whether a decimal type fits decimal(38,10) without rounding."""
    return bool(
        dtype.is_decimal()
        and dtype.scale is not None
        and dtype.precision is not None
        and dtype.scale <= 10
        and dtype.precision - dtype.scale <= 28
    )


def _parse_sql(
    text_sql: str,
    names: dict[str, str],
    present: list[str],
    typed: frozenset[str] = frozenset(),
) -> str:
    """Return SQL that parses the text rows the way the row-by-row reader does.

    Each parsed column is null where the reader would raise. Only plain
    decimals of up to 12 + 6 digits parse here, because DuckDB reads text into
    decimal(18,6) exactly and fast, while decimal(38,10) parsed about a hundred
    times slower when measured. Anything else (more decimals, an exponent) is
    null, so it takes the row-by-row path, which reads every digit. Columns in
    `typed` (see `_typed`) are cast, not parsed.
    """

    def text(name: str) -> str:
        column = names[name]
        if column in typed:
            return "''"
        return _quote(column) if column in present else "''"

    known = " ".join(
        f"WHEN '{interval}' THEN {months}"
        for interval, months in _INTERVAL_MONTHS.items()
    )
    pattern = _INTERVAL_COUNT.pattern
    interval = f"lower({text('plan_interval')})"
    # Commas only group thousands; any other comma goes to the row-by-row
    # reader, which rejects it.
    amount = (
        f"CASE WHEN regexp_full_match({text('amount')}, "
        f"'{_THOUSANDS.pattern[1:-1]}') THEN replace({text('amount')}, ',', '') "
        f"WHEN contains({text('amount')}, ',') THEN 'x' ELSE {text('amount')} END"
    )
    day = f"CASE WHEN {text('date')} = '' THEN {text('period')} ELSE {text('date')} END"
    amount_sql = (
        f"CASE WHEN regexp_full_match(amount_text, '{_PLAIN_DECIMAL}') "
        "THEN CAST(TRY_CAST(amount_text AS DECIMAL(18, 6)) AS DECIMAL(38, 10)) END"
    )
    if names["amount"] in typed:
        amount_sql = f"CAST({_quote(names['amount'])} AS DECIMAL(38, 10))"
    month_sql = (
        "CAST(date_trunc('month', CASE "
        "WHEN length(day_text) = 10 AND day_text[5] = '-' AND day_text[8] = '-' "
        "THEN TRY_CAST(day_text AS DATE) "
        "WHEN regexp_full_match(day_text, '\\d{4}-\\d{2}') "
        "THEN TRY_CAST(day_text || '-01' AS DATE) "
        "WHEN regexp_matches(day_text, '^\\d{4}-\\d{2}-\\d{2}') "
        "THEN TRY_CAST(day_text[1:10] AS DATE) END) AS DATE)"
    )
    if names["date"] in typed:
        typed_month = f"CAST(date_trunc('month', {_quote(names['date'])}) AS DATE)"
        month_sql = f"coalesce({typed_month}, {month_sql})"
    true = ", ".join(f"'{word}'" for word in sorted(_TRUE))
    known_flags = ", ".join(f"'{word}'" for word in sorted(_TRUE | _FALSE))
    return f"""
SELECT
    {text("customer_id")} AS customer_id,
    {amount_sql} AS amount,
    CASE interval_text {known}
        ELSE CASE WHEN regexp_full_match(interval_text, '{pattern[1:-1]}')
            THEN nullif(TRY_CAST(regexp_extract(interval_text, '^(\\d+)', 1)
                AS BIGINT), 0)
                * CASE WHEN interval_text LIKE '%year%' THEN 12 ELSE 1 END
        END
    END AS months,
    {month_sql} AS month,
    flag_text IN ({true}) AS one_time,
    flag_text IN ({known_flags}) AS flag_known,
    nullif(upper({text("currency")}), '') AS currency,
    odd_space,
    row_hash
FROM (
    SELECT *, {amount} AS amount_text, {interval} AS interval_text,
        {day} AS day_text, lower({text("one_time")}) AS flag_text
    FROM ({text_sql}) AS text
) AS parts
"""


def _column(text: ir.Table, name: str) -> ir.StringValue:
    """Return a column of a `text_view`, or '' when the input lacks it."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    if name not in text.columns:
        return ibis.literal("")
    value: ir.StringValue = text[name]
    return value


def _sql_parsed(
    source: str, raw: ir.Table, names: dict[str, str], local: BaseBackend
) -> ir.Table | None:
    """Parse and check the input in DuckDB; raise on a missing column.

    Returns the parsed rows as a temporary table, or None when a row fails a
    check, which sends the input to the row-by-row reader to name the line.
    """
    import duckdb

    _require_columns(source, dict.fromkeys(raw.columns, ""), names)
    keys = (names["customer_id"], names["currency"], names["subscription_id"])
    typed = _typed(raw, names)
    text = _text_sql(raw, keys, tuple(names[name] for name in COLUMNS), typed)
    query = _parse_sql(text, names, list(raw.columns), typed)
    try:
        parsed = local.create_table(
            f"boardloop_parsed_{uuid.uuid4().hex}", local.sql(query), temp=True
        )
    except duckdb.Error:
        # DuckDB reads a CSV file lazily, so a ragged row surfaces here.
        return None
    has_id = parsed.customer_id != ""
    recurring = has_id & ~parsed.one_time
    problems = parsed.aggregate(
        odd_spaces=parsed.odd_space.sum(),
        missing_ids=(~has_id).sum(),
        bad_flags=(has_id & ~parsed.flag_known).sum(),
        bad_amounts=(recurring & parsed.amount.isnull()).sum(),
        bad_months=(recurring & parsed.months.isnull()).sum(),
        bad_dates=(recurring & parsed.month.isnull()).sum(),
    )
    counts = local.to_pyarrow(problems).to_pylist()[0]
    if any(value for value in counts.values()):
        return None
    # Equal hashes may come from different rows; the row-by-row reader then
    # compares the values themselves.
    copies = parsed.group_by("row_hash").aggregate(copies=parsed.count())
    duplicate = copies.filter(copies.copies > 1).limit(1)
    if len(local.to_pyarrow(duplicate)) > 0:
        return None
    return parsed


def _sql_counts(parsed: ir.Table, local: BaseBackend) -> tuple[int, int]:
    """Return rows read and one-time rows excluded."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    counts = parsed.aggregate(
        rows=parsed.count(), one_time=ibis.ifelse(parsed.one_time, 1, 0).sum()
    )
    row = local.to_pyarrow(counts).to_pylist()[0]
    return int(row["rows"]), int(row["one_time"] or 0)


def _sql_charges(parsed: ir.Table) -> ir.Table:
    """Return the recurring charges with their monthly amounts."""
    recurring = parsed.filter(~parsed.one_time)
    monthly = (recurring.amount / recurring.months).cast("decimal(38,10)")
    return recurring.select(
        customer_id=recurring.customer_id,
        month=recurring.month,
        months=recurring.months,
        monthly_amount=monthly,
        currency=recurring.currency,
    )


def _charges_arrow(charges: list[_Charge]) -> Any:
    """Build the charges table from the row-by-row reader's result."""
    import ibis  # type: ignore[import-untyped,unused-ignore]
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    data = {
        "customer_id": [c.customer_id for c in charges],
        "month": [c.month for c in charges],
        "months": [c.months for c in charges],
        "monthly_amount": [c.monthly_amount for c in charges],
        "currency": [c.currency for c in charges],
    }
    # An empty pandas-style column has no type of its own, so build the table
    # through Arrow with the schema, which also serves a ledger with no charges.
    return pa.Table.from_pydict(data, schema=ibis.schema(_SCHEMA).to_pyarrow())


def _store(
    charges: ir.Table,
    local: BaseBackend,
    backend: BaseBackend | None,
    *,
    stored: bool,
) -> ir.Table:
    """Keep the charges where the KPI queries run.

    Charges read from a temporary table (`stored`) stay a view over it in
    DuckDB, so the ledger is held in memory once.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    name = f"boardloop_ledger_{uuid.uuid4().hex}"
    typed = charges.cast(_SCHEMA)
    if backend is None or backend is local:
        return typed if stored else local.create_table(name, typed, temp=True)
    arrow = local.to_pyarrow(typed)
    return backend.create_table(name, ibis.memtable(arrow), temp=True)


def _currencies(
    source: str, table: ir.Table, column: str, backend: BaseBackend
) -> tuple[str, ...]:
    """Return the ledger's currencies; raise when a customer bills in two."""
    named = table.filter(table.currency.notnull())
    found = backend.to_pyarrow(named.select("currency").distinct()).to_pylist()
    currencies = tuple(sorted(str(row["currency"]) for row in found))
    if len(currencies) < 2:
        return currencies
    per_customer = named.group_by("customer_id").aggregate(
        currencies=named.currency.nunique()
    )
    mixed = per_customer.filter(per_customer.currencies > 1).limit(1)
    rows = backend.to_pyarrow(mixed).to_pylist()
    if rows:
        customer = str(rows[0]["customer_id"])
        raise LedgerError(
            source,
            None,
            column,
            customer,
            "bill each customer in one currency, or give the customer a "
            "separate id per currency",
            problem="customer billed in more than one currency",
        )
    return currencies


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
    with _open_csv(path) as handle:
        reader = csv.DictReader(handle)
        try:
            for record in reader:
                yield reader.line_num, dict(record)
        except UnicodeDecodeError:
            raise _not_utf8(path) from None


def _validate(
    source: str, records: Iterator[tuple[int, dict[str, Any]]], names: dict[str, str]
) -> _Checked:
    """Check every record, keeping recurring charges and counting one-time ones."""
    checked = _Checked(charges=[])
    missing_ids: list[int] = []
    seen: dict[tuple[str, ...], int] = {}
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
        checked.charges.append(_charge(source, line, record, names, customer))

    _reject_missing_ids(source, missing_ids, names["customer_id"])
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
                _missing_hint(record, name, "ledger"),
                problem="missing column",
            )
    if names["date"] not in record and names["period"] not in record:
        raise LedgerError(
            source,
            None,
            names["date"],
            "",
            "add a 'date' (YYYY-MM-DD) or 'period' (YYYY-MM) column, or map "
            "yours to it",
            problem="missing column",
        )


def _missing_hint(record: dict[str, Any], name: str, kind: str) -> str:
    """Say how to supply a missing column, and notice a file with other separators."""
    header = list(record)
    if len(header) == 1:
        for separator, word in ((";", "semicolons"), ("\t", "tabs")):
            if separator in header[0]:
                return (
                    f"the header separates its columns with {word}; save the file "
                    "comma-separated"
                )
    return (
        f"add the column, or map yours to it: [metrics.columns.{kind}] "
        f'{name} = "Your column" in boardloop.toml, or '
        f"columns={{'{name}': ...}} in Python"
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
        (
            f"1 row has no customer id (line {shown}); fill it in or remove it"
            if len(lines) == 1
            else f"{len(lines)} rows have no customer id (lines {shown}{more}); "
            "fill them in or remove them"
        ),
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
    currency = _text(record.get(names["currency"])).upper() or None
    return _Charge(customer, month, months, monthly, currency)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _amount(source: str, line: int, value: Any, column: str) -> Decimal:
    text = _text(value)
    if "," in text:
        if not _THOUSANDS.match(text):
            raise LedgerError(
                source,
                line,
                column,
                text,
                "write amounts with a decimal point, such as 1200.50; a comma may "
                "only group thousands, as in 1,200.50",
                problem="comma that is not a thousands separator",
            )
        text = text.replace(",", "")
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
    if abs(amount) >= _AMOUNT_LIMIT:
        raise LedgerError(
            source,
            line,
            column,
            _text(value),
            "amounts are stored with 28 digits before the decimal point; check "
            "the unit of this column",
            problem="amount out of range",
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
