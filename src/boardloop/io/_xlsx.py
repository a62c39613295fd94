"""XLSX registers: one sheet read through the shared table reader.

The header is the first row with a value. When a merged cell in it spans
columns (a group label above a second header row) or rows, the header is two
rows. A column's name is then the group label and the second row's name
joined ("Baseline" over "Date" reads as "Baseline Date"). When the joined name
is no register field but the second row's name is one, the second row's name
alone is used. A column with nothing in the second row keeps the group label.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING, Any

from boardloop.io._dates import DateOrder
from boardloop.io._fields import match_header
from boardloop.io._summary import ReadError
from boardloop.io._table import TableReader, map_headers
from boardloop.io._xlsx_cells import Cell, CellReader

if TYPE_CHECKING:
    from pathlib import Path

    from boardloop.domain.model import Initiative
    from boardloop.io._fields import ReadContext

# openpyxl ships no type hints; these name what a value is.
Workbook = Any
Worksheet = Any

__all__ = ["XLSX_SUFFIXES", "read_xlsx_file"]

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

Row = tuple[Cell, ...]


def read_xlsx_file(
    path: Path, ctx: ReadContext, sheet: str | None = None
) -> list[Initiative]:
    """Read a register from one sheet of a workbook: `sheet`, else the first."""
    values = _load(path, data_only=True)
    formulas = _load(path, data_only=False)
    worksheet = _choose_sheet(values, sheet, path)
    formula_sheet = formulas[worksheet.title]
    ctx.summary.recognise(worksheet.title, "sheet")

    rows = [row for row in worksheet.iter_rows() if row]
    header_at = next((i for i, row in enumerate(rows) if _has_value(row)), None)
    if header_at is None:
        raise ReadError(
            path,
            None,
            f"sheet '{worksheet.title}' is empty",
            "add a header row and one row per initiative, or choose another "
            "sheet with --sheet",
        )
    header_at = _find_header(worksheet, rows, header_at, ctx)
    headers, header_rows = _headers(worksheet, rows, header_at)
    header_line = rows[header_at][0].row or 1
    columns = map_headers(headers, header_line, ctx)
    if not any(column.field == "name" for column in columns):
        raise ReadError(
            path,
            header_line,
            f"no name column on sheet '{worksheet.title}' among "
            f"{', '.join(repr(h) for h in headers if h)}",
            "add a column named 'name', 'initiative' or 'project'",
        )

    cells = CellReader(ctx.summary, values.epoch)
    fields = {column.index: column.field for column in columns}
    merged_down = _merged_down(worksheet, header_line + header_rows)
    texts_of: dict[tuple[int, int], str] = {}
    table: list[tuple[int, list[str]]] = []
    empty_rows: list[int] = []
    for row in rows[header_at + header_rows :]:
        line = row[0].row or 0
        texts = []
        for index, cell in enumerate(row):
            text = cells.text(
                cell, _formula_cell(formula_sheet, cell), fields.get(index)
            )
            top = merged_down.get((line, index + 1))
            if top is not None:
                text = texts_of.get(top, "")
            texts_of[line, index + 1] = text
            texts.append(text)
        if any(text.strip() for text in texts):
            table.append((line, texts))
        else:
            empty_rows.append(line)
    _report_empty_rows(ctx, empty_rows, table)

    reader = TableReader(
        ctx,
        columns,
        table,
        ambiguous_order=DateOrder.MONTH_FIRST,
        sheet=worksheet.title,
    )
    initiatives = []
    for line, texts in table:
        initiative = reader.read_row(line, texts)
        if initiative is not None:
            initiatives.append(initiative)
    return initiatives


def _load(path: Path, *, data_only: bool) -> Workbook:
    """Open a workbook, turning every way it can fail into a ReadError."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import (  # type: ignore[import-untyped]
        InvalidFileException,
    )

    try:
        return load_workbook(path, data_only=data_only)
    except FileNotFoundError:
        raise ReadError(path, None, "file not found", "check the path") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        raise ReadError(
            path,
            None,
            f"not a readable XLSX workbook ({type(error).__name__}: {error})",
            "save the file as an Excel Workbook (.xlsx)",
        ) from error
    except OSError as error:
        raise ReadError(path, None, f"cannot read the file: {error}") from error


