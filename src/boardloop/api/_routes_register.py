"""Read routes of the register: companies, initiatives and their history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query, Request, Response

from boardloop.access import Action, Principal, may, names_match
from boardloop.api._access import CurrentPrincipal, State, authorize
from boardloop.api._cache import catalog_stamp, register_snapshot
from boardloop.api._common import (
    DEFAULT_PAGE,
    AsOf,
    CompanyName,
    Cursor,
    InitiativeKey,
    InvalidQueryError,
    Limit,
    company_workspace,
    load_stored,
    resolve_as_of,
    utc_key,
    with_ordinals,
)
from boardloop.api._conditional import (
    BODY_ETAG_HEADER,
    CachedBody,
    cached_response,
)
from boardloop.api._pagination import paginate
from boardloop.api._schemas import (
    CompaniesOut,
    CompanyOut,
    EventPage,
    InitiativeOut,
    InitiativePage,
)
from boardloop.api._versions import ETAG_HEADER, etag_of
from boardloop.api._views import event_out, initiative_out
from boardloop.domain.model import Status

if TYPE_CHECKING:
    from boardloop.api._access import ApiState
    from boardloop.api._cache import RegisterSnapshot
    from boardloop.catalog import Catalog
    from boardloop.domain.model import Event, Initiative

__all__ = ["router"]

router = APIRouter()


@router.get("/companies", tags=["companies"])
def list_companies(principal: CurrentPrincipal) -> CompaniesOut:
    """List the companies the caller has a role in, with that role."""
    items = [
        CompanyOut(name=company, role=str(role.value))
        for company, role in sorted(principal.roles.items())
        if may_read(principal, company)
    ]
    return CompaniesOut(items=items)


def may_read(principal: Principal, company: str) -> bool:
    return may(principal, Action.READ, company)


@router.get(
    "/companies/{company}/initiatives",
    tags=["initiatives"],
    response_model=InitiativePage,
    responses={
        200: {"headers": BODY_ETAG_HEADER},
        304: {"description": "The page is unchanged since the If-None-Match ETag."},
    },
)
def list_initiatives(
    request: Request,
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    status: Annotated[
        list[Status] | None, Query(description="Keep these statuses.")
    ] = None,
    owner: Annotated[str | None, Query(description="Owner's name, any case.")] = None,
    kpi: Annotated[str | None, Query(description="Target KPI id or alias.")] = None,
    verdict: Annotated[
        str | None, Query(description="Keep this evaluation verdict at as_of.")
    ] = None,
    stale: Annotated[
        bool | None,
        Query(description="true: open with next checkpoint before as_of; false: not."),
    ] = None,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> Response:
    """List the register's initiatives by id, filtered, one page at a time.

    Each worker keeps the pages it rendered until the next write, so a repeated
    request costs the fingerprint query and the send.
    """
    authorize(principal, Action.READ, company)
    workspace = company_workspace(state, company)
    snapshot = register_snapshot(workspace.store, company)
    day = resolve_as_of(as_of, workspace)
    key = (
        tuple(sorted({item.value for item in status or ()})),
        owner,
        kpi,
        verdict,
        stale,
        day,
        cursor,
        limit,
        catalog_stamp(workspace),
    )
    cached = snapshot.pages.get(key)
    if cached is None:
        page = initiative_page(
            state,
            company,
            snapshot,
            status=status,
            owner=owner,
            kpi=kpi,
            verdict=verdict,
            stale=stale,
            day=day,
            cursor=cursor,
            limit=limit,
        )
        body = InitiativePage.__pydantic_serializer__.to_json(page)
        cached = CachedBody(body, "application/json", compressible=True)
        snapshot.pages.put(key, cached)
    return cached_response(cached, request.headers)


def initiative_page(
    state: ApiState,
    company: str,
    snapshot: RegisterSnapshot,
    *,
    status: list[Status] | None,
    owner: str | None,
    kpi: str | None,
    verdict: str | None,
    stale: bool | None,
    day: dt.date,
    cursor: str | None,
    limit: int,
) -> InitiativePage:
    """Filter the snapshot's initiatives and build the page after `cursor`."""
    initiatives = list(snapshot.register.initiatives)

    # Filters, cheapest first; the verdict needs an evaluation of each initiative.
    if status:
        initiatives = [item for item in initiatives if item.status in status]
    if owner is not None:
        initiatives = [
            item
            for item in initiatives
            if item.owner.person and names_match(item.owner.person, owner)
        ]
    if kpi is not None:
        catalog = state.catalog_for(company)
        kpi_id = resolve_kpi(catalog, kpi)
        initiatives = [item for item in initiatives if kpi_of(catalog, item) == kpi_id]
    if stale is not None:
        initiatives = [item for item in initiatives if is_stale(item, day) == stale]
    if verdict is not None:
        initiatives = filter_verdict(state, company, initiatives, verdict, day)

    initiatives.sort(key=lambda item: item.id)
    page = paginate(
        initiatives,
        kind="initiatives",
        key=lambda item: [item.id],
        cursor=cursor,
        limit=limit,
    )
    labels = state.catalog_for(company).labels()
    items = []
    for item in page.items:
        stored = snapshot.stored[item.id]
        items.append(
            initiative_out(
                stored.initiative,
                version=stored.version,
                labels=labels,
                created_at=stored.created_at,
                updated_at=stored.updated_at,
            )
        )
    return InitiativePage(items=items, next_cursor=page.next_cursor)


