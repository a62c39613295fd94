"""Measure an initiative's KPI against its target at an as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from boardloop.domain.model import Status, Unit
from boardloop.evaluate import _progress as progress
from boardloop.evaluate import _wording as words
from boardloop.evaluate._control import ControlEstimate, control_estimate
from boardloop.evaluate._judge import Context, Reading, judge_change, judge_level
from boardloop.evaluate._verdict import Evaluation, Verdict
from boardloop.evaluate._windows import WindowChoice, choose_window, window_problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from boardloop.catalog import Catalog, Kpi
    from boardloop.domain.model import ControlInterval, Initiative, KpiValue

__all__ = ["DEFAULT_LAG_DAYS", "DEFAULT_SEGMENT", "evaluate", "evaluate_all"]

# Days between launch and the first reading worth judging, for a KPI whose
# catalog entry states no typical lag: one quarter.
DEFAULT_LAG_DAYS = 90

# The segment a target without one is measured on.
DEFAULT_SEGMENT = "all"

NOT_LAUNCHED = frozenset({Status.PLANNED, Status.IN_PROGRESS})


def evaluate(
    initiative: Initiative,
    values: Sequence[KpiValue],
    *,
    as_of: dt.date,
    catalog: Catalog,
    lag_days: int | None = None,
    control_intervals: Sequence[ControlInterval] = (),
) -> Evaluation:
    """Measure one initiative's target KPI at `as_of` and give it a verdict.

    Args:
        initiative: the initiative, whose target names the KPI and segment.
        values: KPI values of any KPIs, segments and windows; values after
            `as_of` are ignored. The target's window picks the values of one
            window, as `choose_window` describes.
        as_of: the date of the evaluation, normally the board-pack date.
        catalog: resolves the KPI id or alias, its polarity, unit and lag.
        lag_days: days after launch before the KPI can show an effect; default
            the catalog's typical lag for the KPI, else 90.
        control_intervals: bootstrap intervals of control estimates; the one
            for the initiative's KPI, segments, window and dates, if any,
            gives the estimate's interval.

    Returns:
        The evaluation; bad or missing input gives `no-data` with the reason.
    """
    return _evaluate(
        initiative,
        _ValueScan(values, catalog),
        as_of=as_of,
        catalog=catalog,
        lag_days=lag_days,
        control_intervals=control_intervals,
    )


def evaluate_all(
    initiatives: Iterable[Initiative],
    values: Sequence[KpiValue],
    *,
    as_of: dt.date,
    catalog: Catalog,
    control_intervals: Sequence[ControlInterval] = (),
) -> tuple[Evaluation, ...]:
    """Evaluate each initiative with the same values, as-of date and catalog.

    The values are indexed by KPI and segment once, so this is much faster than
    calling `evaluate` for each initiative, with the same results.
    """
    index = _ValueIndex(values, catalog)
    return tuple(
        _evaluate(
            initiative,
            index,
            as_of=as_of,
            catalog=catalog,
            control_intervals=control_intervals,
        )
        for initiative in initiatives
    )


def _evaluate(
    initiative: Initiative,
    index: _ValueScan | _ValueIndex,
    *,
    as_of: dt.date,
    catalog: Catalog,
    lag_days: int | None = None,
    control_intervals: Sequence[ControlInterval] = (),
) -> Evaluation:
    """Evaluate one initiative against indexed values; see `evaluate`."""
    target = initiative.target
    segment = (target.segment or DEFAULT_SEGMENT).strip()
    blank = Evaluation(
        initiative_id=initiative.id,
        kpi_id=target.kpi_id,
        segment=segment,
        verdict=Verdict.NO_DATA,
        explanation="",
        unit=target.unit,
        as_of=as_of,
    )
    if target.kpi_id is None:
        return replace(
            blank, explanation="No target KPI, so there is nothing to measure."
        )

    kpi = catalog.get(target.kpi_id)
    label = kpi.display_label if kpi else (target.kpi_label or target.kpi_id)
    blank = replace(blank, kpi_id=kpi.id if kpi else target.kpi_id, label=label)
    if not target.has_number:
        return replace(
            blank, explanation=f"The {label} target has no number to measure."
        )

    choice = index.select(
        kpi.id if kpi else target.kpi_id, segment, target.window_days, as_of
    )
    series = choice.values
    stated = _stated_baseline(initiative)
    context = _context(initiative, kpi, label, as_of, lag_days, stated)
    blank = replace(
        blank,
        lag_days=context.lag_days,
        window_days=choice.window_days,
        series=tuple(series),
    )

    early = _too_early(context, blank)
    if early is not None:
        return early
    problem = window_problem(choice, target.window_days, label, segment)
    if problem is not None:
        return replace(blank, explanation=problem)
    if context.start is None:
        return replace(
            blank,
            explanation=f"{label} cannot be measured: no launch date and no dated "
            "baseline. Record the launch date.",
        )

    baseline = stated or _baseline_at_launch(series, context.start)
    if stated is not None:
        baseline = _with_series_interval(stated, series)
    current = _current(series, context)
    missing = _missing_data(context, segment, baseline, current, blank)
    if missing is not None:
        return missing
    assert current is not None
    measured = replace(
        blank,
        current=current.value,
        current_on=current.on,
        n=current.n,
        # The pace is read at the date of the reading, not the as-of date, so a
        # report written later does not fall behind without a new value.
        expected_attainment=progress.expected_attainment(
            context.start, target.deadline, current.on or context.measured_until
        ),
    )
    if baseline is not None:
        measured = replace(
            measured,
            baseline=baseline.value,
            baseline_on=baseline.on,
            baseline_source=baseline.source,
            relative_change=progress.relative_change(baseline.value, current.value),
        )

    if target.level is not None:
        judged = judge_level(context, measured, baseline, current)
    else:
        assert baseline is not None
        judged = judge_change(context, measured, baseline, current)
    control = (initiative.control_segment or "").strip()
    if not control or baseline is None or baseline.on is None:
        return judged
    if control.casefold() == segment.casefold():
        return replace(
            judged,
            control_segment=control,
            explanation=judged.explanation
            + f" No difference-in-differences: the control segment {control!r} is "
            "the initiative's own segment; name a segment the program did not "
            "touch.",
        )
    kpi_id = kpi.id if kpi else target.kpi_id
    others = index.select(kpi_id, control, target.window_days, as_of)
    matching = [
        interval
        for interval in control_intervals
        if interval.kpi_id == kpi_id
        and interval.segment.casefold() == segment.casefold()
        and interval.control.casefold() == control.casefold()
        and interval.window_days == choice.window_days
    ]
    estimate = control_estimate(
        control,
        series,
        others.values,
        launched_on=context.start,
        before_on=baseline.on,
        after_on=current.on or context.measured_until,
        change=current.value - baseline.value,
        intervals=matching,
    )
    judged = replace(judged, control_series=tuple(others.values))
    return with_control(judged, control, estimate, kpi)


def with_control(
    evaluation: Evaluation,
    segment: str,
    estimate: ControlEstimate | None,
    kpi: Kpi | None,
) -> Evaluation:
    """Add the difference-in-differences estimate and its sentence."""
    unit = Unit.PTS if kpi is not None and kpi.native_unit is Unit.PTS else Unit.PP
    if estimate is None:
        sentence = (
            f" No difference-in-differences: the control segment {segment!r} has "
            "no value at the baseline and at the current date."
        )
        return replace(
            evaluation,
            control_segment=segment,
            explanation=evaluation.explanation + sentence,
        )
    sentence = (
        f" Against {segment} (control), the difference in differences is "
        f"{words.change(estimate.estimate, unit, None)}"
    )
    found = estimate.bootstrap
    if found is not None:
        sentence += (
            f" (95 % interval {words.change(found.low, unit, None)} to "
            f"{words.change(found.high, unit, None)}, from {found.n_treated:,} "
            f"{evaluation.segment} and {found.n_control:,} {segment} customers of "
            "either period's cohort, resampled together)"
        )
    elif estimate.margin is not None:
        sentence += (
            f" ±{words.magnitude(estimate.margin, unit)} (from the four values' "
            "intervals)"
        )
    else:
        sentence += " (no margin: not every value has an interval)"
    if _includes_zero(estimate):
        sentence += (
            ", an interval that includes 0, so the effect cannot yet be told "
            "apart from the control's movement"
        )
    if estimate.parallel is False and estimate.trend_gap is not None:
        sentence += (
            "; before launch the trends were not parallel (the segment moved "
            f"{words.change(estimate.trend_gap, unit, None)} a month against the "
            "control), so the estimate may carry that drift"
        )
    elif estimate.parallel:
        sentence += "; the trends before launch were parallel"
    return replace(
        evaluation,
        control_segment=segment,
        control_estimate=estimate.estimate,
        control_margin=estimate.margin,
        control_low=estimate.low,
        control_high=estimate.high,
        control_parallel=estimate.parallel,
        explanation=evaluation.explanation + sentence + ".",
    )


def _includes_zero(estimate: ControlEstimate) -> bool:
    """Return True when the estimate's 95 % interval contains no effect at all."""
    if estimate.low is not None and estimate.high is not None:
        return estimate.low <= 0 <= estimate.high
    return estimate.margin is not None and abs(estimate.estimate) <= estimate.margin


