"""Tests for purchase-based activity and cohort retention on a retail ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from boardloop.metrics._retail import (
    RetailError,
    RetailLedger,
    cohort_retention,
    load_transactions,
    monthly_active,
)

TINY = """\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,A1,MUG,2.0,2011-01-05 10:00:00,5.00,1.0,United Kingdom
1002,A2,BOWL,1.0,2011-01-20 11:00:00,8.00,2.0,France
C1003,A1,MUG,-1.0,2011-01-25 09:00:00,5.00,1.0,United Kingdom
1004,A3,JUG,3.0,2011-02-10 12:00:00,4.00,1.0,United Kingdom
1005,A4,CUP,1.0,2011-02-11 13:00:00,7.00,,United Kingdom
1006,A2,BOWL,1.0,2011-03-15 14:00:00,6.00,2.0,France
1007,A5,TRAY,2.0,2011-02-01 08:00:00,3.00,3.0,United Kingdom
"""


@pytest.fixture
def tiny(tmp_path: Path) -> RetailLedger:
    path = tmp_path / "retail.csv"
    path.write_text(TINY, encoding="utf-8")
    return load_transactions(path)


def test_summary_counts_exclusions(tiny: RetailLedger) -> None:
    summary = tiny.summary
    assert summary.rows_read == 7
    assert summary.cancelled_lines == 1
    assert summary.cancelled_value == Decimal("-5")
    assert summary.missing_customer_lines == 1
    assert summary.missing_customer_value == Decimal("7")
    assert summary.customers == 3
    assert summary.months == (date(2011, 1, 1), date(2011, 2, 1), date(2011, 3, 1))


def test_monthly_active_thirty_days(tiny: RetailLedger) -> None:
    figures = monthly_active(tiny, active_days=30)
    assert [(f.month.month, f.active, f.n) for f in figures] == [
        (1, 2, 2),
        (2, 2, 3),
        (3, 1, 3),
    ]
    assert "30 days" in figures[0].definition
    assert "CustomerID are excluded" in figures[0].definition


def test_cohorts_by_month_tiny(tiny: RetailLedger) -> None:
    figures = cohort_retention(tiny, active_days=30)
    rows = [
        (f.cohort.month, f.offset, f.n, f.active, f.revenue, f.revenue_retention)
        for f in figures
    ]
    assert rows == [
        (1, 0, 2, 2, Decimal("13"), Decimal(1)),
        (1, 1, 2, 1, Decimal("12"), Decimal(12) / Decimal(13)),
        (1, 2, 2, 1, Decimal("6"), Decimal(6) / Decimal(13)),
        (2, 0, 1, 1, Decimal("6"), Decimal(1)),
        (2, 1, 1, 0, Decimal("0"), Decimal(0)),
    ]
    assert figures[1].logo_retention == Decimal("0.5")
    assert figures[4].logo_retention == Decimal(0)


def test_cohorts_by_country_tiny(tiny: RetailLedger) -> None:
    figures = cohort_retention(tiny, active_days=30, by="country")
    january = [f for f in figures if f.cohort == date(2011, 1, 1)]
    rows = [(f.country, f.offset, f.active, f.revenue_retention) for f in january]
    assert rows == [
        ("France", 0, 1, Decimal(1)),
        ("France", 1, 0, Decimal(0)),
        ("France", 2, 1, Decimal("0.75")),
        ("United Kingdom", 0, 1, Decimal(1)),
        ("United Kingdom", 1, 1, Decimal("2.4")),
        ("United Kingdom", 2, 0, Decimal(0)),
    ]


def test_longer_window_keeps_active(tiny: RetailLedger) -> None:
    figures = cohort_retention(tiny, active_days=90)
    assert [f.active for f in figures] == [2, 2, 2, 1, 1]


def test_invalid_price_names_line(tmp_path: Path) -> None:
    path = tmp_path / "retail.csv"
    path.write_text(TINY.replace("8.00", "eight"), encoding="utf-8")
    with pytest.raises(RetailError, match=r"retail\.csv:3: .*'UnitPrice': 'eight'"):
        load_transactions(path)


def test_missing_column_rejected(tmp_path: Path) -> None:
    path = tmp_path / "retail.csv"
    path.write_text(TINY.replace(",Country", ",Land"), encoding="utf-8")
    with pytest.raises(RetailError, match="missing column"):
        load_transactions(path)


def test_active_days_below_one(tiny: RetailLedger) -> None:
    with pytest.raises(ValueError, match="active_days"):
        monthly_active(tiny, active_days=0)


@pytest.fixture
def online_retail(real_data: Path) -> RetailLedger:
    path = real_data / "uci_online_retail" / "online_retail.csv.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return load_transactions(path)


def test_online_retail_summary(online_retail: RetailLedger) -> None:
    summary = online_retail.summary
    assert summary.rows_read == 541_909
    assert summary.cancelled_lines == 9_288
    assert summary.cancelled_value == Decimal("-896812.49")
    assert summary.missing_customer_lines == 135_080
    assert summary.missing_customer_value == Decimal("1447682.12")
    assert summary.customers == 4_372
    assert len(summary.months) == 13


def test_online_retail_december_cohort(online_retail: RetailLedger) -> None:
    figures = cohort_retention(online_retail, active_days=30)
    december = [f for f in figures if f.cohort == date(2010, 12, 1)]
    assert december[0].n == 885
    assert sum(f.n for f in figures if f.offset == 0) == 4_339
    assert december[1].active == 324
    assert december[1].revenue_retention is not None
    assert round(december[1].revenue_retention, 4) == Decimal("0.4786")
    assert december[3].active == 328
    wide = cohort_retention(online_retail, active_days=90)
    assert wide[3].active == 527


def test_online_retail_monthly_active(online_retail: RetailLedger) -> None:
    figures = monthly_active(online_retail, active_days=30)
    assert (figures[1].month, figures[1].active, figures[1].n) == (
        date(2011, 1, 1),
        741,
        1302,
    )
