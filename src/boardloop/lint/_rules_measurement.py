"""Measurement rules: the KPI is defined, measurable in time, and moving."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import (
    Direction,
    Finding,
    Initiative,
    KpiValue,
    LevelBound,
    Register,
    Severity,
    Status,
    Unit,
)
from boardloop.lint._rules_base import (
    KpiInfo,
    LintContext,
    Rule,
    days_text,
    finding,
    lookup,
    matches_any,
    normalise,
    not_checked,
    number,
    partly_checked,
    quoted,
    series,
    unit_value,
    window_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["MEASUREMENT_RULES"]

_NO_CATALOG = "no KPI catalog was given"
_NO_VALUES = "no KPI values were given"

_ACTIVITY_WORDS = (
    "calls",
    "meetings",
    "qbrs held",
    "ebrs held",
    "qbrs",
    "emails",
    "webinars",
    "trainings",
    "training sessions",
    "tickets closed",
    "touchpoints",
    "sessions held",
    "email campaigns",
)
_CUMULATIVE_WORDS = (
    "total",
    "cumulative",
    "all time",
    "all-time",
    "to date",
    "registered",
    "page views",
)


def check_kpi_unknown(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS501: the target's KPI is not in the catalog, or is named differently."""
    if context.catalog is None:
        yield not_checked("MS501", _NO_CATALOG)
        return
    for initiative in register.initiatives:
        kpi_id = initiative.target.kpi_id
        if kpi_id is None:
            continue
        entry = context.catalog.get(kpi_id)
        if entry is None:
            yield finding(
                "MS501",
                Severity.ERROR,
                initiative,
                f"KPI {quoted(kpi_id)} is not in the catalog",
                "target",
            )
            continue
        label = initiative.target.kpi_label
        if label and not _names_match(label, entry):
            yield finding(
                "MS501",
                Severity.ERROR,
                initiative,
                f"target names the KPI {quoted(label)}, but the catalog calls "
                f"{quoted(entry.id)} {quoted(entry.label)}",
                "target",
            )


def _names_match(label: str, entry: KpiInfo) -> bool:
    """Tell whether a label used in the text names the catalog entry."""
    names = {entry.id, entry.label, *(entry.aliases or ())}
    if entry.short_label:
        names.add(entry.short_label)
    text = f" {normalise(label)} "
    return any(f" {normalise(name)} " in text for name in names if normalise(name))


