"""Shared steps of every form post: session, CSRF, role, and failures as form states."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from boardloop.web._context import (
    PageUser,
    check_form_csrf,
    company_role,
    page_user,
    path_segment,
    require,
)
from boardloop.web._errors import PageError, not_found
from boardloop.web._forms import FormInputError, FormState, form_values

if TYPE_CHECKING:
    from boardloop.access import Action
    from boardloop.api import ApiState
    from boardloop.store import StoredInitiative

__all__ = [
    "INITIATIVE",
    "Form",
    "Posted",
    "failure_state",
    "initiative_url",
    "load",
    "now",
    "posted",
    "require_on",
    "see_other",
]

INITIATIVE = "/companies/{company}/initiatives/{key}"

logger = logging.getLogger(__name__)


async def read_form(request: Request) -> FormData:
    """Read the posted form before the route runs in its worker thread."""
    return await request.form()


Form = Annotated[FormData, Depends(read_form)]


@dataclass(frozen=True, slots=True)
class Posted:
    """A form post that passed the session and CSRF checks."""

    user: PageUser
    form: FormData


def posted(request: Request, form: FormData, company: str) -> Posted:
    """Check the session, the CSRF token and that the user has a role in `company`."""
    user = page_user(request)
    check_form_csrf(request, user, form)
    company_role(user, company)
    return Posted(user, form)


def require_on(
    state: ApiState, post: Posted, action: Action, company: str, key: str
) -> int:
    """Check `action` on one stored initiative; return its current version."""
    from boardloop.store import UnknownInitiativeError

    try:
        stored = state.workspace.store.get_initiative(company, key)
    except UnknownInitiativeError:
        raise not_found("initiative", key) from None
    require(post.user, action, company, stored.initiative.owner.person)
    return stored.version


def failure_state(
    error: Exception, form: FormData, names: tuple[str, ...]
) -> tuple[int, FormState]:
    """Turn a failed edit into the status and the form state to show again.

    A version conflict also lists the stored values, which the page reads anew,
    so the form is sent again only on top of what the reader has seen.
    """
    from boardloop.edits import EditError, PermissionDeniedError
    from boardloop.store import StaleVersionError, StoreError, UnknownInitiativeError

    state = FormState(values=form_values(form, names))
    logger.info("form post failed: %s: %s", type(error).__name__, error)
    if isinstance(error, PermissionDeniedError):
        raise PageError(403, "Not allowed", str(error)) from error
    if isinstance(error, UnknownInitiativeError):
        raise not_found("initiative", error.key) from error
    if isinstance(error, StaleVersionError):
        state.error = (
            "Nothing was saved: someone changed this initiative after you opened "
            f"the form (your form was based on version {error.expected}, it is now "
            f"at version {error.current}). Check the values stored now, then send "
            "your change again."
        )
        state.stale = True
        return 409, state
    if isinstance(error, FormInputError):
        state.error = str(error)
        return 422, state
    if isinstance(error, EditError | StoreError):
        state.error = str(error)
        return int(getattr(error, "http_status", 400)), state
    raise error


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def initiative_url(company: str, key: str) -> str:
    """Return the initiative page's path, each name quoted as one segment."""
    return f"/companies/{path_segment(company)}/initiatives/{path_segment(key)}"


def load(state: ApiState, company: str, key: str) -> StoredInitiative:
    """Return the stored initiative; a missing one is the page's 404."""
    from boardloop.store import UnknownInitiativeError

    try:
        return state.workspace.store.get_initiative(company, key)
    except UnknownInitiativeError:
        raise not_found("initiative", key) from None


def see_other(path: str) -> RedirectResponse:
    """Redirect after a successful post, so reloading does not post again."""
    return RedirectResponse(path, status_code=303)
