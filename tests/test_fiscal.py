"""Fiscal calendar: period bounds for every start month and naming, and labels."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.domain.fiscal import FiscalCalendar, add_months
from boardloop.domain.targets import parse_target

if TYPE_CHECKING:
    from pathlib import Path

    from boardloop.domain.fiscal import Naming

NAMINGS: tuple[Naming, ...] = ("end", "start")
ONE_DAY = dt.timedelta(days=1)


def expected_quarter(
    start_month: int, naming: str, fiscal_year: int, quarter: int
) -> tuple[dt.date, dt.date]:
    """Compute a quarter's first and last day from the definition, month by month."""
    start_year = fiscal_year
    if naming == "end" and start_month != 1:
        start_year -= 1
    month_index = (start_month - 1) + 3 * (quarter - 1)
    first = dt.date(start_year + month_index // 12, month_index % 12 + 1, 1)
    last_index = month_index + 2
    last_year, last_month = start_year + last_index // 12, last_index % 12 + 1
    last_day = stdlib_calendar.monthrange(last_year, last_month)[1]
    return first, dt.date(last_year, last_month, last_day)


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
@pytest.mark.parametrize("naming", NAMINGS)
@pytest.mark.parametrize("start_month", range(1, 13))
def test_quarter_bounds_every_start_month(
    start_month: int, naming: Naming, quarter: int
) -> None:
    calendar = FiscalCalendar(start_month, naming)
    first, last = calendar.quarter_bounds(2027, quarter)
    expected_first, expected_last = expected_quarter(start_month, naming, 2027, quarter)
    assert first == expected_first
    assert last == expected_last
    assert calendar.quarter_of(first) == (2027, quarter)
    assert calendar.quarter_of(last) == (2027, quarter)
    assert calendar.quarter_of(first - ONE_DAY) != (2027, quarter)
    assert calendar.quarter_of(last + ONE_DAY) != (2027, quarter)


@pytest.mark.parametrize(
    ("start_month", "naming", "fiscal_year", "quarter", "first", "last"),
    [
        (1, "end", 2027, 1, "2027-01-01", "2027-03-31"),
        (1, "start", 2027, 4, "2027-10-01", "2027-12-31"),
        (2, "end", 2027, 2, "2026-05-01", "2026-07-31"),
        (2, "end", 2028, 2, "2027-05-01", "2027-07-31"),
        (2, "end", 2020, 4, "2019-11-01", "2020-01-31"),
        (4, "start", 2026, 4, "2027-01-01", "2027-03-31"),
        (7, "end", 2027, 1, "2026-07-01", "2026-09-30"),
        (10, "end", 2027, 4, "2027-07-01", "2027-09-30"),
        (12, "start", 2026, 1, "2026-12-01", "2027-02-28"),
        (12, "end", 2028, 1, "2027-12-01", "2028-02-29"),
    ],
)
def test_quarter_bounds_known_calendars(
    start_month: int,
    naming: Naming,
    fiscal_year: int,
    quarter: int,
    first: str,
    last: str,
) -> None:
    calendar = FiscalCalendar(start_month, naming)
    bounds = calendar.quarter_bounds(fiscal_year, quarter)
    assert bounds == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_january_start_is_calendar_year() -> None:
    for naming in NAMINGS:
        calendar = FiscalCalendar(1, naming)
        assert calendar.year_bounds(2027) == (
            dt.date(2027, 1, 1),
            dt.date(2027, 12, 31),
        )
        assert calendar.fiscal_year(dt.date(2027, 6, 15)) == 2027


def test_naming_end_and_start_differ_by_one() -> None:
    ending = FiscalCalendar(2, "end")
    starting = FiscalCalendar(2, "start")
    day = dt.date(2026, 12, 4)
    assert ending.fiscal_year(day) == 2027
    assert starting.fiscal_year(day) == 2026
    assert ending.year_bounds(2027) == starting.year_bounds(2026)


def test_half_and_year_bounds() -> None:
    calendar = FiscalCalendar(2, "end")
    assert calendar.year_bounds(2027) == (dt.date(2026, 2, 1), dt.date(2027, 1, 31))
    assert calendar.half_bounds(2027, 1) == (dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    assert calendar.half_bounds(2027, 2) == (dt.date(2026, 8, 1), dt.date(2027, 1, 31))
    assert calendar.half_of(dt.date(2026, 12, 4)) == (2027, 2)


def test_next_quarter_wraps_to_next_year() -> None:
    calendar = FiscalCalendar(2, "end")
    assert calendar.next_quarter(dt.date(2026, 10, 15)) == (2027, 4)
    assert calendar.next_quarter(dt.date(2026, 12, 4)) == (2028, 1)
    assert calendar.next_quarter(dt.date(2027, 1, 31)) == (2028, 1)
    assert calendar.next_half(dt.date(2026, 12, 4)) == (2028, 1)


def test_labels() -> None:
    calendar = FiscalCalendar(2, "end")
    assert calendar.quarter_label(2027, 2) == "Q2 FY27"
    assert calendar.half_label(2027, 2) == "H2 FY27"
    assert calendar.year_label(2027) == "FY27"
    assert calendar.year_label(2005) == "FY05"
    assert calendar.year_label(2101) == "FY2101"
    assert calendar.year_label(1999) == "FY1999"


@pytest.mark.parametrize("start_month", [0, 13, -1, "2", 2.0, True])
def test_invalid_start_month_rejected(start_month: object) -> None:
    with pytest.raises(ValueError, match="start month must be a whole number"):
        FiscalCalendar(start_month)  # type: ignore[arg-type]


def test_invalid_naming_rejected() -> None:
    with pytest.raises(ValueError, match=r"naming must be 'end'.*got 'begin'"):
        FiscalCalendar(2, "begin")  # type: ignore[arg-type]


@pytest.mark.parametrize(("quarter", "half"), [(0, 0), (5, 3)])
def test_invalid_period_index_rejected(quarter: int, half: int) -> None:
    calendar = FiscalCalendar()
    with pytest.raises(ValueError, match="quarter must be 1, 2, 3 or 4"):
        calendar.quarter_bounds(2027, quarter)
    with pytest.raises(ValueError, match="half must be 1 or 2"):
        calendar.half_bounds(2027, half)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)
    assert add_months(dt.date(2027, 3, 15), -3) == dt.date(2026, 12, 15)


calendars = st.builds(
    FiscalCalendar, st.integers(min_value=1, max_value=12), st.sampled_from(NAMINGS)
)
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


@given(calendar=calendars, day=days)
def test_date_inside_its_own_periods(calendar: FiscalCalendar, day: dt.date) -> None:
    fiscal_year, quarter = calendar.quarter_of(day)
    first, last = calendar.quarter_bounds(fiscal_year, quarter)
    assert first <= day <= last
    half_year, half = calendar.half_of(day)
    assert half_year == fiscal_year
    half_first, half_last = calendar.half_bounds(half_year, half)
    assert half_first <= day <= half_last
    year_first, year_last = calendar.year_bounds(fiscal_year)
    assert year_first <= day <= year_last
    assert calendar.fiscal_year(day) == fiscal_year


@given(calendar=calendars, fiscal_year=st.integers(min_value=1900, max_value=2200))
def test_quarters_tile_the_year(calendar: FiscalCalendar, fiscal_year: int) -> None:
    year_first, year_last = calendar.year_bounds(fiscal_year)
    quarters = [calendar.quarter_bounds(fiscal_year, q) for q in (1, 2, 3, 4)]
    assert quarters[0][0] == year_first
    assert quarters[-1][1] == year_last
    for (_, end), (next_start, _) in itertools.pairwise(quarters):
        assert end + ONE_DAY == next_start
    halves = [calendar.half_bounds(fiscal_year, h) for h in (1, 2)]
    assert halves == [
        (quarters[0][0], quarters[1][1]),
        (quarters[2][0], quarters[3][1]),
    ]
    next_first, _ = calendar.year_bounds(fiscal_year + 1)
    assert year_last + ONE_DAY == next_first
    assert add_months(year_first, 12) == next_first


@pytest.mark.real_data
def test_real_handbook_quarters_match_february_calendar(real_data: Path) -> None:
    """Handbook pages that state a fiscal quarter and its dates agree with the
    February-start, end-named calendar."""
    calendar = FiscalCalendar(2, "end")
    stated = re.compile(
        r"(FY\d{2}[- ]?Q[1-4]).*?(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})"
    )
    checked = 0
    for path in sorted((real_data / "initiatives").glob("*.md")):
        header = path.read_text(encoding="utf-8").splitlines()[0]
        match = stated.search(header)
        if match is None:
            continue
        label, first, last = match.groups()
        target = parse_target(label, calendar=calendar)
        assert target.problems == (), f"{path.name}: {label}"
        assert target.deadline == dt.date.fromisoformat(last), path.name
        fiscal_year, quarter = calendar.quarter_of(dt.date.fromisoformat(first))
        assert calendar.quarter_bounds(fiscal_year, quarter)[1] == target.deadline
        checked += 1
    assert checked >= 2, "expected at least two handbook pages with stated quarters"
