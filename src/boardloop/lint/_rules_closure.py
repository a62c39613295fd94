"""Closure rules: a closed initiative shows its evidence and what was learned."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from boardloop.domain.model import (
    Finding,
    Initiative,
    OutcomeResult,
    Register,
    Severity,
    Status,
)
from boardloop.lint._rules_base import (
    LintContext,
    Rule,
    attainment,
    closed_on,
    days_text,
    finding,
    has_history,
    normalise,
    not_checked,
    planned_amount,
    plural,
    quoted,
    register_finding,
    status_change,
    window_of,
    with_unit,
    words,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["CLOSURE_RULES"]

_SCORED = {
    OutcomeResult.ACHIEVED,
    OutcomeResult.PARTIALLY_ACHIEVED,
    OutcomeResult.MISSED,
}
_BOILERPLATE = (
    "n/a",
    "na",
    "none",
    "tbd",
    "nothing",
    "went well",
    "lessons learned",
    "lessons learnt",
    "all good",
    "as expected",
    "see above",
)


def _result(initiative: Initiative) -> OutcomeResult | None:
    """Return the outcome result of a closed initiative, or None."""
    if initiative.status is not Status.CLOSED or initiative.outcome is None:
        return None
    return initiative.outcome.result


def check_closed_without_actual(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """CL601: a scored close gives no actual movement, or one in another unit."""
    for initiative in register.initiatives:
        result = _result(initiative)
        outcome = initiative.outcome
        if result not in _SCORED or outcome is None:
            continue
        target_unit = initiative.target.unit
        if outcome.actual_movement is None:
            message = f"closed as {result} with no actual movement"
        elif (
            outcome.actual_unit is not None
            and target_unit is not None
            and outcome.actual_unit != target_unit
        ):
            message = (
                "actual movement "
                f"{with_unit(outcome.actual_movement, outcome.actual_unit, sign=True)} "
                f"is in {quoted(outcome.actual_unit)}, but the target is in "
                f"{quoted(target_unit)}"
            )
        else:
            continue
        yield finding("CL601", Severity.ERROR, initiative, message, "outcome")


def check_outcome_contradicts(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """CL602: the outcome label disagrees with the attainment of the actual movement."""
    settings = context.settings
    for initiative in register.initiatives:
        result = _result(initiative)
        share = attainment(initiative)
        if result not in _SCORED or share is None:
            continue
        if result is OutcomeResult.ACHIEVED and share < 1 - settings.achieved_tolerance:
            expected = "attainment of at least 1"
        elif result is OutcomeResult.MISSED and share >= settings.partial_floor:
            expected = f"attainment below the partial floor of {settings.partial_floor}"
        elif result is OutcomeResult.PARTIALLY_ACHIEVED and not 0 < share < 1:
            expected = "attainment between 0 and 1"
        else:
            continue
        yield finding(
            "CL602",
            Severity.ERROR,
            initiative,
            f"closed as {result}, but {_movement_text(initiative, share)}; {result} "
            f"expects {expected}",
            "outcome",
        )


def _movement_text(initiative: Initiative, share: float) -> str:
    """Describe target, actual and gap: 'target +5pp, measured +3.2pp (1.8pp short)'."""
    outcome, target = initiative.outcome, initiative.target
    amount = planned_amount(initiative)
    if outcome is None or outcome.actual_movement is None or amount is None:
        return f"attainment is {share:.2f}"
    unit = target.unit
    signed_target = (
        -amount
        if target.direction is not None and target.direction.value == "decrease"
        else amount
    )
    gap = abs(signed_target - outcome.actual_movement)
    side = "short" if share < 1 else "over"
    return (
        f"target {with_unit(signed_target, unit, sign=True)}, measured "
        f"{with_unit(outcome.actual_movement, unit, sign=True)} "
        f"({with_unit(gap, unit)} {side}, attainment {share:.2f})"
    )


def check_lesson(register: Register, context: LintContext) -> Iterator[Finding]:
    """CL603: a closed initiative has no real lesson."""
    minimum = context.settings.lesson_min_words
    for initiative in register.initiatives:
        if initiative.status is not Status.CLOSED:
            continue
        outcome = initiative.outcome
        lesson = outcome.lesson.strip() if outcome is not None else ""
        result = outcome.result if outcome is not None else None
        if not lesson:
            problem = "has no lesson"
        elif normalise(lesson) in {normalise(item) for item in _BOILERPLATE}:
            problem = f"has the boilerplate lesson {quoted(lesson)}"
        elif len(words(lesson)) < minimum:
            count = len(words(lesson))
            problem = (
                f"has a lesson of {plural(count, 'word')}; expected at least {minimum}"
            )
        else:
            continue
        severity = (
            Severity.WARNING if result is OutcomeResult.ACHIEVED else Severity.ERROR
        )
        yield finding(
            "CL603",
            severity,
            initiative,
            f"closed initiative {quoted(initiative.name)} {problem}",
            "lesson",
            "outcome",
        )


def check_abandoned_reason(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """CL604: an abandoned initiative has no dated history entry giving the reason."""
    if not has_history(register):
        yield not_checked("CL604", "no initiative has history events with reasons")
        return
    for initiative in register.initiatives:
        if _result(initiative) is not OutcomeResult.ABANDONED:
            continue
        if any(
            _is_stop(event.kind, event.changes) and event.reason.strip()
            for event in initiative.history
        ):
            continue
        yield finding(
            "CL604",
            Severity.ERROR,
            initiative,
            f"initiative {quoted(initiative.name)} was abandoned with no recorded "
            "reason",
            "outcome",
            "status",
        )


def _is_stop(kind: str, changes: dict[str, tuple[object, object]]) -> bool:
    """Tell whether an event closed or abandoned the initiative."""
    change = status_change(changes)
    closing = change is not None and change[1] is Status.CLOSED
    return (
        closing
        or kind in {"abandon", "abandoned", "close", "closed", "stop"}
        or "outcome" in changes
    )


def check_premature_success(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """CL605: success was declared before the measurement window ended."""
    for initiative in register.initiatives:
        result = _result(initiative)
        if result not in {OutcomeResult.ACHIEVED, OutcomeResult.PARTIALLY_ACHIEVED}:
            continue
        window, closed = window_of(initiative), closed_on(initiative)
        if window is None or closed is None or closed >= window[1]:
            continue
        early = (window[1] - closed).days
        yield finding(
            "CL605",
            Severity.WARNING,
            initiative,
            f"closed as {result} on {closed}, {days_text(early)} before the "
            "measurement "
            f"window ended on {window[1]}",
            "outcome",
        )


def check_calibration(register: Register, context: LintContext) -> Iterator[Finding]:
    """CL606: the closed record suggests targets are too easy or out of reach."""
    settings = context.settings
    since = context.as_of - dt.timedelta(days=settings.calibration_lookback_days)
    scored: list[tuple[Initiative, float]] = []
    for initiative in register.initiatives:
        share = attainment(initiative)
        closed = closed_on(initiative)
        if share is None or _result(initiative) not in _SCORED:
            continue
        if closed is None or closed >= since:
            scored.append((initiative, share))
    if len(scored) < settings.calibration_min_closed:
        yield not_checked(
            "CL606",
            f"{len(scored)} closed initiatives with a measured result in the last "
            f"{days_text(settings.calibration_lookback_days)}; calibration needs "
            f"{settings.calibration_min_closed}",
        )
        return
    yield from _calibration_notes("register", scored, context)
    by_owner: dict[str, list[tuple[Initiative, float]]] = defaultdict(list)
    for initiative, share in scored:
        if initiative.owner.person:
            by_owner[initiative.owner.person.strip()].append((initiative, share))
    for owner, owned in sorted(by_owner.items()):
        if len(owned) >= settings.calibration_min_closed:
            yield from _calibration_notes(f"owner {quoted(owner)}", owned, context)


def _calibration_notes(
    scope: str, scored: list[tuple[Initiative, float]], context: LintContext
) -> Iterator[Finding]:
    """Yield a sandbagging or over-reach note for one group of closed initiatives."""
    settings = context.settings
    shares = [share for _initiative, share in scored]
    mean = sum(shares) / len(shares)
    achieved = sum(
        1 for item, _share in scored if _result(item) is OutcomeResult.ACHIEVED
    ) / len(scored)
    if achieved >= settings.sandbagging_share or mean > settings.sandbagging_mean:
        yield register_finding(
            "CL606",
            Severity.INFO,
            f"{scope}: {achieved:.0%} of {len(scored)} closed initiatives achieved, "
            "mean "
            f"attainment {mean:.2f}; targets may be too easy",
        )
    elif mean < settings.overreach_mean:
        yield register_finding(
            "CL606",
            Severity.INFO,
            f"{scope}: mean attainment {mean:.2f} over {len(scored)} closed "
            "initiatives, "
            f"below {settings.overreach_mean}; targets may be out of reach",
        )


CLOSURE_RULES: tuple[Rule, ...] = (
    Rule(
        id="CL601",
        name="closed-without-actual",
        severity=Severity.ERROR,
        group="closure",
        check=check_closed_without_actual,
        doc=(
            "The initiative closed as achieved, partially achieved or missed, and "
            "the actual movement is empty or in a unit other than the target's. "
            "The claimed result then has no evidence."
        ),
        hint="Record the measured movement in the target's unit, for example '+3.2pp'.",
    ),
    Rule(
        id="CL602",
        name="outcome-contradicts-actual",
        severity=Severity.ERROR,
        group="closure",
        check=check_outcome_contradicts,
        doc=(
            "The outcome label disagrees with the attainment (the direction-aware "
            "actual movement over the target amount): achieved below 1 (less the "
            "tolerance), missed at or above the partial floor, or partially achieved "
            "at 1 or more, or at 0 or less. The label the board reads must match the "
            "number."
        ),
        hint=(
            "Relabel the outcome to match the measured movement. The thresholds are "
            "`achieved_tolerance` and `partial_floor`."
        ),
    ),
    Rule(
        id="CL603",
        name="lesson-missing-or-boilerplate",
        severity=Severity.ERROR,
        group="closure",
        check=check_lesson,
        doc=(
            "A closed initiative's lesson is empty, shorter than the minimum word "
            "count, or boilerplate (n/a, none, tbd, 'went well', 'lessons learned'). "
            "It is an error for missed, partially achieved and abandoned outcomes and "
            "a warning for achieved ones. What was learned is the register's lasting "
            "value."
        ),
        hint="Write what the team would do differently, and why, in a sentence or two.",
    ),
    Rule(
        id="CL604",
        name="abandoned-without-reason",
        severity=Severity.ERROR,
        group="closure",
        check=check_abandoned_reason,
        doc=(
            "The outcome is abandoned and no history entry that closed or stopped "
            "the initiative carries a reason. Boards probe commitments that quietly "
            "disappear."
        ),
        hint="Record why the initiative stopped with the event that closed it.",
    ),
    Rule(
        id="CL605",
        name="premature-success",
        severity=Severity.WARNING,
        group="closure",
        check=check_premature_success,
        doc=(
            "The initiative closed as achieved or partially achieved before its "
            "measurement window ended. Success was declared before the evidence "
            "period finished."
        ),
        hint=(
            "Reopen the measurement until the window ends, or shorten the stated "
            "window."
        ),
    ),
    Rule(
        id="CL606",
        name="calibration-pattern",
        severity=Severity.INFO,
        group="closure",
        check=check_calibration,
        scope="register",
        doc=(
            "The rule looks at initiatives closed with a measured result in the "
            "look-back period, for the register and for each owner with enough of "
            "them. An achieved share at or above the sandbagging share, or a mean "
            "attainment above the sandbagging mean, suggests targets that are too "
            "easy. A mean attainment below the over-reach mean suggests targets out "
            "of reach. Either way the plan tells the board little."
        ),
        hint=(
            "Set the next targets from the measured attainment. Thresholds: "
            "`calibration_min_closed`, `sandbagging_share`, `sandbagging_mean`, "
            "`overreach_mean`."
        ),
    ),
)
