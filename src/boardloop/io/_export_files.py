"""Tables written as CSV text or XLSX bytes, with formula injection made inert.

A text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return would
run as a formula, or turn into a number, when a spreadsheet program opens the
file. In CSV such a cell gets a leading apostrophe, which spreadsheet programs
show as text and the CSV reader removes again. In XLSX every text cell is a
string cell, never a formula, and such a cell also gets the quote-prefix
style, so editing it keeps it text. Numbers of the register (baselines,
actual movements) are written as numbers, so a baseline of -2 stays -2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.io._export import decimal_text, is_formula_like, needs_apostrophe

if TYPE_CHECKING:
    from boardloop.io._export import CellValue, Table

__all__ = ["EXPORT_FORMATS", "ExportError", "table_to_csv", "table_to_xlsx"]

EXPORT_FORMATS = ("csv", "xlsx")

# Characters that XML 1.0, and so XLSX, cannot hold: C0 controls but tab,
# newline and carriage return. They are written as visible marks, as the board
# section shows bidirectional controls, so one stray ESC or BEL in a note does
# not stop the export.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# The sheet name limit and the characters Excel rejects in sheet names.
_SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class ExportError(ValueError):
    """A value that the chosen file format cannot hold, with its place."""

    # NOTE: no writer raises this now, because XLSX shows control characters as
    # marks. The CLI and the API still catch it for writers that may need it.


def show_xml_controls(text: str) -> str:
    """Replace each control character XLSX cannot store with a visible `[U+XXXX]`."""
    return _ILLEGAL_XML.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def csv_cell(value: CellValue) -> str:
    """Write one cell as CSV text: ISO dates, plain decimals, inert text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "'" + value if needs_apostrophe(value) else value


def table_to_csv(table: Table) -> str:
    """Write a table as comma-separated text with a UTF-8 byte-order mark.

    The byte-order mark makes Excel read the file as UTF-8; the readers skip it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in table.header])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def table_to_xlsx(table: Table) -> bytes:
    """Write a table as a one-sheet XLSX workbook, with a bold, frozen header."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    for column, name in enumerate(table.header, start=1):
        cell = sheet.cell(1, column)
        _set_text(cell, name)
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row_number, column)
            if isinstance(value, Decimal):
                cell.value = value
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                _set_text(cell, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell: Any, text: str) -> None:
    """Store text as a string cell, which a spreadsheet never runs as a formula."""
    text = show_xml_controls(text)
    cell.value = text
    # openpyxl marks text that starts with '=' as a formula; text stays text.
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_NAME_BAD.sub(" ", title).strip().strip("'") or "Sheet"
    return cleaned[:_SHEET_NAME_MAX]
