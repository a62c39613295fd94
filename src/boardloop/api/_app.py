"""The app factory: one FastAPI app over one workspace and its store."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from boardloop.api._access import ApiState
from boardloop.api._common import API_PREFIX
from boardloop.api._errors import install_error_handlers
from boardloop.api._middleware import RequestMiddleware
from boardloop.api._routes_auth import router as auth_router
from boardloop.api._routes_edits import router as edits_router
from boardloop.api._routes_exports import router as exports_router
from boardloop.api._routes_health import router as health_router
from boardloop.api._routes_register import router as register_router
from boardloop.api._routes_reports import router as reports_router
from boardloop.api._schemas import ErrorOut
from boardloop.api._sessions import install_session_errors
from boardloop.api._settings import ApiSettings, load_settings, open_api_workspace
from boardloop.web import install_web

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["API_PREFIX", "create_app", "create_app_from_environment"]

logger = logging.getLogger(__name__)

# Every route may respond with these; the OpenAPI document lists them once each.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (400, "Invalid request or cursor."),
        (401, "Missing, invalid or expired bearer token or session."),
        (403, "The role or token scope does not allow this, or no CSRF token."),
        (404, "Not found, or not visible to the caller."),
        (413, "Request body over the size limit."),
        (422, "Invalid parameter or body."),
        (500, "Unexpected error; the request id finds it in the log."),
    )
}


def create_app(settings: ApiSettings) -> FastAPI:
    """Create the REST API app over the settings' workspace.

    The workspace is opened here and its store closed when the app shuts down.
    The catalogs are read once, so a change to the catalog file needs a
    restart. Each request reads its company's pin, so a changed pin does not.
    """
    from boardloop.catalog import PinnedCatalogs

    workspace = open_api_workspace(settings)
    try:
        catalogs = PinnedCatalogs(workspace.catalog_path)
    except Exception:
        workspace.close()
        raise
    state = ApiState(settings=settings, workspace=workspace, catalogs=catalogs)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info(
            "serving workspace %s, database %s", workspace.root, workspace.store.url
        )
        yield
        workspace.close()
        logger.info("stopped serving workspace %s", workspace.root)

    app = FastAPI(
        title="boardloop",
        summary="The register of customer-success initiatives, its lint, "
        "measurements and board section.",
        version=package_version(),
        openapi_url=f"{API_PREFIX}/openapi.json",
        # FastAPI's documentation pages load scripts from a public CDN, which a
        # self-hosted server should not make its users fetch.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.boardloop = state
    install_error_handlers(app)
    install_session_errors(app)
    app.add_middleware(RequestMiddleware, max_body_bytes=settings.max_body_bytes)
    app.include_router(health_router)
    app.include_router(auth_router)
    routers = (register_router, edits_router, reports_router, exports_router)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    install_web(app)
    return app


def create_app_from_environment() -> FastAPI:
    """Create the app from the environment, as each `boardloop serve` worker does."""
    return create_app(load_settings())


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boardloop")
    except PackageNotFoundError:
        return "0.0.0"
