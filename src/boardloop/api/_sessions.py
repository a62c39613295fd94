"""Sign-in sessions of the API: the session cookie, its checks and CSRF.

A browser that signed in at `/auth/login` keeps the session id in the
`boardloop_session` cookie. Routes under /api/v1 accept that cookie in place of
a bearer token. The cookie is sent by the browser on its own, so every unsafe
request made with it must also carry the session's CSRF token in the
X-CSRF-Token header, which a page of another site cannot read or set.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import TYPE_CHECKING

from boardloop.api._errors import ApiError, error_response

if TYPE_CHECKING:
    from fastapi import FastAPI, Request, Response
    from fastapi.responses import JSONResponse

    from boardloop.api._access import ApiState
    from boardloop.api._settings import ApiSettings
    from boardloop.store import ActiveSession

__all__ = [
    "CSRF_HEADER",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "CrossSiteSignInError",
    "CsrfFailedError",
    "SessionRejectedError",
    "SessionRequiredError",
    "check_csrf",
    "check_same_site",
    "clear_session_cookie",
    "idle_timeout",
    "install_session_errors",
    "lifetime",
    "request_session",
    "set_session_cookie",
]

logger = logging.getLogger(__name__)

SESSION_COOKIE = "boardloop_session"
CSRF_HEADER = "X-CSRF-Token"
# Methods that change nothing, so a cross-site request with them does no harm.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SessionRejectedError(ApiError):
    """A session cookie that is malformed, unknown, expired or idle.

    Its response also clears the cookie, so the browser stops sending it.
    """

    http_status = 401
    code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__(
            "invalid or expired session; sign in again at POST /auth/login, or "
            "send 'Authorization: Bearer <token>' with an API token",
        )


class SessionRequiredError(ApiError):
    """A request to a session route without the session cookie."""

    http_status = 401
    code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("not signed in; sign in at POST /auth/login to get a session")


class CsrfFailedError(ApiError):
    """An unsafe request made with the session cookie but without its CSRF token."""

    http_status = 403
    code = "csrf_failed"

    def __init__(self, method: str, problem: str) -> None:
        super().__init__(
            f"{method} with the session cookie needs the session's CSRF token: "
            f"{problem}; send the csrf_token of GET /auth/session in the "
            f"{CSRF_HEADER} header",
            {"method": method, "header": CSRF_HEADER},
        )


class CrossSiteSignInError(ApiError):
    """A sign-in posted by a page of another site, which browsers mark as such."""

    http_status = 403
    code = "csrf_failed"

    def __init__(self, fetch_site: str) -> None:
        super().__init__(
            f"sign-in rejected: the browser marked it as sent by a page of another "
            f"site (Sec-Fetch-Site: {fetch_site}); sign in from boardloop's own "
            "pages or from a program that is not a browser",
            {"sec_fetch_site": fetch_site},
        )


def lifetime(settings: ApiSettings) -> dt.timedelta:
    """Return how long a session lasts at most."""
    return dt.timedelta(minutes=settings.session_lifetime_minutes)


def idle_timeout(settings: ApiSettings) -> dt.timedelta:
    """Return how long a session lasts without a request."""
    return dt.timedelta(minutes=settings.session_idle_minutes)


def request_session(request: Request, state: ApiState) -> ActiveSession:
    """Verify the request's session cookie with the store and return its session.

    A missing cookie raises `SessionRequiredError`; a cookie the store rejects
    raises `SessionRejectedError`, whose response clears the cookie.
    """
    from boardloop.store import InvalidSessionError

    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise SessionRequiredError
    try:
        session = state.workspace.store.verify_session(
            session_id, idle_timeout=idle_timeout(state.settings)
        )
    except InvalidSessionError:
        raise SessionRejectedError from None
    request.state.principal = session.principal.login
    return session


def check_csrf(request: Request, session: ActiveSession) -> None:
    """Reject an unsafe request whose X-CSRF-Token is not the session's token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        problem = "the header is missing"
    elif not hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"),
        session.csrf_token.encode("utf-8"),
    ):
        problem = "the header does not match the session's token"
    else:
        return
    logger.warning(
        "%s %s with a session of %r rejected: %s",
        request.method,
        request.url.path,
        session.principal.login,
        problem,
    )
    raise CsrfFailedError(request.method, problem)


def check_same_site(request: Request) -> None:
    """Reject a sign-in that the browser marks as sent by a page of another site.

    Browsers send Sec-Fetch-Site with every request; other clients send none.
    Without this check a page of another site could sign its visitor in as the
    attacker, whose register the visitor would then edit (login CSRF).
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise CrossSiteSignInError(fetch_site)


def set_session_cookie(
    response: Response, session_id: str, settings: ApiSettings
) -> None:
    """Set the session cookie: HttpOnly, Secure, SameSite=Lax, for the whole site."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=settings.session_lifetime_minutes * 60,
        path="/",
        secure=not settings.insecure_cookies,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: ApiSettings) -> None:
    """Tell the browser to drop the session cookie, with the flags it was set with."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=not settings.insecure_cookies,
        httponly=True,
        samesite="lax",
    )


def install_session_errors(app: FastAPI) -> None:
    """Register the handler that clears the cookie of a rejected session."""

    async def rejected_session(request: Request, error: Exception) -> JSONResponse:
        response = await error_response(request, error)
        state: ApiState = request.app.state.boardloop
        clear_session_cookie(response, state.settings)
        return response

    app.add_exception_handler(SessionRejectedError, rejected_session)
