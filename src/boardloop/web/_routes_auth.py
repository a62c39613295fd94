"""The sign-in page and sign-out, over the API's sign-in sessions."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from boardloop.api import (
    SESSION_COOKIE,
    CrossSiteSignInError,
    LoginIn,
    check_same_site,
    clear_session_cookie,
    set_session_cookie,
    sign_in,
)
from boardloop.web._context import check_form_csrf, page_user, render, state_of
from boardloop.web._posting import Form  # noqa: TC001 - a route annotation

__all__ = ["router", "safe_next"]

logger = logging.getLogger(__name__)

router = APIRouter()

MAX_LOGIN = 200
MAX_PASSWORD = 1024


def safe_next(value: str | None) -> str:
    """Return `value` when it is a path of this site, else the portfolio page.

    A value such as "//evil.example" or "https://..." would send the browser to
    another site after signing in, so only a single leading slash passes.
    """
    if (
        not value
        or not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or any(ord(char) < 32 for char in value)
    ):
        return "/"
    return value


@router.get("/sign-in")
def sign_in_page(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    """Show the sign-in form."""
    return render(
        request,
        "sign_in.html.j2",
        {"next": safe_next(next), "login": "", "message": None},
    )


@router.post("/sign-in", response_model=None)
async def sign_in_form(request: Request) -> Response:
    """Check the login and password of the form; set the session cookie and go on."""
    form = await request.form()
    login = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")))

    def failed(status: int, message: str) -> HTMLResponse:
        context = {"next": next_path, "login": login, "message": message}
        return render(request, "sign_in.html.j2", context, status=status)

    try:
        check_same_site(request)
    except CrossSiteSignInError as error:
        logger.warning("sign-in as %r rejected: %s", login, error)
        return failed(403, "sign-in rejected: it came from a page of another site")
    if not login or not password:
        return failed(422, "enter both your login and your password")
    if len(login) > MAX_LOGIN or len(password) > MAX_PASSWORD:
        return failed(422, "invalid login or password")

    from boardloop.store import InvalidCredentialsError

    state = state_of(request)
    credentials = LoginIn(login=login, password=password)
    try:
        # scrypt is slow by design, so it runs off the event loop.
        opened = await run_in_threadpool(
            sign_in, state, credentials, request.cookies.get(SESSION_COOKIE)
        )
    except InvalidCredentialsError:
        return failed(401, "invalid login or password")
    request.state.principal = opened.principal.login
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, opened.session_id, state.settings)
    return response


@router.post("/sign-out")
def sign_out(request: Request, form: Form) -> RedirectResponse:
    """End the session, clear its cookie and show the sign-in page."""
    user = page_user(request)
    check_form_csrf(request, user, form)
    state = state_of(request)
    state.workspace.store.end_session(request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(response, state.settings)
    return response