def _choose_sheet(workbook: Workbook, sheet: str | None, path: Path) -> Worksheet:
    sheets = list(workbook.worksheets)
    names = ", ".join(f"'{item.title}'" for item in sheets)
    if not sheets:
        raise ReadError(path, None, "the workbook has no worksheet")
    if sheet is None:
        first: Worksheet = sheets[0]
        return first
    for item in sheets:
        if item.title == sheet:
            found: Worksheet = item
            return found
    raise ReadError(
        path,
        None,
        f"sheet '{sheet}' not found; the workbook has {names}",
        "pass one of these names to --sheet",
    )


def _has_value(row: Row) -> bool:
    return any(cell.value is not None and str(cell.value).strip() for cell in row)


# Rows searched for the header: a sheet often starts with a title or notes.
_HEADER_SEARCH_ROWS = 10


def _find_header(
    worksheet: Worksheet, rows: list[Row], first: int, ctx: ReadContext
) -> int:
    """Return the index of the first row with a name column among the first rows.

    Rows with values above it (a title, a note) are listed as dropped. Without
    such a row the first row with a value is the header, and the caller
    reports its missing name column.
    """
    candidates = [i for i in range(first, len(rows)) if _has_value(rows[i])]
    for index in candidates[:_HEADER_SEARCH_ROWS]:
        headers, _ = _headers(worksheet, rows, index)
        if any(match_header(header) == "name" for header in headers):
            for above in candidates:
                if above >= index:
                    break
                texts = [_text(cell.value) for cell in rows[above]]
                text = " | ".join(text for text in texts if text)
                ctx.summary.drop(
                    rows[above][0].row,
                    f"row above the header not read: '{text}'",
                    "the header is the first row with a name column",
                )
            return index
    return first


def _headers(
    worksheet: Worksheet, rows: list[Row], header_at: int
) -> tuple[list[str], int]:
    """Return the column names and the number of header rows (1 or 2)."""
    top_row = rows[header_at]
    line = top_row[0].row
    merged = [item for item in worksheet.merged_cells.ranges if item.min_row == line]
    top = [_text(cell.value) for cell in top_row]
    if not any(item.max_col > item.min_col or item.max_row > line for item in merged):
        return top, 1

    # A merged cell keeps its value in its top-left cell only; copy it across.
    for item in merged:
        label = top[item.min_col - 1]
        for column in range(item.min_col, item.max_col + 1):
            if column - 1 < len(top):
                top[column - 1] = label
    second_row = rows[header_at + 1] if header_at + 1 < len(rows) else ()
    second = [_text(cell.value) for cell in second_row]
    headers = []
    for index, label in enumerate(top):
        below = second[index] if index < len(second) else ""
        headers.append(_join_header(label, below))
    return headers, 2


def _join_header(label: str, below: str) -> str:
    if not below:
        return label
    if not label or label == below:
        return below
    joined = f"{label} {below}"
    if match_header(joined) is not None or match_header(below) is None:
        return joined
    return below


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _formula_cell(sheet: Worksheet, cell: Cell) -> Cell | None:
    if cell.row is None or cell.column is None:
        return None
    found: Cell = sheet.cell(cell.row, cell.column)
    return found


def _merged_down(
    worksheet: Worksheet, first_row: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """Map each cell below the top of a merged range to the range's top cell.

    A cell merged down over several rows (a program named once for three
    initiatives) applies to every row it covers. Cells covered sideways stay
    empty, because the value belongs to the range's first column only.
    """
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for item in worksheet.merged_cells.ranges:
        if item.min_row < first_row:
            continue
        for row in range(item.min_row + 1, item.max_row + 1):
            covered[row, item.min_col] = (item.min_row, item.min_col)
    return covered


def _report_empty_rows(
    ctx: ReadContext, empty_rows: list[int], table: list[tuple[int, list[str]]]
) -> None:
    """Count the empty rows between the header and the last row with a value."""
    last = table[-1][0] if table else 0
    skipped = [line for line in empty_rows if line < last]
    if skipped:
        ctx.summary.count("empty rows", len(skipped))
        listed = ", ".join(str(line) for line in skipped)
        noun = "row" if len(skipped) == 1 else "rows"
        ctx.summary.recognise(f"{noun} {listed}", f"empty {noun}, skipped")
