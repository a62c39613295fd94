"""Edit operations on one initiative, for every face: check, build, save with its event.

Each operation checks the principal's permission with `access.may`, loads the
initiative and rejects an edit based on an outdated version. It then builds the
edited initiative with the core's functions and saves it with one history event
through `Store.apply_edit`. The compare-and-set there catches a writer that
saved in between. Each operation returns the initiative as its edit wrote it,
read inside the edit's transaction, so a later writer's version never shows in
it. An edit that changes nothing stores nothing and returns the initiative as
it loaded it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from boardloop.access import Action, may
from boardloop.domain.model import (
    ALLOWED_TRANSITIONS,
    Baseline,
    Checkpoint,
    Event,
    Initiative,
    InvalidTransition,
    Outcome,
    OutcomeResult,
    Owner,
    Status,
    Target,
    Unit,
    transition,
)
from boardloop.edits._errors import (
    ClosedInitiativeError,
    InvalidEditError,
    PermissionDeniedError,
    StatusChangeError,
)
from boardloop.edits._fields import (
    NO_NUL,
    apply_fields,
    check_magnitude,
    check_target_range,
    check_text,
    required_text,
)
from boardloop.edits._kpis import kpi_resolver, parse_company_target
from boardloop.store import (
    StaleVersionError,
    UnknownCompanyError,
    UnknownInitiativeError,
    diff_initiatives,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from boardloop.access import Principal
    from boardloop.catalog import Catalog
    from boardloop.store import Store, StoredInitiative

__all__ = [
    "InitiativeDraft",
    "change_status",
    "check_outcome",
    "close_initiative",
    "create_initiative",
    "post_checkpoint",
    "revise_target",
    "update_fields",
]

logger = logging.getLogger(__name__)

ACTION_WORDS = {
    Action.EDIT: "edit",
    Action.STATUS: "change the status of",
    Action.CHECKPOINT: "post a checkpoint on",
}


@dataclass(frozen=True, slots=True)
class InitiativeDraft:
    """A new initiative as a face receives it; `key` is derived from `name` if None.

    `target` is the phrase, parsed with the company's fiscal calendar. The
    baseline, guardrails and attribution take the values `update_fields` takes.
    """

    name: str
    key: str | None = None
    owner_person: str | None = None
    owner_function: str | None = None
    target: str = ""
    status: Status | str = Status.PLANNED
    program: str | None = None
    next_checkpoint: dt.date | None = None
    notes: str = ""
    control_segment: str | None = None
    baseline: Baseline | Mapping[str, Any] | None = None
    guardrails: Sequence[str] | str | None = None
    attribution: str | None = None


# --- operations -------------------------------------------------------------------


def create_initiative(
    store: Store,
    principal: Principal,
    company: str,
    draft: InitiativeDraft,
    *,
    reason: str = "",
    at: dt.datetime | None = None,
    catalog: Catalog | None = None,
) -> StoredInitiative:
    """Add a new initiative to the company's register and return it as stored.

    `catalog` gives the KPI aliases of the target, as in `parse_company_target`.
    """
    at = at or now_utc()
    if not may(principal, Action.READ, company):
        logger.warning("user %r has no role in %r", principal.login, company)
        raise UnknownCompanyError(company)
    name = required_text(draft.key or "(new)", "name", draft.name)
    key = check_key(draft.key, name)
    if not may(principal, Action.EDIT, company):
        logger.warning("user %r may not create %r in %r", principal.login, key, company)
        raise PermissionDeniedError(principal.login, "create", company, key)

    status = check_status(key, draft.status)
    if status is Status.CLOSED:
        raise InvalidEditError(
            key, "status", status.value, "create it open, then close it with an outcome"
        )
    initiative = Initiative(
        id=key,
        name=name,
        owner=Owner(
            person=check_text(key, "owner_person", draft.owner_person),
            function=check_text(key, "owner_function", draft.owner_function),
        ),
        target=_parse_target_in_range(
            store, company, key, draft.target.strip(), at, catalog
        ),
        status=status,
        program=check_text(key, "program", draft.program),
        created_on=at.date(),
        next_checkpoint=draft.next_checkpoint,
        notes=check_text(key, "notes", draft.notes) or "",
        control_segment=check_text(key, "control_segment", draft.control_segment),
    )
    measured = {
        "baseline": draft.baseline,
        "guardrails": draft.guardrails,
        "attribution": draft.attribution,
    }
    provided = {name: value for name, value in measured.items() if value is not None}
    resolver = kpi_resolver(store, company) if "guardrails" in provided else None
    initiative = apply_fields(initiative, provided, resolver)
    reject_implausible_dates(None, initiative)
    return store.create_initiative(
        company,
        initiative,
        actor=principal.login,
        at=at,
        reason=reason.strip() or "created",
    )


def update_fields(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    reason: str,
    at: dt.datetime | None = None,
) -> StoredInitiative:
    """Set plain fields (name, owner, program, notes, next checkpoint, baseline, ...).

    The names `update_fields` takes are those of `EDITABLE_FIELDS`. Guardrail
    KPI names become catalog ids where the company's catalog lists them.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.EDIT, expected_version
    )
    before = stored.initiative
    reject_closed(before, "field edits")
    resolver = kpi_resolver(store, company) if "guardrails" in changes else None
    after = apply_fields(before, changes, resolver)
    return save(store, company, stored, after, principal, at, "updated", reason)


