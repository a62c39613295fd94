"""Correction of a closed initiative's outcome (result, movement, lesson) with a reason.

A closed period does not change, so the target, the closing date and the unit
stay as closed. A mislabeled outcome, such as "achieved" for a movement short of
the target, may be corrected. The correction needs a reason and records one
`outcome-corrected` history event with the outcome before and after.

A closed initiative without an outcome (or without a result, lint ST402) gets
its outcome the same way, because a second close is rejected. That records one
`outcome-recorded` event instead. The unit defaults to the target's unit and the
closing date to the day of the status change to closed, or today without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from boardloop.access import Action
from boardloop.domain.model import Event, Outcome, OutcomeResult, Status
from boardloop.edits._errors import InvalidEditError, NotClosedError
from boardloop.edits._fields import check_text
from boardloop.edits._operations import (
    check_outcome,
    load_for_edit,
    now_utc,
    outcome_document,
    required_reason,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from boardloop.access import Principal
    from boardloop.domain.model import Initiative
    from boardloop.store import Store, StoredInitiative

__all__ = ["closing_day", "correct_outcome"]


def correct_outcome(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    result: OutcomeResult | str,
    actual_movement: Decimal | None,
    lesson: str,
    reason: str,
    at: dt.datetime | None = None,
) -> StoredInitiative:
    """Replace the result, actual movement and lesson of a closed initiative.

    The values are checked as when closing: a result, and a movement unless the
    result is `abandoned`. A correction that changes nothing stores nothing. A
    closed initiative without a result gets one, as the module docstring describes.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.EDIT, expected_version
    )
    before = stored.initiative
    if before.status is not Status.CLOSED:
        raise NotClosedError(key)
    missing = before.outcome is None or before.outcome.result is None
    stored_outcome = before.outcome or Outcome()
    if missing:
        stored_outcome = replace(
            stored_outcome,
            actual_unit=stored_outcome.actual_unit or before.target.unit,
            closed_on=stored_outcome.closed_on or closing_day(before, at),
        )
    corrected = replace(
        stored_outcome,
        result=check_result(key, result),
        actual_movement=actual_movement,
        lesson=check_text(key, "lesson", lesson) or "",
    )
    check_outcome(key, corrected, before.target.unit)
    if corrected == before.outcome:
        return stored
    event = Event(
        at=at,
        actor=principal.login,
        kind="outcome-recorded" if missing else "outcome-corrected",
        changes={
            "outcome": (
                None if before.outcome is None else outcome_document(before.outcome),
                outcome_document(corrected),
            )
        },
        reason=required_reason(key, reason),
    )
    after = replace(before, outcome=corrected)
    return store.apply_edit(
        company, after, expected_version=expected_version, event=event
    )


def closing_day(initiative: Initiative, at: dt.datetime) -> dt.date:
    """Return the day of the latest status change to closed, or `at`'s day."""
    for event in reversed(initiative.history):
        status = event.changes.get("status")
        if status is not None and status[1] == Status.CLOSED.value:
            return event.at.date()
    return at.date()


def check_result(key: str, value: OutcomeResult | str) -> OutcomeResult:
    try:
        return OutcomeResult(value)
    except ValueError:
        raise InvalidEditError(
            key,
            "outcome result",
            value,
            f"use one of {', '.join(result.value for result in OutcomeResult)}",
        ) from None
