"""Downloads of a company's files, and its weekly digest page.

Every role in the company may read, so every role may download: the board
section (PDF, PPTX, Markdown, JSON), the register and findings (CSV, XLSX) and
the checkpoint calendar (ICS). Each file comes from the service function the
CLI and the REST API call, at the as-of date the pages show.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from boardloop.api import board_section_body, company_workspace, resolve_as_of
from boardloop.report import MEDIA_TYPES
from boardloop.web._context import company_role, page_user, render, state_of
from boardloop.web._downloads import (
    BOARD_SECTION_FORMATS,
    CALENDAR_FILE,
    EXPORT_FORMATS,
    attachment_name,
)
from boardloop.web._errors import PageError

if TYPE_CHECKING:
    from boardloop.api import ApiState
    from boardloop.store import Workspace

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter()

# Maximum length of an owner name, in characters, as in the REST API's route.
MAX_OWNER = 200


@router.get("/companies/{company}/downloads/{filename}")
def download(request: Request, company: str, filename: str) -> Response:
    """Send one of the company's files as an attachment. An unknown file is a 404."""
    user = page_user(request)
    company_role(user, company)
    state = state_of(request)
    workspace = company_workspace(state, company)
    stem, _, extension = filename.rpartition(".")

    if stem == "board-section" and extension in BOARD_SECTION_FORMATS:
        output_format = BOARD_SECTION_FORMATS[extension]
        return board_section_file(state, workspace, company, output_format)
    if stem in ("register", "findings") and extension in EXPORT_FORMATS:
        return export_file(state, workspace, company, stem, extension)
    if filename == CALENDAR_FILE:
        owner = request.query_params.get("owner")
        return calendar_file(request, state, workspace, company, owner)
    raise PageError(
        404,
        "Not found",
        f"no download named {filename!r}; pick one from the company's register page",
    )


def attachment(data: bytes, media_type: str, name: str) -> Response:
    """Wrap a file in a response that the browser saves as `name`."""
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=media_type, headers=headers)


def board_section_file(
    state: ApiState, workspace: Workspace, company: str, output_format: str
) -> Response:
    """Render the board section, drawing the PDF and PPTX with the [brand] logo."""
    from boardloop.report import BINARY_RENDERERS
    from boardloop.service import load_brand
    from boardloop.store import ConfigError

    day = resolve_as_of(None, workspace)
    brand = None
    if output_format in BINARY_RENDERERS:
        try:
            brand = load_brand(workspace)
        except ConfigError as error:
            logger.warning("board pack of %r not made: %s", company, error)
            raise PageError(400, "Board pack not made", str(error)) from None
    body = board_section_body(
        workspace,
        company=company,
        as_of=day,
        since=workspace.config.since,
        output_format=output_format,
        brand=brand,
        catalog=state.catalog_for(company),
    )
    name = attachment_name("board-section", company, output_format, day=day)
    return attachment(body, MEDIA_TYPES[output_format], name)


def export_file(
    state: ApiState, workspace: Workspace, company: str, kind: str, extension: str
) -> Response:
    """Export the register as it is stored now, or the findings at the as-of date."""
    from boardloop.export_service import export_table
    from boardloop.io import ExportError

    day = resolve_as_of(None, workspace)
    try:
        exported = export_table(
            workspace,
            kind=kind,
            output_format=extension,
            catalog=state.catalog_for(company),
            as_of=day,
        )
    except ExportError as error:
        # XLSX cannot store C0 control characters, and the message names the cell.
        raise PageError(422, "Export not made", str(error)) from None
    name = attachment_name(
        kind, company, extension, day=day if kind == "findings" else None
    )
    return attachment(exported.data, exported.media_type, name)


def calendar_file(
    request: Request,
    state: ApiState,
    workspace: Workspace,
    company: str,
    owner: str | None,
) -> Response:
    """Build the checkpoint calendar of the company, or of one owner's initiatives.

    Each event links to the initiative's REST API resource on this server.
    """
    from boardloop.export_service import UnknownOwnerError, make_checkpoint_calendar
    from boardloop.report import ICS_MEDIA_TYPE

    if owner is not None and not 0 < len(owner.strip()) <= MAX_OWNER:
        raise PageError(
            422,
            "Invalid owner",
            f"the owner must be a name of 1 to {MAX_OWNER} characters; leave out "
            "owner for the whole company's calendar",
        )
    try:
        data = make_checkpoint_calendar(
            workspace,
            catalog=state.catalog_for(company),
            owner=owner,
            stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
            link_base=str(request.base_url).rstrip("/"),
        )
    except UnknownOwnerError:
        raise PageError(
            404,
            "Not found",
            f"no initiative of {company!r} is owned by {owner!r}; check the "
            "owner's name on the register page",
        ) from None
    name = attachment_name("checkpoints", company, "ics", owner=owner)
    return attachment(data, ICS_MEDIA_TYPE, name)


@router.get("/companies/{company}/digest")
def digest(request: Request, company: str) -> HTMLResponse:
    """Show the weekly digest at the pages' as-of date, over the 7 days before it."""
    from boardloop.export_service import build_weekly_digest

    user = page_user(request)
    role = company_role(user, company)
    state = state_of(request)
    workspace = company_workspace(state, company)
    built = build_weekly_digest(
        workspace,
        catalog=state.catalog_for(company),
        as_of=resolve_as_of(None, workspace),
    )
    context = {"company": company, "role": role.value, "digest": built}
    return render(request, "digest.html.j2", context, user=user)
