"""YAML loading and the plain values the YAML reader takes from ruamel nodes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from boardloop.domain.model import Direction, Unit
from boardloop.io._summary import ReadError

__all__ = [
    "DIRECTIONS",
    "UNITS",
    "as_datetime",
    "as_plain",
    "as_text",
    "load_yaml",
    "read_changes",
]

UNITS = {
    "pp": Unit.PP, "percentage points": Unit.PP, "%": Unit.PERCENT,
    "percent": Unit.PERCENT, "pts": Unit.PTS, "points": Unit.PTS,
    "currency": Unit.CURRENCY, "count": Unit.COUNT,
}  # fmt: skip
DIRECTIONS = {
    "increase": Direction.INCREASE, "up": Direction.INCREASE,
    "decrease": Direction.DECREASE, "down": Direction.DECREASE,
    "reduce": Direction.DECREASE, "hold": Direction.HOLD,
}  # fmt: skip

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _LenientConstructor(RoundTripConstructor):
    """A round-trip constructor that keeps an impossible date as its text.

    ruamel.yaml resolves `2026-02-30` as a timestamp and then fails inside
    `datetime.date` with a bare ValueError. Here that value stays a string, so
    the reader reports it on its line like any other unreadable date.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(node.value)


# add_constructor copies the table on the subclass, so ruamel's own
# RoundTripConstructor is left as it is.
_LenientConstructor.add_constructor(
    _TIMESTAMP_TAG, _LenientConstructor.construct_yaml_timestamp
)


def load_yaml(text: str, path: str) -> Any:
    """Parse YAML text with line numbers; invalid YAML raises `ReadError`."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _LenientConstructor
    try:
        return yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise ReadError(
            path, line, f"invalid YAML: {problem}", "fix the syntax on that line"
        ) from error
    except YAMLError as error:
        raise ReadError(path, None, f"invalid YAML: {error}") from error


def as_text(value: Any) -> str:
    """Return a scalar as stripped text; a date as ISO; None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def as_plain(value: Any) -> Any:
    """Turn ruamel containers into plain dicts and lists for `extra`."""
    if isinstance(value, CommentedMap):
        return {str(key): as_plain(item) for key, item in value.items()}
    if isinstance(value, CommentedSeq):
        return [as_plain(item) for item in value]
    return value


def as_datetime(value: Any) -> dt.datetime | None:
    """Read a YAML timestamp, date or ISO text as a datetime; None if it is not one."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def read_changes(value: Any) -> dict[str, tuple[Any, Any]]:
    """Read 'changes' as field -> [before, after] or field -> {from, to}."""
    if not isinstance(value, CommentedMap):
        return {}
    changes = {}
    for key, change in value.items():
        if isinstance(change, CommentedSeq) and len(change) == 2:
            changes[str(key)] = (_json_ready(change[0]), _json_ready(change[1]))
        elif isinstance(change, CommentedMap):
            before, after = change.get("from"), change.get("to")
            changes[str(key)] = (_json_ready(before), _json_ready(after))
        else:
            changes[str(key)] = (None, _json_ready(change))
    return changes


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return as_plain(value)
