"""The board section: its view model, its builder and its renderers.

`build_board_section` computes everything; `render_markdown`, `render_html`,
`render_json`, `render_pdf` and `render_pptx` only lay out what the view model
holds. The PDF and PPTX renderers also take a `BrandView` with the logo and
colours.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from boardloop.report._brand import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    MAX_LOGO_BYTES,
    BrandView,
    InvalidLogoError,
    Logo,
    logo_from_bytes,
)
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
from boardloop.report._pdf import render_pdf
from boardloop.report._pptx import render_pptx
from boardloop.report._svg import chart_svg, chart_table
from boardloop.report._text import code_spans
from boardloop.report._view import (
    KPI_FIELD_ID,
    SCHEMA_ID,
    SCHEMA_VERSION,
    BoardSection,
    ClosedInitiative,
    FindingItem,
    OpenInitiative,
    json_schema,
)
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BINARY_RENDERERS",
    "DEFAULT_ACCENT",
    "DEFAULT_PRIMARY",
    "DIGEST_FORMATS",
    "FORMATS",
    "ICS_MEDIA_TYPE",
    "KPI_FIELD_ID",
    "LINK_PLACEHOLDER",
    "MAX_LOGO_BYTES",
    "MEDIA_TYPES",
    "RENDERERS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "BoardSection",
    "BrandView",
    "CalendarOptions",
    "ClosedInitiative",
    "Digest",
    "DigestCheckpoint",
    "DigestFinding",
    "DigestInputs",
    "EvaluationLike",
    "FindingItem",
    "InvalidLogoError",
    "Logo",
    "OpenInitiative",
    "StaleInitiative",
    "VerdictChange",
    "build_board_section",
    "build_digest",
    "chart_svg",
    "chart_table",
    "checkpoint_calendar",
    "code_spans",
    "escape_markdown",
    "json_schema",
    "json_schema_text",
    "logo_from_bytes",
    "owner_matches",
    "render",
    "render_bytes",
    "render_digest",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "render_pptx",
    "show_controls",
]

# Output format name -> renderer; the names are those of the CLI's --format.
RENDERERS: dict[str, Callable[[BoardSection], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}
# Formats whose output is a binary document, drawn with the brand.
BINARY_RENDERERS: dict[str, Callable[[BoardSection, BrandView], bytes]] = {
    "pdf": render_pdf,
    "pptx": render_pptx,
}
FORMATS = (*RENDERERS, *BINARY_RENDERERS)
# Output format name -> media type of the document.
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def render(section: BoardSection, output_format: str) -> str:
    """Render the section in one of the text formats named in `RENDERERS`."""
    renderer = RENDERERS.get(output_format)
    if renderer is None:
        known = ", ".join(RENDERERS)
        raise ValueError(
            f"unknown board section format {output_format!r}. Use one of: {known}."
        )
    return renderer(section)


def render_bytes(
    section: BoardSection, output_format: str, brand: BrandView | None = None
) -> bytes:
    """Render the section in any format of `FORMATS`; text formats as UTF-8.

    `brand` applies to PDF and PPTX; None draws them with the default colours
    and no logo.
    """
    binary = BINARY_RENDERERS.get(output_format)
    if binary is not None:
        return binary(section, brand or BrandView())
    if output_format not in RENDERERS:
        known = ", ".join(FORMATS)
        raise ValueError(
            f"unknown board section format {output_format!r}. Use one of: {known}."
        )
    return render(section, output_format).encode("utf-8")


def json_schema_text() -> str:
    """Return the text of the shipped `schema.json`, as `json_schema()` gives it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
