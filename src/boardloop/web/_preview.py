"""Live lint of a draft: the target phrase in canonical words and the draft's findings.

The edit forms call this through htmx as the user types. The draft replaces the
stored initiative of the same id (or joins the register as a new one), so rules
that compare initiatives, such as duplicate names, see the rest of the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from boardloop.domain.model import Initiative, Owner, Register, Status

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.api import ApiState
    from boardloop.domain.model import Finding, Target

__all__ = ["DraftPreview", "preview_draft"]

# The id of a draft that has no name yet, so no id can be derived from it.
UNNAMED_KEY = "new-initiative"


@dataclass(frozen=True, slots=True)
class DraftPreview:
    """The preview of a draft: its target phrase as read back, and its findings."""

    text: str
    canonical: str | None
    problems: tuple[str, ...]
    findings: tuple[Finding, ...]


def preview_draft(
    state: ApiState, company: str, fields: Mapping[str, str]
) -> DraftPreview:
    """Parse the draft's target and lint the draft inside the company's register."""
    from boardloop.api import company_workspace, register_snapshot, resolve_as_of
    from boardloop.domain.targets import format_target
    from boardloop.edits import parse_company_target
    from boardloop.io._fields import slugify
    from boardloop.service import lint_register

    workspace = company_workspace(state, company)
    store = workspace.store
    today = dt.datetime.now(dt.UTC)
    text = fields.get("target", "").strip()
    # The same parse as the edit that saves it: the company's calendar, counting
    # relative deadlines from today.
    catalog = state.catalog_for(company)
    target = parse_company_target(store, company, text, today, catalog)

    register = register_snapshot(store, company).register
    known = register.by_id()
    key = fields.get("key", "").strip() or (
        slugify(fields["name"]) if fields.get("name", "").strip() else UNNAMED_KEY
    )
    draft = draft_initiative(known.get(key), key, target, fields, today.date())
    others = tuple(item for item in register.initiatives if item.id != key)
    as_of = resolve_as_of(None, workspace)
    values = store.load_kpi_values(company)
    report = lint_register(
        Register(company=company, initiatives=(*others, draft)),
        workspace=workspace,
        catalog=catalog,
        as_of=as_of,
        kpi_values=[value for value in values if value.period_end <= as_of] or None,
    )
    canonical = None
    if not target.is_empty:
        canonical = format_target(target, kpi_labels=catalog.labels()) or None
    return DraftPreview(
        text=text,
        canonical=canonical,
        problems=target.problems,
        findings=tuple(item for item in report.findings if item.initiative_id == key),
    )


def draft_initiative(
    stored: Initiative | None,
    key: str,
    target: Target,
    fields: Mapping[str, str],
    today: dt.date,
) -> Initiative:
    """Apply the draft's fields to the stored initiative, or build a new one."""
    if stored is not None:
        changed = replace(stored, target=target)
        if "name" in fields:
            changed = replace(changed, name=fields["name"].strip() or stored.name)
        if "owner_person" in fields:
            owner = Owner(
                person=fields["owner_person"].strip() or None,
                function=stored.owner.function,
            )
            changed = replace(changed, owner=owner)
        return changed
    status_text = fields.get("status", "")
    status = Status(status_text) if status_text in set(Status) else Status.PLANNED
    checkpoint = None
    try:
        checkpoint = dt.date.fromisoformat(fields.get("next_checkpoint", "").strip())
    except ValueError:
        # The preview lints what it can read; the save reports the bad date.
        checkpoint = None
    return Initiative(
        id=key,
        name=fields.get("name", "").strip() or key,
        owner=Owner(
            person=fields.get("owner_person", "").strip() or None,
            function=fields.get("owner_function", "").strip() or None,
        ),
        target=target,
        status=status,
        created_on=today,
        next_checkpoint=checkpoint,
    )
