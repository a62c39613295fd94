"""Render the board section as JSON that matches `schema.json`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boardloop.report._view import BoardSection

__all__ = ["render_json"]


def render_json(section: BoardSection) -> str:
    """Render the section as indented JSON with camelCase keys in model order.

    Dates are ISO 8601 strings and numbers are JSON numbers. NaN and infinities
    raise ValueError instead of being written.
    """
    data = section.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
