"""The board section: its view model, its builder and its renderers.

`build_board_section` computes everything; `render_markdown`, `render_html` and
`render_json` only lay out what the view model holds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from boardloop.report._build import EvaluationLike, build_board_section
from boardloop.report._digest import (
    Digest,
    DigestCheckpoint,
    DigestFinding,
    DigestInputs,
    StaleInitiative,
    VerdictChange,
    build_digest,
)
from boardloop.report._digest_render import DIGEST_FORMATS, render_digest
from boardloop.report._html import render_html
from boardloop.report._ics import (
    ICS_MEDIA_TYPE,
    LINK_PLACEHOLDER,
    CalendarOptions,
    checkpoint_calendar,
    owner_matches,
)
from boardloop.report._json import render_json
from boardloop.report._markdown import escape_markdown, render_markdown
from boardloop.report._view import (
    KPI_FIELD_ID,
    SCHEMA_ID,
    SCHEMA_VERSION,
    BoardSection,
    json_schema,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "DIGEST_FORMATS",
    "ICS_MEDIA_TYPE",
    "KPI_FIELD_ID",
    "LINK_PLACEHOLDER",
    "RENDERERS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "BoardSection",
    "CalendarOptions",
    "Digest",
    "DigestCheckpoint",
    "DigestFinding",
    "DigestInputs",
    "EvaluationLike",
    "StaleInitiative",
    "VerdictChange",
    "build_board_section",
    "build_digest",
    "checkpoint_calendar",
    "escape_markdown",
    "json_schema",
    "json_schema_text",
    "owner_matches",
    "render",
    "render_digest",
    "render_html",
    "render_json",
    "render_markdown",
]

# Output format name -> renderer; the names are those of the CLI's --format.
RENDERERS: dict[str, Callable[[BoardSection], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


def render(section: BoardSection, output_format: str) -> str:
    """Render the section in one of the formats named in `RENDERERS`."""
    renderer = RENDERERS.get(output_format)
    if renderer is None:
        known = ", ".join(RENDERERS)
        raise ValueError(
            f"unknown board section format {output_format!r}. Use one of: {known}."
        )
    return renderer(section)


def json_schema_text() -> str:
    """Return the text of the shipped `schema.json`, as `json_schema()` gives it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
