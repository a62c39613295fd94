"""Read routes over results: findings, evaluations, KPIs, catalog, board section."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from boardloop.access import Action
from boardloop.api._access import CurrentPrincipal, State, authorize
from boardloop.api._cache import board_section_cached
from boardloop.api._common import (
    DEFAULT_PAGE,
    AsOf,
    CompanyName,
    Cursor,
    Limit,
    company_workspace,
    resolve_as_of,
)
from boardloop.api._conditional import BODY_ETAG_HEADER, cached_response
from boardloop.api._errors import NotFoundError
from boardloop.api._pagination import paginate
from boardloop.api._schemas import (
    CatalogKpiOut,
    CatalogPage,
    EvaluationPage,
    FindingPage,
    KpiValuePage,
)
from boardloop.api._views import (
    catalog_kpi_out,
    evaluation_out,
    finding_out,
    kpi_value_out,
)
from boardloop.domain.model import Severity
from boardloop.report import BINARY_RENDERERS, MEDIA_TYPES

if TYPE_CHECKING:
    from boardloop.domain.model import KpiValue

__all__ = ["BOARD_SECTION_MEDIA_TYPES", "router"]

router = APIRouter()

# Format name (as the CLI's --format) -> media type of the response.
BOARD_SECTION_MEDIA_TYPES = MEDIA_TYPES
# Binary packs are downloads; the text formats show in a browser.
ATTACHMENT_FORMATS = frozenset(BINARY_RENDERERS)


@router.get("/companies/{company}/findings", tags=["lint"])
def list_findings(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    as_of: AsOf = None,
    severity: Annotated[
        Severity | None, Query(description="Only this severity.")
    ] = None,
    initiative: Annotated[
        str | None, Query(description="Only this initiative.")
    ] = None,
    strict: Annotated[bool, Query(description="Treat warnings as errors.")] = False,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> FindingPage:
    """Lint the register at `as_of`; the scores and counts cover every finding."""
    from boardloop.lint import report_to_json
    from boardloop.service import lint_register

    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    day = resolve_as_of(as_of, workspace)
    register = workspace.store.load_register(company)
    values = workspace.store.load_kpi_values(company)
    report = lint_register(
        register,
        workspace=workspace,
        catalog=state.catalog_for(company),
        as_of=day,
        kpi_values=values or None,
        strict=strict,
    )
    document = report_to_json(report)
    findings = [
        item
        for item in document["findings"]
        if (severity is None or item["severity"] == severity.value)
        and (initiative is None or item["initiative"] == initiative)
    ]
    # Findings have no unique key, so the key is the position in the run, which
    # is stable while the register and the as-of date stay the same.
    numbered = list(enumerate(findings))
    page = paginate(
        numbered,
        kind="findings",
        key=lambda pair: [pair[0]],
        cursor=cursor,
        limit=limit,
    )
    return FindingPage(
        as_of=day,
        score=document["score"],
        counts=document["counts"],
        initiative_scores=document["initiative_scores"],
        items=[finding_out(item) for _, item in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/companies/{company}/evaluations", tags=["evaluations"])
def list_evaluations(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    as_of: AsOf = None,
    verdict: Annotated[str | None, Query(description="Only this verdict.")] = None,
    initiative: Annotated[
        str | None, Query(description="Only this initiative.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> EvaluationPage:
    """Measure every initiative against its target at `as_of`, by initiative id."""
    from boardloop.service import evaluate_company

    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    day = resolve_as_of(as_of, workspace)
    # The company's own catalog and stored control intervals, as the board
    # section reads them, so both give the same verdict and interval.
    evaluations = sorted(
        evaluate_company(
            workspace, as_of=day, catalog=state.catalog_for(company)
        ).values(),
        key=lambda item: item.initiative_id,
    )
    evaluations = [
        item
        for item in evaluations
        if (verdict is None or item.verdict.value == verdict)
        and (initiative is None or item.initiative_id == initiative)
    ]
    page = paginate(
        evaluations,
        kind="evaluations",
        key=lambda item: [item.initiative_id],
        cursor=cursor,
        limit=limit,
    )
    return EvaluationPage(
        as_of=day,
        items=[evaluation_out(item) for item in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/companies/{company}/kpis", tags=["kpis"])
def list_kpi_values(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    kpi: Annotated[str | None, Query(description="KPI id or alias.")] = None,
    segment: Annotated[str | None, Query(description="Segment, any case.")] = None,
    window_days: Annotated[
        int | None, Query(ge=1, description="Measurement window in days.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> KpiValuePage:
    """List stored KPI values by KPI, segment, window and period end."""
    authorize(principal, Action.READ, company)
    values = state.workspace.store.load_kpi_values(company)
    if kpi is not None:
        found = state.catalog_for(company).get(kpi)
        kpi_id = found.id if found else kpi
        values = [value for value in values if value.kpi_id == kpi_id]
    if segment is not None:
        folded = segment.casefold()
        values = [value for value in values if value.segment.casefold() == folded]
    if window_days is not None:
        values = [value for value in values if value.window_days == window_days]

    values.sort(key=kpi_value_key)
    page = paginate(values, kind="kpis", key=kpi_value_key, cursor=cursor, limit=limit)
    return KpiValuePage(
        items=[kpi_value_out(value) for value in page.items],
        next_cursor=page.next_cursor,
    )


def kpi_value_key(value: KpiValue) -> list[Any]:
    """Sort key of a KPI value; a value without a window sorts before windowed ones."""
    return [
        value.kpi_id,
        value.segment,
        value.window_days or 0,
        value.period_end.isoformat(),
    ]


@router.get("/companies/{company}/catalog", tags=["catalog"])
def list_catalog(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> CatalogPage:
    """List the KPI definitions the company's register is measured with, by id."""
    authorize(principal, Action.READ, company)
    catalog = state.catalog_for(company)
    kpis = sorted(catalog.kpis, key=lambda kpi: kpi.id)
    page = paginate(
        kpis, kind="catalog", key=lambda kpi: [kpi.id], cursor=cursor, limit=limit
    )
    return CatalogPage(
        version=catalog.version_label,
        items=[catalog_kpi_out(kpi) for kpi in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/companies/{company}/catalog/{kpi}", tags=["catalog"])
def get_catalog_kpi(
    company: CompanyName, kpi: str, principal: CurrentPrincipal, state: State
) -> CatalogKpiOut:
    """Return one KPI definition, found by id or alias such as GRR."""
    authorize(principal, Action.READ, company)
    found = state.catalog_for(company).get(kpi)
    if found is None:
        raise NotFoundError("KPI", kpi)
    return catalog_kpi_out(found)


@router.get(
    "/companies/{company}/board-section",
    tags=["board section"],
    response_class=Response,
    responses={
        200: {
            "description": "The board section in the requested format. PDF and "
            "PPTX come as attachments named "
            "`board-section-{company}-{as_of}.{format}`. Text formats come "
            "gzip-coded when the request accepts gzip.",
            "headers": BODY_ETAG_HEADER,
            "content": {
                media_type.split(";")[0]: {
                    "schema": {"type": "string"}
                    if name not in ATTACHMENT_FORMATS
                    else {"type": "string", "format": "binary"}
                }
                for name, media_type in BOARD_SECTION_MEDIA_TYPES.items()
            },
        },
        304: {"description": "The section is unchanged since the If-None-Match ETag."},
        400: {"description": "The [brand] logo of boardloop.toml cannot be used."},
    },
)
def board_section(
    request: Request,
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    format: Annotated[
        Literal["md", "html", "json", "pdf", "pptx"],
        Query(
            description="Markdown, HTML or JSON section, or a PDF or PPTX board "
            "pack drawn with the workspace's [brand] logo and colours."
        ),
    ] = "json",
    as_of: AsOf = None,
    since: Annotated[
        dt.date | None,
        Query(description="List changes after this date; default report.since."),
    ] = None,
) -> Response:
    """Render the board section, as `boardloop report` writes it."""
    from boardloop.service import load_brand

    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    day = resolve_as_of(as_of, workspace)
    attachment = format in ATTACHMENT_FORMATS
    cached = board_section_cached(
        workspace,
        company=company,
        as_of=day,
        since=since or workspace.config.since,
        output_format=format,
        brand=load_brand(workspace) if attachment else None,
        catalog=state.catalog_for(company),
    )
    headers = {}
    if attachment:
        name = download_name(company, day, format)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return cached_response(cached, request.headers, headers)


def download_name(company: str, day: dt.date, output_format: str) -> str:
    """Return a file name that needs no quoting: ASCII letters, digits, hyphens."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", company).strip("-").lower() or "company"
    return f"board-section-{slug[:60]}-{day.isoformat()}.{output_format}"
