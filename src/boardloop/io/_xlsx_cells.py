"""XLSX cells as the text the table reader reads: numbers, percentages and dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

# NOTE: openpyxl ships no type hints, so its cells and sheets are typed Any.
from openpyxl.utils.datetime import (  # type: ignore[import-untyped]
    CALENDAR_MAC_1904,
    from_excel,
)

from boardloop.io._export import decimal_text
from boardloop.io._table import DATE_FIELDS

if TYPE_CHECKING:
    from boardloop.io._summary import ImportSummary

Cell = Any

__all__ = ["Cell", "CellReader"]

# Fields whose cells hold dates, so a plain number in them is a date serial.
_DATE_COLUMNS = frozenset({*DATE_FIELDS, "deadline", "baseline_as_of"})

# Quoted text and backslash-escaped characters of a number format, such as the
# '"%"' of 0.0"%", are shown as written and do not make the cell a percentage.
_QUOTED = re.compile(r'"[^"]*"|\\.')

# Serial numbers that are dates in both date systems: 1 to 9999-12-31.
_MAX_SERIAL = 2958465


class CellReader:
    """Turn the cells of one sheet into text, reporting what a rule decided.

    `epoch` is the workbook's date system (openpyxl's `workbook.epoch`): 1900
    for Windows Excel, 1904 for workbooks saved by old Mac Excel.
    """

    def __init__(self, summary: ImportSummary, epoch: dt.datetime) -> None:
        self.summary = summary
        self.epoch = epoch
        self.system = "1904" if epoch == CALENDAR_MAC_1904 else "1900"

    def text(
        self,
        cell: Cell,
        formula: Cell | None,
        field_name: str | None,
    ) -> str:
        """Return a cell's value as text; `formula` is the same cell with formulas.

        A formula cell is read by the value its spreadsheet program cached when
        it last saved the file. A formula with no cached value, or an error
        value such as #N/A, is reported as dropped and read as an empty cell.
        """
        value = cell.value
        where = f"cell {cell.coordinate}"
        if value is None:
            if formula is not None and formula.data_type == "f":
                self.summary.drop(
                    cell.row,
                    f"{where} holds the formula '{_formula_text(formula)}' with no "
                    "cached value; read as empty",
                    "open and save the file in Excel or LibreOffice so the value "
                    "is stored",
                )
            return ""
        if cell.data_type == "e":
            self.summary.drop(
                cell.row,
                f"{where} holds the error value {value}; read as empty",
                "fix the formula or type the value",
            )
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, dt.datetime):
            return self._datetime_text(value, where, cell.row)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dt.time | dt.timedelta):
            return str(value)
        if isinstance(value, int | float):
            return self._number_text(value, cell, field_name)
        return str(value)

    def _datetime_text(self, value: dt.datetime, where: str, row: int | None) -> str:
        if value.time() != dt.time(0):
            self.summary.guess(
                row,
                f"{where} holds {value.isoformat(sep=' ')}; read as the date "
                f"{value.date().isoformat()}",
                "register dates have no time of day",
            )
        return value.date().isoformat()

    def _number_text(self, value: float, cell: Cell, field_name: str | None) -> str:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in _QUOTED.sub("", cell.number_format or ""):
            # A percentage cell stores a fraction: 0.05 is shown, and meant, as 5 %.
            return decimal_text(number * 100) + "%"
        if field_name in _DATE_COLUMNS and 1 <= number <= _MAX_SERIAL:
            day = from_excel(value, self.epoch)
            if isinstance(day, dt.datetime):
                self.summary.guess(
                    cell.row,
                    f"number {decimal_text(number)} in cell {cell.coordinate} read as "
                    f"the date {day.date().isoformat()}",
                    f"a date serial number in the workbook's {self.system} date system",
                )
                return day.date().isoformat()
        return decimal_text(number)


def _formula_text(cell: Cell) -> str:
    value = cell.value
    text = getattr(value, "text", value)  # array formulas keep their text apart
    return str(text)
