"""KPI value CSVs: aliases, decimal commas, percent signs, row errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from boardloop.catalog import load_catalog, parse_catalog
from boardloop.domain.model import Unit
from boardloop.io import UNCAPPED_RATE_IDS, ReadError, kpi_value_ranges, read_kpi_values

DOCS = Path(__file__).resolve().parents[1] / "docs" / "formats.md"

ALIASES = {"grr": "customers.gross_revenue_retention", "nps": "customers.nps_score"}


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


@pytest.mark.parametrize(
    ("first", "second", "first_as"),
    [
        ("GRR,SMB,2026-10-31,90", "GRR,smb,2026-10-31,86", " as segment 'SMB'"),
        ("GRR,Mid market,2026-10-31,90", "GRR,mid  MARKET,2026-10-31,86", " as"),
        ("gross revenue retention,SMB,2026-10-31,90", "grr,SMB,2026-10-31,86", ")"),
    ],
)
def test_duplicate_check_ignores_case_and_spacing(
    tmp_path: Path, first: str, second: str, first_as: str
) -> None:
    path = write(tmp_path, f"kpi,segment,period_end,value\n{first}\n{second}\n")
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, load_catalog().aliases())
    assert error.value.line == 3
    assert "repeated value" in error.value.message
    assert f"(first on line 2{first_as}" in error.value.message


def test_duplicate_check_folds_unknown_kpi_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nFooBar,SMB,2026-03-31,1\n"
        "foobar,SMB,2026-03-31,2\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path)
    assert error.value.line == 3
    assert "(first on line 2 as kpi 'FooBar')" in error.value.message


def test_segments_differing_in_words_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nGRR,SMB,2026-10-31,90\n"
        "GRR,SMB EMEA,2026-10-31,86\nGRR,smb,2026-09-30,88\n",
    )
    assert len(read_kpi_values(path, ALIASES)) == 3


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,period_end,value\nGRR,2026-03-31,91\n")
    with pytest.raises(ReadError, match="missing column segment"):
        read_kpi_values(path, ALIASES)


# --- KPI names ----------------------------------------------------------------


def test_unknown_kpi_name_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,91\n"
        "FooBar,SMB,2026-03-31,12\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.path == str(path)
    assert error.value.line == 3
    assert "unknown KPI 'FooBar'" in error.value.message
    assert "customers.gross_revenue_retention" in error.value.hint


def test_catalog_id_is_a_known_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\ncustomers.gross_revenue_retention,SMB,"
        "2026-03-31,91\n",
    )
    (value,) = read_kpi_values(path, ALIASES)
    assert value.kpi_id == "customers.gross_revenue_retention"


def test_unknown_names_kept_without_catalog(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,segment,period_end,value\nFooBar,SMB,2026-03-31,12\n")
    (value,) = read_kpi_values(path)
    assert value.kpi_id == "FooBar"


# --- possible ranges ------------------------------------------------------------


def test_bundled_ranges() -> None:
    ranges = kpi_value_ranges(load_catalog())
    share = (Decimal(0), Decimal(100))
    assert ranges["customers.gross_revenue_retention"] == share
    assert ranges["customers.logo_churn_rate"] == share
    assert ranges["customers.top_customer_concentration"] == share
    assert ranges["customers.net_revenue_retention"] == (Decimal(0), None)
    assert ranges["customers.expansion_rate"] == (Decimal(0), None)
    assert ranges["customers.nps_score"] == (Decimal(-100), Decimal(100))
    assert ranges["customers.new_customers"] == (Decimal(0), None)
    assert "customers.expansion_revenue" not in ranges


def test_every_bundled_rate_is_capped_or_listed() -> None:
    catalog = load_catalog()
    ranges = kpi_value_ranges(catalog)
    rates = {kpi.id for kpi in catalog.kpis if kpi.native_unit is Unit.PP}
    assert rates >= UNCAPPED_RATE_IDS
    for kpi_id in rates - UNCAPPED_RATE_IDS:
        assert ranges[kpi_id] == (Decimal(0), Decimal(100)), kpi_id


def test_uncapped_rates_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kpi_id in UNCAPPED_RATE_IDS:
        assert f"`{kpi_id}`" in text, kpi_id


def test_workspace_rate_has_no_cap() -> None:
    catalog = parse_catalog(
        """{
          "version": "1.0.0",
          "releasedAt": "2026-06-01",
          "kpis": [
            {"rogueId": "customers.seat_utilisation", "slug": "seat_utilisation",
             "domain": "customers", "defaultLabel": "Seat utilisation",
             "fieldType": "percentage", "unit": "%"}
          ]
        }""",
        name="company.json",
    )
    ranges = kpi_value_ranges(catalog)
    assert ranges == {"customers.seat_utilisation": (Decimal(0), None)}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("GRR,SMB,2026-03-31,-0.5", "value -0.5 is below 0"),
        ("NPS,all,2026-03-31,120", "value 120 is above 100"),
        ("NPS,all,2026-03-31,-101", "value -101 is below -100"),
        ("customers.new_customers,all,2026-03-31,-3", "value -3 is below 0"),
        ("logo churn,SMB,2026-03-31,250", "value 250 is above 100"),
        ("GRR,SMB,2026-03-31,100.5", "value 100.5 is above 100"),
        ("CSAT,all,2026-03-31,101%", "value 101 is above 100"),
        ("renewal rate,all,2026-03-31,130", "value 130 is above 100"),
    ],
)
def test_value_outside_range_is_an_error(
    tmp_path: Path, row: str, message: str
) -> None:
    path = write(tmp_path, f"kpi,segment,period_end,value\n{row}\n")
    with pytest.raises(ReadError) as error:
        read_kpi_values(path)
    assert error.value.line == 2
    assert message in error.value.message
    assert "column 'value'" in error.value.message


def test_values_at_range_edges_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,0\n"
        "NPS,all,2026-03-31,-100\nNPS,SMB,2026-03-31,100\n"
        "NRR,SMB,2026-03-31,135\nlogo churn,SMB,2026-03-31,100\n"
        "expansion rate,SMB,2026-03-31,140\n",
    )
    values = read_kpi_values(path)
    assert [value.value for value in values] == [
        Decimal(0),
        Decimal(-100),
        Decimal(100),
        Decimal(135),
        Decimal(100),
        Decimal(140),
    ]


def test_ranges_argument_replaces_bundled(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,-2\n")
    (value,) = read_kpi_values(path, ALIASES, ranges={})
    assert value.value == Decimal(-2)
    ranges = {"customers.gross_revenue_retention": (None, Decimal(100))}
    path = write(tmp_path, "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,101\n")
    with pytest.raises(ReadError, match="above 100"):
        read_kpi_values(path, ALIASES, ranges=ranges)


# --- period_end dates ---------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";"])
def test_ambiguous_period_end_is_an_error(tmp_path: Path, separator: str) -> None:
    header = separator.join(("kpi", "segment", "period_end", "value"))
    row = separator.join(("GRR", "SMB", "03/04/2026", "91"))
    path = write(tmp_path, f"{header}\n{row}\n")
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.line == 2
    assert "'03/04/2026'" in error.value.message
    assert "YYYY-MM-DD" in error.value.hint


def test_period_end_order_proven_by_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value\nGRR,SMB,03/31/2026,91\nGRR,SMB,04/02/2026,92\n",
    )
    first, second = read_kpi_values(path, ALIASES)
    assert first.period_end == dt.date(2026, 3, 31)
    assert second.period_end == dt.date(2026, 4, 2)


def test_impossible_period_end_names_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,segment,period_end,value\nGRR,SMB,2026-02-30,91\n")
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert "February 2026 has 28 days" in error.value.message


# --- measurement windows --------------------------------------------------------


def test_window_days_column_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,n,window_days\n"
        "GRR,SMB,2026-03-31,91.5,420,\n"
        "GRR,SMB,2026-03-31,93.0,420,90\n"
        "GRR,SMB,2026-03-31,95.2,420,365\n",
    )
    values = read_kpi_values(path, ALIASES)
    assert [value.window_days for value in values] == [None, 90, 365]
    assert [value.value for value in values] == [
        Decimal("91.5"),
        Decimal("93.0"),
        Decimal("95.2"),
    ]


def test_window_days_column_optional(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,91\n")
    (value,) = read_kpi_values(path, ALIASES)
    assert value.window_days is None


def test_other_window_column_ignored(tmp_path: Path) -> None:
    # Only `window_days` is read, so a file whose "window" column contains labels
    # still imports as before.
    path = write(
        tmp_path, "kpi,segment,period_end,value,window\nGRR,SMB,2026-03-31,91,TTM\n"
    )
    (value,) = read_kpi_values(path, ALIASES)
    assert value.window_days is None


@pytest.mark.parametrize("header", ["window_days", "Window-Days", "window days"])
def test_window_days_header_spellings(tmp_path: Path, header: str) -> None:
    path = write(
        tmp_path, f"kpi;segment;period_end;value;{header}\nGRR;SMB;2026-03-31;91,5;90\n"
    )
    (value,) = read_kpi_values(path, ALIASES)
    assert value.window_days == 90
    assert value.value == Decimal("91.5")


@pytest.mark.parametrize(
    ("window", "reason"),
    [
        ("90.5", ""),
        ("ninety", ""),
        ("-30", ""),
        ("90d", ""),
        ("0", ": a window is 1 day or more"),
    ],
)
def test_bad_window_names_file_line_and_value(
    tmp_path: Path, window: str, reason: str
) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,window_days\n"
        f"GRR,SMB,2026-02-28,90,90\nGRR,SMB,2026-03-31,91,{window}\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.path == str(path)
    assert error.value.line == 3
    assert error.value.message == (
        f"column 'window_days': invalid window '{window}'{reason}"
    )
    assert "whole number of days" in error.value.hint
    assert str(path) in str(error.value)


def test_same_period_in_two_windows_is_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,window_days\n"
        "GRR,SMB,2026-03-31,93,90\nGRR,smb,2026-03-31,88,30\n",
    )
    assert len(read_kpi_values(path, ALIASES)) == 2


def test_repeated_window_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,window_days\n"
        "GRR,SMB,2026-03-31,93,90\nGRR,smb,2026-03-31,94,90\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.line == 3
    assert "segment 'smb', window 90 days, period end 2026-03-31" in (
        error.value.message
    )
    assert "(first on line 2 as segment 'SMB')" in error.value.message
    assert "window" in error.value.hint


def test_window_column_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## KPI values (CSV)", 1)[1]
    assert "`window_days`" in section


# --- 95 % intervals and definitions ----------------------------------------------


def test_interval_and_definition_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,n,window_days,low,high,definition\n"
        "GRR,SMB,2026-03-31,91.5%,420,90,89.20%,93.10%,"
        '"90-day window; revenue basis, excluding one-off fees"\n'
        "NPS,all,2026-03-31,41,180,,-12.5,+55\n"
        "GRR,SMB,2026-02-28,90.8,410,90,,,\n",
    )
    grr, nps, february = read_kpi_values(path, ALIASES)
    assert grr.low == Decimal("89.20")
    assert grr.high == Decimal("93.10")
    assert grr.definition == "90-day window; revenue basis, excluding one-off fees"
    assert (nps.low, nps.high) == (Decimal("-12.5"), Decimal("55"))
    assert nps.definition is None
    assert (february.low, february.high, february.definition) == (None, None, None)


def test_interval_with_decimal_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi;segment;period_end;value;Low;HIGH;Definition\n"
        "GRR;SMB;31/03/2026;91,5;89,2;93,1 %;Trailing twelve months\n",
    )
    (value,) = read_kpi_values(path, ALIASES)
    assert value.low == Decimal("89.2")
    assert value.high == Decimal("93.1")
    assert value.definition == "Trailing twelve months"


def test_interval_columns_optional(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi,segment,period_end,value\nGRR,SMB,2026-03-31,91\n")
    (value,) = read_kpi_values(path, ALIASES)
    assert value.low is None
    assert value.high is None
    assert value.definition is None


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("99.9", "97.5", "99.8"),
        ("91.5", "92", "94"),
        ("91.5", "91.5", "91.5"),
        ("100", "100", "100"),
    ],
)
def test_interval_need_not_contain_value(
    tmp_path: Path, value: str, low: str, high: str
) -> None:
    path = write(
        tmp_path,
        f"kpi,segment,period_end,value,low,high\nGRR,SMB,2026-03-31,{value},{low},"
        f"{high}\n",
    )
    (read,) = read_kpi_values(path, ALIASES)
    assert read.value == Decimal(value)
    assert (read.low, read.high) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize(
    ("kpi", "low", "high", "message"),
    [
        ("GRR", "", "93.1", "column 'low': missing bound, while column 'high' is "),
        ("GRR", "89.2", "", "column 'high': missing bound, while column 'low' is "),
        ("GRR", "about 89", "93.1", "column 'low': invalid number 'about 89'"),
        ("GRR", "89.2", "93.1.4", "column 'high': invalid number '93.1.4'"),
        ("GRR", "93.1", "89.2", "column 'high': high bound 89.2 is below the low "),
        ("GRR", "-0.5", "93.1", "column 'low': low bound -0.5 is below 0, the "),
        ("GRR", "89.2", "100.5", "column 'high': high bound 100.5 is above 100, "),
        ("NPS", "-101", "20", "column 'low': low bound -101 is below -100, "),
        ("NPS", "10", "101", "column 'high': high bound 101 is above 100, "),
    ],
)
def test_bad_interval_names_cell(
    tmp_path: Path, kpi: str, low: str, high: str, message: str
) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,low,high\n"
        f"GRR,SMB,2026-02-28,90,88,92\n{kpi},SMB,2026-03-31,50,{low},{high}\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.path == str(path)
    assert error.value.line == 3
    assert error.value.message.startswith(message)
    assert str(path) in str(error.value)
    assert error.value.hint


def test_missing_bound_names_other_value(tmp_path: Path) -> None:
    path = write(
        tmp_path, "kpi,segment,period_end,value,low,high\nGRR,SMB,2026-03-31,91,,93.1\n"
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.message == (
        "column 'low': missing bound, while column 'high' is '93.1'"
    )
    assert "leave both blank" in error.value.hint


def test_bound_outside_range_hints_clip(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kpi,segment,period_end,value,low,high\nGRR,SMB,2026-03-31,99.5,98.1,100.4\n",
    )
    with pytest.raises(ReadError) as error:
        read_kpi_values(path, ALIASES)
    assert error.value.message == (
        "column 'high': high bound 100.4 is above 100, the maximum for "
        "customers.gross_revenue_retention"
    )
    assert "clip" in error.value.hint


def test_interval_columns_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## KPI values (CSV)", 1)[1].split("\n## ", 1)[0]
    for column in ("`low`", "`high`", "`definition`"):
        assert column in section, column