def change_status(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    status: Status | str,
    reason: str,
    at: dt.datetime | None = None,
) -> StoredInitiative:
    """Move an initiative to another open status, as the lifecycle allows.

    An owner may do this on initiatives that name them as owner. Closing goes
    through `close_initiative`, which records the outcome.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.STATUS, expected_version
    )
    before = stored.initiative
    new = check_status(key, status)
    if new is Status.CLOSED:
        raise InvalidEditError(
            key, "status", new.value, "close the initiative with its outcome instead"
        )
    reject_closed(before, "a status change")
    if new is before.status:
        return stored

    reason = required_reason(key, reason)
    try:
        moved = transition(before, new, at=at, actor=principal.login, reason=reason)
    except InvalidTransition as error:
        raise status_change_error(key, before.status, new) from error
    reject_implausible_dates(before, moved)
    return store.apply_edit(
        company, moved, expected_version=expected_version, event=moved.history[-1]
    )


def post_checkpoint(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    note: str,
    on: dt.date | None = None,
    next_checkpoint: dt.date | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> StoredInitiative:
    """Add a checkpoint note, dated `on` (default: today), and move the next checkpoint.

    `next_checkpoint` None keeps the date as it is. A closed initiative takes
    notes, which is how a correction to its record is written, but no next
    checkpoint. An owner may post on initiatives that name them as owner.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.CHECKPOINT, expected_version
    )
    before = stored.initiative
    text = required_text(key, "note", note)
    day = on or at.date()
    if next_checkpoint is not None:
        reject_closed(before, "a next checkpoint")
        if next_checkpoint <= day:
            raise InvalidEditError(
                key,
                "next_checkpoint",
                next_checkpoint.isoformat(),
                f"pick a date after the checkpoint of {day.isoformat()}",
            )

    checkpoint = Checkpoint(on=day, note=text, author=principal.display_name)
    changes: dict[str, tuple[Any, Any]] = {
        "checkpoint": (
            None,
            {"on": day.isoformat(), "note": text, "author": principal.display_name},
        )
    }
    after = replace(before, checkpoints=(*before.checkpoints, checkpoint))
    if next_checkpoint is not None and next_checkpoint != before.next_checkpoint:
        changes["next_checkpoint"] = (
            date_text(before.next_checkpoint),
            next_checkpoint.isoformat(),
        )
        after = replace(after, next_checkpoint=next_checkpoint)
    event = Event(
        at=at,
        actor=principal.login,
        kind="checkpoint",
        changes=changes,
        reason=reason.strip(),
    )
    reject_implausible_dates(before, after)
    return store.apply_edit(
        company, after, expected_version=expected_version, event=event
    )


