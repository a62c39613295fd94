"""Tests for logo and revenue churn on a one-quarter subscriber snapshot."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from boardloop.metrics._snapshot import (
    SNAPSHOT_DEFINITION,
    Snapshot,
    SnapshotChurn,
    SnapshotError,
    churn_by_segment,
    load_snapshot,
    wilson_interval,
)

HEADER = "customerID,Contract,InternetService,MonthlyCharges,TotalCharges,Churn,tenure"

TINY = f"""\
{HEADER}
A,Month-to-month,DSL,10.00,10.00,Yes,1
B,Month-to-month,Fiber optic,20.00,40.00,No,2
C,Month-to-month,DSL,50.00, ,Yes,0
D,One year,No,45.50,546.00,No,12
E,Two year,Fiber optic,30.00,720.00,No,24
"""

TELCO = Path("ibm_telco_customer_churn") / "Telco-Customer-Churn.csv"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "snapshot.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Snapshot:
    return load_snapshot(write(tmp_path, TINY))


def by_segment(figures: list[SnapshotChurn]) -> dict[str, SnapshotChurn]:
    return {figure.segment: figure for figure in figures}


def wilson_by_hand(successes: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (centre - spread) / scale, (centre + spread) / scale


def test_summary_counts_blank_total(tiny: Snapshot) -> None:
    summary = tiny.summary
    assert summary.rows_read == 5
    assert summary.churned == 2
    assert summary.blank_total_charges == 1
    assert summary.blank_total_charges_lines == (4,)


def test_contract_churn_exact(tiny: Snapshot) -> None:
    figures = churn_by_segment(tiny)
    assert [figure.segment for figure in figures] == [
        "Month-to-month",
        "One year",
        "Two year",
        "all",
    ]
    monthly = by_segment(figures)["Month-to-month"]
    assert monthly.field == "Contract"
    assert monthly.n == 3
    assert monthly.churned == 2
    assert monthly.logo_churn_rate == Decimal(2) / Decimal(3)
    assert monthly.monthly_charges == Decimal("80.00")
    assert monthly.churned_monthly_charges == Decimal("60.00")
    assert monthly.revenue_churn_rate == Decimal("0.75")
    assert monthly.definition == SNAPSHOT_DEFINITION


def test_contract_churn_zero_churn(tiny: Snapshot) -> None:
    one_year = by_segment(churn_by_segment(tiny))["One year"]
    assert one_year.n == 1
    assert one_year.churned == 0
    assert one_year.logo_churn_rate == Decimal(0)
    assert one_year.revenue_churn_rate == Decimal(0)
    assert one_year.wilson_low == Decimal(0)


def test_all_row_totals(tiny: Snapshot) -> None:
    total = by_segment(churn_by_segment(tiny))["all"]
    assert total.n == 5
    assert total.churned == 2
    assert total.logo_churn_rate == Decimal("0.4")
    assert total.monthly_charges == Decimal("155.50")
    assert total.revenue_churn_rate == Decimal("60.00") / Decimal("155.50")


def test_internet_service_segments(tiny: Snapshot) -> None:
    figures = by_segment(churn_by_segment(tiny, segment_field="InternetService"))
    assert sorted(figures) == ["DSL", "Fiber optic", "No", "all"]
    assert figures["DSL"].n == 2
    assert figures["DSL"].churned == 2
    assert figures["DSL"].logo_churn_rate == Decimal(1)
    assert figures["Fiber optic"].revenue_churn_rate == Decimal(0)


def test_wilson_matches_hand_formula(tiny: Snapshot) -> None:
    monthly = by_segment(churn_by_segment(tiny))["Month-to-month"]
    low, high = wilson_by_hand(2, 3)
    # 2 of 3 by hand: p = 0.6667, z² = 3.8415, (1.3069 ± 0.8333) / 2.2805.
    assert float(monthly.wilson_low) == pytest.approx(low, abs=1e-12)
    assert float(monthly.wilson_high) == pytest.approx(high, abs=1e-12)
    assert float(monthly.wilson_low) == pytest.approx(0.2077, abs=1e-4)
    assert float(monthly.wilson_high) == pytest.approx(0.9385, abs=1e-4)


def test_wilson_extremes() -> None:
    low, high = wilson_interval(0, 10)
    assert low == Decimal(0)
    assert float(high) == pytest.approx(wilson_by_hand(0, 10)[1], abs=1e-12)
    low, high = wilson_interval(10, 10)
    assert high == Decimal(1)
    assert float(low) == pytest.approx(wilson_by_hand(10, 10)[0], abs=1e-12)


def test_wilson_rejects_empty() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="successes must be between 0 and 3"):
        wilson_interval(4, 3)


def test_columns_mapping(tmp_path: Path) -> None:
    renamed = TINY.replace("Churn,", "Churned,", 1)
    snapshot = load_snapshot(write(tmp_path, renamed), columns={"Churn": "Churned"})
    assert snapshot.summary.churned == 2
    assert by_segment(churn_by_segment(snapshot))["all"].churned == 2


def test_other_segment_field(tmp_path: Path) -> None:
    text = TINY.replace(",tenure\n", ",tenure,Region\n", 1)
    lines = text.splitlines()
    lines[1:] = [
        f"{line},{'north' if i % 2 else 'south'}" for i, line in enumerate(lines[1:])
    ]
    snapshot = load_snapshot(write(tmp_path, "\n".join(lines) + "\n"))
    figures = by_segment(churn_by_segment(snapshot, segment_field="Region"))
    assert figures["south"].n == 3
    assert figures["north"].n == 2


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("F,One year,DSL,20.00,20.00,Maybe,1", "Churn", "'Maybe'"),
        ("F,One year,DSL,twenty,20.00,No,1", "MonthlyCharges", "'twenty'"),
        ("F,One year,DSL,20.00,lots,No,1", "TotalCharges", "'lots'"),
        ("F,One year,DSL,20.00,20.00,No,1.5", "tenure", "'1.5'"),
        ("F,One year,DSL,20.00,20.00,No,-1", "tenure", "'-1'"),
        (",One year,DSL,20.00,20.00,No,1", "customerID", "None"),
        ("F,,DSL,20.00,20.00,No,1", "Contract", "None"),
        ("F,One year,,20.00,20.00,No,1", "InternetService", "None"),
    ],
)
def test_invalid_value_names_place(
    tmp_path: Path, row: str, column: str, value: str
) -> None:
    path = write(tmp_path, TINY + row + "\n")
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    message = str(caught.value)
    assert f"{path}:7:" in message
    assert f"column '{column}'" in message
    assert value in message


def test_duplicate_customer_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, TINY + "B,One year,DSL,20.00,20.00,No,1\n")
    with pytest.raises(SnapshotError, match=r":7: .*'B' already appears on line 3"):
        load_snapshot(path)


def test_missing_column_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, TINY.replace("MonthlyCharges", "Monthly", 1))
    with pytest.raises(SnapshotError, match=r"missing column.*MonthlyCharges"):
        load_snapshot(path)


def test_missing_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="file not found"):
        load_snapshot(tmp_path / "absent.csv")


def test_unknown_mapping_key_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown column mapping key 'churn'"):
        load_snapshot(write(tmp_path, TINY), columns={"churn": "Churn"})


def test_unknown_segment_field_rejected(tiny: Snapshot) -> None:
    with pytest.raises(ValueError, match="unknown segment field 'Region'"):
        churn_by_segment(tiny, segment_field="Region")


def test_segment_named_all_rejected(tmp_path: Path) -> None:
    snapshot = load_snapshot(write(tmp_path, TINY.replace("Two year", "all")))
    with pytest.raises(ValueError, match="has the value 'all'"):
        churn_by_segment(snapshot)


@pytest.fixture
def telco(real_data: Path) -> Snapshot:
    path = real_data / TELCO
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return load_snapshot(path)


def test_telco_summary(telco: Snapshot) -> None:
    summary = telco.summary
    assert summary.rows_read == 7043
    assert summary.churned == 1869
    assert summary.blank_total_charges == 11
    assert summary.blank_total_charges_lines[0] == 490


def test_telco_by_contract(telco: Snapshot) -> None:
    figures = by_segment(churn_by_segment(telco))
    expected = {
        "Month-to-month": (3875, 1655, "257294.15", "120847.10"),
        "One year": (1473, 166, "95816.60", "14118.45"),
        "Two year": (1695, 48, "103005.85", "4165.30"),
        "all": (7043, 1869, "456116.60", "139130.85"),
    }
    assert sorted(figures) == sorted(expected)
    for segment, (n, churned, charges, churned_charges) in expected.items():
        figure = figures[segment]
        assert figure.n == n
        assert figure.churned == churned
        assert figure.logo_churn_rate == Decimal(churned) / Decimal(n)
        assert figure.revenue_churn_rate == Decimal(churned_charges) / Decimal(charges)
    assert round(figures["Month-to-month"].logo_churn_rate, 4) == Decimal("0.4271")
    assert round(figures["Two year"].revenue_churn_rate or 0, 4) == Decimal("0.0404")


def test_telco_by_internet_service(telco: Snapshot) -> None:
    figures = by_segment(churn_by_segment(telco, segment_field="InternetService"))
    expected = {
        "DSL": (2421, 459, "140665.35", "22529.20"),
        "Fiber optic": (3096, 1297, "283284.40", "114300.05"),
        "No": (1526, 113, "32166.85", "2301.60"),
    }
    for segment, (n, churned, charges, churned_charges) in expected.items():
        figure = figures[segment]
        assert figure.n == n
        assert figure.churned == churned
        assert figure.monthly_charges == Decimal(charges)
        assert figure.churned_monthly_charges == Decimal(churned_charges)
    assert figures["all"].n == 7043


def test_telco_wilson_bounds(telco: Snapshot) -> None:
    total = by_segment(churn_by_segment(telco))["all"]
    low, high = wilson_by_hand(1869, 7043)
    assert float(total.wilson_low) == pytest.approx(low, abs=1e-12)
    assert float(total.wilson_high) == pytest.approx(high, abs=1e-12)
    assert round(total.wilson_low, 4) == Decimal("0.2552")
    assert round(total.wilson_high, 4) == Decimal("0.2758")
