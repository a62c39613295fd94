"""The KPI benchmark's DuckDB SQL and pandas implementations and its harness."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"kpi_bench_{name}", BENCH / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


kpis = _load_module("kpis")
kpi_floor = _load_module("kpi_floor")
kpi_pandas = _load_module("kpi_pandas")
bench_ledger = _load_module("ledger")

Compute = Callable[[Path, int], list[dict[str, Any]]]
IMPLEMENTATIONS: dict[str, Compute] = {
    "duckdb-sql": kpi_floor.compute,
    "pandas": kpi_pandas.compute,
}

# A expands from 100 to 130 and pays a one-time setup fee in January. B pays
# 1200 a year from December (100 a month) plus a 40 add-on in January only, so
# it contracts from 140 to 100. C churns in February and is back in March. D is
# new in February on a yearly plan of 2400 (200 a month to January 2025).
LEDGER = """\
customer_id,date,amount,currency,plan_interval,one_time,subscription_id
A,2024-01-03,100.00,USD,month,false,A-1
A,2024-01-03,500.00,USD,,true,A-setup
A,2024-02-03,130.00,USD,month,false,A-1
A,2024-03-03,130.00,USD,month,false,A-1
B,2023-12-10,1200.00,USD,year,false,B-1
B,2024-01-10,40.00,USD,month,false,B-2
C,2023-12-20,80.00,USD,month,false,C-1
C,2024-01-20,80.00,USD,month,false,C-1
C,2024-03-20,90.00,USD,month,false,C-1
D,2024-02-05,2400.00,USD,year,false,D-1
"""

CUSTOMERS = """\
customer_id,segment,acquired_on
A,SMB,2024-01-03
B,Enterprise,2023-12-10
C,SMB,2023-12-20
D,Enterprise,2024-02-05
"""

# February 2024 against January, by hand. MRR in January: A 100, B 140, C 80.
# In February: A 130, B 100, D 200.
FEBRUARY = {
    "all": {
        "n": 3,
        "retained": 2,
        "churned": 1,
        "start_mrr": 320.0,
        "end_mrr": 230.0,
        "capped": 200.0,
        "expansion": 30.0,
        "contraction": 40.0,
        "churned_revenue": 80.0,
        "reactivations": 0,
        "new_customers": 1,
        "total_customers": 3,
        "top10_share": 1.0,
        "grr": 200 / 320,
        "nrr": 230 / 320,
        "logo_retention": 2 / 3,
    },
    "SMB": {
        "n": 2,
        "retained": 1,
        "churned": 1,
        "start_mrr": 180.0,
        "end_mrr": 130.0,
        "capped": 100.0,
        "expansion": 30.0,
        "contraction": 0.0,
        "churned_revenue": 80.0,
        "reactivations": 0,
        "new_customers": 0,
        "total_customers": 1,
        "top10_share": 1.0,
        "grr": 100 / 180,
        "nrr": 130 / 180,
        "logo_retention": 0.5,
    },
    "Enterprise": {
        "n": 1,
        "retained": 1,
        "churned": 0,
        "start_mrr": 140.0,
        "end_mrr": 100.0,
        "capped": 100.0,
        "expansion": 0.0,
        "contraction": 40.0,
        "churned_revenue": 0.0,
        "reactivations": 0,
        "new_customers": 1,
        "total_customers": 2,
        "top10_share": 1.0,
        "grr": 100 / 140,
        "nrr": 100 / 140,
        "logo_retention": 1.0,
    },
}

# March 2024 against January with a two-month window: C was inactive in
# February, so it is not retained, but it is back in March at 90.
MARCH_TWO_MONTHS = {
    "n": 3,
    "retained": 2,
    "churned": 1,
    "start_mrr": 320.0,
    "end_mrr": 230.0,
    "capped": 200.0,
    "expansion": 30.0,
    "contraction": 40.0,
    "churned_revenue": 80.0,
    "reactivations": 1,
    "new_customers": 1,
    "total_customers": 4,
    "top10_share": 1.0,
    "grr": 200 / 320,
    "nrr": 230 / 320,
    "logo_retention": 2 / 3,
}


def _write_parquet(directory: Path, name: str, csv_text: str, select: str) -> None:
    """Write CSV text to `name`.parquet with the column types of bench/ledger.py."""
    csv_path = directory / f"{name}.csv"
    csv_path.write_text(csv_text, encoding="utf-8")
    connection = duckdb.connect()
    try:
        connection.execute(
            f"COPY (SELECT {select} FROM read_csv(?, all_varchar = true)) "
            f"TO '{directory / name}.parquet' (FORMAT parquet)",
            [str(csv_path)],
        )
    finally:
        connection.close()
    csv_path.unlink()


def _write_ledger(directory: Path, ledger: str, customers: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    _write_parquet(
        directory,
        "ledger",
        ledger,
        "customer_id, date::DATE AS date, amount::DECIMAL(18, 2) AS amount, "
        "currency, plan_interval, one_time::BOOLEAN AS one_time, subscription_id",
    )
    _write_parquet(
        directory,
        "customers",
        customers,
        "customer_id, segment, acquired_on::DATE AS acquired_on",
    )
    return directory


def _by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["month"], row["segment"]): row for row in rows}


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_ledger(tmp_path_factory.mktemp("hand"), LEDGER, CUSTOMERS)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    bench_ledger.generate_ledger(out, customers=300, months=8, seed=7)
    return out


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
@pytest.mark.parametrize("segment", FEBRUARY)
def test_hand_ledger_february(name: str, segment: str, hand_ledger: Path) -> None:
    rows = _by_key(IMPLEMENTATIONS[name](hand_ledger, 1))
    row = rows[("2024-02", segment)]
    for column, expected in FEBRUARY[segment].items():
        assert row[column] == pytest.approx(expected, rel=1e-12), column


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_hand_ledger_two_month_window(name: str, hand_ledger: Path) -> None:
    rows = _by_key(IMPLEMENTATIONS[name](hand_ledger, 2))
    row = rows[("2024-03", "all")]
    for column, expected in MARCH_TWO_MONTHS.items():
        assert row[column] == pytest.approx(expected, rel=1e-12), column


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_hand_ledger_months_and_segments(name: str, hand_ledger: Path) -> None:
    rows = IMPLEMENTATIONS[name](hand_ledger, 1)
    months = sorted({row["month"] for row in rows})
    # From the month after December 2023 to March 2024, the last month a
    # charge starts in; D's yearly charge covers later months too.
    assert months[0] == "2024-01"
    assert months[-1] == "2024-03"
    assert len(months) == 3
    assert {row["segment"] for row in rows} == {"all", "SMB", "Enterprise"}
    assert len(rows) == 3 * 3
    assert kpis.check_columns(name, rows) == []


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_empty_cohort_has_no_rates(name: str, tmp_path: Path) -> None:
    ledger = LEDGER + "E,2024-03-07,50.00,USD,month,false,E-1\n"
    customers = CUSTOMERS + "E,Mid-market,2024-03-07\n"
    rows = _by_key(IMPLEMENTATIONS[name](_write_ledger(tmp_path, ledger, customers), 1))
    # E, the only Mid-market customer, starts in March: no cohort in February.
    row = rows[("2024-03", "Mid-market")]
    assert row["n"] == 0
    assert row["start_mrr"] == 0
    assert row["grr"] is None
    assert row["nrr"] is None
    assert row["logo_retention"] is None
    assert row["new_customers"] == 1
    assert row["total_customers"] == 1
    assert row["top10_share"] == 1


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_missing_customer_row_is_unknown(name: str, tmp_path: Path) -> None:
    without_d = CUSTOMERS.replace("D,Enterprise,2024-02-05\n", "")
    data = _write_ledger(tmp_path, LEDGER, without_d)
    rows = _by_key(IMPLEMENTATIONS[name](data, 1))
    assert rows[("2024-02", "unknown")]["new_customers"] == 1
    assert rows[("2024-02", "unknown")]["n"] == 0
    assert rows[("2024-03", "unknown")]["retained"] == 1
    assert rows[("2024-02", "Enterprise")]["new_customers"] == 0


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_top10_share_of_twelve(name: str, tmp_path: Path) -> None:
    # Twelve monthly customers paying 1..12 in January and February.
    lines = ["customer_id,date,amount,currency,plan_interval,one_time,subscription_id"]
    customers = ["customer_id,segment,acquired_on"]
    for i in range(1, 13):
        for day in ("2024-01-01", "2024-02-01"):
            lines.append(f"K{i:02d},{day},{i}.00,USD,month,false,K{i:02d}-1")
        customers.append(f"K{i:02d},SMB,2024-01-01")
    data = _write_ledger(tmp_path, "\n".join(lines) + "\n", "\n".join(customers))
    rows = _by_key(IMPLEMENTATIONS[name](data, 1))
    # The ten largest are 3..12, which sum to 75 of 78.
    assert rows[("2024-02", "all")]["top10_share"] == pytest.approx(75 / 78)
    assert rows[("2024-02", "SMB")]["top10_share"] == pytest.approx(75 / 78)


@pytest.mark.parametrize("name", IMPLEMENTATIONS)
def test_unknown_plan_interval_raises(name: str, tmp_path: Path) -> None:
    quarterly = LEDGER.replace(
        "B,2024-01-10,40.00,USD,month", "B,2024-01-10,40.00,USD,quarter"
    )
    data = _write_ledger(tmp_path, quarterly, CUSTOMERS)
    with pytest.raises((ValueError, duckdb.Error), match="unsupported plan_interval"):
        IMPLEMENTATIONS[name](data, 1)


@pytest.mark.parametrize("window", [1, 2, 3])
def test_generated_ledger_agrees(window: int, generated: Path) -> None:
    floor = kpi_floor.compute(generated, window)
    baseline = kpi_pandas.compute(generated, window)
    assert kpis.compare_results("duckdb-sql", floor, "pandas", baseline) == []
    assert kpis.check_columns("duckdb-sql", floor) == []
    assert kpis.check_columns("pandas", baseline) == []
    # 4 groups (3 segments and all), for each month from 2024-01 + window to the
    # last month with MRR.
    assert len(floor) % 4 == 0
    assert len(floor) >= 4 * (8 - window)
    assert sum(row["churned"] for row in floor) > 0
    assert sum(row["expansion"] for row in floor) > 0
    assert sum(row["contraction"] for row in floor) > 0
    assert sum(row["new_customers"] for row in floor) > 0


def test_compare_results_finds_differences() -> None:
    row = {
        "month": "2024-02",
        "segment": "all",
        **FEBRUARY["all"],
    }
    assert kpis.compare_results("a", [row], "b", [dict(row)]) == []

    close = dict(row, start_mrr=320.0 * (1 + 1e-8))
    assert kpis.compare_results("a", [row], "b", [close]) == []

    far = dict(row, start_mrr=320.0 * (1 + 1e-5))
    [message] = kpis.compare_results("a", [row], "b", [far])
    assert "start_mrr" in message

    count = dict(row, retained=3)
    [message] = kpis.compare_results("a", [row], "b", [count])
    assert "retained is 3, a has 2" in message

    no_rate = dict(row, grr=None)
    [message] = kpis.compare_results("a", [row], "b", [no_rate])
    assert "grr is None" in message

    [message] = kpis.compare_results("a", [row], "b", [])
    assert "missing" in message


def test_harness_runs_and_prints_table(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = kpis.main(["--data", str(generated), "--only", "duckdb-sql,pandas"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.splitlines()
    assert lines[0].startswith("| implementation | customers | ledger rows |")
    assert lines[2].startswith("| duckdb-sql | 300 |")
    assert lines[2].endswith("| 1.00 |")
    assert lines[3].startswith("| pandas | 300 |")
    assert "results agree" in captured.err


def test_harness_skips_boardloop_window(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = kpis.main(["--data", str(generated), "--only", "boardloop", "--window", "2"])
    captured = capsys.readouterr()
    assert code == 1
    assert "skipping boardloop" in captured.err
    assert captured.out == ""


def test_harness_missing_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = kpis.main(["--data", str(tmp_path), "--only", "duckdb-sql"])
    captured = capsys.readouterr()
    assert code == 2
    assert f"missing ledger.parquet in {tmp_path}" in captured.err
