"""Target rules: every initiative promises one scorable KPI movement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import (
    Direction,
    Event,
    Finding,
    Initiative,
    LevelBound,
    Register,
    Severity,
    Status,
    Unit,
)
from boardloop.lint._rules_base import (
    STATUS_ORDER,
    LintContext,
    Rule,
    days_text,
    finding,
    has_history,
    lookup,
    not_checked,
    number,
    partly_checked,
    quoted,
    series,
    status_change,
    unit_value,
    window_of,
    with_unit,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["TARGET_RULES"]

# Units a change may be stated in, per native unit of the KPI. A relative change
# (%) fits every KPI; TG206 warns about it separately on rates.
_COMPATIBLE_UNITS: dict[str, frozenset[Unit]] = {
    "pp": frozenset({Unit.PP, Unit.PERCENT}),
    "%": frozenset({Unit.PP, Unit.PERCENT}),
    "pts": frozenset({Unit.PTS, Unit.PERCENT}),
    "currency": frozenset({Unit.CURRENCY, Unit.PERCENT}),
    "count": frozenset({Unit.COUNT, Unit.PERCENT}),
    "days": frozenset({Unit.COUNT, Unit.PERCENT}),
}
_RATE_UNITS = {"pp", "%"}


def check_target_incomplete(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """TG201: a part of the target is missing or unreadable."""
    for initiative in register.initiatives:
        target = initiative.target
        if target.is_empty:
            yield finding(
                "TG201",
                Severity.ERROR,
                initiative,
                f"initiative {quoted(initiative.name)} has no target",
                "target",
            )
            continue
        missing = _missing_parts(initiative)
        if target.problems or missing:
            parts = list(target.problems)
            if missing:
                parts.append(f"it has no {_join(missing)}")
            verb = "could not be read" if target.problems else "is incomplete"
            yield finding(
                "TG201",
                Severity.ERROR,
                initiative,
                f"target {quoted(target.text)} {verb}: {'; '.join(parts)}",
                "target",
            )
            continue  # the optional parts matter once the required ones are there
        optional = [
            part
            for part, value in (
                ("segment", target.segment),
                ("window", target.window_days),
            )
            if value is None
        ]
        if optional:
            yield finding(
                "TG201",
                Severity.WARNING,
                initiative,
                f"target {quoted(target.text)} has no {_join(optional)}",
                "target",
                hint=(
                    "Name the cohort (for example 'SMB') and the measurement window "
                    "in days."
                ),
            )


def _missing_parts(initiative: Initiative) -> list[str]:
    """List the required target parts that are absent."""
    target = initiative.target
    missing: list[str] = []
    if target.kpi_id is None:
        missing.append("KPI")
    if not target.has_number:
        missing.append("amount")
    is_change = target.level is None
    if is_change and target.direction is None:
        missing.append("direction")
    if is_change and target.amount is not None and target.unit is None:
        missing.append("unit")
    if target.deadline is None:
        missing.append("deadline")
    return missing


def _join(parts: list[str]) -> str:
    """Join parts as 'a', 'a or b', 'a, b or c'."""
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} or {parts[-1]}"


def check_baseline_missing(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """TG202: the baseline, or its as-of date, is missing."""
    for initiative in register.initiatives:
        baseline = initiative.baseline
        if baseline is not None and baseline.as_of is not None:
            continue
        if baseline is None and _series_has_launch_value(initiative, context):
            continue
        severity = (
            Severity.WARNING if initiative.status is Status.PLANNED else Severity.ERROR
        )
        if baseline is not None:
            message = f"baseline {number(baseline.value)} has no as-of date"
        elif initiative.target.start_level is not None:
            message = (
                f"baseline {number(initiative.target.start_level)} is stated only in "
                "the target text, with no as-of date"
            )
        else:
            message = f"initiative {quoted(initiative.name)} has no baseline"
        if initiative.status is not Status.PLANNED:
            message += f" while it is {initiative.status or 'without status'}"
        yield finding("TG202", severity, initiative, message, "baseline", "target")


def _series_has_launch_value(initiative: Initiative, context: LintContext) -> bool:
    """Tell whether the KPI series holds a value at launch, the frozen baseline."""
    launched_on = initiative.launched_on
    if launched_on is None:
        return False
    return any(value.period_end <= launched_on for value in series(initiative, context))


def check_no_change_target(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """TG203: the target requests no change, or is already met at baseline."""
    for initiative in register.initiatives:
        message = _no_change_reason(initiative)
        if message is not None:
            yield finding("TG203", Severity.WARNING, initiative, message, "target")


def _no_change_reason(initiative: Initiative) -> str | None:
    """Describe how the target requests no change, or return None."""
    target = initiative.target
    if target.direction is Direction.HOLD:
        return (
            f"target {quoted(target.text)} holds the KPI in a band instead of moving it"
        )
    if target.amount is not None and target.amount == 0:
        return f"target {quoted(target.text)} has an amount of 0"
    baseline = initiative.baseline
    if target.level is None or baseline is None:
        return None
    level, start = target.level, baseline.value
    met = (
        (target.level_bound is LevelBound.AT_LEAST and start >= level)
        or (target.level_bound is LevelBound.AT_MOST and start <= level)
        or start == level
    )
    if not met:
        return None
    return f"target level {number(level)} is already met at baseline {number(start)}"


def check_direction_contradiction(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """TG204: the amount's sign or the catalog polarity contradicts the direction."""
    if context.catalog is None:
        yield partly_checked("TG204", "no KPI catalog, so polarity was not compared")
    for initiative in register.initiatives:
        target = initiative.target
        direction = target.direction
        if direction is None or direction is Direction.HOLD:
            continue
        if target.amount is not None and target.amount < 0:
            yield finding(
                "TG204",
                Severity.ERROR,
                initiative,
                f"amount {number(target.amount)} is negative while the direction is "
                f"{direction}; amounts are sizes and the direction gives the sign",
                "target",
            )
        if target.level is not None and target.start_level is not None:
            rises = target.level > target.start_level
            if (
                rises != (direction is Direction.INCREASE)
                and target.level != target.start_level
            ):
                yield finding(
                    "TG204",
                    Severity.ERROR,
                    initiative,
                    f"target goes from {number(target.start_level)} to "
                    f"{number(target.level)}, which contradicts the direction "
                    f"{direction}",
                    "target",
                )
        entry = lookup(context, target.kpi_id)
        if entry is None or entry.higher_is_better is None:
            continue
        expected = Direction.INCREASE if entry.higher_is_better else Direction.DECREASE
        if direction is not expected:
            better = "higher" if entry.higher_is_better else "lower"
            yield finding(
                "TG204",
                Severity.ERROR,
                initiative,
                f"target asks to {direction} {quoted(entry.label)}, for which "
                f"{better} is better; expected {expected}",
                "target",
            )