def resolve_kpi(catalog: Catalog, name: str) -> str:
    kpi = catalog.get(name)
    if kpi is None:
        raise InvalidQueryError(
            "kpi", name, "pass a KPI id or alias of the catalog, as /catalog lists"
        )
    return kpi.id


def kpi_of(catalog: Catalog, initiative: Initiative) -> str | None:
    kpi_id = initiative.target.kpi_id
    if kpi_id is None:
        return None
    kpi = catalog.get(kpi_id)
    return kpi.id if kpi else kpi_id


def is_stale(initiative: Initiative, day: dt.date) -> bool:
    """Tell whether an open initiative's next checkpoint is before `day`."""
    checkpoint = initiative.next_checkpoint
    return initiative.is_open and checkpoint is not None and checkpoint < day


def filter_verdict(
    state: ApiState,
    company: str,
    initiatives: list[Initiative],
    verdict: str,
    day: dt.date,
) -> list[Initiative]:
    from boardloop.evaluate import Verdict
    from boardloop.service import evaluate_company

    known = [item.value for item in Verdict]
    if verdict not in known:
        raise InvalidQueryError("verdict", verdict, f"use one of {', '.join(known)}")

    evaluations = evaluate_company(
        company_workspace(state, company),
        as_of=day,
        catalog=state.catalog_for(company),
        initiatives=initiatives,
    )
    return [
        item for item in initiatives if evaluations[item.id].verdict.value == verdict
    ]


@router.get(
    "/companies/{company}/initiatives/{key}",
    tags=["initiatives"],
    responses={200: {"headers": ETAG_HEADER}},
)
def get_initiative(
    company: CompanyName,
    key: InitiativeKey,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> InitiativeOut:
    """Return one initiative; its ETag is the version to send back in If-Match."""
    authorize(principal, Action.READ, company)
    stored = load_stored(state, company, key)
    response.headers["ETag"] = etag_of(stored.version)
    return initiative_out(
        stored.initiative,
        version=stored.version,
        labels=state.catalog_for(company).labels(),
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


@router.get("/companies/{company}/history", tags=["history"])
def list_history(
    company: CompanyName,
    principal: CurrentPrincipal,
    state: State,
    initiative: Annotated[
        str | None, Query(description="Only this initiative.")
    ] = None,
    since: Annotated[
        dt.date | None, Query(description="Only events on or after this date.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> EventPage:
    """List the company's history, oldest first; events are never edited or deleted."""
    authorize(principal, Action.READ, company)
    events = state.workspace.store.events(company, since, key=initiative)
    return event_page(events, f"history:{initiative or ''}", cursor, limit)


@router.get("/companies/{company}/initiatives/{key}/history", tags=["history"])
def initiative_history(
    company: CompanyName,
    key: InitiativeKey,
    principal: CurrentPrincipal,
    state: State,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> EventPage:
    """List one initiative's history, oldest first."""
    authorize(principal, Action.READ, company)
    stored = load_stored(state, company, key)
    events = [(key, event) for event in stored.initiative.history]
    return event_page(events, f"history:{key}", cursor, limit)


def event_page(
    events: list[tuple[str, Event]], kind: str, cursor: str | None, limit: int
) -> EventPage:
    """Page events in time order; equal times keep the store's insertion order."""
    keys = with_ordinals([[utc_key(event.at)] for _, event in events])
    keyed = sorted(zip(keys, events, strict=True), key=lambda pair: pair[0])
    page = paginate(
        keyed, kind=kind, key=lambda pair: pair[0], cursor=cursor, limit=limit
    )
    return EventPage(
        items=[event_out(key, event) for _, (key, event) in page.items],
        next_cursor=page.next_cursor,
    )
