"""Conflicts between an imported file and edits made through the API or web.

An import writes the file's values over the stored initiative. When an edit
(any event that no import recorded) changed a field after the initiative's last
import, and the file gives that field another value, the import would silently
undo the edit. `find_edit_conflicts` lists those fields so the import can be
rejected before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from boardloop.store._codec import encode_initiative
from boardloop.store._diff import diff_initiatives
from boardloop.store._errors import StoreError
from boardloop.store._rows import decode_row, event_signature, load_events
from boardloop.store._schema import ImportRow, to_utc

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from boardloop.domain.model import Event, Initiative
    from boardloop.store._schema import InitiativeRow

__all__ = [
    "EditConflict",
    "ImportConflictError",
    "find_edit_conflicts",
    "overwrite_reasons",
]

# Event change names that stand for more top-level fields than their own name.
# A status change also rewrites the status text and may set the launch date,
# and a checkpoint event records one note of the `checkpoints` list.
EVENT_FIELDS: dict[str, frozenset[str]] = {
    "status": frozenset({"status", "status_text", "launched_on"}),
    "checkpoint": frozenset({"checkpoints"}),
}
IMPORT_EVENT_KINDS = frozenset({"created", "updated"})
OVERWRITE_FLAG = "--overwrite-edits"


@dataclass(frozen=True, slots=True)
class EditConflict:
    """One field that an edit changed after the last import and the file changes."""

    key: str
    field: str
    file_value: Any
    stored_value: Any
    actor: str
    at: dt.datetime

    def format_text(self) -> str:
        """Describe the conflict on one line, for the import's error message."""
        when = to_utc(self.at).strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"initiative {self.key!r}, {self.field}: the file has "
            f"{shown(self.file_value)}, the store has {shown(self.stored_value)} "
            f"(changed by {self.actor} on {when})"
        )


class ImportConflictError(StoreError):
    """An import that would overwrite edits made after the initiatives' last import."""

    http_status = 409

    def __init__(self, path: str, conflicts: Sequence[EditConflict]) -> None:
        keys = sorted({conflict.key for conflict in conflicts})
        lines = [
            f"{path}: the file would overwrite {len(conflicts)} field(s) of "
            f"{len(keys)} initiative(s) that were edited through the API or web "
            "after their last import:",
            *(f"  {conflict.format_text()}" for conflict in conflicts),
            "Nothing was imported from this file. Put the stored values into the "
            f"file ({_history_hint(keys)}) and import it again, or pass "
            f"{OVERWRITE_FLAG} to replace the edits with the file's values.",
        ]
        super().__init__("\n".join(lines))
        self.path = path
        self.conflicts = tuple(conflicts)


def _history_hint(keys: Sequence[str]) -> str:
    """Name the history command for each conflicting initiative."""
    if len(keys) == 1:
        return f"`boardloop history {keys[0]}` lists the edits"
    commands = ", ".join(f"`boardloop history {key}`" for key in keys)
    return f"{commands} list the edits of each initiative"


def find_edit_conflicts(
    session: Session,
    company_id: int,
    rows: dict[str, InitiativeRow],
    initiatives: Sequence[Initiative],
) -> list[EditConflict]:
    """List the fields where the file would undo an edit made since the last import.

    An edit is any event of the initiative that no import recorded and that the
    file's own history does not contain. A field counts only when the file's
    value differs from the stored one, so a file that already carries the edited
    value imports as before.
    """
    imports = session.execute(
        select(ImportRow.at, ImportRow.actor, ImportRow.path).where(
            ImportRow.company_id == company_id
        )
    ).all()
    marks = {(to_utc(at), actor) for at, actor, _ in imports}
    conflicts: list[EditConflict] = []
    for initiative in initiatives:
        row = rows.get(initiative.id)
        if row is None:
            continue
        stored = decode_row(row)
        changed = changed_fields(stored, initiative)
        if not changed:
            continue
        source_path = None if stored.source is None else stored.source.path
        last_import = max(
            (to_utc(at) for at, _, path in imports if path == source_path),
            default=None,
        )
        edits = edits_since_import(session, company_id, initiative, marks, last_import)
        conflicts.extend(conflicts_of(stored, initiative, changed, edits))
    return conflicts


def overwrite_reasons(reason: str, conflicts: Sequence[EditConflict]) -> dict[str, str]:
    """Word the reason of each import event that replaces edits, by initiative key."""
    overwritten: dict[str, list[EditConflict]] = {}
    for conflict in conflicts:
        overwritten.setdefault(conflict.key, []).append(conflict)
    reasons: dict[str, str] = {}
    for key, items in overwritten.items():
        fields = ", ".join(item.field for item in items)
        actors = ", ".join(sorted({item.actor for item in items}))
        reasons[key] = (
            f"{reason} with {OVERWRITE_FLAG}, replacing edits of {fields} by {actors}"
        )
    return reasons


def changed_fields(stored: Initiative, new: Initiative) -> set[str]:
    """Return the top-level fields that the file changes, as `target` for its parts."""
    return {name.split(".")[0] for name in diff_initiatives(stored, new)}


def edits_since_import(
    session: Session,
    company_id: int,
    initiative: Initiative,
    marks: set[tuple[dt.datetime, str]],
    last_import: dt.datetime | None,
) -> list[Event]:
    """Return the initiative's edit events after its last import, oldest first.

    The last import is the later of the last event an import recorded for the
    initiative and the last import of the file the initiative was stored from.
    The second counts an import that found the file already up to date, which
    records no event.
    """
    key = initiative.id
    events = [stored for _, stored in load_events(session, company_id, key=key)]
    for stored in events:
        if is_import_event(stored, marks):
            at = to_utc(stored.at)
            last_import = at if last_import is None else max(last_import, at)
    from_file = {event_signature(item, key) for item in initiative.history}
    return [
        stored
        for stored in events
        if not is_import_event(stored, marks)
        and (last_import is None or to_utc(stored.at) > last_import)
        and event_signature(stored, key) not in from_file
    ]


def is_import_event(stored: Event, marks: set[tuple[dt.datetime, str]]) -> bool:
    """Tell an event an import recorded: its time and actor match a logged import."""
    return (
        stored.kind in IMPORT_EVENT_KINDS and (to_utc(stored.at), stored.actor) in marks
    )


def touched_fields(edit: Event) -> frozenset[str]:
    """Return the top-level fields an edit event changed; a creation sets them all."""
    if edit.kind == "created":
        return frozenset({"*"})
    fields: set[str] = set()
    for name in edit.changes:
        top = name.split(".")[0]
        fields |= EVENT_FIELDS.get(top, frozenset({top}))
    return frozenset(fields)


def conflicts_of(
    stored: Initiative, new: Initiative, changed: set[str], edits: list[Event]
) -> list[EditConflict]:
    """Pair each field the file changes with the last edit that set it."""
    last_edit: dict[str, Event] = {}
    for edit in edits:
        touched = touched_fields(edit)
        for name in changed if "*" in touched else changed & touched:
            last_edit[name] = edit
    stored_values = encode_initiative(stored)
    file_values = encode_initiative(new)
    return [
        EditConflict(
            key=stored.id,
            field=name,
            file_value=field_value(file_values, name),
            stored_value=field_value(stored_values, name),
            actor=edit.actor,
            at=edit.at,
        )
        for name, edit in sorted(last_edit.items())
    ]


def field_value(encoded: dict[str, Any], name: str) -> Any:
    value = encoded[name]
    if name == "target":
        return value["text"]
    return value


def shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
