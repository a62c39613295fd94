"""CSV registers: sniff the separator, map the header, read each row."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from boardloop.io._export import needs_apostrophe
from boardloop.io._fields import DateOrder
from boardloop.io._summary import ReadError
from boardloop.io._table import TableReader, map_headers

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._fields import ReadContext

__all__ = ["read_csv_text", "sniff_delimiter"]


_DELIMITERS = ",;\t"


def read_csv_text(text: str, ctx: ReadContext) -> list[Initiative]:
    """Read a register from CSV text: sniff the delimiter, map the header."""
    text = text.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text)
    ctx.summary.recognise("tab" if delimiter == "\t" else delimiter, "column separator")
    records = _records(text, delimiter)
    if not records:
        raise ReadError(ctx.path, None, "missing header row", "add a header row")
    header_line, headers = records[0]
    columns = map_headers(headers, header_line, ctx)
    if not any(column.field == "name" for column in columns):
        raise ReadError(
            ctx.path,
            header_line,
            f"no name column among {', '.join(repr(h) for h in headers)}",
            "add a column named 'name', 'initiative' or 'project'",
        )
    rows = records[1:]
    # Ambiguous dates follow the file's convention: a ';' file is written in a
    # locale with decimal commas, which writes the day first.
    order = DateOrder.DAY_FIRST if delimiter == ";" else DateOrder.MONTH_FIRST
    reader = TableReader(ctx, columns, rows, ambiguous_order=order)
    initiatives = []
    for line, cells in rows:
        initiative = reader.read_row(line, cells)
        if initiative is not None:
            initiatives.append(initiative)
    return initiatives


def sniff_delimiter(text: str) -> str:
    """Choose ',', ';' or tab: the one found most often in the header row.

    A file with a single column has none of them and reads as ','.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    header = re.sub(r'"[^"]*"', "", header)  # separators inside quotes do not count
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into rows, each with the line it starts on.

    An apostrophe that an export put before formula-like text (`'=SUM(A1)`)
    to keep spreadsheets from running it is removed again.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = []
    line = 1
    for raw_cells in reader:
        cells = [_unquote_formula(cell) for cell in raw_cells]
        if any(cell.strip() for cell in cells):
            records.append((line, cells))
        line = reader.line_num + 1
    return records


def _unquote_formula(cell: str) -> str:
    if cell.startswith("'") and needs_apostrophe(cell[1:]):
        return cell[1:]
    return cell
