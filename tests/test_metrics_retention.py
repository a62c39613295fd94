"""Ledger loading and window retention, checked against hand-computed ledgers."""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardloop.metrics import LedgerError, load_ledger, monthly_revenue, retention

if TYPE_CHECKING:
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

Q2_START = date(2024, 4, 1)
Q2_END = date(2024, 7, 1)

# Q2 2024 against March 2024. A is flat and B upgrades then downgrades. C
# churns in April and returns in May. D starts inside the window. E has two
# subscriptions and cancels one. F is on an annual plan. G gets a one-time
# refund and expands. H churns.
LEDGER = """\
customer_id,date,amount,plan_interval,one_time,subscription_id
A,2024-03-01,100,month,false,a1
A,2024-04-01,100,month,false,a1
A,2024-05-01,100,month,false,a1
A,2024-06-01,100,month,false,a1
B,2024-03-01,100,month,false,b1
B,2024-04-01,150,month,false,b1
B,2024-05-01,150,month,false,b1
B,2024-06-01,80,month,false,b1
C,2024-03-01,100,month,false,c1
C,2024-05-01,100,month,false,c1
C,2024-06-01,100,month,false,c1
D,2024-04-01,50,month,false,d1
D,2024-05-01,50,month,false,d1
D,2024-06-01,50,month,false,d1
E,2024-03-01,60,month,false,e1
E,2024-04-01,60,month,false,e1
E,2024-05-01,60,month,false,e1
E,2024-06-01,60,month,false,e1
E,2024-03-01,40,month,false,e2
E,2024-04-01,40,month,false,e2
F,2024-01-15,2400,year,false,f1
G,2024-03-01,100,month,false,g1
G,2024-04-10,-100,month,true,g1
G,2024-04-01,120,month,false,g1
G,2024-05-01,120,month,false,g1
G,2024-06-01,120,month,false,g1
H,2024-03-01,50,month,false,h1
"""


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ledger_normalises_annual_plan(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, LEDGER), backend=engine)
    rows = monthly_revenue(ledger).filter(ibis._.customer_id == "F")
    months = {r["month"]: r["mrr"] for r in engine.to_pyarrow(rows).to_pylist()}
    assert len(months) == 12
    assert months[date(2024, 1, 1)] == Decimal(200)
    assert months[date(2024, 12, 1)] == Decimal(200)


def test_ledger_counts_one_time_rows(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, LEDGER), backend=engine)
    assert ledger.rows_read == 27
    assert ledger.one_time_excluded == 1


def test_ledger_sums_two_subscriptions(tmp_path: Path, engine: BaseBackend) -> None:
    mrr = monthly_revenue(load_ledger(write(tmp_path, LEDGER), backend=engine))
    rows = mrr.filter(ibis._.customer_id == "E").order_by("month")
    amounts = [r["mrr"] for r in engine.to_pyarrow(rows).to_pylist()]
    assert amounts == [Decimal(100), Decimal(100), Decimal(60), Decimal(60)]


def test_retention_hand_computed_quarter(tmp_path: Path, engine: BaseBackend) -> None:
    figures = retention(
        load_ledger(write(tmp_path, LEDGER), backend=engine), Q2_START, Q2_END
    )
    assert figures.n == 7
    assert figures.start_mrr == Decimal(750)
    assert figures.end_mrr == Decimal(560)
    assert figures.gross_revenue_retention == Decimal(540) / Decimal(750)
    assert figures.net_revenue_retention == Decimal(560) / Decimal(750)
    assert figures.logo_retention == Decimal(5) / Decimal(7)
    assert figures.logo_churn == 1 - Decimal(5) / Decimal(7)
    assert figures.expansion_revenue == Decimal(20)
    assert figures.contraction_revenue == Decimal(60)
    assert figures.churned_revenue == Decimal(150)
    assert figures.retained == 5
    assert figures.churned == 2
    assert figures.reactivations == 1
    assert figures.reactivated_revenue == Decimal(100)


def test_retention_definition_names_window(tmp_path: Path, engine: BaseBackend) -> None:
    figures = retention(
        load_ledger(write(tmp_path, LEDGER), backend=engine), Q2_START, Q2_END
    )
    assert "2024-04-01 to 2024-07-01" in figures.definition
    assert "2024-03 against 2024-06" in figures.definition
    assert "1 one-time rows" in figures.definition


