"""Text boxes, tables, titles and notes of the PPTX deck, sized to stay on the slide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Length, Pt

from boardloop.report._pptx_fit import fit_table
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pptx.slide import Slide
    from pptx.text.text import TextFrame

    from boardloop.report._brand import BrandView

__all__ = [
    "CONTENT_WIDTH",
    "MARGIN",
    "SLIDE_HEIGHT",
    "SLIDE_WIDTH",
    "Box",
    "Line",
    "add_fitted_table",
    "add_table",
    "add_text",
    "add_title",
    "clip",
    "colour",
    "emu_box",
    "set_notes",
]

# 16:9 at PowerPoint's default widescreen size, 13.333 by 7.5 inches.
SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.45)
CONTENT_WIDTH = Emu(SLIDE_WIDTH - 2 * MARGIN)
# The lowest edge a table may reach, 0.35 inch above the slide's bottom.
BOTTOM = Emu(SLIDE_HEIGHT - Inches(0.35))
# A position and size in EMU: left, top, width, height.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Line:
    """One paragraph of a text box: an optional bold label, then the text."""

    text: str
    size: int = 12
    label: str = ""
    bold: bool = False
    muted: bool = False


def clip(text: str, limit: int) -> str:
    """Show control characters as `[U+XXXX]`, then cut `text` to `limit` at a word."""
    visible = show_controls(text)
    if len(visible) <= limit:
        return visible
    head = visible[: limit - 1]
    space = head.rfind(" ")
    # Cut inside a word only when the text has no space in its first half.
    if space > limit // 2:
        head = head[:space]
    return head.rstrip().rstrip(",;:") + "…"


def colour(hex_colour: str) -> RGBColor:
    """Return a "#rrggbb" colour as python-pptx's colour."""
    # python-pptx 1.0 leaves RGBColor.from_string unannotated.
    rgb: RGBColor = RGBColor.from_string(hex_colour.removeprefix("#"))  # type: ignore[no-untyped-call]
    return rgb


MUTED = colour("#555555")
HEADER_FILL = colour("#f0f0ec")
WHITE = colour("#ffffff")


def emu_box(box: Box) -> tuple[Length, Length, Length, Length]:
    """Return a box as python-pptx lengths; sums of lengths are plain ints."""
    left, top, width, height = box
    return Emu(left), Emu(top), Emu(width), Emu(height)


def _fill_frame(frame: TextFrame, lines: Sequence[Line], brand: BrandView) -> None:
    """Write the lines into a text frame that wraps and shrinks its text to fit."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, line in enumerate(lines):
        # python-pptx 1.0 leaves add_paragraph unannotated.
        add: Any = frame.add_paragraph
        paragraph = frame.paragraphs[0] if index == 0 else add()
        paragraph.space_after = Pt(line.size * 0.35)
        if line.label:
            label = paragraph.add_run()
            label.text = show_controls(line.label) + " "
            label.font.size = Pt(line.size)
            label.font.bold = True
            label.font.color.rgb = colour(brand.primary)
        run = paragraph.add_run()
        run.text = show_controls(line.text)
        run.font.size = Pt(line.size)
        run.font.bold = line.bold
        if line.muted:
            run.font.color.rgb = MUTED


def add_text(
    slide: Slide,
    box: Box,
    lines: Sequence[Line],
    brand: BrandView,
) -> None:
    """Add a text box at `box`."""
    shape = slide.shapes.add_textbox(*emu_box(box))
    _fill_frame(shape.text_frame, lines, brand)


def add_title(slide: Slide, text: str, brand: BrandView, *, size: int = 26) -> None:
    """Add the slide's title in the primary colour, with an accent rule under it."""
    shape = slide.shapes.add_textbox(MARGIN, Inches(0.3), CONTENT_WIDTH, Inches(0.95))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    run = frame.paragraphs[0].add_run()
    run.text = show_controls(text)
    run.font.size = Pt(size)
    run.font.bold = True
    run.font.color.rgb = colour(brand.primary)
    rule = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.27), CONTENT_WIDTH, Pt(2.5)
    )
    rule.fill.solid()
    rule.fill.fore_color.rgb = colour(brand.accent)
    rule.line.fill.background()


def add_table(
    slide: Slide,
    top: int,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    brand: BrandView,
    *,
    row_height: float = 0.62,
    size: int = 10,
) -> None:
    """Add a table with a header row; `widths` and `row_height` are in inches."""
    heights = [row_height] * len(rows)
    _build_table(slide, top, widths, header, rows, brand, 0.4, heights, size)


def add_fitted_table(
    slide: Slide,
    top: int,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    brand: BrandView,
) -> None:
    """Add a table sized to the room between `top` and the slide's bottom margin.

    Rows grow to hold their text, the font shrinks to the floor of
    `CELL_SIZES`, and only then are texts cut at a word with "…".
    """
    visible = [[show_controls(text) for text in row] for row in rows]
    room = Emu(BOTTOM - top).inches
    fit = fit_table(header, visible, widths, room)
    _build_table(
        slide,
        top,
        widths,
        header,
        fit.rows,
        brand,
        fit.header_height,
        fit.row_heights,
        fit.size,
    )


def _build_table(
    slide: Slide,
    top: int,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    brand: BrandView,
    header_height: float,
    row_heights: Sequence[float],
    size: int,
) -> None:
    """Add a table; widths and heights are in inches."""
    width = Inches(sum(widths))
    height = Inches(header_height + sum(row_heights))
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), MARGIN, Emu(top), width, height
    )
    table = shape.table
    table.first_row = True
    for index, column_width in enumerate(widths):
        table.columns[index].width = Inches(column_width)
    table.rows[0].height = Inches(header_height)
    for row, row_height in zip(list(table.rows)[1:], row_heights, strict=True):
        row.height = Inches(row_height)
    for column, text in enumerate(header):
        cell = table.cell(0, column)
        cell.fill.solid()  # type: ignore[no-untyped-call]
        cell.fill.fore_color.rgb = HEADER_FILL
        _cell_text(cell.text_frame, text, size, bold=True, rgb=colour(brand.primary))
    for row_index, values in enumerate(rows, start=1):
        for column, text in enumerate(values):
            cell = table.cell(row_index, column)
            cell.fill.solid()  # type: ignore[no-untyped-call]
            cell.fill.fore_color.rgb = WHITE
            _cell_text(cell.text_frame, text, size)


def _cell_text(
    frame: TextFrame,
    text: str,
    size: int,
    *,
    bold: bool = False,
    rgb: RGBColor | None = None,
) -> None:
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = show_controls(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if rgb is not None:
        run.font.color.rgb = rgb


def set_notes(slide: Slide, lines: Sequence[str]) -> None:
    """Write the speaker notes: the full text of everything the slide abridges."""
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        raise ValueError("the default template's notes master has no body placeholder")
    frame.text = "\n".join(show_controls(line) for line in lines)