def check_unit_invalid(register: Register, context: LintContext) -> Iterator[Finding]:
    """TG205: the unit is unknown, lacks a currency code, or misfits the KPI."""
    if context.catalog is None:
        yield partly_checked("TG205", "no KPI catalog, so units were not compared")
    for initiative in register.initiatives:
        for message in _unit_problems(initiative, context):
            yield finding("TG205", Severity.ERROR, initiative, message, "target")


def _unit_problems(initiative: Initiative, context: LintContext) -> Iterator[str]:
    """Yield what is wrong with the target's unit."""
    target = initiative.target
    unit = target.unit
    if unit is None:
        return
    if unit is Unit.CURRENCY:
        code = target.currency or ""
        if not (len(code) == 3 and code.isalpha() and code.isupper()):
            yield (
                f"currency amount has no ISO 4217 code (got {quoted(code or 'none')}); "
                "expected a code such as 'USD'"
            )
    if (
        unit is Unit.PERCENT
        and target.direction is Direction.DECREASE
        and target.amount is not None
        and target.amount >= 100
    ):
        yield (
            f"a relative decrease of {with_unit(target.amount, unit)} would take the "
            "KPI to zero or below; expected less than 100%"
        )
    entry = lookup(context, target.kpi_id)
    native = unit_value(entry.native_unit) if entry is not None else None
    if entry is None or native is None:
        return
    allowed = _COMPATIBLE_UNITS.get(native)
    if allowed is not None and unit not in allowed:
        names = ", ".join(sorted(str(item) for item in allowed))
        yield (
            f"unit {quoted(unit)} does not fit {quoted(entry.label)}, measured in "
            f"{quoted(native)}; expected one of {names}"
        )
    elif allowed is None and unit is not Unit.PERCENT and str(unit) != native:
        yield (
            f"unit {quoted(unit)} does not fit {quoted(entry.label)}, measured in "
            f"{quoted(native)}"
        )


