"""The checkpoints cell of a register table: a JSON list, as the export writes it."""

from __future__ import annotations

import datetime as dt
import json

from boardloop.domain.model import Checkpoint

__all__ = ["CHECKPOINTS_EXAMPLE", "parse_checkpoints"]

CHECKPOINTS_EXAMPLE = '[{"on": "2026-04-14", "author": "Dana Reyes", "note": "..."}]'


def parse_checkpoints(text: str) -> tuple[Checkpoint, ...] | None:
    """Read a JSON list of {on, author, note} objects, or return None for other text.

    `on` is an ISO date; `author` and `note` may be missing or null.
    """
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(items, list):
        return None
    checkpoints = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("on"), str):
            return None
        author = item.get("author")
        note = item.get("note") or ""
        if not (author is None or isinstance(author, str)) or not isinstance(note, str):
            return None
        try:
            on = dt.date.fromisoformat(item["on"])
        except ValueError:
            return None
        checkpoints.append(Checkpoint(on=on, note=note, author=author))
    return tuple(checkpoints)