def _context(
    initiative: Initiative,
    kpi: Kpi | None,
    label: str,
    as_of: dt.date,
    lag_days: int | None,
    stated: Reading | None,
) -> Context:
    """Resolve lag, measurement start and the last date that counts."""
    stated_lag = initiative.extra.get("lag_days")
    if lag_days is None and isinstance(stated_lag, int):
        # The register's own lag for this initiative beats the catalog's.
        lag_days = stated_lag
    if lag_days is None:
        lag_days = (
            kpi.lag_days if kpi and kpi.lag_days is not None else DEFAULT_LAG_DAYS
        )
    start = initiative.launched_on or (stated.on if stated else None)
    deadline = initiative.target.deadline

    # A closed initiative, and an open one past its deadline, is measured at the
    # deadline: later values do not change its result.
    if not initiative.is_open:
        closed_on = initiative.outcome.closed_on if initiative.outcome else None
        until = deadline or closed_on or as_of
        is_final = True
    elif deadline is not None and as_of > deadline:
        until, is_final = deadline, True
    else:
        until, is_final = as_of, False

    return Context(
        initiative=initiative,
        target=initiative.target,
        kpi=kpi,
        label=label,
        as_of=as_of,
        lag_days=lag_days,
        start=start,
        measured_until=min(until, as_of),
        is_final=is_final,
    )


