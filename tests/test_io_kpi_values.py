"""KPI value CSVs: aliases, decimal commas, percent signs, row errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.io import ReadError, read_kpi_values

if TYPE_CHECKING:
    from pathlib import Path

ALIASES = {"grr": "customers.gross_revenue_retention"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "values.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_with_alias_percent_and_n(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,n\n"
        "GRR,SMB,2026-03-31,91.5%,420\n"
        "customers.nps_score,all,2026-03-31,41,\n",
    )
    grr, nps = read_kpi_values(path, ALIASES)
    assert grr.kpi_id == "customers.gross_revenue_retention"
    assert grr.value == Decimal("91.5")
    assert grr.n == 420
    assert grr.period_end == dt.date(2026, 3, 31)
    assert grr.source is not None
    assert grr.source.line == 2
    assert nps.n is None


def test_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    path = write(
        tmp_path, "\ufeffKPI;Segment;Period_End;Value\nGRR;SMB;31/03/2026;0,125\n"
    )
    (value,) = read_kpi_values(path, ALIASES)
    assert value.value == Decimal("0.125")
    assert value.period_end == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("GRR,SMB,2026-03-31,high", "value"),
        ("GRR,SMB,end of March,91", "period_end"),
        (",SMB,2026-03-31,91", "kpi"),
        ("GRR,,2026-03-31,91", "segment"),
        ("GRR,SMB,2026-03-31,91,many", "n"),
    ],
)
def test_bad_row_names_line_and_column(tmp_path: Path, row: str, column: str) -> None:
    path = write(
        tmp_path, f"kpi,segment,period_end,value,n\nGRR,SMB,2026-02-28,90,\n{row}\n"
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.line == 3
    assert f"column '{column}'" in error.value.message
    assert str(path) in str(error.value)


def test_duplicate_rows_are_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,91\n"
        "customers.gross_revenue_retention,SMB,2026-03-31,92\n",
    )
    with pytest.raises(ReadError, match="first on line 2") as error:
        read_kpi_values(path, ALIASES)
    assert error.value.line == 3


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,period_end,value\nGRR,2026-03-31,91\n")
    with pytest.raises(ReadError, match="missing column segment"):
        read_kpi_values(path, ALIASES)
