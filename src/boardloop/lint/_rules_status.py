"""Status rules: the lifecycle label agrees with the record."""

from __future__ import annotations

import datetime as dt
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
    STATUS_ORDER,
    LintContext,
    Rule,
    days_text,
    finding,
    has_history,
    lookup,
    not_checked,
    quoted,
    series,
    status_change,
    window_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["STATUS_RULES"]

_STATUSES = ", ".join(status.value for status in Status)
_RESULTS = ", ".join(result.value for result in OutcomeResult)
_LAUNCH_KINDS = {"launch", "launched"}
_MEASUREMENT_KINDS = {"measurement", "measured"}


def check_schema_invalid(register: Register, context: LintContext) -> Iterator[Finding]:
    """ST401: unreadable status, outcome, date or number; duplicate id; no name."""
    seen: dict[str, Initiative] = {}
    for initiative in register.initiatives:
        if initiative.status is None:
            yield finding(
                "ST401",
                Severity.ERROR,
                initiative,
                f"status {quoted(initiative.status_text or '')} is not one of "
                f"{_STATUSES}",
                "status",
            )
        unreadable = initiative.extra.get("invalid", {})
        if isinstance(unreadable, dict):
            for name, raw in sorted(unreadable.items()):
                expected = f" (expected one of {_RESULTS})" if name == "outcome" else ""
                yield finding(
                    "ST401",
                    Severity.ERROR,
                    initiative,
                    f"{name} {quoted(raw)} could not be read{expected}",
                    str(name),
                )
        if len(initiative.name.strip()) < 3:
            yield finding(
                "ST401",
                Severity.ERROR,
                initiative,
                f"name {quoted(initiative.name.strip())} is missing or shorter than "
                "3 characters",
                "name",
            )
        first = seen.setdefault(initiative.id, initiative)
        if first is not initiative:
            where = first.source or first.id
            yield finding(
                "ST401",
                Severity.ERROR,
                initiative,
                f"id {quoted(initiative.id)} is already used at {where}",
                "name",
            )


def check_status_outcome(register: Register, context: LintContext) -> Iterator[Finding]:
    """ST402: closed without an outcome, or an outcome on an open initiative."""
    for initiative in register.initiatives:
        outcome = initiative.outcome
        result = outcome.result if outcome is not None else None
        if initiative.status is Status.CLOSED and result is None:
            yield finding(
                "ST402",
                Severity.ERROR,
                initiative,
                f"closed initiative {quoted(initiative.name)} has no outcome; expected "
                f"one of {_RESULTS}",
                "outcome",
                "status",
            )
        elif result is not None and initiative.status not in {Status.CLOSED, None}:
            yield finding(
                "ST402",
                Severity.ERROR,
                initiative,
                f"outcome {quoted(result)} is recorded but the status is "
                f"{initiative.status}",
                "status",
            )


