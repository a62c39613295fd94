"""Date rules: deadlines, checkpoints and signs of life are current and consistent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boardloop.domain.model import Finding, Initiative, Register, Severity, Status
from boardloop.lint._rules_base import (
    LintContext,
    Rule,
    days_text,
    finding,
    not_checked,
    quoted,
    series,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

__all__ = ["DATE_RULES"]


def check_open_past_deadline(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """DT301: an open initiative is past its deadline."""
    grace = context.settings.deadline_grace_days
    for initiative in register.initiatives:
        deadline = initiative.target.deadline
        if not initiative.is_open or deadline is None or deadline >= context.as_of:
            continue
        late = (context.as_of - deadline).days
        severity = Severity.WARNING if late <= grace else Severity.ERROR
        yield finding(
            "DT301",
            severity,
            initiative,
            f"deadline {deadline} passed {days_text(late)} ago and the initiative is "
            f"still {initiative.status or 'open'}",
            "deadline",
            "target",
        )


def check_checkpoint(register: Register, context: LintContext) -> Iterator[Finding]:
    """DT302: an open initiative has no next checkpoint, or it sits too late."""
    horizon = context.settings.checkpoint_horizon_days
    for initiative in register.initiatives:
        if not initiative.is_open:
            continue
        checkpoint = initiative.next_checkpoint
        if checkpoint is None:
            severity = Severity.ERROR if initiative.is_active else Severity.WARNING
            yield finding(
                "DT302",
                severity,
                initiative,
                f"{initiative.status or 'open'} initiative {quoted(initiative.name)} "
                "has no next checkpoint",
                "next_checkpoint",
            )
            continue
        deadline = initiative.target.deadline
        if deadline is not None and checkpoint > deadline:
            yield finding(
                "DT302",
                Severity.WARNING,
                initiative,
                f"next checkpoint {checkpoint} is "
                f"{days_text((checkpoint - deadline).days)} "
                f"after the deadline {deadline}",
                "next_checkpoint",
            )
        ahead = (checkpoint - context.as_of).days
        if ahead > horizon:
            yield finding(
                "DT302",
                Severity.WARNING,
                initiative,
                f"next checkpoint {checkpoint} is {days_text(ahead)} away, "
                f"{ahead - horizon} beyond the horizon of {horizon}",
                "next_checkpoint",
            )


def check_checkpoint_overdue(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """DT303: an open initiative's next checkpoint is in the past."""
    grace = context.settings.checkpoint_grace_days
    for initiative in register.initiatives:
        checkpoint = initiative.next_checkpoint
        if not initiative.is_open or checkpoint is None or checkpoint >= context.as_of:
            continue
        late = (context.as_of - checkpoint).days
        severity = Severity.WARNING if late <= grace else Severity.ERROR
        yield finding(
            "DT303",
            severity,
            initiative,
            f"next checkpoint {checkpoint} is {days_text(late)} overdue",
            "next_checkpoint",
        )


def _last_touch(initiative: Initiative) -> dt.date | None:
    """Return the latest day anything was recorded for an initiative.

    Store-stamped import events do not count: re-importing an unchanged file is
    not news about the initiative.
    """
    days = [
        event.at.date()
        for event in initiative.history
        if event.kind not in STORE_EVENT_KINDS
    ]
    days += [checkpoint.on for checkpoint in initiative.checkpoints]
    days += [day for day in (initiative.created_on, initiative.launched_on) if day]
    return max(days, default=None)


def _has_own_history(initiative: Initiative) -> bool:
    """Tell whether a person recorded anything beyond the store's import stamps."""
    return bool(initiative.checkpoints) or any(
        event.kind not in STORE_EVENT_KINDS for event in initiative.history
    )


