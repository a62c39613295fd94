"""Customer attributes and retention series, checked on a hand-computed ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.metrics import (
    UNKNOWN_SEGMENT,
    CustomerError,
    SeriesPoint,
    kpi_series,
    load_customers,
    load_ledger,
    unmatched_customers,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

# Fiscal years start in April and are named by the year they end in, so
# January-March 2024 is Q4 FY24 and April-June 2024 is Q1 FY25.
CALENDAR = FiscalCalendar(start_month=4, naming="end")

# A is flat. B churns after April. C expands from 50 to 80. D has no
# attributes. E starts inside Q1 FY25. The ledger ends in June 2024.
LEDGER = """\
customer_id,period,amount
A,2024-01,100
A,2024-02,100
A,2024-03,100
A,2024-04,100
A,2024-05,100
A,2024-06,100
B,2024-01,200
B,2024-02,200
B,2024-03,200
B,2024-04,200
C,2024-02,50
C,2024-03,50
C,2024-04,80
C,2024-05,80
C,2024-06,80
D,2024-03,40
D,2024-04,40
D,2024-05,40
D,2024-06,40
E,2024-04,30
E,2024-05,30
E,2024-06,30
"""

# B has no acquisition date, so its cohort comes from its first revenue month
# (January 2024, Q4 FY24). C was acquired in December 2023 (Q3 FY24), before
# its first revenue month.
CUSTOMERS = """\
customer_id,tier,region,acquired_on
A,smb,emea,2024-01-15
B,ent,amer,
C,smb,emea,2023-12-01
E,smb,,2024-04-05
"""


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return write(tmp_path, LEDGER, "ledger.csv")


@pytest.fixture
def customers_path(tmp_path: Path) -> Path:
    return write(tmp_path, CUSTOMERS, "customers.csv")


def keyed(
    points: list[SeriesPoint],
) -> dict[tuple[str, str | None, str | None], SeriesPoint]:
    return {(p.period, p.segment, p.cohort): p for p in points}


# -- customer attributes


def test_customers_segment_fields(customers_path: Path) -> None:
    customers = load_customers(customers_path)
    assert customers.segment_fields == ("tier", "region")
    assert customers.rows_read == 4
    assert customers.customers["A"].acquired_on == date(2024, 1, 15)
    assert customers.customers["B"].acquired_on is None
    assert customers.segment_of("C", "tier") == "smb"


def test_customers_blank_or_missing_is_unknown(customers_path: Path) -> None:
    customers = load_customers(customers_path)
    assert customers.segment_of("E", "region") == UNKNOWN_SEGMENT
    assert customers.segment_of("D", "tier") == UNKNOWN_SEGMENT


def test_customers_table_columns(customers_path: Path) -> None:
    table = load_customers(customers_path).table
    assert table.columns == ("customer_id", "acquired_on", "tier", "region")
    assert table.count().to_pyarrow().as_py() == 4


def test_customers_unmatched_reported(
    ledger_path: Path, customers_path: Path, engine: BaseBackend
) -> None:
    ledger = load_ledger(ledger_path, backend=engine)
    assert unmatched_customers(ledger, load_customers(customers_path)) == ["D"]


def test_customers_maps_column_names(tmp_path: Path) -> None:
    text = "Account,Since,Plan\nA,2024-01-02,pro\n"
    columns = {"customer_id": "Account", "acquired_on": "Since"}
    customers = load_customers(write(tmp_path, text, "c.csv"), columns=columns)
    assert customers.segment_fields == ("Plan",)
    assert customers.customers["A"].acquired_on == date(2024, 1, 2)


def test_customers_rejects_duplicate_id(tmp_path: Path) -> None:
    text = "customer_id,tier\nA,smb\nB,ent\nA,ent\n"
    with pytest.raises(CustomerError) as caught:
        load_customers(write(tmp_path, text, "c.csv"))
    assert caught.value.line == 4
    assert caught.value.column == "customer_id"
    assert caught.value.value == "A"
    assert caught.value.problem == "duplicate of line 2"
    assert "c.csv:4" in str(caught.value)


def test_customers_reports_missing_ids(tmp_path: Path) -> None:
    text = "customer_id,tier\n,smb\nA,ent\n ,ent\n"
    with pytest.raises(CustomerError) as caught:
        load_customers(write(tmp_path, text, "c.csv"))
    assert caught.value.line == 2
    assert "2 rows have no customer id (lines 2, 4)" in caught.value.hint


def test_customers_rejects_invalid_date(tmp_path: Path) -> None:
    text = "customer_id,acquired_on\nA,2024-13-01\n"
    with pytest.raises(CustomerError) as caught:
        load_customers(write(tmp_path, text, "c.csv"))
    assert caught.value.line == 2
    assert caught.value.column == "acquired_on"
    assert caught.value.value == "2024-13-01"


def test_customers_rejects_missing_column(tmp_path: Path) -> None:
    with pytest.raises(CustomerError, match="missing column"):
        load_customers(write(tmp_path, "id,tier\nA,smb\n", "c.csv"))


# -- retention series


def test_series_quarters_whole_base(ledger_path: Path, engine: BaseBackend) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine), calendar=CALENDAR, grain="quarter"
    )
    assert [p.period for p in points] == ["Q4 FY24", "Q1 FY25"]
    assert points[1].period_start == date(2024, 4, 1)
    assert points[1].period_end == date(2024, 6, 30)

    # Q1 FY25 against March: A 100, B 200, C 50, D 40; B churns, C grows to 80.
    figures = points[1].figures
    assert figures is not None
    assert figures.n == 4
    assert figures.start_mrr == Decimal(390)
    assert figures.end_mrr == Decimal(220)
    assert figures.gross_revenue_retention == Decimal(190) / Decimal(390)
    assert figures.net_revenue_retention == Decimal(220) / Decimal(390)
    assert figures.logo_retention == Decimal(3) / Decimal(4)


def test_series_empty_period_is_none(ledger_path: Path, engine: BaseBackend) -> None:
    # Q4 FY24's baseline month, December 2023, has no revenue.
    points = kpi_series(
        load_ledger(ledger_path, backend=engine), calendar=CALENDAR, grain="quarter"
    )
    assert points[0].period == "Q4 FY24"
    assert points[0].figures is None


def test_series_by_segment(
    ledger_path: Path, customers_path: Path, engine: BaseBackend
) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="quarter",
        customers=load_customers(customers_path),
        segment_field="tier",
    )
    assert [(p.period, p.segment) for p in points] == [
        ("Q4 FY24", "ent"),
        ("Q4 FY24", "smb"),
        ("Q4 FY24", UNKNOWN_SEGMENT),
        ("Q1 FY25", "ent"),
        ("Q1 FY25", "smb"),
        ("Q1 FY25", UNKNOWN_SEGMENT),
    ]
    assert all(p.figures is None for p in points[:3])
    ent, smb, unknown = (p.figures for p in points[3:])

    assert ent is not None
    assert (ent.n, ent.retained) == (1, 0)
    assert ent.gross_revenue_retention == Decimal(0)

    # A (100 -> 100) and C (50 -> 80); E starts inside the quarter.
    assert smb is not None
    assert smb.n == 2
    assert smb.gross_revenue_retention == Decimal(1)
    assert smb.net_revenue_retention == Decimal(180) / Decimal(150)

    # D has no attributes and is counted, not dropped.
    assert unknown is not None
    assert unknown.n == 1
    assert unknown.start_mrr == Decimal(40)


def test_series_by_cohort(
    ledger_path: Path, customers_path: Path, engine: BaseBackend
) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="quarter",
        customers=load_customers(customers_path),
        by_cohort=True,
        start=date(2024, 4, 1),
    )
    # Cohorts sort by fiscal quarter, not by label text.
    assert [(p.period, p.cohort) for p in points] == [
        ("Q1 FY25", "Q3 FY24"),
        ("Q1 FY25", "Q4 FY24"),
        ("Q1 FY25", "Q1 FY25"),
    ]
    q3, q4, q1 = (p.figures for p in points)

    # C alone, acquired in December 2023.
    assert q3 is not None
    assert q3.n == 1
    assert q3.net_revenue_retention == Decimal(80) / Decimal(50)

    # A (acquired in January), B (first revenue in January), D (first in March).
    assert q4 is not None
    assert q4.n == 3
    assert q4.start_mrr == Decimal(340)
    assert q4.gross_revenue_retention == Decimal(140) / Decimal(340)

    # E is acquired inside the quarter, so its cohort has nothing to measure.
    assert q1 is None


def test_series_cohort_without_customers(
    ledger_path: Path, engine: BaseBackend
) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="quarter",
        by_cohort=True,
        start=date(2024, 4, 1),
    )
    # Without attributes every cohort comes from the first revenue month, so C
    # (first revenue in February) joins Q4 FY24.
    point = keyed(points)[("Q1 FY25", None, "Q4 FY24")]
    assert point.figures is not None
    assert point.figures.n == 4


def test_series_segment_and_cohort(
    ledger_path: Path, customers_path: Path, engine: BaseBackend
) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="quarter",
        customers=load_customers(customers_path),
        segment_field="tier",
        by_cohort=True,
        start=date(2024, 4, 1),
    )
    point = keyed(points)[("Q1 FY25", "smb", "Q4 FY24")]
    assert point.figures is not None
    assert point.figures.n == 1
    assert point.figures.start_mrr == Decimal(100)


def test_series_months(ledger_path: Path, engine: BaseBackend) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="month",
        start=date(2024, 4, 1),
    )
    assert [p.period for p in points] == ["2024-04", "2024-05", "2024-06"]
    # May against April: A, B, C, D and E are active in April; B leaves.
    may = points[1].figures
    assert may is not None
    assert may.n == 5
    assert may.logo_retention == Decimal(4) / Decimal(5)


def test_series_leaves_out_unfinished_period(
    ledger_path: Path, engine: BaseBackend
) -> None:
    # The ledger ends in June 2024, inside FY25, so no year is complete.
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=CALENDAR,
        grain="year",
        start=date(2024, 4, 1),
    )
    assert points == []


def test_series_fiscal_year(ledger_path: Path, engine: BaseBackend) -> None:
    points = kpi_series(
        load_ledger(ledger_path, backend=engine),
        calendar=FiscalCalendar(start_month=7, naming="end"),
        grain="year",
    )
    # FY24 runs July 2023 to June 2024; its baseline, June 2023, is empty.
    assert [(p.period, p.period_end) for p in points] == [("FY24", date(2024, 6, 30))]
    assert points[0].figures is None


def test_series_ledger_without_revenue(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-01,0\n"
    ledger = load_ledger(write(tmp_path, text, "l.csv"), backend=engine)
    assert kpi_series(ledger, calendar=CALENDAR, grain="quarter") == []


def test_series_rejects_unknown_segment_field(
    ledger_path: Path, customers_path: Path, engine: BaseBackend
) -> None:
    with pytest.raises(ValueError, match="unknown segment field 'country'"):
        kpi_series(
            load_ledger(ledger_path, backend=engine),
            calendar=CALENDAR,
            grain="quarter",
            customers=load_customers(customers_path),
            segment_field="country",
        )


def test_series_segment_needs_customers(ledger_path: Path, engine: BaseBackend) -> None:
    with pytest.raises(ValueError, match="needs customer attributes"):
        kpi_series(
            load_ledger(ledger_path, backend=engine),
            calendar=CALENDAR,
            grain="quarter",
            segment_field="tier",
        )


def test_series_rejects_unknown_grain(ledger_path: Path, engine: BaseBackend) -> None:
    with pytest.raises(ValueError, match="unknown grain 'week'"):
        kpi_series(
            load_ledger(ledger_path, backend=engine),
            calendar=CALENDAR,
            grain="week",  # type: ignore[arg-type]
        )
