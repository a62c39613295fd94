"""Exchange rates that convert a ledger's currencies into one reporting currency."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardloop.metrics._ledger import LedgerError, _records, _text

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

__all__ = ["FX_COLUMNS", "FxError", "FxRates", "load_rates"]

FX_COLUMNS = ("currency", "month", "rate")
"""Rate file columns: `rate` reporting-currency units buy one unit of `currency`."""

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


class FxError(LedgerError):
    """An exchange rate that cannot be used, or one that is missing."""


@dataclass(frozen=True)
class FxRates:
    """Monthly exchange rates into `currency`, one per (currency, month).

    A window converts its start and end revenue at the rate of its baseline
    month, so exchange-rate moves do not read as expansion or churn. The
    difference that the last month's rate makes is reported as the FX effect.
    """

    currency: str
    rates: dict[tuple[str, date], Decimal]
    source: str
    table: ir.Table = field(repr=False)

    def rate(self, currency: str, month: date) -> Decimal | None:
        """Return the rate for a currency in a month, 1 for the reporting currency."""
        if currency == self.currency:
            return Decimal(1)
        return self.rates.get((currency, month.replace(day=1)))


def load_rates(path: str | Path, *, currency: str) -> FxRates:
    """Read monthly exchange rates into the reporting `currency` from CSV or Parquet.

    Each row is `currency`, `month` (YYYY-MM, or a date in the month) and
    `rate`, the amount of the reporting currency that one unit buys. Rows for
    the reporting currency itself are not needed.

    Raises:
        FxError: on a missing column, an invalid currency code, month or rate,
            or two rates for one currency and month.
    """
    import ibis  # type: ignore[import-untyped,unused-ignore]

    reporting = currency.strip().upper()
    if not _CURRENCY.match(reporting):
        raise FxError(
            str(path),
            None,
            "currency",
            currency,
            "use a code such as USD or EUR",
            problem="invalid reporting currency",
        )
    source, records = _records(path)
    rates: dict[tuple[str, date], Decimal] = {}
    lines: dict[tuple[str, date], int] = {}
    for line, record in records:
        for column in FX_COLUMNS:
            if column not in record:
                raise FxError(
                    source,
                    None,
                    column,
                    "",
                    "write a header row: currency,month,rate",
                    problem="missing column",
                )
        key = (_currency(source, line, record), _month(source, line, record))
        if key in rates:
            raise FxError(
                source,
                line,
                "month",
                key[1].strftime("%Y-%m"),
                "keep one rate per currency and month",
                problem=f"duplicate of line {lines[key]}",
            )
        rates[key] = _rate(source, line, record.get("rate"))
        lines[key] = line
    keys = sorted(rates)
    table = ibis.memtable(
        {
            "currency": [k[0] for k in keys],
            "month": [k[1] for k in keys],
            "rate": [rates[k] for k in keys],
        },
        schema={"currency": "string", "month": "date", "rate": "decimal(38,10)"},
    )
    return FxRates(currency=reporting, rates=rates, source=source, table=table)


def _currency(source: str, line: int, record: dict[str, Any]) -> str:
    text = _text(record.get("currency")).upper()
    if not _CURRENCY.match(text):
        raise FxError(
            source,
            line,
            "currency",
            text,
            "use a three-letter code such as EUR",
            problem="invalid currency",
        )
    return text


def _month(source: str, line: int, record: dict[str, Any]) -> date:
    value = record.get("month")
    if isinstance(value, date):
        return value.replace(day=1)
    text = _text(value)
    match = _MONTH.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise FxError(
            source,
            line,
            "month",
            text,
            "write months as YYYY-MM",
            problem="invalid month",
        ) from None


def _rate(source: str, line: int, value: Any) -> Decimal:
    text = _text(value)
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or rate <= 0:
        raise FxError(
            source,
            line,
            "rate",
            text,
            "write the rate as a positive number, such as 1.0842",
            problem="invalid rate",
        )
    return rate
