"""Fiscal calendar: fiscal years, quarters and halves, and their labels.

A fiscal year starts on the first day of `start_month` and lasts twelve months.
It is named by the calendar year in which it ends (`naming="end"`, the usual
convention: a year starting 2026-02-01 is FY27) or in which it starts
(`naming="start"`). With `start_month=1` both namings give the calendar year.
Every bounds pair is the first and the last calendar day of the period, so a
deadline is the second item of a pair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = ["FiscalCalendar", "Naming", "add_months", "fiscal_year_text"]

Naming = Literal["end", "start"]

_ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Return `day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"date out of range: {day} moved by {months} months")
    month += 1
    last_day = _month_end(year, month).day
    return dt.date(year, month, min(day.day, last_day))


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - _ONE_DAY


def fiscal_year_text(fiscal_year: int) -> str:
    """Return "FY27" for 2000-2099 and the four-digit form ("FY2101") otherwise."""
    if 2000 <= fiscal_year <= 2099:
        return f"FY{fiscal_year - 2000:02d}"
    return f"FY{fiscal_year}"


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """A company's fiscal-year start month and naming convention."""

    start_month: int = 1
    naming: Naming = "end"

    def __post_init__(self) -> None:
        month = self.start_month
        if (
            isinstance(month, bool)
            or not isinstance(month, int)
            or not 1 <= month <= 12
        ):
            raise ValueError(
                f"fiscal year start month must be a whole number from 1 (January) "
                f"to 12 (December), got {month!r}"
            )
        if self.naming not in ("end", "start"):
            raise ValueError(
                f"fiscal year naming must be 'end' (named by the year in which it "
                f"ends) or 'start', got {self.naming!r}"
            )

    # -- which period a date is in

    def fiscal_year(self, day: dt.date) -> int:
        """Return the fiscal year that contains `day`."""
        start_year = day.year if day.month >= self.start_month else day.year - 1
        return start_year + self._name_offset

    def quarter_of(self, day: dt.date) -> tuple[int, int]:
        """Return the fiscal year and quarter (1-4) that contain `day`."""
        return self.fiscal_year(day), self._months_into_year(day) // 3 + 1

    def half_of(self, day: dt.date) -> tuple[int, int]:
        """Return the fiscal year and half (1-2) that contain `day`."""
        return self.fiscal_year(day), self._months_into_year(day) // 6 + 1

    def next_quarter(self, day: dt.date) -> tuple[int, int]:
        """Return the fiscal year and quarter that follow the quarter of `day`."""
        fiscal_year, quarter = self.quarter_of(day)
        if quarter == 4:
            return fiscal_year + 1, 1
        return fiscal_year, quarter + 1

    def next_half(self, day: dt.date) -> tuple[int, int]:
        """Return the fiscal year and half that follow the half of `day`."""
        fiscal_year, half = self.half_of(day)
        if half == 2:
            return fiscal_year + 1, 1
        return fiscal_year, 2

    # -- first and last day of a period

    def year_bounds(self, fiscal_year: int) -> tuple[dt.date, dt.date]:
        """Return the first and last day of a fiscal year."""
        start_year = fiscal_year - self._name_offset
        if not dt.MINYEAR <= start_year < dt.MAXYEAR:
            raise ValueError(f"fiscal year {fiscal_year} is out of the supported range")
        first = dt.date(start_year, self.start_month, 1)
        return first, add_months(first, 12) - _ONE_DAY

    def quarter_bounds(self, fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
        """Return the first and last day of a fiscal quarter (1-4)."""
        if quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1, 2, 3 or 4, got {quarter!r}")
        return self._part_bounds(fiscal_year, (quarter - 1) * 3, 3)

    def half_bounds(self, fiscal_year: int, half: int) -> tuple[dt.date, dt.date]:
        """Return the first and last day of a fiscal half (1-2)."""
        if half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, got {half!r}")
        return self._part_bounds(fiscal_year, (half - 1) * 6, 6)

    # -- labels

    def quarter_label(self, fiscal_year: int, quarter: int) -> str:
        """Return a quarter's label, such as "Q2 FY27"."""
        return f"Q{quarter} {fiscal_year_text(fiscal_year)}"

    def half_label(self, fiscal_year: int, half: int) -> str:
        """Return a half's label, such as "H2 FY27"."""
        return f"H{half} {fiscal_year_text(fiscal_year)}"

    def year_label(self, fiscal_year: int) -> str:
        """Return a fiscal year's label, such as "FY27"."""
        return fiscal_year_text(fiscal_year)

    # -- helpers

    @property
    def _name_offset(self) -> int:
        # A year that starts in January ends in the same calendar year, so both
        # namings agree. Otherwise "end" names it by the following calendar year.
        if self.naming == "end" and self.start_month != 1:
            return 1
        return 0

    def _months_into_year(self, day: dt.date) -> int:
        return (day.month - self.start_month) % 12

    def _part_bounds(
        self, fiscal_year: int, months_in: int, length: int
    ) -> tuple[dt.date, dt.date]:
        year_first, _ = self.year_bounds(fiscal_year)
        first = add_months(year_first, months_in)
        return first, add_months(first, length) - _ONE_DAY