class _ValueScan:
    """KPI values searched one by one: cheaper than an index for one evaluation."""

    def __init__(self, values: Sequence[KpiValue], catalog: Catalog) -> None:
        self.values = values
        self.catalog = catalog

    def select(
        self, target_id: str, segment: str, window_days: int | None, as_of: dt.date
    ) -> WindowChoice:
        """Pick the KPI's values for the segment and window up to `as_of`.

        The values come oldest first; `choose_window` states how the window is
        matched.
        """
        segment_key = segment.casefold()

        def is_target_kpi(value_id: str) -> bool:
            if value_id.casefold() == target_id.casefold():
                return True
            found = self.catalog.get(value_id)
            return found is not None and found.id == target_id

        selected = [
            value
            for value in self.values
            if value.period_end <= as_of
            and value.segment.strip().casefold() == segment_key
            and is_target_kpi(value.kpi_id)
        ]
        selected.sort(key=lambda value: value.period_end)
        return choose_window(selected, window_days)


class _ValueIndex:
    """KPI values grouped by KPI and segment, built once for many evaluations.

    It selects the same values as `_ValueScan`: a value belongs to a target KPI
    when its KPI id is the target's id, ignoring case, or when the catalog
    resolves its id or alias to the target's id.
    """

    def __init__(self, values: Sequence[KpiValue], catalog: Catalog) -> None:
        self.values = tuple(values)
        self.by_id: dict[tuple[str, str], list[int]] = {}
        self.by_catalog_id: dict[tuple[str, str], list[int]] = {}
        for position, value in enumerate(self.values):
            segment = value.segment.strip().casefold()
            key = (value.kpi_id.casefold(), segment)
            self.by_id.setdefault(key, []).append(position)
            found = catalog.get(value.kpi_id)
            if found is not None:
                key = (found.id, segment)
                self.by_catalog_id.setdefault(key, []).append(position)

    def select(
        self, target_id: str, segment: str, window_days: int | None, as_of: dt.date
    ) -> WindowChoice:
        """Pick the KPI's values for the segment and window up to `as_of`.

        The values come oldest first, and values with the same period end keep
        the order they were given in. `choose_window` states how the window is
        matched.
        """
        segment_key = segment.casefold()
        positions = set(self.by_id.get((target_id.casefold(), segment_key), ()))
        positions.update(self.by_catalog_id.get((target_id, segment_key), ()))
        selected = [
            self.values[position]
            for position in sorted(positions)
            if self.values[position].period_end <= as_of
        ]
        selected.sort(key=lambda value: value.period_end)
        return choose_window(selected, window_days)


