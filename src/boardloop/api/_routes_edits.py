"""Write routes: create, update, status, checkpoint, close, outcome correction, target.

Every change to an existing initiative needs If-Match with the ETag it is based
on. Without it the response is 428, and with an outdated one 409 with the
current version in the details, so no change is silently overwritten. The edit
operations check the version again inside their transaction, which catches a
writer that saved in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Response

from boardloop.access import Action, Principal
from boardloop.api._access import CurrentPrincipal, State, authorize
from boardloop.api._common import API_PREFIX, CompanyName, InitiativeKey, load_stored
from boardloop.api._requests import (
    CheckpointIn,
    CloseIn,
    CreateInitiativeIn,
    OutcomeCorrectionIn,
    ReviseTargetIn,
    StatusChangeIn,
    UpdateInitiativeIn,
)
from boardloop.api._schemas import ErrorOut, InitiativeOut
from boardloop.api._versions import ETAG_HEADER, etag_of, expected_version
from boardloop.api._views import initiative_out
from boardloop.domain.model import Outcome
from boardloop.io._fields import slugify
from boardloop.store import Store, StoredInitiative

__all__ = ["router"]

router = APIRouter(tags=["edits"])

IfMatch = Annotated[
    str | None,
    Header(description='ETag of the version the change is based on, such as "3".'),
]

# An edit operation with everything but the version already bound. It returns
# the initiative as it wrote it.
Edit = Callable[[Store, Principal, int, dt.datetime], StoredInitiative]

WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"headers": ETAG_HEADER},
    409: {"model": ErrorOut, "description": "Version conflict or invalid state."},
    428: {"model": ErrorOut, "description": "If-Match header missing."},
}
INITIATIVE = "/companies/{company}/initiatives/{key}"


@router.post(
    "/companies/{company}/initiatives",
    status_code=201,
    responses={
        201: {"headers": ETAG_HEADER},
        409: {"model": ErrorOut, "description": "The id is taken."},
    },
)
def create_initiative(
    company: CompanyName,
    body: CreateInitiativeIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> InitiativeOut:
    """Add an initiative to the register; the response has its ETag and Location."""
    from boardloop import edits

    authorize(principal, Action.EDIT, company)
    # The key is derived here, as the edit operation would derive it, so that
    # the response can name the initiative it created.
    key = body.key.strip() if body.key is not None else slugify(body.name.strip())
    draft = edits.InitiativeDraft(
        name=body.name,
        key=key,
        owner_person=body.owner_person,
        owner_function=body.owner_function,
        target=body.target,
        status=body.status,
        program=body.program,
        next_checkpoint=body.next_checkpoint,
        notes=body.notes,
        control_segment=body.control_segment,
        baseline=None if body.baseline is None else body.baseline.model_dump(),
        guardrails=body.guardrails,
        attribution=body.attribution,
    )
    created = edits.create_initiative(
        state.workspace.store,
        principal,
        company,
        draft,
        reason=body.reason,
        at=now(),
        catalog=state.catalog_for(company),
    )
    response.headers["Location"] = (
        f"{API_PREFIX}/companies/{quote(company, safe='')}/initiatives/"
        f"{quote(key, safe='')}"
    )
    return saved_initiative(state, company, created, response)


@router.patch(INITIATIVE, responses=WRITE_RESPONSES)
def update_initiative(
    company: CompanyName,
    key: InitiativeKey,
    body: UpdateInitiativeIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Change some fields of an initiative; fields left out keep their values."""
    from boardloop import edits

    changes = body.model_dump(exclude_unset=True, exclude={"reason"})

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.update_fields(
            store,
            actor,
            company,
            key,
            expected_version=version,
            changes=changes,
            reason=body.reason,
            at=at,
        )

    return run_edit(
        state, principal, company, key, Action.EDIT, if_match, edit, response
    )


