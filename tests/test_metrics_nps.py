"""NPS responses: loading, validation, score and adjusted-Wald margin."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import ibis  # type: ignore[import-untyped,unused-ignore]
import pytest

from boardloop.metrics import NpsError, load_customers, load_nps, nps

if TYPE_CHECKING:
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

JUNE = (date(2024, 6, 1), date(2024, 7, 1))

# Ten responses in June 2024: five promoters (A, B, C, D, E), three passives
# (F, G, H) and two detractors (I, J). K responded in May, outside the window.
RESPONSES = """\
customer_id,responded_at,score
A,2024-06-03,10
B,2024-06-03,9
C,2024-06-04,9
D,2024-06-10,10
E,2024-06-11,9
F,2024-06-12,7
G,2024-06-12,8
H,2024-06-20,8
I,2024-06-21,3
J,2024-06-30,6
K,2024-05-31,0
"""

CUSTOMERS = """\
customer_id,plan
A,pro
B,pro
I,pro
F,basic
"""


def write(tmp_path: Path, text: str, name: str = "nps.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nps_hand_computed_score(tmp_path: Path, engine: BaseBackend) -> None:
    figure = nps(load_nps(write(tmp_path, RESPONSES), backend=engine), *JUNE)
    assert figure.n == 10
    assert figure.promoters == 5
    assert figure.passives == 3
    assert figure.detractors == 2
    assert figure.score == pytest.approx(30.0)


def test_nps_hand_computed_margin(tmp_path: Path, engine: BaseBackend) -> None:
    figure = nps(load_nps(write(tmp_path, RESPONSES), backend=engine), *JUNE)
    # Adjusted Wald: n' = 10 + 3 = 13, p = 5.75 / 13, d = 2.75 / 13.
    # p + d = 8.5 / 13 and (p - d)^2 = 9 / 169, so the variance is
    # (110.5 - 9) / 169 / 13 = 101.5 / 2197 = 0.0461994.
    # margin = 1.96 * sqrt(0.0461994) * 100 = 42.13 points.
    variance = 101.5 / 2197
    assert figure.margin == pytest.approx(196 * math.sqrt(variance), abs=0.01)
    assert figure.margin == pytest.approx(42.13, abs=0.01)
    # The interval is centred on the adjusted score 100 * 3 / 13 = 23.08.
    assert figure.low == pytest.approx(23.08 - 42.13, abs=0.01)
    assert figure.high == pytest.approx(23.08 + 42.13, abs=0.01)


def test_nps_marks_low_n(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, RESPONSES), backend=engine)
    assert nps(responses, *JUNE).low_n is True
    assert nps(responses, *JUNE, min_n=10).low_n is False
    assert nps(responses, *JUNE, min_n=11).low_n is True


def test_nps_empty_window(tmp_path: Path, engine: BaseBackend) -> None:
    figure = nps(
        load_nps(write(tmp_path, RESPONSES), backend=engine),
        date(2023, 1, 1),
        date(2024, 5, 1),
    )
    assert figure.n == 0
    assert figure.score is None
    assert figure.margin is None
    assert figure.low is None
    assert figure.high is None
    assert figure.low_n is True


def test_nps_window_is_end_exclusive(tmp_path: Path, engine: BaseBackend) -> None:
    figure = nps(
        load_nps(write(tmp_path, RESPONSES), backend=engine), date(2024, 5, 1), JUNE[0]
    )
    assert figure.n == 1
    assert figure.detractors == 1
    assert figure.score == pytest.approx(-100.0)
    assert figure.low is not None
    assert figure.low >= -100.0


def test_nps_segment(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, RESPONSES), backend=engine)
    customers = load_customers(write(tmp_path, CUSTOMERS, "customers.csv"))
    pro = nps(responses, *JUNE, customers=customers, segment=("plan", "pro"))
    assert (pro.n, pro.promoters, pro.detractors) == (3, 2, 1)
    assert pro.score == pytest.approx(100 / 3)
    assert "plan=pro" in pro.definition
    # Respondents without attributes (C, D, E, G, H, J) are the unknown segment.
    unknown = nps(responses, *JUNE, customers=customers, segment=("plan", "unknown"))
    assert unknown.n == 6


def test_nps_segment_needs_customers(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, RESPONSES), backend=engine)
    with pytest.raises(ValueError, match="needs customer attributes"):
        nps(responses, *JUNE, segment=("plan", "pro"))
    customers = load_customers(write(tmp_path, CUSTOMERS, "customers.csv"))
    with pytest.raises(ValueError, match="unknown segment field 'tier'"):
        nps(responses, *JUNE, customers=customers, segment=("tier", "x"))


def test_nps_rejects_empty_window(tmp_path: Path, engine: BaseBackend) -> None:
    responses = load_nps(write(tmp_path, RESPONSES), backend=engine)
    with pytest.raises(ValueError, match="is empty"):
        nps(responses, JUNE[1], JUNE[0])


def test_nps_definition_names_method(tmp_path: Path, engine: BaseBackend) -> None:
    figure = nps(load_nps(write(tmp_path, RESPONSES), backend=engine), *JUNE)
    assert "2024-06-01 to 2024-07-01" in figure.definition
    assert "adjusted Wald (Rocks 2016)" in figure.definition


@pytest.mark.parametrize("score", ["9.5", "11", "-1", "nine", ""])
def test_nps_rejects_invalid_score(
    tmp_path: Path, score: str, engine: BaseBackend
) -> None:
    text = f"customer_id,responded_at,score\nA,2024-06-01,9\nB,2024-06-02,{score}\n"
    with pytest.raises(NpsError) as caught:
        load_nps(write(tmp_path, text), backend=engine)
    assert caught.value.line == 3
    assert caught.value.column == "score"
    assert caught.value.value == score
    assert "nps.csv:3" in str(caught.value)
    assert "whole numbers from 0 to 10" in str(caught.value)


def test_nps_accepts_whole_decimal_score(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,responded_at,score\nA,2024-06-01,9.0\n"
    assert nps(load_nps(write(tmp_path, text), backend=engine), *JUNE).promoters == 1


def test_nps_rejects_invalid_date(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,responded_at,score\nA,June 1st,9\n"
    with pytest.raises(NpsError) as caught:
        load_nps(write(tmp_path, text), backend=engine)
    assert caught.value.line == 2
    assert caught.value.value == "June 1st"


def test_nps_reports_missing_customer_ids(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,responded_at,score\n,2024-06-01,9\nA,2024-06-01,9\n,x,1\n"
    with pytest.raises(NpsError) as caught:
        load_nps(write(tmp_path, text), backend=engine)
    assert caught.value.line == 2
    assert "2 rows have no customer id (lines 2, 4)" in caught.value.hint


def test_nps_rejects_duplicate_row(tmp_path: Path, engine: BaseBackend) -> None:
    text = "customer_id,responded_at,score\nA,2024-06-01,9\nA,2024-06-01,9\n"
    with pytest.raises(NpsError) as caught:
        load_nps(write(tmp_path, text), backend=engine)
    assert caught.value.line == 3
    assert caught.value.problem == "duplicate of line 2"


def test_nps_rejects_missing_column(tmp_path: Path, engine: BaseBackend) -> None:
    with pytest.raises(NpsError, match="missing column 'score'"):
        load_nps(
            write(tmp_path, "customer_id,responded_at\nA,2024-06-01\n"), backend=engine
        )


def test_nps_maps_column_names(tmp_path: Path, engine: BaseBackend) -> None:
    text = "Account,Date,LTR\nA,2024-06-01,10\n"
    columns = {"customer_id": "Account", "responded_at": "Date", "score": "LTR"}
    figure = nps(
        load_nps(write(tmp_path, text), columns=columns, backend=engine), *JUNE
    )
    assert figure.promoters == 1


def test_nps_reads_ibis_table(engine: BaseBackend) -> None:
    table = ibis.memtable(
        {
            "customer_id": ["A", "B"],
            "responded_at": [date(2024, 6, 1), date(2024, 6, 2)],
            "score": [10, 2],
        }
    )
    figure = nps(load_nps(table, backend=engine), *JUNE)
    assert figure.score == pytest.approx(0.0)