def check_pp_vs_percent(register: Register, context: LintContext) -> Iterator[Finding]:
    """TG206: a relative % change on a rate KPI, where points were likely meant."""
    if context.catalog is None:
        yield not_checked("TG206", "no KPI catalog, so native units are unknown")
        return
    for initiative in register.initiatives:
        target = initiative.target
        if target.unit is not Unit.PERCENT:
            continue
        entry = lookup(context, target.kpi_id)
        if entry is None:
            continue
        native = unit_value(entry.native_unit)
        if native is None:
            yield not_checked(
                "TG206",
                f"catalog entry {quoted(entry.id)} has no native unit",
                initiative,
            )
            continue
        if native in _RATE_UNITS:
            amount = target.amount if target.amount is not None else Decimal(0)
            yield finding(
                "TG206",
                Severity.WARNING,
                initiative,
                f"{with_unit(amount, Unit.PERCENT)} on the rate {quoted(entry.label)} "
                "is "
                f"a relative change; write {with_unit(amount, Unit.PP)} if percentage "
                "points were meant",
                "target",
            )


def check_window_deadline(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """TG207: the window is empty, too long, late, or before the baseline."""
    maximum = context.settings.window_max_days
    for initiative in register.initiatives:
        target = initiative.target
        days = target.window_days
        if days is None:
            continue
        if days <= 0:
            message = (
                f"measurement window is {days_text(days)} long; expected 1 or more"
            )
        elif days > maximum:
            message = (
                f"measurement window is {days_text(days)}, {days - maximum} above the "
                f"maximum of {maximum}"
            )
        else:
            message = _window_placement(initiative) or ""
        if message:
            yield finding("TG207", Severity.ERROR, initiative, message, "target")


def _window_placement(initiative: Initiative) -> str | None:
    """Say how the window sits wrongly against the deadline or the baseline, or None."""
    window = window_of(initiative)
    deadline = initiative.target.deadline
    if window is None:
        return None
    start, end = window
    if deadline is not None and end > deadline:
        late = (end - deadline).days
        return (
            f"measurement window ends on {end}, {days_text(late)} after the deadline "
            f"{deadline}"
        )
    baseline = initiative.baseline
    if baseline is not None and baseline.as_of is not None and start < baseline.as_of:
        early = (baseline.as_of - start).days
        return (
            f"measurement window starts on {start}, {days_text(early)} before the "
            f"baseline date {baseline.as_of}"
        )
    return None


_GOAL_FIELDS = (
    "amount",
    "deadline",
    "segment",
    "kpi_id",
    "window",
    "window_days",
    "baseline",
    "target",
    "level",
)


def check_target_moved(register: Register, context: LintContext) -> Iterator[Finding]:
    """TG208: the goal changed after launch with no reason, or too often in a cycle."""
    if not has_history(register):
        yield not_checked("TG208", "no initiative has history events with reasons")
        return
    for initiative in register.initiatives:
        moves = list(_goal_changes_after_launch(initiative))
        yield from _revised_after_deadline(initiative, moves)
        for event, name, before, after in moves:
            if event.reason.strip():
                continue
            eases = _eases(name, before, after, initiative)
            severity = Severity.WARNING if eases is False else Severity.ERROR
            effect = {True: "eases", False: "tightens", None: "changes"}[eases]
            yield finding(
                "TG208",
                severity,
                initiative,
                f"{name} changed from {quoted(before)} to {quoted(after)} on "
                f"{event.at.date()} by {event.actor} with no reason; the change "
                f"{effect} the goal",
                "target",
            )
        yield from _repeated_changes(initiative, moves, context)


def _revised_after_deadline(
    initiative: Initiative, moves: list[tuple[Event, str, Any, Any]]
) -> Iterator[Finding]:
    """Yield an error for each goal change dated after the target's deadline.

    Once the deadline has passed, the period it closes is measured against the
    goal set for it. A later change, with or without a reason, rewrites it.
    """
    deadline = initiative.target.deadline
    if deadline is None:
        return
    for event, name, before, after in moves:
        # A change that moves the deadline itself is judged against the one
        # it replaced, when that was a date.
        limit = deadline
        if name == "deadline":
            limit = _day(before) or deadline
        if event.at.date() <= limit:
            continue
        yield finding(
            "TG208",
            Severity.ERROR,
            initiative,
            f"{name} changed from {quoted(before)} to {quoted(after)} on "
            f"{event.at.date()}, after the deadline {limit}; a closed period is "
            "measured against the goal it had",
            "target",
        )


def _goal_changes_after_launch(
    initiative: Initiative,
) -> Iterator[tuple[Event, str, Any, Any]]:
    """Yield each change to a goal field made after the status left planned."""
    left_planned = False
    for event in sorted(initiative.history, key=lambda item: item.at):
        change = status_change(event.changes)
        if change is not None and change[1] is not None:
            left_planned = STATUS_ORDER[change[1]] > 0 or left_planned
        launched = initiative.launched_on
        if not left_planned and launched is not None and event.at.date() > launched:
            left_planned = True
        if not left_planned:
            continue
        for name in _GOAL_FIELDS:
            if name in event.changes:
                before, after = event.changes[name]
                yield event, name, before, after


def _eases(name: str, before: Any, after: Any, initiative: Initiative) -> bool | None:
    """Tell whether a change makes the goal easier, harder, or None when unclear."""
    if name == "amount":
        old, new = _decimal(before), _decimal(after)
        return None if old is None or new is None else abs(new) < abs(old)
    if name == "deadline":
        old_day, new_day = _day(before), _day(after)
        return None if old_day is None or new_day is None else new_day > old_day
    if name == "baseline":
        old, new = _decimal(before), _decimal(after)
        direction = initiative.target.direction
        if (
            old is None
            or new is None
            or direction not in {Direction.INCREASE, Direction.DECREASE}
        ):
            return None
        # Moving the "from" against the direction makes the same amount easier to reach.
        return new < old if direction is Direction.INCREASE else new > old
    return None


def _repeated_changes(
    initiative: Initiative,
    moves: list[tuple[Event, str, Any, Any]],
    context: LintContext,
) -> Iterator[Finding]:
    """Warn when the goal changed more than once in one fiscal quarter."""
    per_quarter: dict[tuple[int, int], set[dt.datetime]] = {}
    for event, _name, _before, _after in moves:
        day = event.at.date()
        cycle = (
            context.calendar.quarter_of(day)
            if context.calendar is not None
            else (day.year, (day.month - 1) // 3 + 1)
        )
        per_quarter.setdefault(cycle, set()).add(event.at)
    for (year, quarter), stamps in sorted(per_quarter.items()):
        if len(stamps) > 1:
            yield finding(
                "TG208",
                Severity.WARNING,
                initiative,
                f"goal changed {len(stamps)} times in quarter {year}-Q{quarter}; "
                "expected at most once per cycle",
                "target",
            )


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


TARGET_RULES: tuple[Rule, ...] = (
    Rule(
        id="TG201",
        name="target-incomplete",
        severity=Severity.ERROR,
        group="target",
        check=check_target_incomplete,
        doc=(
            "The target misses a required part: the KPI, the number (an amount or a "
            "level), the direction and unit of a change, or the deadline; or its "
            "phrase could not be read. Those are errors. A missing segment or "
            "measurement window is a warning. A promise with a part missing cannot "
            "be scored."
        ),
        hint=(
            "Write the target as one phrase, for example '+5pp 90-day GRR for the "
            "SMB cohort by Q2'."
        ),
    ),
    Rule(
        id="TG202",
        name="baseline-missing",
        severity=Severity.ERROR,
        group="target",
        check=check_baseline_missing,
        doc=(
            "The initiative has no baseline, or its baseline has no as-of date. This "
            "is a warning while the initiative is planned and an error once it is "
            "active or closed: without the starting value, movement cannot be shown."
        ),
        hint="Record the KPI value the target starts from, with its date and source.",
    ),
    Rule(
        id="TG203",
        name="no-change-target",
        severity=Severity.WARNING,
        group="target",
        check=check_no_change_target,
        doc=(
            "The target asks for no movement: an amount of 0, a hold band, or a level "
            "the baseline already meets. Holding a number is business as usual and "
            "belongs on the KPI health page."
        ),
        hint="Set a target that moves the KPI, or move the row to the KPI health page.",
    ),
    Rule(
        id="TG204",
        name="direction-contradiction",
        severity=Severity.ERROR,
        group="target",
        check=check_direction_contradiction,
        doc=(
            "The direction contradicts the amount's sign, the move from start level "
            "to level, or the catalog polarity (an increase on a lower-is-better KPI "
            "such as churn). Such a typo turns a miss into a reported win."
        ),
        hint=(
            "Fix the direction or the KPI: churn goes down, retention goes up. Give "
            "the amount as a size and the direction as a word."
        ),
    ),
    Rule(
        id="TG205",
        name="unit-invalid",
        severity=Severity.ERROR,
        group="target",
        check=check_unit_invalid,
        doc=(
            "The unit does not fit: a currency amount without an ISO 4217 code, a "
            "unit that does not match the KPI's native unit (points on a revenue "
            "KPI, currency on NPS), or a relative decrease of 100% or more. Such "
            "numbers are incomparable or impossible."
        ),
        hint=(
            "Use pp for rates, pts for scores, a currency code for money, and % only "
            "for a relative change."
        ),
    ),
    Rule(
        id="TG206",
        name="pp-vs-percent-ambiguous",
        severity=Severity.WARNING,
        group="target",
        check=check_pp_vs_percent,
        doc=(
            "The KPI is a rate and the change is in relative percent. 'Churn down 2%' "
            "(from 6% to 5.88%) and 'churn down 2pp' (from 6% to 4%) differ by an "
            "order of magnitude."
        ),
        hint=(
            "Write the change in pp (percentage points) unless a relative change is "
            "meant."
        ),
    ),
    Rule(
        id="TG207",
        name="window-deadline-mismatch",
        severity=Severity.ERROR,
        group="target",
        check=check_window_deadline,
        doc=(
            "The measurement window is zero days or longer than the maximum, ends "
            "after the deadline, or starts before the baseline's as-of date. A "
            'windowed KPI such as "90-day GRR" is read at the deadline, over the '
            "window that ends there; without a deadline the window starts at "
            "launch. A result that cannot be measured by the deadline cannot be "
            "reported at it."
        ),
        hint=(
            "Shorten the window, move the deadline after the window's end, or "
            "re-state the baseline. The maximum is `window_max_days`."
        ),
    ),
    Rule(
        id="TG208",
        name="target-moved-without-reason",
        severity=Severity.ERROR,
        group="target",
        check=check_target_moved,
        doc=(
            "After the status left planned, the history shows a change to the "
            "amount, deadline, segment, KPI, window or baseline with no reason. It "
            "is an error when the change eases the goal or its effect is unclear, "
            "and a warning when it tightens it. More than one goal change in the "
            "same fiscal quarter is a warning too. Silently moved goalposts make "
            "the scorecard meaningless."
        ),
        hint="Record a reason with every change to the target; the history keeps it.",
    ),
)
