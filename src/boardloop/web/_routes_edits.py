"""Edit pages: add an initiative, edit its fields, revise its target.

Every form carries the version it was based on. A post based on an outdated
version saves nothing and shows the form again with the stored values, so no
change is ever silently overwritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response  # noqa: TC002 - route annotations

from boardloop.access import Action
from boardloop.domain.model import Status
from boardloop.web._context import company_role, page_user, render, require, state_of
from boardloop.web._forms import (
    FormState,
    optional_date,
    required_version,
    text_field,
)
from boardloop.web._initiative import current_fields
from boardloop.web._measure import (
    MEASURE_FIELDS,
    baseline_change,
    measure_changes,
    measure_values,
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
from boardloop.web._preview import preview_draft

if TYPE_CHECKING:
    from starlette.datastructures import FormData

    from boardloop.store import StoredInitiative
    from boardloop.web._context import PageUser

__all__ = ["router"]

router = APIRouter()

NEW_FIELDS = (
    "name",
    "key",
    "owner_person",
    "owner_function",
    "target",
    "status",
    "program",
    "next_checkpoint",
    "notes",
    "control_segment",
    *MEASURE_FIELDS,
    "reason",
)
EDIT_FIELDS = (
    "name",
    "owner_person",
    "owner_function",
    "program",
    "next_checkpoint",
    "progress_note",
    "control_segment",
    "notes",
    *MEASURE_FIELDS,
    "reason",
)
TARGET_FIELDS = ("target", "reason")
OPEN_STATUSES = tuple(status.value for status in Status if status is not Status.CLOSED)


# --- add an initiative --------------------------------------------------------------


@router.get("/companies/{company}/initiatives/new")
def new_page(request: Request, company: str) -> HTMLResponse:
    """Show the form that adds an initiative."""
    user = page_user(request)
    company_role(user, company)
    require(user, Action.EDIT, company)
    return new_form(request, user, company, FormState(values={"status": "planned"}))


def new_form(
    request: Request,
    user: PageUser,
    company: str,
    form: FormState,
    status: int = 200,
) -> HTMLResponse:
    preview = None
    if form.get("target").strip():
        preview = preview_draft(state_of(request), company, form.values)
    context = {
        "company": company,
        "form": form,
        "statuses": OPEN_STATUSES,
        "preview": preview,
    }
    return render(request, "new.html.j2", context, status=status, user=user)


@router.post("/companies/{company}/initiatives", response_model=None)
def create(request: Request, company: str, form: Form) -> Response:
    """Add an initiative from the form and show its page."""
    from boardloop import edits
    from boardloop.io._fields import slugify

    post = posted(request, form, company)
    require(post.user, Action.EDIT, company)
    state = state_of(request)
    try:
        name = text_field(form, "name")
        key = text_field(form, "key").strip() or slugify(name.strip())
        draft = edits.InitiativeDraft(
            name=name,
            key=key,
            owner_person=text_field(form, "owner_person"),
            owner_function=text_field(form, "owner_function"),
            target=text_field(form, "target"),
            status=text_field(form, "status") or Status.PLANNED,
            program=text_field(form, "program"),
            next_checkpoint=optional_date(form, "next_checkpoint", "next checkpoint"),
            notes=text_field(form, "notes"),
            control_segment=text_field(form, "control_segment"),
            baseline=baseline_change(measure_texts(form)),
            guardrails=text_field(form, "guardrails"),
            attribution=text_field(form, "attribution"),
        )
        edits.create_initiative(
            state.workspace.store,
            post.user.principal,
            company,
            draft,
            reason=text_field(form, "reason"),
            at=now(),
            catalog=state.catalog_for(company),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, NEW_FIELDS)
        return new_form(request, post.user, company, failed, status)
    return see_other(initiative_url(company, key))


# --- edit fields and revise the target ------------------------------------------------


def field_values(stored: StoredInitiative) -> dict[str, str]:
    """Return the stored values as the edit form's text fields."""
    item = stored.initiative
    checkpoint = item.next_checkpoint
    return {
        "name": item.name,
        "owner_person": item.owner.person or "",
        "owner_function": item.owner.function or "",
        "program": item.program or "",
        "next_checkpoint": checkpoint.isoformat() if checkpoint else "",
        "progress_note": item.progress_note or "",
        "control_segment": item.control_segment or "",
        "notes": item.notes,
        **measure_values(item),
        "reason": "",
    }


