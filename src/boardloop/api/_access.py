"""The caller and their permissions: the bearer token or session, and the check.

Every route takes the principal from `current_principal` and calls `authorize`
before it reads or writes. A company the caller has no role in gets the same
404 as a company that does not exist, so no response confirms that another
company's data is there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from boardloop.access import Action, Principal, Role, Scope, may
from boardloop.api._errors import (
    CatalogPinUnavailableError,
    ForbiddenError,
    NotFoundError,
    UnauthenticatedError,
)
from boardloop.api._sessions import SESSION_COOKIE, check_csrf, request_session

if TYPE_CHECKING:
    from boardloop.api._settings import ApiSettings
    from boardloop.catalog import Catalog, PinnedCatalogs
    from boardloop.store import Workspace

__all__ = [
    "ApiState",
    "CurrentPrincipal",
    "State",
    "authorize",
    "current_principal",
    "get_state",
]

bearer = HTTPBearer(auto_error=False, description="An API token: Bearer blt_...")


@dataclass(frozen=True, slots=True)
class ApiState:
    """Shared state of one app: its settings, workspace and catalogs read at start."""

    settings: ApiSettings
    workspace: Workspace
    catalogs: PinnedCatalogs

    def catalog_for(self, company: str) -> Catalog:
        """Return the catalog of the company's pin, read from its stored settings.

        A company without a pin, or not in the database, gets the workspace's
        catalog. A pin that no available catalog has raises
        `CatalogPinUnavailableError` (409).
        """
        from boardloop.catalog import CatalogPinError
        from boardloop.service import company_catalog_pin

        pin = company_catalog_pin(self.workspace.store, company)
        try:
            return self.catalogs.select(company, pin)
        except CatalogPinError as error:
            raise CatalogPinUnavailableError(
                company, error.pin, error.available
            ) from None


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.boardloop
    return state


State = Annotated[ApiState, Depends(get_state)]


def current_principal(
    request: Request,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Verify the bearer token or session cookie and return who acts through it.

    A request without an Authorization header but with the session cookie is
    the signed-in user's, and an unsafe one needs the session's CSRF token. Any
    Authorization header means a bearer token. Another scheme and an unknown,
    revoked or expired token all raise the same `UnauthenticatedError`, and the
    store logs which it was.
    """
    if "authorization" not in request.headers and SESSION_COOKIE in request.cookies:
        session = request_session(request, state)
        check_csrf(request, session)
        return session.principal
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthenticatedError
    from boardloop.store import InvalidTokenError

    try:
        principal = state.workspace.store.verify_token(
            credentials.credentials, at=dt.datetime.now(dt.UTC)
        )
    except InvalidTokenError:
        raise UnauthenticatedError from None
    request.state.principal = principal.login
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def authorize(
    principal: Principal,
    action: Action,
    company: str,
    *,
    owner: str | None = None,
) -> Role:
    """Return the principal's role in `company`, or raise when `may` returns False.

    A company the principal has no role in raises `NotFoundError`, exactly as a
    missing company would. `owner` is the owner of the initiative acted on.
    """
    role = principal.role_in(company)
    if role is None:
        raise NotFoundError("company", company)
    if may(principal, action, company, owner=owner):
        return role
    raise ForbiddenError(
        str(action.value), company, refusal_reason(principal, action, role)
    )


def refusal_reason(principal: Principal, action: Action, role: Role) -> str:
    """Explain why `may` rejected the action, for the 403 message."""
    # The same role without token scopes, acting on its own initiative, shows
    # whether the role itself allows the action.
    bare = Principal(principal.login, principal.display_name, {"": role})
    if not may(bare, action, "", owner=principal.display_name):
        return f"role {role.value!r} does not allow {action.value!r}"
    if principal.scopes is not None and Scope.WRITE not in principal.scopes:
        return "the API token has only the read scope; use a token with write"
    return (
        f"role {role.value!r} may only change initiatives that name "
        f"{principal.display_name!r} as owner"
    )
