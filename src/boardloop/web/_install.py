"""Mount the pages, their static files and their error handlers on the app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from boardloop.api import clear_session_cookie
from boardloop.api._common import API_PREFIX
from boardloop.api._errors import CatalogPinUnavailableError, error_response
from boardloop.web._context import page_user, render, state_of
from boardloop.web._errors import PageError, SignInRequiredError
from boardloop.web._routes_actions import router as actions_router
from boardloop.web._routes_auth import router as auth_router
from boardloop.web._routes_close import router as close_router
from boardloop.web._routes_downloads import router as downloads_router
from boardloop.web._routes_edits import router as edits_router
from boardloop.web._routes_outcome import router as outcome_router
from boardloop.web._routes_pages import router as pages_router

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse

__all__ = ["STATIC_PREFIX", "install_web"]

logger = logging.getLogger(__name__)

STATIC_PREFIX = "/static"
STATIC_DIR = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """Add the pages, /static and the handlers that render page errors as HTML."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")
    # The edit routes come first: "/initiatives/new" is not an initiative id.
    routers = (
        auth_router,
        edits_router,
        close_router,
        outcome_router,
        actions_router,
        downloads_router,
        pages_router,
    )
    for router in routers:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(SignInRequiredError, sign_in_redirect)
    app.add_exception_handler(PageError, error_page)
    app.add_exception_handler(CatalogPinUnavailableError, catalog_pin_error)


async def sign_in_redirect(request: Request, error: Exception) -> Response:
    """Redirect to the sign-in page, which sends the browser back after signing in."""
    assert isinstance(error, SignInRequiredError)
    query = urlencode({"next": error.next_path})
    response: Response
    if request.headers.get("hx-request") == "true":
        # htmx would swap the sign-in page into the fragment's box; HX-Redirect
        # makes it load the sign-in page as the whole page instead.
        response = Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
    else:
        response = RedirectResponse(f"/sign-in?{query}", status_code=303)
    if error.clear_cookie:
        clear_session_cookie(response, state_of(request).settings)
    return response


async def catalog_pin_error(request: Request, error: Exception) -> Response:
    """Render an unavailable catalog pin as a page, or as JSON under the API."""
    if request.url.path.startswith(API_PREFIX + "/"):
        return await error_response(request, error)
    assert isinstance(error, CatalogPinUnavailableError)
    logger.warning("page %s not served: %s", request.url.path, error.message)
    page = PageError(error.http_status, "Catalog version not available", error.message)
    return await error_page(request, page)


async def error_page(request: Request, error: Exception) -> HTMLResponse:
    """Render a failed page request as an HTML page naming what failed."""
    assert isinstance(error, PageError)
    try:
        user = page_user(request)
    except SignInRequiredError:
        user = None
    context = {"title": error.title, "message": error.message}
    return render(request, "error.html.j2", context, status=error.status, user=user)