def check_silent_initiative(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """DT304: an open initiative has had no history entry for a long time."""
    settings = context.settings
    if not any(_has_own_history(item) for item in register.initiatives):
        yield not_checked("DT304", "no initiative has history events or checkpoints")
        return
    for initiative in register.initiatives:
        if not initiative.is_open:
            continue
        last = _last_touch(initiative)
        if last is None:
            yield finding(
                "DT304",
                Severity.ERROR,
                initiative,
                f"initiative {quoted(initiative.name)} has no history entry at all",
                "status",
            )
            continue
        quiet = (context.as_of - last).days
        if quiet > settings.silence_error_days:
            severity, limit = Severity.ERROR, settings.silence_error_days
        elif quiet > settings.silence_warning_days:
            severity, limit = Severity.WARNING, settings.silence_warning_days
        else:
            continue
        yield finding(
            "DT304",
            severity,
            initiative,
            f"no history entry for {days_text(quiet)} (last on {last}), "
            f"{quiet - limit} beyond the limit of {limit}",
            "status",
        )


STORE_EVENT_KINDS = frozenset({"created", "updated"})


def check_dates_inconsistent(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """DT305: future-dated records or dates in an impossible order."""
    for initiative in register.initiatives:
        for message, field_name in _date_problems(initiative, context):
            yield finding("DT305", Severity.ERROR, initiative, message, field_name)


def _date_problems(
    initiative: Initiative, context: LintContext
) -> Iterator[tuple[str, str]]:
    """Yield each date inconsistency with the field it sits on."""
    yield from _future_dates(initiative, context)
    yield from _reversed_dates(initiative)


def _future_dates(
    initiative: Initiative, context: LintContext
) -> Iterator[tuple[str, str]]:
    """Yield each record dated after the lint date."""
    as_of = context.as_of
    for event in initiative.history:
        # The store stamps "created" and "updated" events with the import time, so
        # they postdate a past lint date without anyone having mis-keyed a date.
        if event.kind in STORE_EVENT_KINDS:
            continue
        if event.at.date() > as_of:
            yield (
                f"history entry {quoted(event.kind)} is dated {event.at.date()}, "
                f"after {as_of}",
                "status",
            )
    for checkpoint in initiative.checkpoints:
        if checkpoint.on > as_of:
            yield f"checkpoint review is dated {checkpoint.on}, after {as_of}", "status"
    for value in series(initiative, context):
        if value.period_end > as_of:
            yield f"measurement is dated {value.period_end}, after {as_of}", "target"
            break
    outcome = initiative.outcome
    if (
        outcome is not None
        and outcome.closed_on is not None
        and outcome.closed_on > as_of
    ):
        yield f"outcome is dated {outcome.closed_on}, after {as_of}", "outcome"


def _reversed_dates(initiative: Initiative) -> Iterator[tuple[str, str]]:
    """Yield each pair of dates recorded in an impossible order."""
    history_days = sorted(
        event.at.date()
        for event in initiative.history
        if event.kind not in STORE_EVENT_KINDS
    )
    deadline = initiative.target.deadline
    created_on = initiative.created_on or (history_days[0] if history_days else None)
    if deadline is not None and created_on is not None and deadline < created_on:
        yield (
            f"deadline {deadline} is before the initiative was created on {created_on}",
            "deadline",
        )
    upcoming = initiative.next_checkpoint
    if (
        initiative.status is Status.CLOSED
        and upcoming is not None
        and history_days
        and upcoming < history_days[-1]
    ):
        yield (
            f"closed initiative's next checkpoint {upcoming} is before its last "
            f"history entry {history_days[-1]}",
            "next_checkpoint",
        )
    created, launched = initiative.created_on, initiative.launched_on
    if created is not None and launched is not None and launched < created:
        yield f"launch {launched} is before creation {created}", "launched_on"
    if deadline is not None and launched is not None and deadline < launched:
        yield f"deadline {deadline} is before launch {launched}", "deadline"


DATE_RULES: tuple[Rule, ...] = (
    Rule(
        id="DT301",
        name="open-past-deadline",
        severity=Severity.ERROR,
        group="dates",
        check=check_open_past_deadline,
        doc=(
            "The deadline has passed and the initiative is not closed. Inside the "
            "grace period it is a warning, after it an error. An overdue promise must "
            "not be shown as in flight."
        ),
        hint=(
            "Close the initiative with its outcome, or record a new deadline with a "
            "reason. The grace period is `deadline_grace_days`."
        ),
    ),
    Rule(
        id="DT302",
        name="checkpoint-missing-or-misplaced",
        severity=Severity.ERROR,
        group="dates",
        check=check_checkpoint,
        doc=(
            "An active initiative has no next checkpoint (error; a planned one gets "
            "a warning), or the next checkpoint falls after the deadline or further "
            "ahead than the checkpoint horizon (warnings). Without a date nobody "
            "looks again before the next board."
        ),
        hint=(
            "Set `next_checkpoint` to a review date within `checkpoint_horizon_days` "
            "and before the deadline."
        ),
    ),
    Rule(
        id="DT303",
        name="checkpoint-overdue",
        severity=Severity.ERROR,
        group="dates",
        check=check_checkpoint_overdue,
        doc=(
            "An open initiative's next checkpoint is in the past: a warning inside "
            "the grace period, an error after it. A stale status must not read as "
            "on track."
        ),
        hint=(
            "Hold the review, record what was said, and set the following "
            "checkpoint. The grace period is `checkpoint_grace_days`."
        ),
    ),
    Rule(
        id="DT304",
        name="silent-initiative",
        severity=Severity.WARNING,
        group="dates",
        check=check_silent_initiative,
        doc=(
            "An open initiative has no history entry, checkpoint review, creation or "
            "launch within the silence periods: a warning after the first, an error "
            "after the second. Rows nobody touches are usually dead."
        ),
        hint=(
            "Record a status update or checkpoint, or close the initiative. The "
            "periods are `silence_warning_days` and `silence_error_days`."
        ),
    ),
    Rule(
        id="DT305",
        name="dates-inconsistent",
        severity=Severity.ERROR,
        group="dates",
        check=check_dates_inconsistent,
        doc=(
            "A history entry, checkpoint review, measurement or outcome is dated "
            "after the lint date. Or two dates are in an impossible order: the "
            "deadline before the first history entry or before the launch, a closed "
            "initiative's next checkpoint before its last history entry, or the "
            "launch before the creation. Future-dated or reversed records signal "
            "edited or mis-keyed data."
        ),
        hint="Correct the mis-keyed date; the lint date is set with `--as-of`.",
    ),
)
