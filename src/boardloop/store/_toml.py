"""A small TOML writer for boardloop.toml; the standard library only reads TOML."""

from __future__ import annotations

import datetime as dt
import json
import math

__all__ = ["toml_array", "toml_key", "toml_scalar", "toml_string", "toml_value"]


def toml_key(key: str) -> str:
    """Write a key bare when TOML allows it, quoted otherwise."""
    if key and all(char.isascii() and (char.isalnum() or char in "-_") for char in key):
        return key
    return toml_string(key)


def toml_value(value: object) -> str:
    """Write one TOML value; dicts inside arrays become inline tables."""
    if isinstance(value, dict):
        pairs = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return toml_scalar(value)


def toml_scalar(value: object) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return toml_float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot write {value!r} of type {type(value).__name__} as TOML")


def toml_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def toml_array(values: list[str]) -> str:
    return "[" + ", ".join(toml_string(value) for value in values) + "]"


def toml_string(value: str) -> str:
    """Write a TOML basic string. JSON escapes are valid TOML except for DEL."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
