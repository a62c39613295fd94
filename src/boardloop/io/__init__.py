"""Readers: register files (YAML, CSV, Markdown, XLSX) and KPI value CSVs.

Every reader returns register objects that keep their source lines, with an
import summary of what was recognised, guessed and dropped. A file that cannot
be read at all raises `ReadError` naming the file, line and remedy.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop.io._csv import read_csv_text
from boardloop.io._export import (
    FINDING_COLUMNS,
    REGISTER_COLUMNS,
    Table,
    findings_table,
    is_formula_like,
    register_table,
)
from boardloop.io._export_files import (
    EXPORT_FORMATS,
    ExportError,
    table_to_csv,
    table_to_xlsx,
)
from boardloop.io._fields import ReadContext, dedupe_ids
from boardloop.io._kpi_values import (
    UNCAPPED_RATE_IDS,
    ValueRange,
    kpi_value_ranges,
    read_kpi_values,
)
from boardloop.io._markdown import read_markdown_text
from boardloop.io._summary import ImportResult, ImportSummary, Notice, Period, ReadError
from boardloop.io._yaml import read_yaml_text

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import Initiative

__all__ = [
    "EXPORT_FORMATS",
    "FINDING_COLUMNS",
    "FORMATS",
    "REGISTER_COLUMNS",
    "UNCAPPED_RATE_IDS",
    "ExportError",
    "ImportResult",
    "ImportSummary",
    "Notice",
    "Period",
    "ReadError",
    "Table",
    "ValueRange",
    "findings_table",
    "is_formula_like",
    "kpi_value_ranges",
    "read_kpi_values",
    "read_register_file",
    "register_table",
    "table_to_csv",
    "table_to_xlsx",
]

logger = logging.getLogger(__name__)

# File extension -> format name shown in the import summary.
FORMATS: dict[str, str] = {
    ".yaml": "YAML",
    ".yml": "YAML",
    ".csv": "CSV",
    ".tsv": "CSV",
    ".txt": "CSV",
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".mdx": "Markdown",
    ".xlsx": "XLSX",
    ".xlsm": "XLSX",
}


def read_register_file(
    path: Path,
    *,
    calendar: FiscalCalendar,
    as_of: dt.date | None = None,
    kpi_aliases: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Read a register file, choosing the reader by the file's extension.

    `kpi_aliases` maps a lower-case KPI name or alias to a catalog id; the
    bundled catalog's aliases are used when it is None. `sheet` names the
    worksheet of an XLSX file to read (default: the first); other formats
    reject it.
    """
    path = Path(path)
    file_format = FORMATS.get(path.suffix.casefold())
    if file_format is None:
        known = ", ".join(sorted(FORMATS))
        raise ReadError(
            path, None, f"unknown file type '{path.suffix}'", f"use one of {known}"
        )
    if sheet is not None and file_format != "XLSX":
        raise ReadError(
            path,
            None,
            f"--sheet '{sheet}' applies only to XLSX workbooks",
            "leave out --sheet for this file",
        )
    text = read_text(path) if file_format != "XLSX" else ""
    if kpi_aliases is None:
        from boardloop.catalog import load_catalog

        kpi_aliases = load_catalog().aliases()
    summary = ImportSummary(str(path), file_format)
    ctx = ReadContext(str(path), calendar, as_of, kpi_aliases, summary)
    logger.info("reading %s as %s", path, file_format)

    period = None
    initiatives: list[Initiative]
    if file_format == "YAML":
        initiatives = read_yaml_text(text, ctx)
    elif file_format == "CSV":
        initiatives = read_csv_text(text, ctx)
    elif file_format == "XLSX":
        from boardloop.io._xlsx import read_xlsx_file  # openpyxl loads slowly

        initiatives = read_xlsx_file(path, ctx, sheet)
    else:
        initiatives, period = read_markdown_text(text, ctx)
    initiatives = dedupe_ids(initiatives, summary)
    summary.recognise_derived_ids([initiative.id for initiative in initiatives])
    summary.counts["initiatives"] = len(initiatives)
    summary.counts["guessed"] = len(summary.guessed)
    summary.counts["dropped"] = len(summary.dropped)
    return ImportResult(str(path), file_format, tuple(initiatives), summary, period)


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text; reject a missing, empty or non-UTF-8 file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(path, None, "file not found", "check the path") from None
    except OSError as error:
        raise ReadError(
            path, None, f"cannot read the file: {error.strerror}"
        ) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReadError(
            path,
            line,
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start})",
            "save the file as UTF-8, for example with 'Save as CSV UTF-8'",
        ) from error
    if not text.strip():
        raise ReadError(path, None, "the file is empty", "add at least one initiative")
    return text
