"""Read pages: the portfolio, a company's register, an initiative, the board view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from boardloop.access import Action
from boardloop.api import board_section_body, company_workspace, resolve_as_of
from boardloop.evaluate import Verdict
from boardloop.report import owner_matches as calendar_owner_matches
from boardloop.web._context import (
    company_role,
    environment,
    page_user,
    render,
    state_of,
)
from boardloop.web._data import (
    STATUS_VALUES,
    company_page,
    findings_by_initiative,
    is_stale,
    owner_matches,
    register_rows,
)
from boardloop.web._downloads import company_downloads, owner_calendar_link
from boardloop.web._initiative import initiative_context

if TYPE_CHECKING:
    from boardloop.catalog import Catalog
    from boardloop.web._data import RegisterRow

__all__ = ["router"]

router = APIRouter()

VERDICT_VALUES = tuple(item.value for item in Verdict)
# The board view loads no other resource, because the section's CSS is inline.
BOARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
BODY_TAG = b"<body>\n"


@router.get("/")
def portfolio(request: Request) -> HTMLResponse:
    """List the user's companies with their counts by verdict and of findings."""
    user = page_user(request)
    state = state_of(request)
    companies = []
    for company, role in sorted(user.principal.roles.items()):
        if not user.may(Action.READ, company):
            continue
        summary = company_page(state, company).section.summary
        companies.append({"name": company, "role": role.value, "summary": summary})
    return render(request, "portfolio.html.j2", {"companies": companies}, user=user)


@router.get("/companies/{company}")
def register(request: Request, company: str) -> HTMLResponse:
    """List one company's initiatives, filtered by the query, with their findings."""
    user = page_user(request)
    role = company_role(user, company)
    state = state_of(request)

    query = request.query_params
    owner = query.get("owner", "").strip()
    filters = {
        "status": [value for value in query.getlist("status") if value],
        "owner": owner,
        "kpi": query.get("kpi", "").strip(),
        "verdict": query.get("verdict", "").strip(),
        "stale": query.get("stale", "").strip(),
    }
    catalog = state.catalog_for(company)
    problems = filter_problems(catalog, filters)
    page = company_page(state, company)
    every_row = register_rows(page)
    rows = [] if problems else filtered(catalog, every_row, filters, page)
    # The owner's calendar is offered only for an owner of the register, because
    # the calendar of anyone else is a 404.
    owns_any = bool(owner) and any(
        calendar_owner_matches(row.initiative, owner) for row in every_row
    )

    context = {
        "company": company,
        "role": role.value,
        "as_of": page.as_of,
        "rows": rows,
        "total": len(page.stored),
        "filters": filters,
        "problems": problems,
        "statuses": STATUS_VALUES,
        "verdicts": VERDICT_VALUES,
        "register_findings": findings_by_initiative(page.section).get(None, ()),
        "can_create": user.may(Action.EDIT, company),
        "downloads": company_downloads(company),
        "owner_calendar": owner_calendar_link(company, owner) if owns_any else None,
    }
    status = 422 if problems else 200
    return render(request, "register.html.j2", context, status=status, user=user)


def filter_problems(catalog: Catalog, filters: dict[str, Any]) -> list[str]:
    """Name each filter value that cannot be used, with the values it takes."""
    problems = []
    for status in filters["status"]:
        if status not in STATUS_VALUES:
            problems.append(
                f"unknown status {status!r}; use one of {', '.join(STATUS_VALUES)}"
            )
    if filters["verdict"] and filters["verdict"] not in VERDICT_VALUES:
        problems.append(
            f"unknown verdict {filters['verdict']!r}; use one of "
            f"{', '.join(VERDICT_VALUES)}"
        )
    if filters["kpi"] and catalog.get(filters["kpi"]) is None:
        problems.append(
            f"unknown KPI {filters['kpi']!r}; use a KPI id or alias of the catalog, "
            "such as GRR or NPS"
        )
    if filters["stale"] not in ("", "true", "false"):
        problems.append(f"invalid stale {filters['stale']!r}; use true or false")
    return problems


def filtered(
    catalog: Catalog, rows: list[RegisterRow], filters: dict[str, Any], page: Any
) -> list[RegisterRow]:
    """Keep the rows that pass every filter given."""
    if filters["status"]:
        rows = [
            row
            for row in rows
            if row.initiative.status
            and row.initiative.status.value in filters["status"]
        ]
    if filters["owner"]:
        rows = [row for row in rows if owner_matches(row.initiative, filters["owner"])]
    if filters["kpi"]:
        kpi = catalog.get(filters["kpi"])
        assert kpi is not None
        rows = [row for row in rows if kpi_id_of(catalog, row) == kpi.id]
    if filters["stale"]:
        expected = filters["stale"] == "true"
        rows = [row for row in rows if is_stale(row.initiative, page.as_of) == expected]
    if filters["verdict"]:
        rows = [row for row in rows if row.verdict == filters["verdict"]]
    return rows


def status_of(row: RegisterRow) -> str | None:
    status = row.initiative.status
    return status.value if status is not None else None


def kpi_id_of(catalog: Catalog, row: RegisterRow) -> str | None:
    kpi_id = row.initiative.target.kpi_id
    if kpi_id is None:
        return None
    kpi = catalog.get(kpi_id)
    return kpi.id if kpi else kpi_id


@router.get("/companies/{company}/initiatives/{key}")
def initiative(request: Request, company: str, key: str) -> HTMLResponse:
    """Show one initiative: target, chart, verdict, checkpoints and history."""
    user = page_user(request)
    company_role(user, company)
    context = initiative_context(state_of(request), user, company, key)
    return render(request, "initiative.html.j2", context, user=user)


@router.get("/companies/{company}/board")
def board(request: Request, company: str) -> Response:
    """Serve the company's board section exactly as `boardloop report` writes it."""
    user = page_user(request)
    company_role(user, company)
    state = state_of(request)
    workspace = company_workspace(state, company)
    body = board_section_body(
        workspace,
        company=company,
        as_of=resolve_as_of(None, workspace),
        since=workspace.config.since,
        output_format="html",
        catalog=state.catalog_for(company),
    )
    response = Response(
        with_download_links(body, company), media_type="text/html; charset=utf-8"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = BOARD_CSP
    return response


def with_download_links(body: bytes, company: str) -> bytes:
    """Insert the download links at the top of the board section's <body>.

    Everything else stays byte for byte what the REST API and `boardloop report`
    write.
    """
    links = (
        environment()
        .get_template("_board_downloads.html.j2")
        .render(company=company, downloads=company_downloads(company))
    )
    head, marker, rest = body.partition(BODY_TAG)
    if not marker:
        raise RuntimeError(
            "the board section's HTML has no <body> tag to put the download links "
            "after; check the template of boardloop.report"
        )
    return head + marker + links.encode("utf-8") + b"\n" + rest
