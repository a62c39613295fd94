"""Evaluation results: the verdict and the measured numbers behind it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable
    from decimal import Decimal

    from boardloop.domain.model import KpiValue, Unit

__all__ = ["Evaluation", "Verdict", "summarise"]


class Verdict(StrEnum):
    """Judgement of an initiative against its target at the as-of date."""

    ON_TRACK = "on-track"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"
    TOO_EARLY = "too-early"
    NO_DATA = "no-data"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """An initiative's measured movement against its target, with a verdict.

    `movement` is signed and in `unit`: the difference of the values for pp, pts,
    currency and count, the relative change in percent for `%`. `relative_change`
    is in percent of the baseline and None when the baseline is 0. `attainment`
    is the direction-aware movement over the target amount, uncapped (1.2 and
    -0.3 are real results); for a level target it is the share of the way from
    the baseline to the level. `expected_attainment` is where a straight path
    from launch to deadline would be at the as-of date. `margin` is the noise
    margin of the movement in the KPI's native unit, when it could be estimated.
    `window_days` is the measurement window of the values the evaluation read
    or looked for, None for values that state no window. `series` holds those
    values up to the as-of date, oldest first, for charts. With a control
    segment, `control_estimate` is the difference in differences in the KPI's
    points, `control_margin` its 95 % margin when the values have intervals,
    `control_low` and `control_high` its bootstrap interval over customers
    when one was computed,
    `control_parallel` whether the pre-launch trends were parallel, and
    `control_series` the control's values, for charts.
    """

    initiative_id: str
    kpi_id: str | None
    segment: str
    verdict: Verdict
    explanation: str
    label: str = ""
    unit: Unit | None = None
    baseline: Decimal | None = None
    baseline_on: dt.date | None = None
    baseline_source: str = ""
    current: Decimal | None = None
    current_on: dt.date | None = None
    movement: Decimal | None = None
    relative_change: Decimal | None = None
    attainment: Decimal | None = None
    expected_attainment: Decimal | None = None
    margin: Decimal | None = None
    n: int | None = None
    as_of: dt.date | None = None
    lag_days: int | None = None
    window_days: int | None = None
    series: tuple[KpiValue, ...] = ()
    control_segment: str | None = None
    control_estimate: Decimal | None = None
    control_margin: Decimal | None = None
    control_low: Decimal | None = None
    control_high: Decimal | None = None
    control_parallel: bool | None = None
    control_series: tuple[KpiValue, ...] = ()


def summarise(evaluations: Iterable[Evaluation]) -> dict[Verdict, int]:
    """Count evaluations per verdict; every verdict is present, in enum order."""
    counts = Counter(evaluation.verdict for evaluation in evaluations)
    return {verdict: counts.get(verdict, 0) for verdict in Verdict}
