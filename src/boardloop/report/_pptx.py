"""Render the board section as a 16:9 PPTX deck with python-pptx."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boardloop.report._brand import BrandView
    from boardloop.report._view import BoardSection

__all__ = ["render_pptx"]


def render_pptx(section: BoardSection, brand: BrandView) -> bytes:
    """Render the section as a deck of summary, table, initiative and record slides.

    python-pptx is imported on the first call, so importing the report
    package stays fast for the faces that never write a deck.
    """
    from boardloop.report._pptx_slides import build_deck

    return build_deck(section, brand)