def check_planned_but_running(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """ST403: planned, yet launched, measured, or past its window start."""
    grace = context.settings.planned_grace_days
    for initiative in register.initiatives:
        if initiative.status is not Status.PLANNED:
            continue
        reason = _running_sign(initiative, context.as_of, grace)
        if reason is not None:
            yield finding(
                "ST403",
                Severity.WARNING,
                initiative,
                f"status is planned but {reason}",
                "status",
            )


def _running_sign(initiative: Initiative, as_of: dt.date, grace: int) -> str | None:
    """Say what shows a planned initiative is already running, or None."""
    if initiative.launched_on is not None:
        return f"it launched on {initiative.launched_on}"
    for event in initiative.history:
        if event.kind in _LAUNCH_KINDS:
            return f"the history records a launch on {event.at.date()}"
        if event.kind in _MEASUREMENT_KINDS:
            return f"the history records a measurement on {event.at.date()}"
    window = window_of(initiative)
    if window is not None and (as_of - window[0]).days > grace:
        late = (as_of - window[0]).days
        return (
            f"its measurement window started on {window[0]}, {days_text(late)} ago "
            f"({late - grace} beyond the grace of {grace})"
        )
    return None


def check_measuring_without_data(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """ST404: measuring (or long launched) with no or stale measurements."""
    if context.kpi_values is None:
        yield not_checked("ST404", "no KPI values were given")
        return
    for initiative in register.initiatives:
        entry = lookup(context, initiative.target.kpi_id)
        refresh = entry.refresh_days if entry is not None else None
        if not _should_have_data(initiative, context.as_of, refresh):
            continue
        since = initiative.launched_on or dt.date.min
        values = [v for v in series(initiative, context) if v.period_end >= since]
        if not values:
            yield finding(
                "ST404",
                Severity.WARNING,
                initiative,
                f"{initiative.status} initiative has no measurement of "
                f"{quoted(initiative.target.kpi_id)} since launch",
                "status",
            )
            continue
        age = (context.as_of - values[-1].period_end).days
        if refresh is not None and age > refresh:
            yield finding(
                "ST404",
                Severity.WARNING,
                initiative,
                f"latest measurement is from {values[-1].period_end}, {days_text(age)} "
                f"old; the KPI refreshes every {days_text(refresh)}",
                "status",
            )


def _should_have_data(
    initiative: Initiative, as_of: dt.date, refresh: int | None
) -> bool:
    """Tell whether the initiative's status promises measurements by now."""
    if initiative.target.kpi_id is None:
        return False
    if initiative.status is Status.MEASURING:
        return True
    launched = initiative.launched_on
    return (
        initiative.status is Status.LAUNCHED
        and launched is not None
        and refresh is not None
        and (as_of - launched).days > refresh
    )


def check_irregular_transition(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """ST405: a backward status move without a reason, or a jump to a scored close."""
    if not has_history(register):
        yield not_checked("ST405", "no initiative has history events with reasons")
        return
    for initiative in register.initiatives:
        reached_launch = initiative.launched_on is not None
        jumped_to_close = False
        for event in sorted(initiative.history, key=lambda item: item.at):
            change = status_change(event.changes)
            if change is None:
                continue
            before, after = change
            if after is None:
                continue
            if after in {Status.LAUNCHED, Status.MEASURING}:
                reached_launch = True
            if after is Status.CLOSED and before in {
                Status.PLANNED,
                Status.IN_PROGRESS,
            }:
                jumped_to_close = True
            backward = before is not None and STATUS_ORDER[after] < STATUS_ORDER[before]
            if backward and not event.reason.strip():
                yield finding(
                    "ST405",
                    Severity.WARNING,
                    initiative,
                    f"status moved back from {before} to {after} on {event.at.date()} "
                    "with no reason",
                    "status",
                )
        result = initiative.outcome.result if initiative.outcome is not None else None
        scored = {
            OutcomeResult.ACHIEVED,
            OutcomeResult.PARTIALLY_ACHIEVED,
            OutcomeResult.MISSED,
        }
        if jumped_to_close and not reached_launch and result in scored:
            yield finding(
                "ST405",
                Severity.WARNING,
                initiative,
                f"closed as {result} without ever being launched or measured",
                "status",
            )


STATUS_RULES: tuple[Rule, ...] = (
    Rule(
        id="ST401",
        name="schema-invalid",
        severity=Severity.ERROR,
        group="status",
        check=check_schema_invalid,
        doc=(
            "A status or outcome is outside its allowed values, a date or number "
            "could not be read (readers list such values under "
            "`extra['invalid']`), an id is used twice, or the name is missing or "
            "shorter than 3 characters. A malformed row is otherwise dropped or "
            "misread."
        ),
        hint=(
            "Use a status of planned, in-progress, launched, measuring or closed, "
            "ISO dates (2027-03-14) and plain numbers, and give each row its own id."
        ),
    ),
    Rule(
        id="ST402",
        name="status-outcome-mismatch",
        severity=Severity.ERROR,
        group="status",
        check=check_status_outcome,
        doc=(
            "The initiative is closed without an outcome, or has an outcome while "
            "not closed. The board cannot tell whether it is over."
        ),
        hint=(
            "Record the outcome (achieved, partially-achieved, missed or abandoned) "
            "when closing, or remove it from an open initiative."
        ),
    ),
    Rule(
        id="ST403",
        name="planned-but-running",
        severity=Severity.WARNING,
        group="status",
        check=check_planned_but_running,
        doc=(
            "The status is planned, but a launch date, a launch or measurement event "
            "exists, or the measurement window started longer ago than the grace "
            "period. The register then understates what is running."
        ),
        hint="Move the status forward, or move the window if the launch slipped.",
    ),
    Rule(
        id="ST404",
        name="measuring-without-data",
        severity=Severity.WARNING,
        group="status",
        check=check_measuring_without_data,
        doc=(
            "The status is measuring, or launched for longer than one KPI refresh "
            "period, and the KPI values hold no measurement of its KPI and segment "
            "since launch, or the latest one is older than the refresh period. "
            "'Measuring' with no numbers is an opinion."
        ),
        hint="Load the KPI values for this KPI and segment, or correct the status.",
    ),
    Rule(
        id="ST405",
        name="irregular-transition",
        severity=Severity.WARNING,
        group="status",
        check=check_irregular_transition,
        doc=(
            "The history shows a backward status move without a reason, or a jump "
            "from planned or in progress straight to closed as achieved, partially "
            "achieved or missed without ever being launched or measured. Lifecycle "
            "jumps hide how a result was obtained."
        ),
        hint=(
            "Record the reason for the move, or the launch and measurement it skipped."
        ),
    ),
)
