"""Rolling windows, exchange rates, customer counts and bootstrap intervals.

Every expected number is worked out by hand in the comment above it; each test
runs on DuckDB and on the PostgreSQL server.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.metrics import (
    FxError,
    LedgerError,
    kpi_series,
    load_customers,
    load_ledger,
    load_nps,
    load_rates,
    nps_series,
    retention,
    window_months,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

CALENDAR = FiscalCalendar(start_month=1)
Q2_START = date(2024, 4, 1)
Q2_END = date(2024, 7, 1)


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def monthly(customer: str, amounts: dict[int, int], currency: str = "USD") -> str:
    """Ledger rows for one customer: month number in 2024 -> amount."""
    return "".join(
        f"{customer},2024-{month:02d}-01,{amount},{currency}\n"
        for month, amount in amounts.items()
    )


HEADER = "customer_id,date,amount,currency\n"

# -- exchange rates

# A pays 100 USD every month. B pays 100 EUR every month. EUR buys 1.10 USD in
# March and 1.20 USD in June.
TWO_CURRENCIES = (
    HEADER
    + monthly("A", {3: 100, 4: 100, 5: 100, 6: 100})
    + monthly("B", {3: 100, 4: 100, 5: 100, 6: 100}, "EUR")
)
RATES = "currency,month,rate\nEUR,2024-03,1.10\nEUR,2024-06,1.20\n"


def test_two_currencies_at_fixed_rate(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, TWO_CURRENCIES), backend=engine)
    rates = load_rates(write(tmp_path, RATES, "rates.csv"), currency="usd")
    figures = retention(ledger, Q2_START, Q2_END, rates=rates)
    # Both ends at March's rate: 100 + 110 = 210 at the start and at the end,
    # so nothing expands; June's rate would add 100 x (1.20 - 1.10) = 10.
    assert figures.start_mrr == Decimal(210)
    assert figures.end_mrr == Decimal(210)
    assert figures.net_revenue_retention == 1
    assert figures.expansion_revenue == 0
    assert figures.fx_effect == Decimal(10)
    assert "USD at each currency's 2024-03 rate" in figures.definition


def test_two_currencies_without_rates(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, TWO_CURRENCIES), backend=engine)
    assert ledger.currencies == ("EUR", "USD")
    with pytest.raises(FxError, match="more than one currency"):
        retention(ledger, Q2_START, Q2_END)


def test_missing_rate_named(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, TWO_CURRENCIES), backend=engine)
    rates = load_rates(
        write(tmp_path, "currency,month,rate\nEUR,2024-03,1.1\n", "rates.csv"),
        currency="USD",
    )
    with pytest.raises(FxError, match="missing exchange rate") as raised:
        retention(ledger, Q2_START, Q2_END, rates=rates)
    assert "EUR 2024-06" in str(raised.value)
    assert "EUR,2024-06" in str(raised.value)


def test_customer_in_two_currencies_rejected(
    tmp_path: Path, engine: BaseBackend
) -> None:
    text = HEADER + monthly("A", {3: 100}) + monthly("A", {4: 100}, "EUR")
    with pytest.raises(LedgerError, match="more than one currency") as raised:
        load_ledger(write(tmp_path, text), backend=engine)
    assert raised.value.value == "A"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("currency,month,rate\nEUR,2024-03,abc\n", "invalid rate"),
        ("currency,month,rate\nEUR,2024-03,-1\n", "invalid rate"),
        ("currency,month,rate\nEURO,2024-03,1\n", "invalid currency"),
        ("currency,month,rate\nEUR,March,1\n", "invalid month"),
        ("currency,month,rate\nEUR,2024-03,1\nEUR,2024-03-15,1\n", "duplicate"),
        ("currency,rate\nEUR,1\n", "missing column"),
    ],
)
def test_rates_file_errors(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(FxError, match=problem) as raised:
        load_rates(write(tmp_path, text, "rates.csv"), currency="USD")
    assert "rates.csv" in str(raised.value)


# -- rolling windows


@pytest.mark.parametrize(("days", "months"), [(30, 1), (90, 3), (180, 6), (365, 12)])
def test_window_months(days: int, months: int) -> None:
    assert window_months(days) == months


def test_window_too_short() -> None:
    with pytest.raises(ValueError, match="shorter than half a month"):
        window_months(10)


# A pays 100 from January to June. B pays 100 from January to March and then
# stops. C pays 100 in January, skips February and pays 100 from March to June.
ROLLING = (
    HEADER
    + monthly("A", dict.fromkeys(range(1, 7), 100))
    + monthly("B", {1: 100, 2: 100, 3: 100})
    + monthly("C", {1: 100, 3: 100, 4: 100, 5: 100, 6: 100})
)


def test_rolling_90_day_windows(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, ROLLING), backend=engine)
    points = kpi_series(ledger, calendar=CALENDAR, window_days=90, min_n=1)
    # Windows end at April, May and June; each compares with three months before.
    assert [p.period for p in points] == ["2024-04", "2024-05", "2024-06"]
    assert points[0].period_start == date(2024, 2, 1)
    assert points[0].period_end == date(2024, 4, 30)
    assert all(p.window_days == 90 for p in points)
    april, may, june = (p.figures for p in points)
    assert april is not None
    assert may is not None
    assert june is not None
    # April against January: A retained; B stopped after March; C missed
    # February, so it churned and counts as a reactivation by April.
    assert (april.n, april.retained, april.reactivations) == (3, 1, 1)
    assert april.logo_retention == Decimal(1) / Decimal(3)
    # May against February: A and B paid in February (C did not); B churned.
    assert (may.n, may.retained) == (2, 1)
    # June against March: A, B and C paid in March; A and C stayed.
    assert (june.n, june.retained) == (3, 2)
    assert june.gross_revenue_retention == Decimal(200) / Decimal(300)
    assert "90-day window measured over 3 whole months" in june.definition


# -- customer counts and concentration

# Twelve customers pay 10, 20, ..., 120 in March and April. N1 and N2 start in
# April. L leaves after March.
COUNTS = (
    HEADER
    + "".join(monthly(f"K{i:02d}", {3: 10 * i, 4: 10 * i}) for i in range(1, 13))
    + monthly("N1", {4: 5})
    + monthly("N2", {4: 5})
    + monthly("L", {3: 50})
)


def test_new_total_and_top_customers(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, COUNTS), backend=engine)
    points = kpi_series(ledger, calendar=CALENDAR, grain="month")
    assert [p.period for p in points] == ["2024-03", "2024-04"]
    april = points[1].figures
    assert april is not None
    # April: 12 kept + 2 new = 14 paying customers; L churned.
    assert april.new_customers == 2
    assert april.total_customers == 14
    assert april.churned == 1
    # April MRR: 10 + ... + 120 = 780, plus 5 + 5 = 790. The ten largest are
    # 30 to 120: 750.
    assert april.top_customer_share == Decimal(750) / Decimal(790)


def test_low_n_marked_not_hidden(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, ROLLING), backend=engine)
    figures = retention(ledger, date(2024, 6, 1), date(2024, 7, 1), min_n=5)
    assert figures.n == 2
    assert figures.low_n
    assert figures.gross_revenue_retention == 1
    assert not retention(ledger, date(2024, 6, 1), date(2024, 7, 1), min_n=2).low_n


# -- segments with windows


def test_segments_with_rolling_window(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, ROLLING), backend=engine)
    customers = load_customers(
        write(tmp_path, "customer_id,tier\nA,smb\nB,smb\nC,enterprise\n", "c.csv")
    )
    points = kpi_series(
        ledger,
        calendar=CALENDAR,
        window_days=90,
        customers=customers,
        segment_field="tier",
        min_n=1,
    )
    june = {p.segment: p.figures for p in points if p.period == "2024-06"}
    assert set(june) == {"enterprise", "smb"}
    smb, enterprise = june["smb"], june["enterprise"]
    assert smb is not None and enterprise is not None
    # June against March: SMB A stays and B leaves; enterprise C stays.
    assert (smb.n, smb.retained) == (2, 1)
    assert (enterprise.n, enterprise.retained) == (1, 1)


# -- bootstrap


def bootstrap_ledger() -> str:
    """Forty customers: 30 stay at 100, 6 leave, 4 grow to 150."""
    rows = [HEADER]
    for i in range(40):
        end = 0 if i < 6 else 150 if i < 10 else 100
        amounts = {3: 100} if end == 0 else {3: 100, 4: end, 5: end, 6: end}
        rows.append(monthly(f"c{i:02d}", amounts))
    return "".join(rows)


def test_bootstrap_seeded_and_reproducible(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, bootstrap_ledger()), backend=engine)
    first = retention(ledger, Q2_START, Q2_END, bootstrap=400, seed=11)
    again = retention(ledger, Q2_START, Q2_END, bootstrap=400, seed=11)
    assert first.intervals == again.intervals
    # Point estimates: logo 34 / 40 = 0.85; GRR 3400 / 4000; NRR 3600 / 4000.
    assert first.logo_retention == Decimal("0.85")
    for name, value in (
        ("logo_retention", Decimal("0.85")),
        ("gross_revenue_retention", Decimal("0.85")),
        ("net_revenue_retention", Decimal("0.9")),
    ):
        low, high = first.intervals[name]
        assert low < value < high
        # With 40 customers the interval is a few points wide, not a sliver.
        assert Decimal("0.03") < high - low < Decimal("0.4")


def test_resamples_follow_the_seed() -> None:
    import numpy as np

    from boardloop.metrics._bootstrap import resample_rates

    start = np.array([100.0, 100.0, 80.0, 120.0, 60.0])
    kept = np.array([100.0, 0.0, 90.0, 120.0, 30.0])
    retained = np.array([1.0, 0.0, 1.0, 1.0, 1.0])

    def draws(seed: int) -> list[float]:
        rng = np.random.default_rng(seed)
        rates = resample_rates(start, kept, retained, rng, 50)
        return [float(value) for value in rates["net_revenue_retention"]]

    assert draws(11) == draws(11)
    assert draws(11) != draws(12)


def test_bootstrap_of_flat_cohort_is_exact(tmp_path: Path, engine: BaseBackend) -> None:
    text = HEADER + "".join(
        monthly(f"c{i}", dict.fromkeys(range(3, 7), 100)) for i in range(5)
    )
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    figures = retention(ledger, Q2_START, Q2_END, bootstrap=50, seed=1)
    assert figures.intervals["gross_revenue_retention"] == (Decimal(1), Decimal(1))


def test_no_bootstrap_by_default(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(write(tmp_path, bootstrap_ledger()), backend=engine)
    assert retention(ledger, Q2_START, Q2_END).intervals == {}


# -- checks in SQL and row by row


def test_quoted_fields_keep_line_numbers(tmp_path: Path, engine: BaseBackend) -> None:
    text = (
        "customer_id,date,amount,note\n"
        'A,2024-03-01,100,"two\nlines"\n'
        'B,2024-03-01,"1,200.50",plain\n'
        "C,2024-03-01,twelve,plain\n"
    )
    with pytest.raises(LedgerError, match="non-numeric amount") as raised:
        load_ledger(write(tmp_path, text), backend=engine)
    # The header is line 1 and A's note spans lines 2 and 3, so C is on line 5.
    assert raised.value.line == 5
    assert raised.value.value == "twelve"


def test_clean_file_with_quotes_and_thousands(
    tmp_path: Path, engine: BaseBackend
) -> None:
    text = (
        "customer_id,date,amount,note\n"
        'A,2024-03-01,100,"two\nlines"\n'
        'B,2024-03,"1,200.50","a, b"\n'
    )
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    assert ledger.rows_read == 2
    figures = retention(ledger, date(2024, 3, 1), date(2024, 4, 1), min_n=1)
    assert figures.start_mrr == 0
    points = kpi_series(ledger, calendar=CALENDAR, grain="month")
    # March compares with February, when no customer paid: nothing to measure.
    assert [(p.period, p.figures) for p in points] == [("2024-03", None)]


def test_ragged_csv_row_named(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,date,amount\nA,2024-03-01,100\nB,2024-03-01\n"
    with pytest.raises(LedgerError, match="non-numeric amount") as raised:
        load_ledger(write(tmp_path, text), backend=engine)
    assert raised.value.line == 3


# -- NPS series

# March: A 10, B 9, C 3 (2 promoters, 1 detractor). April: A 8, C 10. May: B 2.
NPS = """\
customer_id,responded_at,score
A,2024-03-05,10
B,2024-03-20,9
C,2024-03-28,3
A,2024-04-02,8
C,2024-04-30,10
B,2024-05-15,2
"""


def test_nps_rolling_windows_by_segment(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, NPS, "nps.csv"), backend=engine)
    customers = load_customers(
        write(tmp_path, "customer_id,tier\nA,smb\nB,smb\n", "c.csv")
    )
    points = nps_series(
        responses,
        calendar=CALENDAR,
        window_days=60,
        customers=customers,
        segment_field="tier",
        min_n=3,
    )
    found = {(p.period, p.segment): p.figure for p in points}
    # Windows of two months end in March (February had no survey), April, May.
    assert sorted({p.period for p in points}) == ["2024-03", "2024-04", "2024-05"]
    # April's window is March and April. smb: A 10, B 9, A 8 -> 2 promoters of
    # 3 = 66.7. C has no attributes: 3 and 10 -> 0.
    smb = found[("2024-04", "smb")]
    assert (smb.n, smb.promoters, smb.passives, smb.detractors) == (3, 2, 1, 0)
    assert smb.score == pytest.approx(200 / 3)
    unknown = found[("2024-04", "unknown")]
    assert (unknown.n, unknown.score, unknown.low_n) == (2, 0, True)
    # May's window is April and May for smb: A 8, B 2 -> -50.
    assert found[("2024-05", "smb")].score == -50
    assert all(p.window_days == 60 for p in points)


def test_nps_fiscal_quarter_whole_base(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, NPS, "nps.csv"), backend=engine)
    points = nps_series(responses, calendar=CALENDAR, grain="quarter")
    # Only Q1 (January to March) is complete by the last response month, May.
    assert [(p.period, p.segment) for p in points] == [("Q1 FY24", None)]
    figure = points[0].figure
    # Q1: 10, 9, 3 -> (2 - 1) / 3 = 33.3.
    assert figure.n == 3
    assert figure.score == pytest.approx(100 / 3)
    assert figure.margin is not None


def test_tab_around_id_reads_as_same_customer(
    tmp_path: Path, engine: BaseBackend
) -> None:
    text = "customer_id,date,amount\nA,2024-03-01,100\n\tA ,2024-04-01,100\n"
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    figures = retention(ledger, date(2024, 4, 1), date(2024, 5, 1), min_n=1)
    # The tab is whitespace, so April's row is customer A and A is retained.
    assert (figures.n, figures.retained) == (1, 1)


def test_many_decimals_kept_exactly(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,date,amount\nA,2024-03-01,100.1234567\nA,2024-04-01,100\n"
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    figures = retention(ledger, date(2024, 4, 1), date(2024, 5, 1), min_n=1)
    assert figures.start_mrr == Decimal("100.1234567")


def test_duplicate_found_after_trimming(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,date,amount\nA,2024-03-01,100\nA ,2024-03-01, 100\n"
    with pytest.raises(LedgerError, match="duplicate of line 2") as raised:
        load_ledger(write(tmp_path, text), backend=engine)
    assert raised.value.line == 3


def test_copied_ledger_does_not_reuse_cache(
    tmp_path: Path, engine: BaseBackend
) -> None:
    import dataclasses

    import ibis

    ledger = load_ledger(write(tmp_path, ROLLING), backend=engine)
    whole = retention(ledger, date(2024, 6, 1), date(2024, 7, 1), min_n=1)
    only_a = ibis.memtable({"customer_id": ["A"]})
    part = dataclasses.replace(
        ledger, table=ledger.table.semi_join(only_a, "customer_id")
    )
    figures = retention(part, date(2024, 6, 1), date(2024, 7, 1), min_n=1)
    # May's cohort is A and C in the whole ledger; the copy keeps only A.
    assert whole.n == 2
    assert figures.n == 1


def test_series_ends_at_last_billed_month(tmp_path: Path, engine: BaseBackend) -> None:
    text = (
        "customer_id,date,amount,plan_interval\n"
        "A,2024-01-01,1200,year\n"
        "B,2024-01-01,100,month\n"
        "B,2024-02-01,100,month\n"
        "B,2024-03-01,100,month\n"
    )
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    points = kpi_series(ledger, calendar=CALENDAR, grain="month")
    # A's yearly charge spreads revenue to December, but the ledger's last
    # charge starts in March, so the series stops there.
    assert [p.period for p in points] == ["2024-01", "2024-02", "2024-03"]


def test_include_all_matches_whole_base(tmp_path: Path, engine: BaseBackend) -> None:
    ledger = load_ledger(
        write(tmp_path, COUNTS + monthly("Z", {3: 40})), backend=engine
    )
    customers = load_customers(
        write(tmp_path, "customer_id,tier\nK01,smb\nK12,ent\nL,smb\n", "c.csv")
    )
    split = kpi_series(
        ledger,
        calendar=CALENDAR,
        customers=customers,
        segment_field="tier",
        include_all=True,
        bootstrap=50,
        seed=3,
    )
    whole = kpi_series(ledger, calendar=CALENDAR, bootstrap=50, seed=3)
    summed = [p for p in split if p.segment is None]
    # The whole base comes first in each window, then the segments by name.
    assert [p.segment for p in split[:4]] == [None, "ent", "smb", "unknown"]
    assert [(p.period, p.figures) for p in summed] == [
        (p.period, p.figures) for p in whole
    ]


def typed_parquet(tmp_path: Path, amounts: list[Decimal | None]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer_id": ["A", "A", "B"],
            "date": pa.array(
                [date(2024, 3, 9), date(2024, 4, 2), date(2024, 3, 30)], pa.date32()
            ),
            "amount": pa.array(amounts, pa.decimal128(12, 2)),
            "one_time": [False, False, False],
        }
    )
    path = tmp_path / "ledger.parquet"
    pq.write_table(table, path)
    return path


def test_typed_parquet_columns(tmp_path: Path, engine: BaseBackend) -> None:
    amounts = [Decimal("100.25"), Decimal("120.50"), Decimal("80.00")]
    ledger = load_ledger(typed_parquet(tmp_path, amounts), backend=engine)
    figures = retention(ledger, date(2024, 4, 1), date(2024, 5, 1), min_n=1)
    # March: A 100.25 and B 80; April: A grows to 120.50 and B leaves.
    assert figures.start_mrr == Decimal("180.25")
    assert figures.end_mrr == Decimal("120.50")


def test_typed_parquet_null_amount_named(tmp_path: Path, engine: BaseBackend) -> None:
    amounts = [Decimal("100.25"), None, Decimal("80.00")]
    with pytest.raises(LedgerError, match="non-numeric amount") as raised:
        load_ledger(typed_parquet(tmp_path, amounts), backend=engine)
    assert raised.value.line == 2


def test_large_cohort_limit_matches_resampling(
    tmp_path: Path, engine: BaseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boardloop.metrics._bootstrap as bootstrap

    # 2,000 customers paying 50 to 249: one in seven leaves after March, one
    # in five of the rest grows by half.
    rows = [HEADER]
    for i in range(2000):
        start = 50 + i % 200
        end = 0 if i % 7 == 0 else start * 3 // 2 if i % 5 == 0 else start
        amounts = {3: start} if end == 0 else {3: start, 4: end, 5: end, 6: end}
        rows.append(monthly(f"c{i:04d}", amounts))
    ledger = load_ledger(write(tmp_path, "".join(rows)), backend=engine)
    resampled = retention(ledger, Q2_START, Q2_END, bootstrap=2000, seed=5)
    monkeypatch.setattr(bootstrap, "LARGE_COHORT", 100)
    ledger = load_ledger(write(tmp_path, "".join(rows)), backend=engine)
    limit = retention(ledger, Q2_START, Q2_END, bootstrap=2000, seed=5)
    assert limit.intervals != resampled.intervals
    for name in ("gross_revenue_retention", "net_revenue_retention", "logo_retention"):
        for exact, approximate in zip(
            resampled.intervals[name], limit.intervals[name], strict=True
        ):
            # The intervals are about 3 points wide; the bounds agree within
            # 0.2 points, the size of 2,000 resamples' own Monte Carlo error.
            assert abs(exact - approximate) < Decimal("0.002")


def test_bootstrap_same_on_reload(tmp_path: Path, engine: BaseBackend) -> None:
    path = write(tmp_path, bootstrap_ledger())
    first = retention(
        load_ledger(path, backend=engine), Q2_START, Q2_END, bootstrap=300
    )
    second = retention(
        load_ledger(path, backend=engine), Q2_START, Q2_END, bootstrap=300
    )
    assert first.intervals == second.intervals


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ('"100,50"', "comma that is not a thousands separator"),
        ('"1.000,50"', "comma that is not a thousands separator"),
        ("1e30", "amount out of range"),
        ("123456789012345678901234567890", "amount out of range"),
    ],
)
def test_amount_rejected(
    tmp_path: Path, engine: BaseBackend, amount: str, problem: str
) -> None:
    text = f"customer_id,date,amount\nA,2024-03-01,100\nB,2024-03-01,{amount}\n"
    with pytest.raises(LedgerError, match=problem) as raised:
        load_ledger(write(tmp_path, text), backend=engine)
    assert raised.value.line == 3


def test_thousands_commas_read(tmp_path: Path, engine: BaseBackend) -> None:
    text = 'customer_id,date,amount\nA,2024-03-01,"1,200.50"\nA,2024-04-01,"1,200"\n'
    ledger = load_ledger(write(tmp_path, text), backend=engine)
    figures = retention(ledger, date(2024, 4, 1), date(2024, 5, 1), min_n=1)
    assert figures.start_mrr == Decimal("1200.50")
    assert figures.end_mrr == Decimal(1200)
