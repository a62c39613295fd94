"""Render the board section as one self-contained HTML page."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from boardloop.report._svg import chart_svg, chart_table
from boardloop.report._text import code_spans
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from boardloop.report._view import BoardSection

__all__ = ["render_html"]


@cache
def _environment() -> jinja2.Environment:
    # Autoescaping is on for every template, whatever its file name.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("boardloop.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    environment.filters["code_spans"] = _code_spans_html
    environment.filters["chart_svg"] = chart_svg
    environment.filters["chart_table"] = chart_table
    return environment


def _code_spans_html(text: str) -> Markup:
    """Escape a hint, showing its `setting` names as <code> elements."""
    parts = (
        Markup("<code>{}</code>").format(show_controls(part))
        if is_code
        else Markup.escape(show_controls(part))
        for part, is_code in code_spans(text)
    )
    return Markup("").join(parts)


def _finalize(value: object) -> object:
    """Show control characters in plain strings before they are escaped."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return show_controls(value)
    return value


def render_html(section: BoardSection) -> str:
    """Render the section as a page with inline CSS, no scripts and no links."""
    template = _environment().get_template("section.html.j2")
    return template.render(section=section)
