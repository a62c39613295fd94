"""Changes to the register between two dates, read from each history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import Status
from boardloop.report._format import count, date_label
from boardloop.report._view import ChangeGroup, ChangeItem, ChangeKind, Changes

if TYPE_CHECKING:
    from collections.abc import Iterator

    from boardloop.domain.model import Event, Initiative

__all__ = ["build_changes"]

_GROUP_TITLES: dict[ChangeKind, str] = {
    "new": "New initiatives",
    "closed": "Closed",
    "status": "Status changes",
    "checkpoint-slipped": "Slipped checkpoints",
    "target-revised": "Revised targets",
}

# Field names under which a history event records the target phrase.
_TARGET_FIELDS = ("target", "target_text", "target.text")


def build_changes(
    initiatives: tuple[Initiative, ...], *, since: dt.date, as_of: dt.date
) -> Changes:
    """Collect new, closed, status, checkpoint and target changes in the window.

    The window runs from `since` to `as_of`, both included; events dated after
    `as_of` belong to a later board pack and are left out.
    """
    items: list[tuple[int, ChangeItem]] = []
    for order, initiative in enumerate(initiatives):
        items.extend(
            (order, item) for item in _initiative_changes(initiative, since, as_of)
        )

    groups = []
    for kind, title in _GROUP_TITLES.items():
        selected = [
            (item.on, order, item) for order, item in items if item.kind == kind
        ]
        selected.sort(key=lambda entry: (entry[0], entry[1]))
        if selected:
            groups.append(
                ChangeGroup(kind=kind, title=title, items=tuple(e[2] for e in selected))
            )
    return Changes(
        since=since,
        since_label=date_label(since),
        total=sum(len(group.items) for group in groups),
        groups=tuple(groups),
    )


def _initiative_changes(
    initiative: Initiative, since: dt.date, as_of: dt.date
) -> Iterator[ChangeItem]:
    events = [e for e in initiative.history if since <= e.at.date() <= as_of]

    # The register's own creation date wins over the day the record was imported,
    # so importing an old register does not list every initiative as new.
    created_on = initiative.created_on
    if created_on is not None:
        if since <= created_on <= as_of:
            yield _new_item(initiative, created_on, "")
        events = [e for e in events if e.kind != "created"]

    for event in events:
        yield from _event_changes(initiative, event)


def _event_changes(initiative: Initiative, event: Event) -> Iterator[ChangeItem]:
    on = event.at.date()
    if event.kind == "created":
        yield _new_item(initiative, on, event.reason)
        return

    status_change = event.changes.get("status")
    closed_now = event.kind == "closed" or (
        status_change is not None and _text(status_change[1]) == Status.CLOSED
    )
    if closed_now:
        yield _closed_item(initiative, event)
    elif status_change is not None:
        yield _status_item(initiative, event, status_change)

    checkpoint_change = event.changes.get("next_checkpoint")
    if checkpoint_change is not None:
        item = _checkpoint_item(initiative, event, checkpoint_change)
        if item is not None:
            yield item

    target_change = next(
        (event.changes[key] for key in _TARGET_FIELDS if key in event.changes), None
    )
    if target_change is not None or event.kind == "target-revised":
        yield _target_item(initiative, event, target_change)


def _new_item(initiative: Initiative, on: dt.date, reason: str) -> ChangeItem:
    return _item(
        "new", initiative, on, None, None, reason, f"added on {date_label(on)}"
    )


def _closed_item(initiative: Initiative, event: Event) -> ChangeItem:
    on = event.at.date()
    result_change = event.changes.get("outcome") or event.changes.get("result")
    result = _outcome_result(result_change[1]) if result_change is not None else None
    if result is None and initiative.outcome is not None:
        result = _text(initiative.outcome.result)
    # The register's own closing date wins over the day the change was imported.
    if initiative.outcome is not None and initiative.outcome.closed_on is not None:
        on = initiative.outcome.closed_on
    status_change = event.changes.get("status")
    before = _text(status_change[0]) if status_change is not None else None
    outcome_text = f" as {result}" if result else " with no outcome recorded"
    text = f"closed on {date_label(on)}{outcome_text}"
    return _item("closed", initiative, on, before, result, event.reason, text)


def _outcome_result(value: Any) -> str | None:
    """Return the result word of an outcome change, stored whole or as a word."""
    if isinstance(value, dict):
        return _text(value.get("result"))
    return _text(value)


def _status_item(
    initiative: Initiative, event: Event, change: tuple[Any, Any]
) -> ChangeItem:
    on = event.at.date()
    before, after = _text(change[0]), _text(change[1])
    text = (
        f"status moved from {_status_words(before)} to {_status_words(after)}"
        f" on {date_label(on)}"
    )
    return _item("status", initiative, on, before, after, event.reason, text)


def _checkpoint_item(
    initiative: Initiative, event: Event, change: tuple[Any, Any]
) -> ChangeItem | None:
    """Describe a later or removed next checkpoint; an earlier one is no slip."""
    on = event.at.date()
    before_text, after_text = _text(change[0]), _text(change[1])
    before, after = _date(change[0]), _date(change[1])
    if before_text is None:
        return None
    if after_text is None:
        text = f"next checkpoint {_date_words(before, before_text)} removed"
    elif before is not None and after is not None:
        if after <= before:
            return None
        days = count((after - before).days, "day")
        text = (
            f"next checkpoint moved from {date_label(before)} to {date_label(after)}"
            f" ({days} later)"
        )
    else:
        # NOTE: a value that is not an ISO date cannot be compared, so it is
        # listed as a possible slip rather than left out.
        text = f"next checkpoint changed from {before_text!r} to {after_text!r}"
    text += f" on {date_label(on)}"
    return _item(
        "checkpoint-slipped",
        initiative,
        on,
        before_text,
        after_text,
        event.reason,
        text,
    )


def _target_item(
    initiative: Initiative, event: Event, change: tuple[Any, Any] | None
) -> ChangeItem:
    on = event.at.date()
    if change is not None:
        before, after = _text(change[0]), _text(change[1])
        text = f"target revised from {_quoted(before)} to {_quoted(after)}"
    else:
        before = after = None
        fields = ", ".join(sorted(event.changes)) or "no field recorded"
        text = f"target revised ({fields})"
    text += f" on {date_label(on)}"
    return _item("target-revised", initiative, on, before, after, event.reason, text)


def _item(
    kind: ChangeKind,
    initiative: Initiative,
    on: dt.date,
    before: str | None,
    after: str | None,
    reason: str,
    text: str,
) -> ChangeItem:
    reason = reason.strip()
    if kind in ("status", "checkpoint-slipped", "target-revised"):
        text += f": {reason}" if reason else " (no reason given)"
    elif reason:
        text += f": {reason}"
    return ChangeItem(
        kind=kind,
        initiative_id=initiative.id,
        initiative_name=initiative.name,
        on=on,
        before=before,
        after=after,
        reason=reason,
        text=text,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date_words(day: dt.date | None, text: str) -> str:
    return date_label(day) if day is not None else repr(text)


def _status_words(status: str | None) -> str:
    return status.replace("-", " ") if status else "no status"


def _quoted(text: str | None) -> str:
    return f"“{text}”" if text else "no target"
