"""Choose which measurement window of a KPI's values measures a target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boardloop.domain.model import KpiValue

__all__ = ["WindowChoice", "choose_window", "window_problem"]


@dataclass(frozen=True, slots=True)
class WindowChoice:
    """Values of one window, picked for a target from one KPI and segment.

    `window_days` is the window of `values`, None for values that state none.
    `available` lists the windows that the values state, shortest first.
    `ambiguous` is set when the target states no window and the values state
    several, so `values` is empty.
    """

    values: list[KpiValue]
    window_days: int | None
    available: tuple[int, ...]
    ambiguous: bool = False


def choose_window(
    series: Sequence[KpiValue], target_window: int | None
) -> WindowChoice:
    """Pick the values of the window that measures the target.

    A target with a window takes values of exactly that window, else values
    with no window. A target without a window takes values with no window,
    else the values of the only window they state. Several windows and no
    window in the target is ambiguous.
    """
    windows = {value.window_days for value in series}
    available = tuple(sorted(window for window in windows if window is not None))

    if target_window is not None and target_window in windows:
        chosen = target_window
    elif None in windows or not windows:
        chosen = None
    elif target_window is not None:
        # Only other windows: a 30-day value is no reading of a 90-day target.
        return WindowChoice([], target_window, available)
    elif len(available) == 1:
        chosen = available[0]
    else:
        return WindowChoice([], None, available, ambiguous=True)

    values = [value for value in series if value.window_days == chosen]
    return WindowChoice(values, chosen, available)


def window_problem(
    choice: WindowChoice, target_window: int | None, label: str, segment: str
) -> str | None:
    """Build the no-data explanation when no window's values measure the target.

    Returns None when `choice` contains values, or when it contains none
    because the series is empty, which the caller reports as missing data.
    """
    if choice.ambiguous:
        return (
            f"{label} values for segment {segment!r} have windows of "
            f"{_days(choice.available)}, but the target states none. State the "
            f"window in the target, such as '{choice.available[0]}-day {label}'."
        )
    if not choice.values and target_window is not None and choice.available:
        return (
            f"No {target_window}-day {label} value for segment {segment!r}. The "
            f"values have windows of {_days(choice.available)}. Add "
            f"{target_window}-day values, or state one of those windows in the "
            "target."
        )
    return None


def _days(windows: tuple[int, ...]) -> str:
    """Format windows as prose: "90 days", "30 and 90 days", "30, 90 and 365 days"."""
    numbers = [str(window) for window in windows]
    if len(numbers) == 1:
        return f"{numbers[0]} days"
    return f"{', '.join(numbers[:-1])} and {numbers[-1]} days"
