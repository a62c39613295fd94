"""The benchmark ledger generator: seeded output that the ledger contract accepts."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
import pytest

from boardloop.metrics import load_ledger

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "ledger.py"
CUSTOMERS = 200
MONTHS = 12


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ledger", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench_ledger = _load_module()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("ledger")
    counts = bench_ledger.generate_ledger(out, customers=CUSTOMERS, months=MONTHS)
    return out, counts


@pytest.fixture(scope="module")
def rows(generated: tuple[Path, dict[str, int]]) -> list[dict[str, Any]]:
    out, _ = generated
    result: list[dict[str, Any]] = pq.read_table(out / "ledger.parquet").to_pylist()
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _recurring_by_subscription(
    rows: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if not row["one_time"]:
            grouped[row["subscription_id"]].append(row)
    return grouped


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def test_same_seed_writes_same_files(
    generated: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, counts = generated
    again = bench_ledger.generate_ledger(tmp_path, customers=CUSTOMERS, months=MONTHS)
    assert again == counts
    for name in ("ledger.parquet", "customers.parquet"):
        assert _digest(tmp_path / name) == _digest(out / name), name


def test_other_seed_writes_other_ledger(
    rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    bench_ledger.generate_ledger(tmp_path, customers=CUSTOMERS, months=MONTHS, seed=8)
    other = pq.read_table(tmp_path / "ledger.parquet").to_pylist()
    assert other != rows


def test_ledger_columns_and_types(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    schema = pq.read_schema(out / "ledger.parquet")
    assert schema.names == [
        "customer_id",
        "date",
        "amount",
        "currency",
        "plan_interval",
        "one_time",
        "subscription_id",
    ]
    assert schema.field("customer_id").type == pa.string()
    assert schema.field("date").type == pa.date32()
    assert pa.types.is_decimal(schema.field("amount").type)
    assert schema.field("currency").type == pa.string()
    assert schema.field("plan_interval").type == pa.string()
    assert schema.field("one_time").type == pa.bool_()
    assert schema.field("subscription_id").type == pa.string()


def test_customer_table(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    table = pq.read_table(out / "customers.parquet")
    assert table.schema.names == ["customer_id", "segment", "acquired_on"]
    assert table.schema.field("acquired_on").type == pa.date32()
    customers = table.to_pylist()
    assert len(customers) == CUSTOMERS
    assert len({c["customer_id"] for c in customers}) == CUSTOMERS
    assert {c["segment"] for c in customers} == set(bench_ledger.SEGMENTS)
    smb = sum(c["segment"] == "SMB" for c in customers)
    enterprise = sum(c["segment"] == "Enterprise" for c in customers)
    assert smb > enterprise


def test_every_customer_is_billed(
    generated: tuple[Path, dict[str, int]], rows: list[dict[str, Any]]
) -> None:
    out, _ = generated
    customers = pq.read_table(out / "customers.parquet").to_pylist()
    billed = {row["customer_id"] for row in rows if not row["one_time"]}
    assert billed == {c["customer_id"] for c in customers}


def test_rows_stay_inside_months(rows: list[dict[str, Any]]) -> None:
    first = date(2024, 1, 1)
    last = date(2024, 12, 31)
    assert all(first <= row["date"] <= last for row in rows)
    assert all(row["amount"] > 0 for row in rows)
    assert {row["currency"] for row in rows} == {"USD"}


def test_counts_match_files(
    generated: tuple[Path, dict[str, int]], rows: list[dict[str, Any]]
) -> None:
    _, counts = generated
    assert counts["rows"] == len(rows)
    assert counts["customers"] == CUSTOMERS
    assert counts["annual_rows"] == sum(r["plan_interval"] == "year" for r in rows)
    assert counts["one_time_rows"] == sum(r["one_time"] for r in rows)
    assert counts["churned"] > 0
    assert counts["reactivated"] > 0
    assert counts["reactivated"] <= counts["churned"]


def test_reactivations_appear_as_second_subscription(
    generated: tuple[Path, dict[str, int]], rows: list[dict[str, Any]]
) -> None:
    _, counts = generated
    grouped = _recurring_by_subscription(rows)
    returning = sorted(key for key in grouped if key.endswith("-S2"))
    assert len(returning) == counts["reactivated"]
    for key in returning:
        first_spell = grouped[key.removesuffix("-S2") + "-S1"]
        gap = _month_index(grouped[key][0]["date"]) - _month_index(
            first_spell[-1]["date"]
        )
        # A yearly customer's last charge covers twelve months.
        covered = 12 if first_spell[-1]["plan_interval"] == "year" else 1
        assert gap > covered, key


def test_churned_customers_stop_paying(
    generated: tuple[Path, dict[str, int]], rows: list[dict[str, Any]]
) -> None:
    _, counts = generated
    december = _month_index(date(2024, 12, 1))
    stopped = 0
    for key, charges in _recurring_by_subscription(rows).items():
        last = charges[-1]
        covered = 12 if last["plan_interval"] == "year" else 1
        if key.endswith("-S1") and _month_index(last["date"]) + covered <= december:
            stopped += 1
    assert stopped == counts["churned"]


def test_monthly_amounts_expand_and_contract(rows: list[dict[str, Any]]) -> None:
    increases = 0
    decreases = 0
    for charges in _recurring_by_subscription(rows).values():
        amounts = [c["amount"] for c in charges if c["plan_interval"] == "month"]
        for before, after in pairwise(amounts):
            increases += after > before
            decreases += after < before
    assert increases > 0
    assert decreases > 0


def test_annual_rows_renew_yearly(rows: list[dict[str, Any]]) -> None:
    annual = [r for r in rows if r["plan_interval"] == "year"]
    assert annual
    # Twelve times a rounded MRR, so every yearly amount is a multiple of 0.12.
    assert all(r["amount"] % Decimal("0.12") == 0 for r in annual)
    grouped = _recurring_by_subscription(annual)
    for key, charges in grouped.items():
        months = [_month_index(c["date"]) for c in charges]
        steps = {after - before for before, after in pairwise(months)}
        assert steps <= {12}, key


def test_one_time_rows_are_setup_fees(rows: list[dict[str, Any]]) -> None:
    fees = [r for r in rows if r["one_time"]]
    assert fees
    assert all(r["subscription_id"].endswith("-setup") for r in fees)
    assert all(r["plan_interval"] is None for r in fees)


def test_load_ledger_accepts_parquet(generated: tuple[Path, dict[str, int]]) -> None:
    out, counts = generated
    ledger = load_ledger(out / "ledger.parquet")
    assert ledger.rows_read == counts["rows"]
    assert ledger.one_time_excluded == counts["one_time_rows"]
    assert ledger.currency == "USD"
    charges = ledger.table.count().execute()
    assert charges == counts["rows"] - counts["one_time_rows"]


def test_csv_matches_parquet(
    generated: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, counts = generated
    csv_counts = bench_ledger.generate_ledger(
        tmp_path, customers=CUSTOMERS, months=MONTHS, fmt="csv"
    )
    assert csv_counts == counts
    from_csv = load_ledger(tmp_path / "ledger.csv")
    from_parquet = load_ledger(out / "ledger.parquet")
    order = ["customer_id", "month", "monthly_amount"]
    csv_frame = from_csv.table.order_by(order).to_pyarrow()
    parquet_frame = from_parquet.table.order_by(order).to_pyarrow()
    assert csv_frame.equals(parquet_frame)
    assert (tmp_path / "customers.csv").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": 0}, "invalid customer count 0"),
        ({"customers": 5, "months": 0}, "invalid month count 0"),
        ({"customers": 5, "seed": -1}, "invalid seed -1"),
        ({"customers": 5, "fmt": "json"}, "unknown format 'json'"),
    ],
)
def test_bad_arguments_raise(
    arguments: dict[str, Any], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=message):
        bench_ledger.generate_ledger(tmp_path, **arguments)
    assert not list(tmp_path.iterdir())


def test_command_line_writes_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_ledger.main(
        [str(tmp_path), "--customers", "20", "--months", "6", "--format", "csv"]
    )
    output = capsys.readouterr().out
    assert "customers 20" in output
    assert (tmp_path / "ledger.csv").is_file()
    assert (tmp_path / "customers.csv").is_file()
