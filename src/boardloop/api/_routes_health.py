"""Health checks for the process manager and the load balancer."""

from __future__ import annotations

import functools
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from boardloop.api._access import State
from boardloop.api._schemas import HealthOut

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> HealthOut:
    """Return 200 while the process is up, without reading the database."""
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    responses={503: {"model": HealthOut, "description": "Not ready to serve."}},
)
def readyz(state: State) -> JSONResponse:
    """Return 200 when the database is reachable and at the latest migration."""
    from sqlalchemy.exc import SQLAlchemyError

    store = state.workspace.store
    head = head_revision()
    try:
        revision = store.revision()
    except SQLAlchemyError as error:
        logger.warning("readiness check failed: database %s unreachable", store.url)
        detail = f"database unreachable ({error.__class__.__name__})"
        return not_ready(detail)
    if revision != head:
        return not_ready(
            f"database schema is at {revision or 'no revision'}, expected {head}; "
            "run boardloop serve (it migrates), or open the workspace with any "
            "boardloop command"
        )
    return JSONResponse(HealthOut(status="ready", detail=str(head)).model_dump())


@functools.cache
def head_revision() -> str | None:
    """Return the latest migration this boardloop ships."""
    from alembic.script import ScriptDirectory

    from boardloop.store._store import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def not_ready(detail: str) -> JSONResponse:
    return JSONResponse(
        HealthOut(status="not-ready", detail=detail).model_dump(), status_code=503
    )
