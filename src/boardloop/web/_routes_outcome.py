"""The outcome correction page of a closed initiative, and the live lint of an outcome.

A closed period does not change, but a mislabeled outcome may be corrected with
a reason: the result, the actual movement and the lesson. The target, the unit
and the closing date stay as closed. The same page records the outcome of an
initiative closed without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response  # noqa: TC002 - route annotations

from boardloop.access import Action
from boardloop.domain.model import Outcome, OutcomeResult
from boardloop.web._context import company_role, page_user, render, require, state_of
from boardloop.web._forms import (
    MAX_LENGTHS,
    FormInputError,
    FormState,
    required_version,
    text_field,
)
from boardloop.web._initiative import current_fields, outcome_missing
from boardloop.web._outcome_preview import (
    OUTCOME_FIELDS,
    closure_findings,
    movement_error,
    read_movement,
)
from boardloop.web._posting import (
    INITIATIVE,
    Form,
    failure_state,
    initiative_url,
    load,
    now,
    posted,
    require_on,
    see_other,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.domain.model import Finding
    from boardloop.store import StoredInitiative
    from boardloop.web._context import PageUser

__all__ = ["outcome_result", "router"]

router = APIRouter()

CORRECTION_FIELDS = ("result", "actual_movement", "lesson", "reason")


@router.get(INITIATIVE + "/outcome")
def correction_page(request: Request, company: str, key: str) -> HTMLResponse:
    """Show the form that corrects a closed initiative's outcome."""
    user = page_user(request)
    company_role(user, company)
    require(user, Action.EDIT, company)
    stored = load(state_of(request), company, key)
    return correction_form(request, user, company, stored, stored_values(stored))


def stored_values(stored: StoredInitiative) -> FormState:
    """Return the stored outcome as the correction form's text fields."""
    outcome = stored.initiative.outcome
    if outcome is None:
        return FormState()
    movement = outcome.actual_movement
    return FormState(
        values={
            "result": "" if outcome.result is None else outcome.result.value,
            "actual_movement": "" if movement is None else f"{movement:f}",
            "lesson": outcome.lesson,
        }
    )


def correction_form(
    request: Request,
    user: PageUser,
    company: str,
    stored: StoredInitiative,
    form: FormState,
    status: int = 200,
) -> HTMLResponse:
    from boardloop.edits import closing_day

    initiative = stored.initiative
    findings: tuple[Finding, ...] = ()
    if not initiative.is_open:
        findings = closure_findings(
            state_of(request), company, initiative.id, form.values
        )
    # A missing outcome gets the target's unit and the day it closed, as the
    # save does.
    outcome = initiative.outcome or Outcome()
    unit = outcome.actual_unit or initiative.target.unit
    closed_on = outcome.closed_on or closing_day(initiative, now())
    missing = outcome_missing(initiative)
    context = {
        "company": company,
        "initiative": initiative,
        "version": stored.version,
        "form": form,
        "results": [item.value for item in OutcomeResult],
        "closed": not initiative.is_open,
        "missing": missing,
        "verb": "Record the missing outcome" if missing else "Correct the outcome",
        "unit_text": None if unit is None else unit.value,
        "closed_on_text": closed_on.isoformat(),
        "findings": findings,
    }
    return render(request, "correct.html.j2", context, status=status, user=user)


@router.post(INITIATIVE + "/outcome", response_model=None)
def correct(request: Request, company: str, key: str, form: Form) -> Response:
    """Save the corrected outcome, based on the form's version; a reason is required."""
    from boardloop import edits

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.EDIT, company, key)
    try:
        movement = read_movement(
            load(state, company, key).initiative,
            {"actual_movement": text_field(form, "actual_movement")},
        )
        edits.correct_outcome(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=required_version(form),
            result=outcome_result(text_field(form, "result")),
            actual_movement=movement,
            lesson=text_field(form, "lesson"),
            reason=text_field(form, "reason"),
            at=now(),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, CORRECTION_FIELDS)
        stored = load(state, company, key)
        if failed.stale:
            failed.current = current_fields(stored.initiative)
        return correction_form(request, post.user, company, stored, failed, status)
    return see_other(initiative_url(company, key))


def outcome_result(text: str) -> OutcomeResult:
    """Read the result field; anything but a listed result raises."""
    if text not in {item.value for item in OutcomeResult}:
        raise FormInputError(
            "result", text, "pick achieved, partially-achieved, missed or abandoned"
        )
    return OutcomeResult(text)


# --- live lint of a draft outcome ---------------------------------------------------


@router.get(INITIATIVE + "/outcome-preview")
def outcome_preview(request: Request, company: str, key: str) -> HTMLResponse:
    """Return the htmx fragment: the closure findings of the draft outcome."""
    user = page_user(request)
    company_role(user, company)
    load(state_of(request), company, key)
    return outcome_fragment(request, user, company, key, request.query_params)


@router.post(INITIATIVE + "/outcome-preview")
def outcome_preview_post(
    request: Request, company: str, key: str, form: Form
) -> HTMLResponse:
    """Return the same fragment for a draft outcome sent as a form; nothing is saved."""
    post = posted(request, form, company)
    load(state_of(request), company, key)
    values = {name: str(form[name]) for name in OUTCOME_FIELDS if name in form}
    return outcome_fragment(request, post.user, company, key, values)


def outcome_fragment(
    request: Request,
    user: PageUser,
    company: str,
    key: str,
    values: Mapping[str, str],
) -> HTMLResponse:
    fields = {
        name: values[name][: MAX_LENGTHS.get(name, 200)]
        for name in OUTCOME_FIELDS
        if name in values
    }
    state = state_of(request)
    initiative = load(state, company, key).initiative
    context = {
        "findings": closure_findings(state, company, key, fields),
        "input_error": movement_error(initiative, fields),
    }
    return render(request, "_outcome_preview.html.j2", context, user=user)