def _stated_baseline(initiative: Initiative) -> Reading | None:
    """Return the stated baseline, or the target's start level ("from 8% to 15%")."""
    stated = initiative.baseline
    if stated is not None:
        source = f"stated ({stated.source})" if stated.source else "stated"
        return Reading(stated.value, stated.as_of, source)
    if initiative.target.start_level is not None:
        return Reading(initiative.target.start_level, None, "target start level")
    return None


def _with_series_interval(stated: Reading, series: list[KpiValue]) -> Reading:
    """Give a dated stated baseline the interval of the series value of its date.

    A stated baseline has no interval of its own. When the series has a value
    ending on the baseline's date, that value measured the same thing, so its
    interval and n describe the baseline's noise better than the current
    value's do.
    """
    same_day = [value for value in series if value.period_end == stated.on]
    if not same_day or same_day[-1].low is None:
        return stated
    found = same_day[-1]
    return replace(stated, n=found.n, low=found.low, high=found.high)


def _baseline_at_launch(series: list[KpiValue], launched_on: dt.date) -> Reading | None:
    """Freeze the baseline as the last value on or before the launch date."""
    before = [value for value in series if value.period_end <= launched_on]
    if not before:
        return None
    last = before[-1]
    return Reading(
        last.value, last.period_end, "series at launch", last.n, last.low, last.high
    )


def _current(series: list[KpiValue], context: Context) -> Reading | None:
    """Return the last value after the start and up to the measurement date."""
    assert context.start is not None
    after = [
        value
        for value in series
        if context.start < value.period_end <= context.measured_until
    ]
    if not after:
        return None
    last = after[-1]
    return Reading(last.value, last.period_end, "series", last.n, last.low, last.high)


def _too_early(context: Context, blank: Evaluation) -> Evaluation | None:
    """Return a too-early evaluation inside the lag window of an open initiative."""
    initiative = context.initiative
    if not initiative.is_open:
        return None
    if initiative.launched_on is None:
        if initiative.status in NOT_LAUNCHED:
            return replace(
                blank,
                verdict=Verdict.TOO_EARLY,
                explanation=f"{context.label} too early to judge: no launch date yet.",
            )
        return None
    first_reading = initiative.launched_on + dt.timedelta(days=context.lag_days)
    if context.as_of >= first_reading:
        return None
    return replace(
        blank,
        verdict=Verdict.TOO_EARLY,
        explanation=(
            f"{context.label} too early to judge: launched "
            f"{initiative.launched_on.isoformat()}, typical lag {context.lag_days} "
            f"days, so the first reading counts from {first_reading.isoformat()}."
        ),
    )


def _missing_data(
    context: Context,
    segment: str,
    baseline: Reading | None,
    current: Reading | None,
    blank: Evaluation,
) -> Evaluation | None:
    """Return a no-data evaluation when the baseline or current value is missing."""
    assert context.start is not None
    label, start = context.label, context.start.isoformat()
    until = context.measured_until.isoformat()
    if current is None:
        return replace(
            blank,
            explanation=f"No {label} value for segment {segment!r} after {start} "
            f"up to {until}.",
        )
    if baseline is None and context.target.level is None:
        return replace(
            blank,
            explanation=f"No {label} value for segment {segment!r} on or before "
            f"launch on {start} to freeze a baseline; state a baseline.",
        )
    return None
