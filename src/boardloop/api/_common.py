"""Helpers shared by the routes: query parameters, dates and stored initiatives."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Path, Query

from boardloop.api._errors import ApiError, NotFoundError
from boardloop.api._pagination import DEFAULT_LIMIT, MAX_LIMIT
from boardloop.api._settings import with_company

if TYPE_CHECKING:
    from boardloop.api._access import ApiState
    from boardloop.store import StoredInitiative, Workspace

__all__ = [
    "API_PREFIX",
    "DEFAULT_PAGE",
    "MAX_DATE",
    "MIN_DATE",
    "AsOf",
    "CompanyName",
    "Cursor",
    "InitiativeKey",
    "InvalidQueryError",
    "Limit",
    "company_workspace",
    "load_stored",
    "resolve_as_of",
    "utc_key",
    "with_ordinals",
]

API_PREFIX = "/api/v1"

# Dates a register can be judged at, as on the command line: rules add and
# subtract years around the as-of date, so the range keeps clear of the limits
# of Python's date type.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)

CompanyName = Annotated[
    str, Path(description="The company's name as stored, URL-encoded.", max_length=200)
]
InitiativeKey = Annotated[
    str, Path(description="The initiative's stable id.", max_length=200)
]
Cursor = Annotated[
    str | None,
    Query(description="next_cursor of the previous page; omit for the first page."),
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description="Maximum number of items in the page.")
]
AsOf = Annotated[
    dt.date | None,
    Query(
        description="Date the register is judged at (YYYY-MM-DD); default the "
        "workspace's report.board_date, else today."
    ),
]

DEFAULT_PAGE = DEFAULT_LIMIT


class InvalidQueryError(ApiError):
    """A query parameter that is well-formed but cannot be used."""

    http_status = 422
    code = "validation_failed"

    def __init__(self, name: str, value: object, remedy: str) -> None:
        super().__init__(
            f"invalid value {value!r} for query parameter {name}; {remedy}",
            {"parameter": name, "value": str(value)},
        )


def resolve_as_of(as_of: dt.date | None, workspace: Workspace) -> dt.date:
    """Return the as-of date: the parameter, the board date, else today."""
    day = as_of or workspace.config.board_date or dt.date.today()
    if not MIN_DATE <= day <= MAX_DATE:
        raise InvalidQueryError(
            "as_of", day.isoformat(), f"pass a date from {MIN_DATE} to {MAX_DATE}"
        )
    return day


def company_workspace(state: ApiState, company: str) -> Workspace:
    """Return the workspace as seen by one company of its database.

    The workspace's own company keeps the fiscal calendar of boardloop.toml.
    Another company of the same database uses the calendar of its stored
    settings. Its catalog is the one `ApiState.catalog_for` returns, and every
    other setting (lint, board date) is the workspace's.
    """
    workspace = state.workspace
    if company == workspace.config.company:
        return workspace
    fiscal = workspace.store.company_settings(company).fiscal
    shared = with_company(workspace, company)
    return replace(shared, config=replace(shared.config, fiscal=fiscal))


def load_stored(state: ApiState, company: str, key: str) -> StoredInitiative:
    """Return one stored initiative, or raise the API's 404."""
    from boardloop.store import UnknownInitiativeError

    try:
        return state.workspace.store.get_initiative(company, key)
    except UnknownInitiativeError:
        raise NotFoundError("initiative", key, company) from None


def utc_key(moment: dt.datetime) -> str:
    """Format a time as fixed-width UTC text, which sorts as the times do."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def with_ordinals(keys: list[Any]) -> list[list[Any]]:
    """Append to each key how many equal keys come before it, making keys unique."""
    seen: dict[str, int] = {}
    unique: list[list[Any]] = []
    for key in keys:
        marker = repr(key)
        ordinal = seen.get(marker, 0)
        seen[marker] = ordinal + 1
        unique.append([*key, ordinal])
    return unique