def check_kpi_definition(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS502: the catalog entry lacks what two analysts need to agree on the number."""
    if context.catalog is None:
        yield not_checked("MS502", _NO_CATALOG)
        return
    for initiative in register.initiatives:
        entry = lookup(context, initiative.target.kpi_id)
        if entry is None:
            continue
        gaps = [
            name
            for name, value in (
                ("formula", entry.formula),
                ("source system", entry.source_system),
                ("data owner", entry.data_owner),
                ("refresh frequency", entry.refresh_days),
                ("polarity", entry.higher_is_better),
            )
            if value is None or (isinstance(value, str) and not value.strip())
        ]
        if gaps:
            yield finding(
                "MS502",
                Severity.WARNING,
                initiative,
                f"catalog entry {quoted(entry.id)} has no {', '.join(gaps)}",
                "target",
            )


def check_vanity_kpi(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS503: the KPI counts activity or a cumulative total, not a customer result."""
    if context.catalog is None:
        yield partly_checked("MS503", "no KPI catalog, so only the wording was checked")
    for initiative in register.initiatives:
        entry = lookup(context, initiative.target.kpi_id)
        kind = entry.kind if entry is not None else None
        if entry is not None and kind in {"activity", "cumulative"}:
            reason = f"catalog marks {quoted(entry.id)} as {kind}"
        else:
            # The name is read only when there is no target text, so a product
            # name such as "Total Product Training" is not taken for a metric.
            target = initiative.target
            parts = (
                (target.text, target.kpi_label or "")
                if target.text
                else (initiative.name,)
            )
            text = " ".join(part for part in parts if part)
            activity = matches_any(text, _ACTIVITY_WORDS)
            cumulative = matches_any(text, _CUMULATIVE_WORDS)
            if activity:
                reason = f"it counts activity ({quoted(activity[0])})"
            elif cumulative:
                reason = f"it counts a cumulative total ({quoted(cumulative[0])})"
            else:
                continue
        yield finding(
            "MS503",
            Severity.WARNING,
            initiative,
            f"target measures output, not a customer result: {reason}",
            "target",
        )


def check_unmeasurable(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS504: the KPI refreshes or lags too slowly to be read by the deadline."""
    if context.catalog is None:
        yield not_checked("MS504", _NO_CATALOG)
        return
    for initiative in register.initiatives:
        entry = lookup(context, initiative.target.kpi_id)
        if entry is None:
            continue
        if entry.refresh_days is None and entry.lag_days is None:
            yield not_checked(
                "MS504",
                f"catalog entry {quoted(entry.id)} has no refresh frequency or lag",
                initiative,
            )
            continue
        for message in _timing_problems(initiative, entry, context.as_of):
            yield finding("MS504", Severity.WARNING, initiative, message, "target")


def _timing_problems(
    initiative: Initiative, entry: KpiInfo, as_of: dt.date
) -> Iterator[str]:
    """Yield how the KPI's refresh or lag defeats the window or the checkpoints."""
    refresh, lag = entry.refresh_days, entry.lag_days
    days = initiative.target.window_days
    if refresh is not None and days is not None and refresh > days:
        yield (
            f"{quoted(entry.label)} refreshes every {days_text(refresh)}, longer than "
            f"the {days}-day window"
        )
    interval = _checkpoint_interval(initiative)
    if refresh is not None and interval is not None and refresh > interval:
        yield (
            f"{quoted(entry.label)} refreshes every {days_text(refresh)}, longer than "
            f"the {days_text(interval)} between checkpoints"
        )

    # The window read at the deadline should open only once the KPI has had its
    # typical lag to react to the launch (or, before launch, to a launch today).
    window = window_of(initiative)
    if lag is None or window is None or initiative.status is Status.CLOSED:
        return
    start = initiative.launched_on or as_of
    start_name = "launch" if initiative.launched_on else "today"
    room = (window[0] - start).days
    if lag > room:
        opens = (
            f"{days_text(room)} after {start_name}"
            if room >= 0
            else f"{days_text(-room)} before {start_name}"
        )
        yield (
            f"{quoted(entry.label)} lags {days_text(lag)} after a change, but the "
            f"window read at the deadline opens {opens} ({window[0]}), "
            f"{lag - room} days too early"
        )


def _checkpoint_interval(initiative: Initiative) -> int | None:
    """Return the days between the last recorded review and the next checkpoint."""
    upcoming = initiative.next_checkpoint
    if upcoming is None or not initiative.checkpoints:
        return None
    last = max(checkpoint.on for checkpoint in initiative.checkpoints)
    return (upcoming - last).days if upcoming > last else None


def _since_launch(initiative: Initiative, context: LintContext) -> list[KpiValue]:
    """Return the measurements of the initiative's KPI from launch on."""
    since = initiative.launched_on or dt.date.min
    return [value for value in series(initiative, context) if value.period_end >= since]


def check_stalled(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS505: the latest measurements are flat, or on the wrong side of the baseline."""
    if context.kpi_values is None:
        yield not_checked("MS505", _NO_VALUES)
        return
    settings = context.settings
    for initiative in register.initiatives:
        if not initiative.is_open:
            continue
        values = _since_launch(initiative, context)
        recent = [float(value.value) for value in values[-settings.stall_points :]]
        if len(recent) == settings.stall_points and recent:
            spread = max(recent) - min(recent)
            if spread <= settings.stall_tolerance:
                yield finding(
                    "MS505",
                    Severity.WARNING,
                    initiative,
                    f"last {len(recent)} measurements moved by {spread:.2f}, within "
                    "the "
                    f"stall tolerance of {settings.stall_tolerance}",
                    "status",
                )
        message = _wrong_way(initiative, values)
        if message is not None:
            yield finding("MS505", Severity.WARNING, initiative, message, "status")


def _wrong_way(initiative: Initiative, values: list[KpiValue]) -> str | None:
    """Say how the latest value sits on the wrong side of the baseline, or None."""
    baseline, direction = initiative.baseline, initiative.target.direction
    if not values or baseline is None:
        return None
    latest = values[-1].value
    gap = latest - baseline.value
    wrong = (direction is Direction.INCREASE and gap < 0) or (
        direction is Direction.DECREASE and gap > 0
    )
    if not wrong:
        return None
    return (
        f"latest value {number(latest)} ({values[-1].period_end}) is "
        f"{number(abs(gap))} {'below' if gap < 0 else 'above'} the baseline "
        f"{number(baseline.value)}, against the target's direction {direction}"
    )


def check_below_noise(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS508: a planned target moves its KPI less than the data can detect."""
    if context.kpi_values is None:
        yield not_checked("MS508", _NO_VALUES)
        return
    for initiative in register.initiatives:
        if initiative.status not in (None, Status.PLANNED):
            continue
        latest = next(
            (v for v in reversed(series(initiative, context)) if v.low is not None),
            None,
        )
        if latest is None or latest.low is None or latest.high is None:
            continue
        planned = _planned_change(initiative, latest.value, context)
        if planned is None:
            continue
        amount, unit, phrase = planned
        # A change between two values with intervals of half-width h stands
        # out from noise at 95 % when it exceeds sqrt(h^2 + h^2).
        half_width = (latest.high - latest.low) / 2
        detectable = (half_width * Decimal(2).sqrt()).quantize(Decimal("0.01"))
        if amount >= detectable:
            continue
        sample = f" with n={latest.n}" if latest.n is not None else ""
        yield finding(
            "MS508",
            Severity.WARNING,
            initiative,
            f"{phrase} is below the {number(detectable)}{unit} the data can "
            f"detect{sample} ({latest.period_end} value {_two(latest.value)}, "
            f"95 % interval {_two(latest.low)} to {_two(latest.high)})",
            "target",
        )


def check_control_segment(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """MS509: a named control segment cannot serve as the comparison."""
    for initiative in register.initiatives:
        control = (initiative.control_segment or "").strip()
        if not control:
            continue
        if normalise(control) == normalise(initiative.target.segment or ""):
            yield finding(
                "MS509",
                Severity.ERROR,
                initiative,
                f"control segment {control!r} is the initiative's own segment",
                "control_segment",
            )
            continue
        known = _segments_measured(initiative, context)
        if not known or normalise(control) in {normalise(k) for k in known}:
            continue
        closest = _closest(control, known)
        advice = f"; did you mean {closest!r}?" if closest else ""
        yield finding(
            "MS509",
            Severity.WARNING,
            initiative,
            f"control segment {control!r} has no values of the target's KPI; "
            f"segments with values: {', '.join(sorted(known))}{advice}",
            "control_segment",
        )


def _segments_measured(initiative: Initiative, context: LintContext) -> set[str]:
    """Return the segments that have values of the initiative's target KPI."""
    kpi_id = initiative.target.kpi_id
    if context.kpi_values is None or kpi_id is None:
        return set()
    entry = lookup(context, kpi_id)
    ids = {kpi_id} | ({entry.id} if entry is not None else set())
    return {value.segment for value in context.kpi_values if value.kpi_id in ids}


def _closest(name: str, candidates: set[str]) -> str | None:
    """Return the candidate closest in spelling to `name`, when one is close."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(
        normalise(name),
        {candidate: normalise(candidate) for candidate in candidates},
        scorer=fuzz.ratio,
        score_cutoff=70,
    )
    return None if found is None else str(found[2])


def _two(value: Decimal) -> str:
    """Format a measured value to at most two decimals: 37.74, 88.4."""
    return number(value.quantize(Decimal("0.01")))


def _planned_change(
    initiative: Initiative, latest: Decimal, context: LintContext
) -> tuple[Decimal, str, str] | None:
    """Return the change a target plans in points, its unit and a phrase for it.

    A change target in pp or pts plans its amount. A level target ("GRR 94%+")
    plans the distance from its baseline, or else from the latest value, to
    the level, for a KPI measured in percent or points. A level already
    reached plans no change and gives None, as do other targets.
    """
    target = initiative.target
    if target.amount is not None:
        if target.unit not in (Unit.PP, Unit.PTS):
            return None
        unit = "pts" if target.unit is Unit.PTS else "pp"
        return target.amount, unit, f"target of {number(target.amount)}{unit}"
    if target.level is None:
        return None
    entry = lookup(context, target.kpi_id)
    unit_text = unit_value(entry.native_unit) if entry is not None else None
    if unit_text not in ("pp", "pts"):
        return None
    baseline = initiative.baseline
    start = baseline.value if baseline is not None else latest
    gap = target.level - start
    reached = (target.level_bound is LevelBound.AT_LEAST and gap <= 0) or (
        target.level_bound is LevelBound.AT_MOST and gap >= 0
    )
    if reached or gap == 0:
        return None
    unit = str(unit_text)
    source = "baseline" if baseline is not None else "latest value"
    phrase = (
        f"target level {number(target.level)} is {number(abs(gap))}{unit} from "
        f"the {source} {number(start)}, which"
    )
    return abs(gap), unit, phrase


def check_off_trajectory(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS506: a straight line through the data reaches too little of the target."""
    if context.kpi_values is None:
        yield not_checked("MS506", _NO_VALUES)
        return
    minimum = context.settings.trajectory_min_points
    for initiative in register.initiatives:
        goal = _goal_level(initiative)
        deadline = initiative.target.deadline
        if not initiative.is_active or goal is None or deadline is None:
            continue
        if initiative.launched_on is None or deadline <= context.as_of:
            # Before launch there is no trend of the initiative's own to project,
            # and past the deadline DT301 and the verdict already say it missed.
            continue
        values = _since_launch(initiative, context)
        if len(values) < minimum:
            yield not_checked(
                "MS506",
                f"{len(values)} measurements since launch; a trajectory needs "
                f"{minimum}",
                initiative,
            )
            continue
        start, end = goal
        projected = _project(values, deadline)
        share = (projected - start) / (end - start)
        if share >= 1:
            continue
        severity = Severity.WARNING if share < 0.5 else Severity.INFO
        entry = lookup(context, initiative.target.kpi_id)
        native = entry.native_unit if entry is not None else None
        projected_text, end_text, start_text = (
            _level_text(value, native) for value in (projected, end, start)
        )
        yield finding(
            "MS506",
            severity,
            initiative,
            f"trend projects {projected_text} at the deadline {deadline}, against "
            f"a goal of {end_text} from {start_text}: {share:.0%} of the target",
            "status",
        )


def _level_text(value: float, native_unit: object | None) -> str:
    """Format a KPI level in its native unit: 92.85%, 41.5 pts, 1200."""
    text = f"{value:.2f}"
    unit = unit_value(native_unit)
    if unit == "pp":
        return f"{text}%"
    if unit == "pts":
        return f"{text} pts"
    return text


def _goal_level(initiative: Initiative) -> tuple[float, float] | None:
    """Return the baseline and the level the target aims at, in KPI units."""
    target, baseline = initiative.target, initiative.baseline
    if baseline is None:
        return None
    start = float(baseline.value)
    if target.level is not None:
        end = float(target.level)
    elif target.amount is not None and target.direction in {
        Direction.INCREASE,
        Direction.DECREASE,
    }:
        sign = 1.0 if target.direction is Direction.INCREASE else -1.0
        amount = float(target.amount)
        if target.unit is Unit.PERCENT:
            end = start * (1 + sign * amount / 100)
        else:
            end = start + sign * amount
    else:
        return None
    return (start, end) if end != start else None


def _project(values: list[KpiValue], deadline: dt.date) -> float:
    """Fit a least-squares line through the values and read it at the deadline."""
    origin = values[0].period_end
    xs = [float((value.period_end - origin).days) for value in values]
    ys = [float(value.value) for value in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = (
        0.0
        if spread == 0
        else (
            sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
            / spread
        )
    )
    return mean_y + slope * (float((deadline - origin).days) - mean_x)


def check_guardrail(register: Register, context: LintContext) -> Iterator[Finding]:
    """MS507: the catalog names a guardrail KPI the initiative does not reference."""
    if context.catalog is None:
        yield not_checked("MS507", _NO_CATALOG)
        return
    for initiative in register.initiatives:
        entry = lookup(context, initiative.target.kpi_id)
        if entry is None or not entry.guardrail_ids:
            continue
        referenced = _referenced_kpis(initiative)
        if referenced & {normalise(item) for item in entry.guardrail_ids}:
            continue
        names = ", ".join(quoted(item) for item in entry.guardrail_ids)
        yield finding(
            "MS507",
            Severity.INFO,
            initiative,
            f"{quoted(entry.label)} has the guardrail {names}, which the initiative "
            "does not reference",
            "target",
        )


def _referenced_kpis(initiative: Initiative) -> set[str]:
    """Return the normalised KPI ids an initiative references as guardrails or notes."""
    listed = initiative.extra.get("guardrails", ())
    names = (
        {normalise(str(item)) for item in listed}
        if isinstance(listed, list | tuple)
        else set()
    )
    text = f"{initiative.notes} {initiative.target.text}"
    names |= {normalise(word) for word in text.split() if "." in word}
    return names


MEASUREMENT_RULES: tuple[Rule, ...] = (
    Rule(
        id="MS501",
        name="kpi-unknown",
        severity=Severity.ERROR,
        group="measurement",
        check=check_kpi_unknown,
        doc=(
            "The target's KPI id is not in the KPI catalog, or the KPI name used in "
            "the target text names a different catalog entry. An unmapped KPI cannot "
            "be pulled into the board numbers."
        ),
        hint=(
            "Use a catalog id or alias (GRR, NRR, NPS, logo churn), or add the KPI "
            "to the catalog."
        ),
    ),
    Rule(
        id="MS502",
        name="kpi-definition-incomplete",
        severity=Severity.WARNING,
        group="measurement",
        check=check_kpi_definition,
        doc=(
            "The catalog entry of the target's KPI lacks a formula, source system, "
            "data owner, refresh frequency or polarity. Two analysts must compute the "
            "same number the board sees."
        ),
        hint="Complete the KPI's entry in the company catalog.",
    ),
    Rule(
        id="MS503",
        name="output-or-vanity-kpi",
        severity=Severity.WARNING,
        group="measurement",
        check=check_vanity_kpi,
        doc=(
            "The catalog marks the KPI as activity or cumulative, or the target or "
            "name counts activity (calls, meetings, QBRs held, emails, webinars, "
            "trainings, tickets closed, touchpoints) or a cumulative total (total, "
            "cumulative, all-time, to date, registered, page views). Activity can "
            "hit its target while customers do not change, and totals only go up."
        ),
        hint=(
            "Target the customer outcome the activity should move, such as GRR, "
            "logo churn or NPS, and track the activity as a checkpoint."
        ),
    ),
    Rule(
        id="MS504",
        name="unmeasurable-in-window",
        severity=Severity.WARNING,
        group="measurement",
        check=check_unmeasurable,
        doc=(
            "The KPI refreshes less often than the measurement window or the "
            "interval between checkpoints, or the window read at the deadline opens "
            "before the KPI's typical lag has passed since launch (since today, for "
            "an initiative not yet launched), as with an annual renewal rate and a "
            "deadline three months after launch. At the deadline the board would "
            "hear 'too early to tell'."
        ),
        hint="Lengthen the window, move the deadline, or target a faster leading KPI.",
    ),
    Rule(
        id="MS505",
        name="stalled-or-wrong-way",
        severity=Severity.WARNING,
        group="measurement",
        check=check_stalled,
        doc=(
            "For an open initiative, the last few measurements of its KPI and segment "
            "moved less than the stall tolerance, or the latest value is on the wrong "
            "side of the baseline. Flat or backwards data sits behind an 'in "
            "progress' label."
        ),
        hint=(
            "Review the initiative at its next checkpoint: change course, or close "
            "it as missed. Tune `stall_points` and `stall_tolerance` if needed."
        ),
    ),
    Rule(
        id="MS506",
        name="off-trajectory",
        severity=Severity.INFO,
        group="measurement",
        check=check_off_trajectory,
        doc=(
            "A least-squares line through the measurements since launch, read at the "
            "deadline, reaches less than the target (info) or less than half of it "
            "(warning). This warns before the miss is official."
        ),
        hint=(
            "Discuss the trend at the next checkpoint, before the deadline makes it "
            "a miss."
        ),
    ),
    Rule(
        id="MS507",
        name="guardrail-missing",
        severity=Severity.INFO,
        group="measurement",
        check=check_guardrail,
        doc=(
            "The catalog lists a guardrail KPI for the target's KPI (discount-led "
            "retention against gross margin) and the initiative neither lists it "
            "under `guardrails` nor names it in its notes. Hitting one number by "
            "breaking another is no win."
        ),
        hint=(
            "List the guardrail KPI under `guardrails` and watch it at each checkpoint."
        ),
    ),
    Rule(
        id="MS508",
        name="target-below-noise",
        severity=Severity.WARNING,
        group="measurement",
        check=check_below_noise,
        doc=(
            "A planned initiative's target moves its KPI by fewer points than the "
            "data can tell from noise: sqrt(2) times the half-width of the latest "
            "value's 95 % interval, for values with an interval (as `boardloop "
            "kpis compute` stores them). A change target in pp or pts plans its "
            "amount; a level target plans the distance from the baseline, or else "
            "the latest value, to the level. Whatever happens, the result will "
            "read inconclusive."
        ),
        hint=(
            "Aim for a larger change, measure a larger segment or a longer window, "
            "or pick a KPI with less noise before launch."
        ),
    ),
    Rule(
        id="MS509",
        name="control-segment-unusable",
        severity=Severity.ERROR,
        group="measurement",
        check=check_control_segment,
        doc=(
            "The initiative's `control_segment` is its own segment (error), or, "
            "when KPI values are given, no value of the target's KPI exists for "
            "it while other segments have some (warning, with the closest "
            "spelling). Either way no difference in differences can be measured."
        ),
        hint=(
            "Name a segment the program did not touch, spelled as the KPI values "
            "spell it (see `boardloop kpis show`)."
        ),
    ),
)
