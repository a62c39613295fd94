"""Closed initiatives with extreme but finite numbers still render every format."""

from __future__ import annotations

from decimal import Decimal

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import OutcomeResult, Status, Unit
from boardloop.domain.numbers import magnitude_problem, quantize_or_none
from boardloop.domain.targets import parse_target
from boardloop.report import render_html, render_json, render_markdown
from test_report import closed, initiative, pp_target, section

EXTREME_MOVEMENTS = ["1e400", "1e25", "1e30", "-1e25"]


@pytest.mark.parametrize("movement", EXTREME_MOVEMENTS)
def test_closed_huge_movement_renders(movement: str) -> None:
    view = section(closed(1, OutcomeResult.ACHIEVED, movement))
    row = view.closed_initiatives[0]
    assert row.attainment is None
    assert "attainment out of range" in row.movement_label
    assert "Initiative 1" in render_markdown(view)
    assert "Initiative 1" in render_html(view)
    assert "Initiative 1" in render_json(view)


def test_closed_tiny_target_amount_renders() -> None:
    target = pp_target("0.0000000000000000000000001")
    item = initiative(
        1,
        Status.CLOSED,
        target=target,
        outcome=closed(1, OutcomeResult.ACHIEVED, "1").outcome,
    )
    view = section(item)
    assert view.closed_initiatives[0].attainment is None
    assert "attainment out of range" in view.closed_initiatives[0].movement_label
    assert "Initiative 1" in render_markdown(view)


def test_closed_large_but_roundable_attainment_kept() -> None:
    view = section(closed(1, OutcomeResult.ACHIEVED, "1e20"))
    assert view.closed_initiatives[0].attainment == Decimal("2e19")


def test_quantize_or_none_bounds() -> None:
    step = Decimal("0.0001")
    assert quantize_or_none(Decimal("1e23"), step) is not None
    assert quantize_or_none(Decimal("1e24"), step) is None
    assert quantize_or_none(Decimal("NaN"), step) is None
    assert quantize_or_none(Decimal("0"), step) == Decimal("0.0000")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1e400", "beyond the bound"),
        ("1000000.5", "beyond the bound"),
        ("-1e7", "beyond the bound"),
        ("0.0000001", "more than 6 decimal places"),
        ("Infinity", "not a finite number"),
    ],
)
def test_magnitude_problem_rejects(text: str, problem: str) -> None:
    message = magnitude_problem(Decimal(text), Unit.PP)
    assert message is not None
    assert problem in message


@pytest.mark.parametrize("text", ["1000000", "-1e6", "0.000001", "3.2", "1.5000000"])
def test_magnitude_problem_accepts(text: str) -> None:
    assert magnitude_problem(Decimal(text), Unit.PP) is None


def test_magnitude_problem_money_bound_wider() -> None:
    assert magnitude_problem(Decimal("2e6"), Unit.CURRENCY) is None
    assert magnitude_problem(Decimal("2e6"), None) is None
    assert magnitude_problem(Decimal("2e6"), Unit.PP) is not None
    assert magnitude_problem(Decimal("2e12"), Unit.COUNT) is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("+0.0000000000000000000000001pp GRR by 2027-12-31", "amount '1E-25'"),
        ("+10000000000000000000000000pp GRR by 2027-12-31", "beyond the bound"),
        ("GRR 5000000% by 2027-12-31", "level '5000000'"),
    ],
)
def test_target_amount_out_of_range(text: str, problem: str) -> None:
    target = parse_target(text, calendar=FiscalCalendar())
    assert target.amount is None
    assert target.level is None
    assert any(problem in line for line in target.problems)


def test_target_money_amount_in_range() -> None:
    target = parse_target("+2000000 USD ARR by 2027-12-31", calendar=FiscalCalendar())
    assert target.amount == Decimal(2000000)
