"""Correction of a closed initiative's outcome (result, movement, lesson) with a reason.

A closed period does not change, so the target, the closing date and the unit
stay as closed. A mislabeled outcome, such as "achieved" for a movement short of
the target, may be corrected. The correction needs a reason and records one
`outcome-corrected` history event with the outcome before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from boardloop.access import Action
from boardloop.domain.model import Event, OutcomeResult, Status
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
    from boardloop.store import Store, StoredInitiative

__all__ = ["correct_outcome"]


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
    result is `abandoned`. A correction that changes nothing stores nothing.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.EDIT, expected_version
    )
    before = stored.initiative
    if before.status is not Status.CLOSED or before.outcome is None:
        raise NotClosedError(key)
    corrected = replace(
        before.outcome,
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
        kind="outcome-corrected",
        changes={
            "outcome": (
                outcome_document(before.outcome),
                outcome_document(corrected),
            )
        },
        reason=required_reason(key, reason),
    )
    after = replace(before, outcome=corrected)
    return store.apply_edit(
        company, after, expected_version=expected_version, event=event
    )


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
