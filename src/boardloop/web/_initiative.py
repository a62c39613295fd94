"""The context of the initiative page: record, target, chart, verdict and history."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from boardloop.access import Action
from boardloop.domain.model import ALLOWED_TRANSITIONS, Status
from boardloop.web._data import company_page, findings_by_initiative
from boardloop.web._downloads import owner_calendar_link
from boardloop.web._errors import not_found
from boardloop.web._forms import FormState

if TYPE_CHECKING:
    from markupsafe import Markup

    from boardloop.api import ApiState
    from boardloop.domain.model import Event, Initiative
    from boardloop.web._context import PageUser

__all__ = ["HistoryLine", "initiative_context", "outcome_missing", "value_text"]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One event of the history as the page shows it: who, when, what, why."""

    at: str
    actor: str
    kind: str
    changes: tuple[tuple[str, str, str], ...]
    reason: str


def value_text(value: Any) -> str:
    """Write a value of an event or a field as plain text; None is an em dash."""
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def history_lines(events: tuple[Event, ...]) -> list[HistoryLine]:
    return [
        HistoryLine(
            at=event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            actor=event.actor,
            kind=event.kind,
            changes=change_rows(event.changes),
            reason=event.reason,
        )
        for event in events
    ]


def change_rows(
    changes: dict[str, tuple[Any, Any]],
) -> tuple[tuple[str, str, str], ...]:
    """Return one (field, before, after) row per change.

    The `extra` field stores the fields without a column of their own, such as
    attribution and guardrails, as one JSON object. Each of its keys gets its
    own row, with plain values, and keys that did not change get none.
    """
    rows: list[tuple[str, str, str]] = []
    for name, (before, after) in changes.items():
        if name != "extra" or not is_mapping(before, after):
            rows.append((name, value_text(before), value_text(after)))
            continue
        old, new = before or {}, after or {}
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                rows.append((key, plain_text(old.get(key)), plain_text(new.get(key))))
    return tuple(rows)


def is_mapping(before: Any, after: Any) -> bool:
    return all(value is None or isinstance(value, dict) for value in (before, after))


def plain_text(value: Any) -> str:
    """Write a list as its items joined by semicolons, anything else as value_text."""
    if isinstance(value, list | tuple):
        return "; ".join(value_text(item) for item in value) or "\u2014"
    return value_text(value)


def current_fields(initiative: Initiative) -> list[tuple[str, str]]:
    """Return the stored values a version-conflict message shows."""
    return [
        ("name", initiative.name),
        ("owner", value_text(initiative.owner.person)),
        ("function", value_text(initiative.owner.function)),
        ("target", value_text(initiative.target.text)),
        ("status", value_text(initiative.status)),
        ("program", value_text(initiative.program)),
        ("next checkpoint", value_text(initiative.next_checkpoint)),
        ("progress note", value_text(initiative.progress_note)),
        ("control segment", value_text(initiative.control_segment)),
        ("notes", value_text(initiative.notes)),
    ]


def outcome_missing(initiative: Initiative) -> bool:
    """Return whether a closed initiative has no outcome result (lint ST402)."""
    outcome = initiative.outcome
    return not initiative.is_open and (outcome is None or outcome.result is None)


def next_statuses(initiative: Initiative) -> list[str]:
    """Return the open statuses the lifecycle allows next; closing has its own form."""
    allowed: list[Status] = (
        list(Status)
        if initiative.status is None
        else list(ALLOWED_TRANSITIONS[initiative.status])
    )
    # Statuses in lifecycle order; closing has its own form, with the outcome.
    return [
        status.value
        for status in Status
        if status in allowed and status is not Status.CLOSED
    ]


def initiative_context(
    state: ApiState,
    user: PageUser,
    company: str,
    key: str,
    forms: dict[str, FormState] | None = None,
) -> dict[str, Any]:
    """Build everything the initiative page shows; a missing initiative is a 404."""
    from boardloop.report import chart_svg, chart_table

    page = company_page(state, company)
    stored = page.stored.get(key)
    if stored is None:
        raise not_found("initiative", key)
    initiative = stored.initiative
    open_view = next(
        (item for item in page.section.open_initiatives if item.id == key), None
    )
    closed_view = next(
        (item for item in page.section.closed_initiatives if item.id == key), None
    )
    view = open_view or closed_view
    chart: tuple[Markup, Markup] | None = None
    if open_view is not None and open_view.chart is not None:
        chart = (chart_svg(open_view.chart), chart_table(open_view.chart))

    owner = initiative.owner.person
    is_open = initiative.is_open
    return {
        "company": company,
        "as_of": page.as_of,
        "initiative": initiative,
        "version": stored.version,
        "open_view": open_view,
        "closed_view": closed_view,
        "target_view": view.target if view is not None else None,
        "chart": chart,
        "findings": findings_by_initiative(page.section).get(key, ()),
        "history": history_lines(initiative.history),
        "statuses": next_statuses(initiative),
        "can_edit": is_open and user.may(Action.EDIT, company),
        "can_correct": not is_open and user.may(Action.EDIT, company),
        "outcome_missing": outcome_missing(initiative),
        "can_status": is_open and user.may(Action.STATUS, company, owner),
        "can_checkpoint": user.may(Action.CHECKPOINT, company, owner),
        "owner_calendar": owner_calendar_link(company, owner) if owner else None,
        "forms": forms or {},
        "empty_form": FormState(),
    }
