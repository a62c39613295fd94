"""Routes that sign a browser in and out: /auth/login, /auth/logout, /auth/session."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from boardloop.api._access import State
from boardloop.api._errors import ApiError
from boardloop.api._schemas import CompanyOut, ErrorOut
from boardloop.api._sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    check_csrf,
    check_same_site,
    clear_session_cookie,
    idle_timeout,
    lifetime,
    request_session,
    set_session_cookie,
)

if TYPE_CHECKING:
    from boardloop.access import Principal
    from boardloop.api._access import ApiState
    from boardloop.store import OpenedSession

__all__ = ["SessionOut", "router"]

router = APIRouter(prefix="/auth", tags=["auth"])

JSON_TYPE = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginIn(BaseModel):
    """The sign-in body: a login and a password."""

    model_config = ConfigDict(extra="forbid")

    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    """The signed-in user, their companies and the session's CSRF token."""

    login: str
    display_name: str
    companies: list[CompanyOut]
    csrf_token: str = Field(
        description=f"Send it in the {CSRF_HEADER} header of every POST, PUT, "
        "PATCH and DELETE made with the session cookie."
    )
    expires_at: dt.datetime = Field(description="When the session ends at the latest.")
    idle_expires_at: dt.datetime = Field(
        description="When the session ends unless another request comes first."
    )


class UnsupportedMediaTypeError(ApiError):
    """A sign-in body that is neither JSON nor a form."""

    http_status = 415
    code = "unsupported_media_type"

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f"unsupported Content-Type {media_type!r} for a sign-in; send "
            f"{JSON_TYPE} or {FORM_TYPES[0]}",
            {"content_type": media_type},
        )


def error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            media_type: {"schema": LoginIn.model_json_schema()}
            for media_type in (JSON_TYPE, FORM_TYPES[0])
        },
    }
}


@router.post(
    "/login",
    openapi_extra=LOGIN_BODY,
    responses={
        400: error("A body that is not JSON."),
        401: error("Unknown login, wrong password, or a disabled user."),
        403: error("A browser sent the sign-in from a page of another site."),
        415: error("A body that is neither JSON nor a form."),
        422: error("A missing or over-long login or password."),
    },
)
async def login(request: Request, response: Response, state: State) -> SessionOut:
    """Sign in with a login and password; set the session cookie.

    Every failure gives the same 401, whichever part was wrong.
    """
    check_same_site(request)
    credentials = await read_credentials(request)
    # Checking a password runs scrypt, which is slow by design (it uses 32 MiB
    # of memory), so it runs in a worker thread and not on the event loop.
    opened = await run_in_threadpool(
        sign_in, state, credentials, request.cookies.get(SESSION_COOKIE)
    )
    request.state.principal = opened.principal.login
    set_session_cookie(response, opened.session_id, state.settings)
    response.headers["Cache-Control"] = "no-store"
    return session_out(
        opened.principal,
        opened.csrf_token,
        opened.expires_at,
        opened.created_at + idle_timeout(state.settings),
    )


@router.post(
    "/logout",
    status_code=204,
    responses={
        401: error("No session cookie, or an invalid or expired one."),
        403: error(f"A missing or wrong {CSRF_HEADER} header."),
    },
)
def logout(request: Request, state: State) -> Response:
    """End the session and clear its cookie; needs the CSRF token."""
    session = request_session(request, state)
    check_csrf(request, session)
    state.workspace.store.end_session(request.cookies[SESSION_COOKIE])
    response = Response(status_code=204)
    clear_session_cookie(response, state.settings)
    return response


@router.get(
    "/session",
    responses={401: error("No session cookie, or an invalid or expired one.")},
)
def read_session(request: Request, response: Response, state: State) -> SessionOut:
    """Return who is signed in, their companies and the session's CSRF token."""
    session = request_session(request, state)
    response.headers["Cache-Control"] = "no-store"
    return session_out(
        session.principal,
        session.csrf_token,
        session.expires_at,
        session.last_seen_at + idle_timeout(state.settings),
    )


async def read_credentials(request: Request) -> LoginIn:
    """Read the login and password from a JSON or form body."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    data: Any
    if media_type == JSON_TYPE:
        body = await request.body()
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as problem:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body",),
                        "msg": f"JSON decode error: {problem}",
                        "input": {},
                    }
                ]
            ) from None
    elif media_type in FORM_TYPES:
        form = await request.form()
        # Other fields of a form, such as its submit button, are ignored.
        data = {key: form[key] for key in ("login", "password") if key in form}
    else:
        raise UnsupportedMediaTypeError(media_type)
    try:
        return LoginIn.model_validate(data)
    except ValidationError as invalid:
        problems = invalid.errors(include_url=False, include_input=False)
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in problems]
        ) from None


def sign_in(
    state: ApiState, credentials: LoginIn, replaces: str | None
) -> OpenedSession:
    """Check the password, then open a session; both failures raise the same 401."""
    store = state.workspace.store
    principal = store.check_password(credentials.login, credentials.password)
    return store.open_session(
        principal.login,
        lifetime=lifetime(state.settings),
        idle_timeout=idle_timeout(state.settings),
        replaces=replaces,
    )


def session_out(
    principal: Principal,
    csrf_token: str,
    expires_at: dt.datetime,
    idle_expires_at: dt.datetime,
) -> SessionOut:
    return SessionOut(
        login=principal.login,
        display_name=principal.display_name,
        companies=[
            CompanyOut(name=company, role=str(role.value))
            for company, role in sorted(principal.roles.items())
        ],
        csrf_token=csrf_token,
        expires_at=expires_at,
        idle_expires_at=min(expires_at, idle_expires_at),
    )
