"""The fields an edit may set, and the checks on their values."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import Owner
from boardloop.edits._errors import InvalidEditError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from boardloop.domain.model import Initiative

__all__ = [
    "EDITABLE_FIELDS",
    "NO_NUL",
    "apply_fields",
    "check_date",
    "check_text",
    "required_text",
]


NO_NUL = "remove the NUL character (U+0000), which no database text can hold"


def check_text(key: str, field: str, value: object) -> str | None:
    """Return an optional text value stripped, or None when it is blank or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEditError(key, field, value, "give it as text")
    if "\x00" in value:
        raise InvalidEditError(key, field, value, NO_NUL)
    return value.strip() or None


def required_text(key: str, field: str, value: object) -> str:
    """Return a text value stripped; a blank value or None raises."""
    text = check_text(key, field, value)
    if text is None:
        raise InvalidEditError(key, field, value, "it cannot be empty")
    return text


def check_date(key: str, field: str, value: object) -> dt.date | None:
    """Return a date given as a date or as YYYY-MM-DD text; None clears it."""
    if value is None or (
        isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    ):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidEditError(key, field, value, "write the date as YYYY-MM-DD")


def _name(item: Initiative, value: object) -> Initiative:
    return replace(item, name=required_text(item.id, "name", value))


def _owner_person(item: Initiative, value: object) -> Initiative:
    person = check_text(item.id, "owner_person", value)
    return replace(item, owner=Owner(person=person, function=item.owner.function))


def _owner_function(item: Initiative, value: object) -> Initiative:
    function = check_text(item.id, "owner_function", value)
    return replace(item, owner=Owner(person=item.owner.person, function=function))


def _program(item: Initiative, value: object) -> Initiative:
    return replace(item, program=check_text(item.id, "program", value))


def _notes(item: Initiative, value: object) -> Initiative:
    return replace(item, notes=check_text(item.id, "notes", value) or "")


def _progress_note(item: Initiative, value: object) -> Initiative:
    note = check_text(item.id, "progress_note", value)
    return replace(item, progress_note=note)


def _control_segment(item: Initiative, value: object) -> Initiative:
    segment = check_text(item.id, "control_segment", value)
    return replace(item, control_segment=segment)


def _next_checkpoint(item: Initiative, value: object) -> Initiative:
    return replace(item, next_checkpoint=check_date(item.id, "next_checkpoint", value))


# The fields `update_fields` sets, by the name an edit gives them. The target,
# status, checkpoints and outcome have their own operations, which record what
# the board reads about them.
EDITABLE_FIELDS: Mapping[str, Callable[[Initiative, object], Initiative]] = {
    "name": _name,
    "owner_person": _owner_person,
    "owner_function": _owner_function,
    "program": _program,
    "notes": _notes,
    "progress_note": _progress_note,
    "control_segment": _control_segment,
    "next_checkpoint": _next_checkpoint,
}


def apply_fields(initiative: Initiative, changes: Mapping[str, Any]) -> Initiative:
    """Return the initiative with each named field set; unknown names raise."""
    edited = initiative
    for field, value in changes.items():
        setter = EDITABLE_FIELDS.get(field)
        if setter is None:
            raise InvalidEditError(
                initiative.id,
                "field",
                field,
                f"editable fields are {', '.join(EDITABLE_FIELDS)}; the target, "
                "status, checkpoints and outcome have their own edits",
            )
        edited = setter(edited, value)
    return edited
