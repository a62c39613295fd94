"""The page that closes an initiative with its outcome.

The form carries the version it was based on, like every edit form. The
closure rules lint the draft outcome as it is typed, and once saved the outcome
changes only through the outcome correction, with a reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response  # noqa: TC002 - route annotations

from boardloop.access import Action
from boardloop.domain.model import OutcomeResult, Unit
from boardloop.web._context import company_role, page_user, render, require, state_of
from boardloop.web._forms import (
    FormInputError,
    FormState,
    optional_date,
    required_version,
    text_field,
)
from boardloop.web._initiative import current_fields
from boardloop.web._outcome_preview import closure_findings, read_movement
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
    from boardloop.domain.model import Finding
    from boardloop.store import StoredInitiative
    from boardloop.web._context import PageUser

__all__ = ["router"]

router = APIRouter()

CLOSE_FIELDS = (
    "result",
    "actual_movement",
    "actual_unit",
    "lesson",
    "closed_on",
    "reason",
)


@router.get(INITIATIVE + "/close")
def close_page(request: Request, company: str, key: str) -> HTMLResponse:
    """Show the form that closes an initiative with its outcome."""
    user = page_user(request)
    company_role(user, company)
    require(user, Action.EDIT, company)
    stored = load(state_of(request), company, key)
    return close_form(request, user, company, stored, FormState())


def close_form(
    request: Request,
    user: PageUser,
    company: str,
    stored: StoredInitiative,
    form: FormState,
    status: int = 200,
) -> HTMLResponse:
    initiative = stored.initiative
    findings: tuple[Finding, ...] = ()
    linted = initiative.is_open and bool(form.get("result"))
    if linted:
        state = state_of(request)
        findings = closure_findings(state, company, initiative.id, form.values)
    context = {
        "company": company,
        "initiative": initiative,
        "version": stored.version,
        "form": form,
        "results": [item.value for item in OutcomeResult],
        "units": [item.value for item in Unit],
        "closed": not initiative.is_open,
        "findings": findings,
        "linted": linted,
    }
    return render(request, "close.html.j2", context, status=status, user=user)


@router.post(INITIATIVE + "/close", response_model=None)
def close(request: Request, company: str, key: str, form: Form) -> Response:
    """Close the initiative with the form's outcome, based on the form's version."""
    from boardloop import edits
    from boardloop.domain.model import Outcome

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.EDIT, company, key)
    try:
        result = text_field(form, "result")
        if result not in {item.value for item in OutcomeResult}:
            raise FormInputError(
                "result",
                result,
                "pick achieved, partially-achieved, missed or abandoned",
            )
        unit = text_field(form, "actual_unit")
        if unit and unit not in {item.value for item in Unit}:
            raise FormInputError("unit", unit, "pick one of the listed units")
        movement = read_movement(
            load(state, company, key).initiative,
            {
                "actual_movement": text_field(form, "actual_movement"),
                "actual_unit": unit,
            },
        )
        outcome = Outcome(
            result=OutcomeResult(result),
            actual_movement=movement,
            actual_unit=Unit(unit) if unit else None,
            lesson=text_field(form, "lesson"),
            closed_on=optional_date(form, "closed_on", "closing date"),
        )
        edits.close_initiative(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=required_version(form),
            outcome=outcome,
            reason=text_field(form, "reason"),
            at=now(),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, CLOSE_FIELDS)
        stored = load(state, company, key)
        if failed.stale:
            failed.current = current_fields(stored.initiative)
        return close_form(request, post.user, company, stored, failed, status)
    return see_other(initiative_url(company, key))
