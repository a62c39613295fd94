"""Read helpers of the pages: the board section of a company and register rows.

The board section's view model already contains every label the pages show (the
target in canonical words, the verdict, the findings), so the pages read it
instead of computing their own.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boardloop.access import names_match
from boardloop.api import company_workspace, resolve_as_of
from boardloop.domain.model import Status

if TYPE_CHECKING:
    from collections.abc import Hashable

    from boardloop.api import ApiState
    from boardloop.catalog import Catalog
    from boardloop.domain.model import Initiative
    from boardloop.report import (
        BoardSection,
        ClosedInitiative,
        FindingItem,
        OpenInitiative,
    )
    from boardloop.store import StoredInitiative

__all__ = [
    "CompanyPage",
    "RegisterRow",
    "company_page",
    "findings_by_initiative",
    "is_stale",
    "register_rows",
]

logger = logging.getLogger(__name__)

# Pages kept per worker process, least recently used dropped first.
MAX_PAGES = 8
_pages: OrderedDict[Hashable, tuple[tuple[Any, ...], CompanyPage]] = OrderedDict()
_pages_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One initiative of the register page: its stored record and section view."""

    initiative: Initiative
    version: int
    open_view: OpenInitiative | None
    closed_view: ClosedInitiative | None
    findings: tuple[FindingItem, ...]

    @property
    def verdict(self) -> str | None:
        """The verdict value of an open initiative, or None when not evaluated."""
        view = self.open_view
        return view.verdict.verdict if view and view.verdict else None


@dataclass(frozen=True, slots=True)
class CompanyPage:
    """A company's board section at the as-of date, and its stored initiatives."""

    company: str
    as_of: dt.date
    section: BoardSection
    stored: dict[str, StoredInitiative]


def company_page(state: ApiState, company: str) -> CompanyPage:
    """Return the company's board section at the board date, else today.

    Each worker keeps the last few pages built, and reuses one only while the
    company's fingerprint (its latest event, import, KPI value and settings,
    read before the build) is unchanged, as the API's cache does. So an edit
    or import is seen by the next request.
    """
    from boardloop.api import catalog_stamp, company_fingerprint

    workspace = company_workspace(state, company)
    day = resolve_as_of(None, workspace)
    since = workspace.config.since
    catalog = state.catalog_for(company)
    key = (
        workspace.store.url,
        company,
        day,
        since,
        workspace.config.fiscal,
        catalog_stamp(workspace),
        catalog.version_label,
    )
    fingerprint = company_fingerprint(workspace.store, company)
    with _pages_lock:
        cached = _pages.get(key)
        if cached is not None and cached[0] == fingerprint:
            _pages.move_to_end(key)
            return cached[1]

    page = build_page(state, company, day, since, catalog)
    with _pages_lock:
        _pages[key] = (fingerprint, page)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)
    return page


def build_page(
    state: ApiState,
    company: str,
    day: dt.date,
    since: dt.date | None,
    catalog: Catalog,
) -> CompanyPage:
    from boardloop.api import register_snapshot
    from boardloop.service import build_section

    workspace = company_workspace(state, company)
    logger.info("building the pages' board section of %r at %s", company, day)
    stored = register_snapshot(workspace.store, company).stored
    section = build_section(workspace, as_of=day, since=since, catalog=catalog)
    return CompanyPage(company=company, as_of=day, section=section, stored=stored)


def findings_by_initiative(
    section: BoardSection,
) -> dict[str | None, tuple[FindingItem, ...]]:
    """Group the section's errors and warnings by initiative; None keys the register."""
    return {group.initiative_id: group.items for group in section.findings.groups}


def register_rows(page: CompanyPage) -> list[RegisterRow]:
    """Return a row per stored initiative, by id, with its section view and findings."""
    opened = {item.id: item for item in page.section.open_initiatives}
    closed = {item.id: item for item in page.section.closed_initiatives}
    findings = findings_by_initiative(page.section)
    rows = [
        RegisterRow(
            initiative=stored.initiative,
            version=stored.version,
            open_view=opened.get(key),
            closed_view=closed.get(key),
            findings=findings.get(key, ()),
        )
        for key, stored in page.stored.items()
    ]
    rows.sort(key=lambda row: row.initiative.id)
    return rows


def is_stale(initiative: Initiative, day: dt.date) -> bool:
    """Tell whether an open initiative's next checkpoint is before `day`."""
    checkpoint = initiative.next_checkpoint
    return initiative.is_open and checkpoint is not None and checkpoint < day


def owner_matches(initiative: Initiative, owner: str) -> bool:
    person = initiative.owner.person
    return person is not None and names_match(person, owner)


STATUS_VALUES = tuple(status.value for status in Status)
