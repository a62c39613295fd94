"""Read routes that return files: the checkpoint calendar and CSV or XLSX exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from boardloop.access import Action
from boardloop.api._access import CurrentPrincipal, State, authorize
from boardloop.api._common import (
    AsOf,
    CompanyName,
    InvalidQueryError,
    company_workspace,
    resolve_as_of,
)
from boardloop.api._errors import NotFoundError

__all__ = ["router"]

router = APIRouter()

ExportFormat = Annotated[
    Literal["csv", "xlsx"], Query(description="csv (UTF-8 with BOM) or xlsx.")
]


def _file_response(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": disposition}
    )


@router.get(
    "/companies/{company}/calendar.ics",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {
            "description": "Next checkpoints as all-day events (RFC 5545).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def checkpoint_calendar(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    owner: Annotated[
        str | None,
        Query(description="Only this owner's checkpoints; any case.", max_length=200),
    ] = None,
) -> Response:
    """Return the open initiatives' next checkpoints as an ICS calendar."""
    from boardloop.export_service import UnknownOwnerError, make_checkpoint_calendar
    from boardloop.report import ICS_MEDIA_TYPE

    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    try:
        data = make_checkpoint_calendar(
            workspace,
            catalog=state.catalog_for(company),
            owner=owner,
            stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
    except UnknownOwnerError:
        raise NotFoundError("owner", owner or "", company) from None
    return Response(data, media_type=ICS_MEDIA_TYPE)


@router.get(
    "/companies/{company}/exports/{kind}",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {
            "description": "The register or the findings as a CSV or XLSX file.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    },
)
def export_file(
    company: CompanyName,
    kind: Literal["register", "findings"],
    principal: CurrentPrincipal,
    state: State,
    format: ExportFormat = "csv",
    as_of: AsOf = None,
) -> Response:
    """Export the register (every field import reads) or the findings at `as_of`."""
    from boardloop.export_service import export_table
    from boardloop.io import ExportError

    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    try:
        exported = export_table(
            workspace,
            kind=kind,
            output_format=format,
            catalog=state.catalog_for(company),
            as_of=resolve_as_of(as_of, workspace),
        )
    except ExportError as error:
        raise InvalidQueryError("format", format, f"{error}") from None
    return _file_response(exported.data, exported.media_type, exported.filename)
