"""Shared parts of every page: the signed-in user, the CSRF check, the templates."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from boardloop.access import Action, Principal, Role, may
from boardloop.api import (
    CSRF_HEADER,
    SessionRejectedError,
    SessionRequiredError,
    request_session,
)
from boardloop.web._errors import PageError, SignInRequiredError, not_found

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fastapi import Request
    from starlette.datastructures import FormData

    from boardloop.api import ApiState

__all__ = [
    "CSRF_FIELD",
    "PAGE_CSP",
    "PageUser",
    "check_form_csrf",
    "company_role",
    "page_user",
    "render",
    "require",
    "state_of",
]

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
# Pages load only their own stylesheet and htmx; inline SVG needs no source.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class PageUser:
    """The signed-in user of a page request and their session's CSRF token."""

    principal: Principal
    csrf_token: str

    def may(self, action: Action, company: str, owner: str | None = None) -> bool:
        return may(self.principal, action, company, owner=owner)


def state_of(request: Request) -> ApiState:
    state: ApiState = request.app.state.boardloop
    return state


def page_user(request: Request) -> PageUser:
    """Return the signed-in user, or raise the redirect to the sign-in page.

    Only the session cookie signs a page request in; a bearer token does not,
    because pages post forms that rely on the session's CSRF token.
    """
    next_path = return_path(request)
    try:
        session = request_session(request, state_of(request))
    except SessionRequiredError:
        raise SignInRequiredError(next_path, clear_cookie=False) from None
    except SessionRejectedError:
        raise SignInRequiredError(next_path, clear_cookie=True) from None
    return PageUser(session.principal, session.csrf_token)


def return_path(request: Request) -> str:
    """Return the page to come back to after signing in, as a path of this site.

    A GET comes back to itself. A form post comes back to the page the form was
    on, taken from the Referer when it is of this site, because the post's own
    URL takes no GET.
    """
    if request.method == "GET":
        raw_path = request.scope.get("raw_path")
        path = (
            raw_path.decode("latin-1")
            if isinstance(raw_path, bytes)
            else quote(request.url.path)
        )
        return f"{path}?{request.url.query}" if request.url.query else path
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return f"{referer.path}?{referer.query}" if referer.query else referer.path
    return "/"


def check_form_csrf(request: Request, user: PageUser, form: FormData) -> None:
    """Reject a form post whose csrf_token field or X-CSRF-Token header is wrong.

    A plain form sends the hidden field; an htmx request sends the header.
    """
    field = form.get(CSRF_FIELD)
    sent = field if isinstance(field, str) else request.headers.get(CSRF_HEADER)
    expected = user.csrf_token.encode("utf-8")
    if sent is not None and hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"), expected
    ):
        return
    problem = "missing" if sent is None else "does not match the session's token"
    logger.warning(
        "%s %s by %r rejected: CSRF token %s",
        request.method,
        request.url.path,
        user.principal.login,
        problem,
    )
    raise PageError(
        403,
        "Form expired",
        f"the form's security token is {problem}; reload the page and send the "
        "form again",
    )


def company_role(user: PageUser, company: str) -> Role:
    """Return the user's role in `company`; a company without one is a 404."""
    role = user.principal.role_in(company)
    if role is None:
        raise not_found("company", company)
    return role


def require(
    user: PageUser, action: Action, company: str, owner: str | None = None
) -> None:
    """Raise 403 when the user's role does not allow `action`."""
    if user.may(action, company, owner):
        return
    role = user.principal.role_in(company)
    role_name = role.value if role is not None else "none"
    raise PageError(
        403,
        "Not allowed",
        f"your role {role_name!r} in {company!r} does not allow "
        f"{ACTION_WORDS[action]} this initiative; ask an admin of the company "
        "for a role that does",
    )


ACTION_WORDS = {
    Action.READ: "reading",
    Action.EDIT: "editing",
    Action.STATUS: "changing the status of",
    Action.CHECKPOINT: "posting a checkpoint on",
    Action.ADMIN: "administering",
}


@cache
def environment() -> jinja2.Environment:
    # Autoescaping is on for every template, whatever its file name.
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("boardloop.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["segment"] = path_segment
    templates.filters["code_spans"] = code_spans_html
    templates.filters["form_value"] = form_value
    templates.finalize = shown
    return templates


class FormValue(str):
    """Text placed in a form field, sent back exactly as stored when the form posts."""

    __slots__ = ()


def form_value(value: object) -> object:
    """Mark text for a form field, so `shown` leaves its control characters alone."""
    return FormValue(value) if isinstance(value, str) else value


def shown(value: object) -> object:
    """Show control and bidirectional characters of page text as visible marks.

    Every `{{ }}` output passes through here before it is escaped. Form field
    values are exempt, so posting a form does not save the marks in place of
    the characters.
    """
    if isinstance(value, str) and not isinstance(value, Markup | FormValue):
        from boardloop.report import show_controls

        return show_controls(value)
    return value


def code_spans_html(text: str) -> Markup:
    """Escape a lint hint, showing its `setting` names as <code> elements."""
    from boardloop.report import code_spans

    parts = (
        Markup("<code>{}</code>").format(part) if is_code else Markup.escape(part)
        for part, is_code in code_spans(text)
    )
    return Markup("").join(parts)


def path_segment(value: str) -> str:
    """Quote a value as one URL path segment: a slash or space is escaped too."""
    return quote(value, safe="")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    user: PageUser | None = None,
) -> HTMLResponse:
    """Render a page template with the user and the CSRF token in its context."""
    body = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            user=user,
            csrf_token=user.csrf_token if user else "",
            **context,
        )
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
