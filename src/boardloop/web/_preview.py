"""Live lint of a draft: the target phrase in canonical words and the draft's findings.

The edit forms call this through htmx as the user types. The draft replaces the
stored initiative of the same id (or joins the register as a new one), so rules
that compare initiatives, such as duplicate names, see the rest of the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from boardloop.domain.model import Initiative, Register, Status
from boardloop.web._forms import FormInputError
from boardloop.web._measure import BASELINE_FIELDS, measure_changes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from boardloop.api import ApiState
    from boardloop.domain.model import Finding, Target

__all__ = ["DraftPreview", "lint_in_register", "preview_draft"]

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
    from boardloop.api import company_workspace, register_snapshot
    from boardloop.domain.targets import format_target
    from boardloop.edits import kpi_resolver, parse_company_target
    from boardloop.io._fields import slugify

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
    resolver = (
        kpi_resolver(store, company, catalog) if fields.get("guardrails") else None
    )
    draft = draft_initiative(
        known.get(key), key, target, fields, today.date(), resolver
    )
    findings = lint_in_register(state, company, register, draft)
    canonical = None
    if not target.is_empty:
        canonical = format_target(target, kpi_labels=catalog.labels()) or None
    return DraftPreview(
        text=text,
        canonical=canonical,
        problems=target.problems,
        findings=findings,
    )


def lint_in_register(
    state: ApiState, company: str, register: Register, draft: Initiative
) -> tuple[Finding, ...]:
    """Lint the draft in place of its stored version; return the draft's findings.

    The lint runs at the pages' as-of date with the KPI values up to it, as
    the register page's lint does.
    """
    from boardloop.api import company_workspace, resolve_as_of
    from boardloop.service import lint_register

    workspace = company_workspace(state, company)
    others = tuple(item for item in register.initiatives if item.id != draft.id)
    as_of = resolve_as_of(None, workspace)
    values = workspace.store.load_kpi_values(company)
    report = lint_register(
        Register(company=company, initiatives=(*others, draft)),
        workspace=workspace,
        catalog=state.catalog_for(company),
        as_of=as_of,
        kpi_values=[value for value in values if value.period_end <= as_of] or None,
    )
    return tuple(item for item in report.findings if item.initiative_id == draft.id)


# The draft's fields that `update_fields` sets, read as the edit that saves them.
DRAFT_FIELDS = (
    "name",
    "owner_person",
    "owner_function",
    "program",
    "notes",
    "progress_note",
    "control_segment",
    "next_checkpoint",
)


def draft_initiative(
    stored: Initiative | None,
    key: str,
    target: Target,
    fields: Mapping[str, str],
    today: dt.date,
    kpi_id: Callable[[str], str] | None = None,
) -> Initiative:
    """Apply the draft's fields to the stored initiative, or to a new one.

    A field the draft leaves out keeps its stored value. A value the edit would
    reject, such as a date that is not a date, is left out too: the preview
    lints what it can read, and the save reports the value.
    """
    from boardloop.edits import InvalidEditError, apply_fields

    if stored is None:
        stored = Initiative(id=key, name=key, created_on=today)
    draft = replace(stored, target=target)
    status_text = fields.get("status", "")
    if status_text in OPEN_STATUSES:
        draft = replace(draft, status=Status(status_text))
    changes: dict[str, object] = {
        name: fields[name] for name in DRAFT_FIELDS if name in fields
    }
    if changes.get("next_checkpoint") == "":
        changes["next_checkpoint"] = None
    try:
        changes.update(measure_changes(fields))
    except FormInputError:
        # The baseline value does not read, so the preview lints the rest.
        readable = {k: v for k, v in fields.items() if k not in BASELINE_FIELDS}
        changes.update(measure_changes(readable))
    for name, value in changes.items():
        try:
            draft = apply_fields(draft, {name: value}, kpi_id)
        except InvalidEditError:
            continue
    return draft


OPEN_STATUSES = frozenset(
    status.value for status in Status if status is not Status.CLOSED
)