def test_retention_excludes_new_customer(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nD,2024-04,50\nD,2024-06,50\n"
    figures = retention(
        load_ledger(write(tmp_path, text), backend=engine), Q2_START, Q2_END
    )
    assert figures.n == 0
    assert figures.gross_revenue_retention is None
    assert figures.net_revenue_retention is None
    assert figures.logo_retention is None
    assert figures.logo_churn is None


def test_retention_zero_baseline_is_empty(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-03,0\nA,2024-04,10\nA,2024-06,10\n"
    figures = retention(
        load_ledger(write(tmp_path, text), backend=engine), Q2_START, Q2_END
    )
    assert figures.n == 0
    assert figures.gross_revenue_retention is None


def test_retention_day_window(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-04,100\nA,2024-05,50\n"
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    figures = retention(ledger, date(2024, 4, 15), date(2024, 5, 15))
    assert figures.n == 1
    assert figures.gross_revenue_retention == Decimal("0.5")


def test_retention_rejects_window_inside_month(
    tmp_path: Path, engine: BaseBackend
) -> None:
    ledger = load_ledger(
        write(tmp_path, "customer_id,period,amount\nA,2024-04,1\n"), backend=engine
    )
    with pytest.raises(ValueError, match="no month after its baseline"):
        retention(ledger, date(2024, 4, 2), date(2024, 4, 30))


def test_ledger_rejects_non_numeric_amount(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-03,100\nB,2024-03,ten\n"
    with pytest.raises(LedgerError) as caught:
        load_ledger(write(tmp_path, text), backend=engine)
    assert caught.value.line == 3
    assert caught.value.column == "amount"
    assert caught.value.value == "ten"
    assert "ledger.csv:3" in str(caught.value)


def test_ledger_reports_missing_customer_ids(
    tmp_path: Path, engine: BaseBackend
) -> None:
    text = "customer_id,period,amount\n,2024-03,1\nA,2024-03,1\n,2024-04,2\n"
    with pytest.raises(LedgerError) as caught:
        load_ledger(write(tmp_path, text), backend=engine)
    assert caught.value.line == 2
    assert "2 rows have no customer id (lines 2, 4)" in caught.value.hint


def test_ledger_rejects_duplicate_row(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-03,1\nA,2024-03,1\n"
    with pytest.raises(LedgerError) as caught:
        load_ledger(write(tmp_path, text), backend=engine)
    assert caught.value.line == 3
    assert caught.value.problem == "duplicate of line 2"


def test_ledger_rejects_unknown_interval(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount,plan_interval\nA,2024-03,1,fortnight\n"
    with pytest.raises(LedgerError, match="unknown plan interval"):
        load_ledger(write(tmp_path, text), backend=engine)


def test_ledger_reads_multi_year_plan(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount,plan_interval\nA,2024-01,3600,3 years\n"
    mrr = monthly_revenue(load_ledger(write(tmp_path, text), backend=engine))
    rows = engine.to_pyarrow(mrr).to_pylist()
    assert len(rows) == 36
    assert {r["mrr"] for r in rows} == {Decimal(100)}


def test_ledger_maps_column_names(tmp_path: Path, engine: BaseBackend) -> None:
    text = "CustomerID,InvoiceDate,Revenue\nA,2024-03-09,10\n"
    ledger = load_ledger(
        write(tmp_path, text),
        columns={
            "customer_id": "CustomerID",
            "date": "InvoiceDate",
            "amount": "Revenue",
        },
        backend=engine,
    )
    rows = engine.to_pyarrow(monthly_revenue(ledger)).to_pylist()
    assert rows == [
        {"customer_id": "A", "month": date(2024, 3, 1), "mrr": 10, "currency": None}
    ]


def test_ledger_rejects_missing_column(tmp_path: Path, engine: BaseBackend) -> None:
    with pytest.raises(LedgerError, match="missing column"):
        load_ledger(write(tmp_path, "customer_id,period\nA,2024-03\n"), backend=engine)


def test_ledger_reads_parquet(tmp_path: Path, engine: BaseBackend) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "ledger.parquet"
    table = pa.table({"customer_id": ["A"], "period": ["2024-03"], "amount": [5.5]})
    pq.write_table(table, path)
    mrr = monthly_revenue(load_ledger(path, backend=engine))
    rows = engine.to_pyarrow(mrr).to_pylist()
    assert rows[0]["mrr"] == Decimal("5.5")


def write_gzip(tmp_path: Path, text: str, name: str = "ledger.csv.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def test_ledger_reads_gzip_csv(tmp_path: Path, engine: BaseBackend) -> None:
    plain = load_ledger(write(tmp_path, LEDGER), backend=engine)
    packed = load_ledger(write_gzip(tmp_path, LEDGER), backend=engine)
    assert packed.rows_read == plain.rows_read
    assert packed.one_time_excluded == plain.one_time_excluded
    rows = engine.to_pyarrow(monthly_revenue(packed).order_by("customer_id", "month"))
    expected = monthly_revenue(plain).order_by("customer_id", "month")
    assert rows.to_pylist() == engine.to_pyarrow(expected).to_pylist()


def test_gzip_ledger_names_bad_line(tmp_path: Path, engine: BaseBackend) -> None:
    text = "\ufeffcustomer_id,period,amount\nA,2024-03,100\nB,2024-03,ten\n"
    with pytest.raises(LedgerError) as caught:
        load_ledger(write_gzip(tmp_path, text), backend=engine)
    assert caught.value.line == 3
    assert caught.value.value == "ten"
    assert "ledger.csv.gz:3" in str(caught.value)


def test_gzip_without_suffix_is_read(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,period,amount\nA,2024-03,7\n"
    ledger = load_ledger(write_gzip(tmp_path, text, "ledger.csv"), backend=engine)
    rows = engine.to_pyarrow(monthly_revenue(ledger)).to_pylist()
    assert [row["mrr"] for row in rows] == [Decimal(7)]


def test_ledger_not_utf8_named(tmp_path: Path, engine: BaseBackend) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes(
        "customer_id,period,amount\nJos\u00e9,2024-03,7\n".encode("latin-1")
    )
    with pytest.raises(LedgerError) as caught:
        load_ledger(path, backend=engine)
    assert caught.value.problem == "file is not UTF-8 text"
    assert str(path) in str(caught.value)
    assert "UTF-8" in caught.value.hint


MONTHS = [date(2024, m, 1) for m in (3, 4, 5, 6)]
AMOUNTS = st.sampled_from([0, 10, 25, 50, 100, 400])
CUSTOMER = st.lists(AMOUNTS, min_size=4, max_size=4)


def ledger_of(customers: list[list[int]]) -> ibis.Table:
    rows = [
        {"customer_id": f"c{i}", "date": month, "amount": str(amount)}
        for i, amounts in enumerate(customers)
        for month, amount in zip(MONTHS, amounts, strict=True)
    ]
    return ibis.memtable(rows)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(CUSTOMER, min_size=1, max_size=6))
def test_retention_rates_within_bounds(
    engine: BaseBackend, customers: list[list[int]]
) -> None:
    figures = retention(
        load_ledger(ledger_of(customers), backend=engine), Q2_START, Q2_END
    )
    if figures.n == 0:
        assert figures.gross_revenue_retention is None
        return
    assert figures.gross_revenue_retention is not None
    assert figures.logo_retention is not None
    assert figures.gross_revenue_retention <= 1
    assert 0 <= figures.logo_retention <= 1


def without_returns(amounts: list[int]) -> list[int]:
    """Zero every month after the first zero month, so no customer reactivates."""
    if 0 not in amounts[1:]:
        return amounts
    first_zero = amounts.index(0, 1)
    return amounts[:first_zero] + [0] * (len(amounts) - first_zero)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(CUSTOMER.map(without_returns), min_size=1, max_size=6))
def test_net_is_gross_plus_expansion(
    engine: BaseBackend, customers: list[list[int]]
) -> None:
    figures = retention(
        load_ledger(ledger_of(customers), backend=engine), Q2_START, Q2_END
    )
    assert figures.reactivations == 0
    if figures.n == 0:
        return
    assert figures.net_revenue_retention is not None
    assert figures.gross_revenue_retention is not None
    assert figures.expansion_rate is not None
    expected = figures.gross_revenue_retention + figures.expansion_rate
    assert abs(figures.net_revenue_retention - expected) < Decimal("1e-20")


def test_header_only_ledger_gives_empty_cohort(
    tmp_path: Path, engine: BaseBackend
) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("customer_id,date,amount\n", encoding="utf-8")
    ledger = load_ledger(path, backend=engine)
    figures = retention(ledger, date(2026, 4, 1), date(2026, 7, 1))
    assert figures.n == 0
    assert figures.gross_revenue_retention is None


def test_retention_runs_on_given_engine(
    tmp_path: Path, engine: BaseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries: list[object] = []
    run = engine.to_pyarrow

    def record(expr: object, **kwargs: object) -> object:
        queries.append(expr)
        return run(expr, **kwargs)

    monkeypatch.setattr(engine, "to_pyarrow", record)
    figures = retention(
        load_ledger(write(tmp_path, LEDGER), backend=engine), Q2_START, Q2_END
    )
    # Every query ran on the given engine, and at least the totals did.
    assert queries
    assert figures.start_mrr == Decimal(750)
