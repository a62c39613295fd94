"""The REST API under /api/v1: a thin face over the service functions and the store.

Besides the app factory, the package exports the session, company and cache
helpers that the web pages share with the API, so both faces sign in, resolve
dates and cache board sections the same way.
"""

from __future__ import annotations

# The shared helpers are imported before the app, because the app imports the
# web pages, which import these names while this package is still loading.
from boardloop.api._access import ApiState
from boardloop.api._cache import (
    board_section_body,
    catalog_stamp,
    company_fingerprint,
    register_snapshot,
)
from boardloop.api._common import company_workspace, resolve_as_of
from boardloop.api._routes_auth import LoginIn, sign_in
from boardloop.api._sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    CrossSiteSignInError,
    SessionRejectedError,
    SessionRequiredError,
    check_same_site,
    clear_session_cookie,
    request_session,
    set_session_cookie,
)

# isort: split
from boardloop.api._app import API_PREFIX, create_app, create_app_from_environment
from boardloop.api._settings import (
    ApiSettings,
    ServerSettingsError,
    load_settings,
)

__all__ = [
    "API_PREFIX",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "ApiSettings",
    "ApiState",
    "CrossSiteSignInError",
    "LoginIn",
    "ServerSettingsError",
    "SessionRejectedError",
    "SessionRequiredError",
    "board_section_body",
    "catalog_stamp",
    "check_same_site",
    "clear_session_cookie",
    "company_fingerprint",
    "company_workspace",
    "create_app",
    "create_app_from_environment",
    "load_settings",
    "register_snapshot",
    "request_session",
    "resolve_as_of",
    "set_session_cookie",
    "sign_in",
]
