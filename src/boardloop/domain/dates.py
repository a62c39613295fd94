"""The window of plausible dates for an initiative's deadline, checkpoints and launch.

A register date such as 9999-12-31, 0001-01-01 or 1900-01-01 is almost always
a placeholder for "no date" or a typo, and accepting it would make lint and the
board section reason about a deadline centuries away. Imports and edits reject
dates outside the window instead.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative

__all__ = [
    "FIRST_PLAUSIBLE_DATE",
    "LAST_PLAUSIBLE_DATE",
    "implausible_dates",
    "is_plausible_date",
    "plausible_range_text",
]

# A judgment, not a standard: the window admits history back to 1990 and
# horizons up to 2199, and still catches placeholders such as 9999-12-31.
FIRST_PLAUSIBLE_DATE = dt.date(1990, 1, 1)
LAST_PLAUSIBLE_DATE = dt.date(2199, 12, 31)


def is_plausible_date(day: dt.date) -> bool:
    """Tell whether a date lies inside the plausible window, both ends included."""
    return FIRST_PLAUSIBLE_DATE <= day <= LAST_PLAUSIBLE_DATE


def plausible_range_text() -> str:
    """Describe the window for messages: 'from 1990-01-01 to 2199-12-31'."""
    return (
        f"from {FIRST_PLAUSIBLE_DATE.isoformat()} to {LAST_PLAUSIBLE_DATE.isoformat()}"
    )


def implausible_dates(initiative: Initiative) -> list[tuple[str, dt.date]]:
    """List the initiative's dates outside the window, as (field, date) pairs.

    The fields are `deadline` (the target's), `launched_on`, `next_checkpoint`,
    `checkpoint` (each checkpoint's date) and `closed_on` (the outcome's).
    """
    dates: list[tuple[str, dt.date | None]] = [
        ("deadline", initiative.target.deadline),
        ("launched_on", initiative.launched_on),
        ("next_checkpoint", initiative.next_checkpoint),
        *(("checkpoint", checkpoint.on) for checkpoint in initiative.checkpoints),
        (
            "closed_on",
            None if initiative.outcome is None else initiative.outcome.closed_on,
        ),
    ]
    return [
        (field, day)
        for field, day in dates
        if day is not None and not is_plausible_date(day)
    ]
