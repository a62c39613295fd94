"""Render the board section as a 16:9 PPTX deck with python-pptx."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boardloop.report._brand import BrandView
    from boardloop.report._view import BoardSection

__all__ = ["render_pptx"]


def render_pptx(section: BoardSection, brand: BrandView) -> bytes:
    """Render the section as a deck."""
    raise NotImplementedError