def measure_texts(form: FormData) -> dict[str, str]:
    """Read the baseline, guardrail and attribution fields; over-long text raises."""
    return {name: text_field(form, name) for name in MEASURE_FIELDS}


@router.get(INITIATIVE + "/edit")
def edit_page(request: Request, company: str, key: str) -> HTMLResponse:
    """Show the forms that edit an initiative's fields and revise its target."""
    user = page_user(request)
    company_role(user, company)
    require(user, Action.EDIT, company)
    stored = load(state_of(request), company, key)
    fields = FormState(values=field_values(stored))
    target = FormState(values={"target": stored.initiative.target.text})
    return edit_form(request, user, company, stored, fields, target)


def edit_form(
    request: Request,
    user: PageUser,
    company: str,
    stored: StoredInitiative,
    fields: FormState,
    target: FormState,
    status: int = 200,
) -> HTMLResponse:
    state = state_of(request)
    preview_fields = {
        **{name: value for name, value in fields.values.items() if name != "reason"},
        "key": stored.initiative.id,
        "target": target.get("target"),
    }
    context: dict[str, Any] = {
        "company": company,
        "initiative": stored.initiative,
        "version": stored.version,
        "fields": fields,
        "target": target,
        "preview": preview_draft(state, company, preview_fields),
        "closed": not stored.initiative.is_open,
    }
    return render(request, "edit.html.j2", context, status=status, user=user)


@router.post(INITIATIVE + "/edit", response_model=None)
def update(request: Request, company: str, key: str, form: Form) -> Response:
    """Save the edited fields, based on the form's version."""
    from boardloop import edits

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.EDIT, company, key)
    try:
        version = required_version(form)
        changes: dict[str, object] = {
            name: text_field(form, name)
            for name in EDIT_FIELDS
            if name not in ("reason", "next_checkpoint", *MEASURE_FIELDS)
        }
        changes["next_checkpoint"] = optional_date(
            form, "next_checkpoint", "next checkpoint"
        )
        changes.update(measure_changes(measure_texts(form)))
        edits.update_fields(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=version,
            changes=changes,
            reason=text_field(form, "reason"),
            at=now(),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, EDIT_FIELDS)
        stored = load(state, company, key)
        if failed.stale:
            failed.current = current_fields(stored.initiative)
        target = FormState(values={"target": stored.initiative.target.text})
        return edit_form(request, post.user, company, stored, failed, target, status)
    return see_other(initiative_url(company, key))


@router.post(INITIATIVE + "/target", response_model=None)
def revise(request: Request, company: str, key: str, form: Form) -> Response:
    """Revise the target phrase, based on the form's version; a reason is required."""
    from boardloop import edits

    post = posted(request, form, company)
    state = state_of(request)
    require_on(state, post, Action.EDIT, company, key)
    try:
        edits.revise_target(
            state.workspace.store,
            post.user.principal,
            company,
            key,
            expected_version=required_version(form),
            target=text_field(form, "target"),
            reason=text_field(form, "reason"),
            at=now(),
            catalog=state.catalog_for(company),
        )
    except Exception as error:  # failure_state re-raises what it does not know
        status, failed = failure_state(error, form, TARGET_FIELDS)
        stored = load(state, company, key)
        if failed.stale:
            failed.current = current_fields(stored.initiative)
        fields = FormState(values=field_values(stored))
        return edit_form(request, post.user, company, stored, fields, failed, status)
    return see_other(initiative_url(company, key))
