"""Plain values of the YAML reader: mappings and lists with lines, typed scalars.

A plain (unquoted, untagged) scalar is typed here by the YAML 1.2 core schema,
as ruamel.yaml's round-trip loader typed it before, and never by YAML 1.1 rules:

- `true`/`false` (also `True`, `TRUE`, `False`, `FALSE`) are booleans, and
  `null`, `Null`, `NULL`, `~` and an empty value are None, but `yes`, `no`,
  `on` and `off` are text;
- `10`, `010`, `1_000`, `0o17`, `0x1F` and `0b101` are integers, and leading
  zeros are read as decimal, not octal;
- `1.5`, `2.`, `.5`, `1e3`, `.inf` and `.nan` are floats, but `1:30` is text;
- `2026-03-14` is a date, and `2026-03-14T09:00:00` (optionally with a fraction
  and a zone) is a datetime. A date that does not exist (`2026-02-30`) stays
  text, so the reader reports it on its line;
- everything else, and every quoted or block scalar, is text.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from typing import Any

from boardloop.domain.model import Direction, Unit

__all__ = [
    "DIRECTIONS",
    "UNITS",
    "DateTimeT",
    "YamlList",
    "YamlMap",
    "as_datetime",
    "as_plain",
    "as_text",
    "plain_scalar",
    "read_changes",
    "tagged_scalar",
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


class YamlMap(dict[str, Any]):
    """A YAML mapping with text keys and the 1-based line of each key."""

    __slots__ = ("key_lines",)

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}


class YamlList(list[Any]):
    """A YAML sequence with the 1-based line where each item starts."""

    __slots__ = ("item_lines",)

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []


# --- scalars --------------------------------------------------------------------

# YAML 1.2 core schema, with the forms ruamel.yaml 0.18 also reads in YAML 1.2
# files: underscores between digits, `0o17` and `0b101`.
_FLOAT = re.compile(
    r"""[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)""",
    re.X,
)
_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_TIMESTAMP = re.compile(
    r"""(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:(?P<t>[Tt])|[ \t]+)
    (?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})
    (?::(?P<tz_minute>[0-9]{2}))?))?)?""",
    re.X,
)
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER_START = frozenset("-+0123456789.")


def plain_scalar(text: str) -> Any:
    """Type a plain scalar by the YAML 1.2 core schema; anything else is text."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[0] not in _NUMBER_START:
        return text
    try:
        if _FLOAT.fullmatch(text):
            return _float(text)
        if text[0] != "." and _INT.fullmatch(text):
            return _int(text)
    except ValueError:
        return text  # only odd forms such as "+_" or "._" fail
    if _DATE_ONLY.fullmatch(text) or (
        (match := _TIMESTAMP.fullmatch(text)) is not None and match["hour"]
    ):
        return _timestamp(text, keep_invalid=True)
    return text


def tagged_scalar(name: str, text: str) -> Any:
    """Read a scalar with an explicit YAML tag such as `!!int`; raise if it fails."""
    if name == "null":
        return None
    if name == "bool":
        return _TAGGED_BOOLS[text.lower()]
    if name == "int":
        return _int(text)
    if name == "float":
        return _float(text)
    if name == "timestamp":
        return _timestamp(text, keep_invalid=False)
    if name == "binary":
        return base64.decodebytes(text.encode("ascii"))
    return text


# `!!bool` also reads the YAML 1.1 words, as ruamel.yaml did.
_TAGGED_BOOLS = {
    "yes": True, "no": False, "y": True, "n": False, "true": True,
    "false": False, "on": True, "off": False,
}  # fmt: skip


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits[1:] if digits[0] in "+-" else digits
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = -1 if digits[0] == "-" else 1
    digits = digits[1:] if digits[0] in "+-" else digits
    if digits == ".inf":
        return sign * math.inf
    if digits == ".nan":
        return math.nan
    return sign * float(digits)


def _timestamp(text: str, *, keep_invalid: bool) -> dt.date | str:
    """Read a YAML timestamp; an impossible date stays text if `keep_invalid`."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise ValueError(text)
    try:
        return _timestamp_of(match)
    except ValueError:
        if keep_invalid:
            return text
        raise


def _timestamp_of(match: re.Match[str]) -> dt.date:
    """Build the date or datetime of a timestamp match, as ruamel.yaml 0.18 does.

    A fraction is rounded to microseconds, a zone gives an aware datetime, and a
    timestamp written with a "T" prints with one.
    """
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["hour"] is None:
        return dt.date(year, month, day)
    fraction = match["fraction"] or ""
    microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0
    if len(fraction) > 6 and int(fraction[6]) > 4:
        microsecond += 1
    carry = microsecond > 999_999
    zone = None
    if match["tz_sign"]:
        offset = dt.timedelta(
            hours=int(match["tz_hour"]), minutes=int(match["tz_minute"] or 0)
        )
        zone = dt.timezone(-offset if match["tz_sign"] == "-" else offset, match["tz"])
    elif match["tz"] == "Z":
        zone = dt.timezone(dt.timedelta(0), "Z")
    kind = DateTimeT if match["t"] else dt.datetime
    value = kind(
        year,
        month,
        day,
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"]),
        0 if carry else microsecond,
        zone,
    )
    return value + dt.timedelta(seconds=1) if carry else value


class DateTimeT(dt.datetime):
    """A datetime written with a "T" before the time, which `str` keeps."""

    def __str__(self) -> str:
        return self.isoformat("T")


# --- values for the reader ------------------------------------------------------


def as_text(value: Any) -> str:
    """Return a scalar as stripped text; a date as ISO; None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def as_plain(value: Any) -> Any:
    """Turn YAML mappings and lists into plain dicts and lists for `extra`."""
    if isinstance(value, dict):
        return {str(key): as_plain(item) for key, item in value.items()}
    if isinstance(value, list):
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
    if not isinstance(value, YamlMap):
        return {}
    changes = {}
    for key, change in value.items():
        if isinstance(change, YamlList) and len(change) == 2:
            changes[str(key)] = (_json_ready(change[0]), _json_ready(change[1]))
        elif isinstance(change, YamlMap):
            before, after = change.get("from"), change.get("to")
            changes[str(key)] = (_json_ready(before), _json_ready(after))
        else:
            changes[str(key)] = (None, _json_ready(change))
    return changes


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return as_plain(value)