@router.post(f"{INITIATIVE}/status", responses=WRITE_RESPONSES)
def change_status(
    company: CompanyName,
    key: InitiativeKey,
    body: StatusChangeIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Move an initiative to another status; owners may do this on their own."""
    from boardloop import edits

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.change_status(
            store,
            actor,
            company,
            key,
            expected_version=version,
            status=body.status,
            reason=body.reason,
            at=at,
        )

    return run_edit(
        state, principal, company, key, Action.STATUS, if_match, edit, response
    )


@router.post(f"{INITIATIVE}/checkpoints", responses=WRITE_RESPONSES)
def post_checkpoint(
    company: CompanyName,
    key: InitiativeKey,
    body: CheckpointIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Record a checkpoint note, and move the next checkpoint date when given."""
    from boardloop import edits

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.post_checkpoint(
            store,
            actor,
            company,
            key,
            expected_version=version,
            note=body.note,
            on=body.on,
            next_checkpoint=body.next_checkpoint,
            reason=body.reason,
            at=at,
        )

    return run_edit(
        state, principal, company, key, Action.CHECKPOINT, if_match, edit, response
    )


@router.post(f"{INITIATIVE}/close", responses=WRITE_RESPONSES)
def close_initiative(
    company: CompanyName,
    key: InitiativeKey,
    body: CloseIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Close an initiative with its outcome: result, actual movement and lesson."""
    from boardloop import edits

    outcome = Outcome(
        result=body.result,
        actual_movement=body.actual_movement,
        actual_unit=body.actual_unit,
        lesson=body.lesson,
        closed_on=body.closed_on,
    )

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.close_initiative(
            store,
            actor,
            company,
            key,
            expected_version=version,
            outcome=outcome,
            reason=body.reason,
            at=at,
        )

    return run_edit(
        state, principal, company, key, Action.EDIT, if_match, edit, response
    )


@router.post(f"{INITIATIVE}/outcome-correction", responses=WRITE_RESPONSES)
def correct_outcome(
    company: CompanyName,
    key: InitiativeKey,
    body: OutcomeCorrectionIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Correct a closed initiative's result, movement and lesson, with a reason.

    The target, the unit and the closing date stay as closed. A closed
    initiative without an outcome gets its outcome recorded here, with the
    target's unit, dated the day its history records the close (the day of the
    request when the history has none). An open initiative gets 409
    (`not_closed`).
    """
    from boardloop import edits

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.correct_outcome(
            store,
            actor,
            company,
            key,
            expected_version=version,
            result=body.result,
            actual_movement=body.actual_movement,
            lesson=body.lesson,
            reason=body.reason,
            at=at,
        )

    return run_edit(
        state, principal, company, key, Action.EDIT, if_match, edit, response
    )


@router.post(f"{INITIATIVE}/target", responses=WRITE_RESPONSES)
def revise_target(
    company: CompanyName,
    key: InitiativeKey,
    body: ReviseTargetIn,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    if_match: IfMatch = None,
) -> InitiativeOut:
    """Revise an initiative's target; the history keeps the previous phrase."""
    from boardloop import edits

    def edit(
        store: Store, actor: Principal, version: int, at: dt.datetime
    ) -> StoredInitiative:
        return edits.revise_target(
            store,
            actor,
            company,
            key,
            expected_version=version,
            target=body.target,
            reason=body.reason,
            at=at,
            catalog=state.catalog_for(company),
        )

    return run_edit(
        state, principal, company, key, Action.EDIT, if_match, edit, response
    )


def run_edit(
    state: State,
    principal: Principal,
    company: str,
    key: str,
    action: Action,
    if_match: str | None,
    edit: Edit,
    response: Response,
) -> InitiativeOut:
    """Check access and If-Match, run the edit, and return what it wrote.

    The order of the checks decides which failure a caller sees first: a
    company they may not see (404), a missing initiative (404), a role that does
    not allow the action (403), then a missing or stale If-Match (428, 409).
    """
    authorize(principal, Action.READ, company)
    stored = load_stored(state, company, key)
    authorize(principal, action, company, owner=stored.initiative.owner.person)
    version = expected_version(if_match, key)
    saved = edit(state.workspace.store, principal, version, now())
    return saved_initiative(state, company, saved, response)


def saved_initiative(
    state: State, company: str, stored: StoredInitiative, response: Response
) -> InitiativeOut:
    """Return the initiative as the edit wrote it, setting its ETag on the response.

    The edit read it inside its own transaction, so a writer that saves right
    after never makes the response show a version this edit did not write.
    """
    response.headers["ETag"] = etag_of(stored.version)
    return initiative_out(
        stored.initiative,
        version=stored.version,
        labels=state.catalog_for(company).labels(),
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