def close_initiative(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    outcome: Outcome,
    reason: str,
    at: dt.datetime | None = None,
) -> StoredInitiative:
    """Close an initiative with its outcome, which no later edit can change.

    The outcome needs a result, and the actual movement unless the result is
    `abandoned`. Its unit defaults to the target's unit and its closing date to
    today.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.EDIT, expected_version
    )
    before = stored.initiative
    if before.status is Status.CLOSED:
        missing = before.outcome is None or before.outcome.result is None
        raise ClosedInitiativeError(
            key,
            "a second close",
            "record its missing outcome through the outcome correction, with a reason"
            if missing
            else "correct its outcome with a reason instead",
        )
    check_outcome(key, outcome, before.target.unit)
    reason = required_reason(key, reason)
    final = replace(
        outcome,
        actual_unit=outcome.actual_unit or before.target.unit,
        lesson=outcome.lesson.strip(),
        closed_on=outcome.closed_on or at.date(),
    )

    try:
        moved = transition(
            before, Status.CLOSED, at=at, actor=principal.login, reason=reason
        )
    except InvalidTransition as error:
        raise status_change_error(key, before.status, Status.CLOSED) from error
    after = replace(moved, outcome=final, history=before.history)
    event = Event(
        at=at,
        actor=principal.login,
        kind="closed",
        changes={
            "status": (status_text(before.status), Status.CLOSED.value),
            "outcome": (None, outcome_document(final)),
        },
        reason=reason,
    )
    reject_implausible_dates(before, after)
    return store.apply_edit(
        company, after, expected_version=expected_version, event=event
    )


def revise_target(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    *,
    expected_version: int,
    target: str,
    reason: str,
    at: dt.datetime | None = None,
    catalog: Catalog | None = None,
) -> StoredInitiative:
    """Replace an initiative's target phrase, recording the old and new text and why.

    The board section lists it as "target revised from X to Y on DATE: reason".
    A phrase that cannot be read is kept as written, and lint reports it, as an
    import would. `catalog` gives the KPI aliases, as `parse_company_target` says.
    """
    at = at or now_utc()
    stored = load_for_edit(
        store, principal, company, key, Action.EDIT, expected_version
    )
    before = stored.initiative
    reject_closed(before, "a target revision")
    text = required_text(key, "target", target)
    target_value = _parse_target_in_range(store, company, key, text, at, catalog)
    after = replace(before, target=target_value)
    return save(store, company, stored, after, principal, at, "target-revised", reason)


# --- steps ------------------------------------------------------------------------


def _parse_target_in_range(
    store: Store,
    company: str,
    key: str,
    text: str,
    at: dt.datetime,
    catalog: Catalog | None,
) -> Target:
    """Parse a target phrase, raising when its amount or level is out of bounds.

    Other problems of the phrase are kept for lint, as an import keeps them.
    """
    target = parse_company_target(store, company, text, at, catalog)
    check_target_range(key, target)
    return target


def load_for_edit(
    store: Store,
    principal: Principal,
    company: str,
    key: str,
    action: Action,
    expected_version: int,
) -> StoredInitiative:
    """Load an initiative after checking that the principal may act on it.

    A principal without a role in the company gets the same not-found error as
    for a missing initiative, so the error never confirms that it exists.
    """
    if not may(principal, Action.READ, company):
        logger.warning(
            "user %r has no role in %r; reported %r as not found",
            principal.login,
            company,
            key,
        )
        raise UnknownInitiativeError(company, key)
    stored = store.get_initiative(company, key)
    if not may(principal, action, company, owner=stored.initiative.owner.person):
        logger.warning(
            "user %r may not %s %r in %r", principal.login, action.value, key, company
        )
        raise PermissionDeniedError(
            principal.login, ACTION_WORDS.get(action, action.value), company, key
        )
    if stored.version != expected_version:
        raise StaleVersionError(key, expected_version, stored.version)
    return stored


def save(
    store: Store,
    company: str,
    stored: StoredInitiative,
    after: Initiative,
    principal: Principal,
    at: dt.datetime,
    kind: str,
    reason: str,
) -> StoredInitiative:
    """Save the changed fields as one event of `kind`; with no change, save nothing."""
    changes = diff_initiatives(stored.initiative, after)
    if not changes:
        return stored
    event = Event(
        at=at,
        actor=principal.login,
        kind=kind,
        changes=changes,
        reason=required_reason(after.id, reason),
    )
    reject_implausible_dates(stored.initiative, after)
    return store.apply_edit(
        company, after, expected_version=stored.version, event=event
    )


def reject_implausible_dates(before: Initiative | None, after: Initiative) -> None:
    """Raise when the edit sets a date outside the plausible window.

    Only dates the edit brings in count, so an initiative imported before the
    window existed can still be edited.
    """
    from boardloop.domain.dates import implausible_dates, plausible_range_text

    known = set() if before is None else set(implausible_dates(before))
    for field, day in implausible_dates(after):
        if (field, day) not in known:
            raise InvalidEditError(
                after.id,
                field,
                day.isoformat(),
                f"use a date {plausible_range_text()}",
            )


def check_outcome(key: str, outcome: Outcome, target_unit: Unit | None = None) -> None:
    """Raise unless the outcome has a result, and a movement unless abandoned.

    The movement must also be within the typed-number bounds of its unit,
    which is the target's unit when the outcome names none.
    """
    if outcome.result is None:
        raise InvalidEditError(
            key,
            "outcome result",
            None,
            f"give one of {', '.join(result.value for result in OutcomeResult)}",
        )
    if (
        outcome.actual_movement is None
        and outcome.result is not OutcomeResult.ABANDONED
    ):
        raise InvalidEditError(
            key,
            "actual movement",
            None,
            "give the KPI's measured movement, signed, in the target's unit",
        )
    if outcome.actual_movement is not None and not outcome.actual_movement.is_finite():
        raise InvalidEditError(
            key, "actual movement", str(outcome.actual_movement), "give a finite number"
        )
    if outcome.actual_movement is not None:
        check_magnitude(
            key,
            "actual movement",
            str(outcome.actual_movement),
            outcome.actual_movement,
            outcome.actual_unit or target_unit,
        )
    if "\x00" in outcome.lesson:
        raise InvalidEditError(key, "lesson", outcome.lesson, NO_NUL)


def reject_closed(initiative: Initiative, edit: str) -> None:
    if initiative.status is Status.CLOSED:
        raise ClosedInitiativeError(initiative.id, edit)


def required_reason(key: str, reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidEditError(
            key, "reason", reason, "say why, as the board reads it in the history"
        )
    if "\x00" in text:
        raise InvalidEditError(key, "reason", reason, NO_NUL)
    return text


# An id is one path segment of the API's URLs, so it contains no slash, percent
# sign or other character that a URL would have to escape.
KEY_PATTERN = re.compile(r"\w[\w.-]{0,199}")


def check_key(key: str | None, name: str) -> str:
    if key is None:
        from boardloop.io._fields import slugify

        return slugify(name)
    text = key.strip()
    if not KEY_PATTERN.fullmatch(text):
        raise InvalidEditError(
            key,
            "id",
            key,
            "use up to 200 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit, or leave it out",
        )
    return text


def check_status(key: str, value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidEditError(
            key,
            "status",
            value,
            f"use one of {', '.join(status.value for status in Status)}",
        ) from None


def status_change_error(
    key: str, current: Status | None, new: Status
) -> StatusChangeError:
    allowed = sorted(ALLOWED_TRANSITIONS[current]) if current else []
    return StatusChangeError(
        key, status_text(current), new.value, ", ".join(allowed) or "none"
    )


def outcome_document(outcome: Outcome) -> dict[str, Any]:
    """Describe an outcome as JSON-ready values for its history event."""
    return {
        "result": None if outcome.result is None else outcome.result.value,
        "actual_movement": (
            None if outcome.actual_movement is None else str(outcome.actual_movement)
        ),
        "actual_unit": None
        if outcome.actual_unit is None
        else outcome.actual_unit.value,
        "lesson": outcome.lesson,
        "closed_on": date_text(outcome.closed_on),
    }


def status_text(status: Status | None) -> str | None:
    return None if status is None else status.value


def date_text(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
