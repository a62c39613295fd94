"""Posts from the initiative page: a checkpoint note, a status change; live lint.

Owners may post these on initiatives that name them as owner, so both forms
sit on the initiative page itself. A failed post shows the page again with the
input kept and the error beside the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response  # noqa: TC002 - route annotations

from boardloop.access import Action
from boardloop.web._context import company_role, page_user, render, state_of
from boardloop.web._forms import (
    DEFAULT_MAX_LENGTH,
    MAX_LENGTHS,
    FormState,
    optional_date,
    required_version,
    text_field,
)
from boardloop.web._initiative import current_fields, initiative_context
from boardloop.web._measure import MEASURE_FIELDS
from boardloop.web._posting import (
    INITIATIVE,
    Form,
    Posted,
    failure_state,
    initiative_url,
    now,
    posted,
    require_on,
    see_other,
)
from boardloop.web._preview import preview_draft

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.web._context import PageUser

__all__ = ["router"]

router = APIRouter()

CHECKPOINT_FIELDS = ("note", "on", "next_checkpoint", "reason")
STATUS_FIELDS = ("status", "reason")
# Fields of a draft that the live lint reads; any other parameter is ignored.
PREVIEW_FIELDS = (
    "key",
    "name",
    "owner_person",
    "owner_function",
    "target",
    "status",
    "program",
    "next_checkpoint",
    "progress_note",
    "control_segment",
    "notes",
    *MEASURE_FIELDS,
)


def page_again(
    request: Request,
    post: Posted,
    company: str,
    key: str,
    form_name: str,
    failed: FormState,
    status: int,
) -> HTMLResponse:
    """Show the initiative page again with one form's input and error."""
    context = initiative_context(
        state_of(request), post.user, company, key, {form_name: failed}
    )
    if failed.stale:
        failed.current = current_fields(context["initiative"])
    return render(request, "initiative.html.j2", context, status=status, user=post.user)


@router.post(INITIATIVE + "/checkpoints", response_model=None)
def checkpoint(request: Request, company: str, key: str, form: Form) -> Response:
    """Post a checkpoint note, and move the next checkpoint when one is given."""
    from boardloop import edits

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.CHECKPOINT, company, key)
    try:
        edits.post_checkpoint(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=required_version(form),
            note=text_field(form, "note"),
            on=optional_date(form, "on", "date of the review"),
            next_checkpoint=optional_date(form, "next_checkpoint", "next checkpoint"),
            reason=text_field(form, "reason"),
            at=now(),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, CHECKPOINT_FIELDS)
        return page_again(request, post, company, key, "checkpoint", failed, status)
    return see_other(initiative_url(company, key) + "#checkpoints")


@router.post(INITIATIVE + "/status", response_model=None)
def status(request: Request, company: str, key: str, form: Form) -> Response:
    """Move the initiative to another open status; closing has its own form."""
    from boardloop import edits

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.STATUS, company, key)
    try:
        edits.change_status(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=required_version(form),
            status=text_field(form, "status"),
            reason=text_field(form, "reason"),
            at=now(),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, STATUS_FIELDS)
        return page_again(request, post, company, key, "status", failed, status)
    return see_other(initiative_url(company, key))


@router.get("/companies/{company}/lint-preview")
def lint_preview(request: Request, company: str) -> HTMLResponse:
    """Return the htmx fragment: the draft's target in canonical words and findings."""
    user = page_user(request)
    company_role(user, company)
    return preview_fragment(request, user, company, request.query_params)


@router.post("/companies/{company}/lint-preview")
def lint_preview_post(request: Request, company: str, form: Form) -> HTMLResponse:
    """Return the same fragment for a draft sent as a form, which has no URL limit.

    The forms send their drafts this way, because notes of up to 20,000
    characters do not fit in a URL. Nothing is saved.
    """
    post = posted(request, form, company)
    values = {name: str(form[name]) for name in PREVIEW_FIELDS if name in form}
    return preview_fragment(request, post.user, company, values)


def preview_fragment(
    request: Request, user: PageUser, company: str, values: Mapping[str, str]
) -> HTMLResponse:
    """Lint the draft's fields, each cut to the length its form field allows."""
    fields = {
        name: values[name][: MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)]
        for name in PREVIEW_FIELDS
        if name in values
    }
    preview = preview_draft(state_of(request), company, fields)
    return render(request, "_preview.html.j2", {"preview": preview}, user=user)
