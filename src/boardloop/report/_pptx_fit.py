"""Estimate how text wraps in a PPTX box, and cut it only when it cannot fit.

python-pptx cannot measure text, and the presentation program lays the text
out only when the deck is opened. These functions estimate the wrap from the
box width and the font size with an average character width. A table can then
grow its rows into the room it has and use a smaller font. A text is cut at a
word boundary only when even that is not enough.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "CELL_SIZES",
    "TableFit",
    "cut_to_lines",
    "fit_paragraphs",
    "fit_table",
    "line_count",
]

# NOTE: an estimate. The average width of a character in em: DejaVu Sans,
# which LibreOffice draws in place of Calibri, measures 0.49 to 0.53 em on
# English sentences, and Calibri is narrower. East Asian wide characters take
# a full em.
_EM_NARROW: Final = 0.55
_EM_WIDE: Final = 1.0
# Line height as a multiple of the font size.
_LINE_HEIGHT: Final = 1.2
# python-pptx's default cell margins: 0.1 inch left and right, 0.05 inch
# above and below.
_CELL_PAD_X: Final = 0.2
_CELL_PAD_Y: Final = 0.1
# Font sizes, in points, a table tries in turn; the last is the floor.
CELL_SIZES: Final = (10, 9, 8)
_ELLIPSIS: Final = "…"
_WORD = re.compile(r"\S+")


def _width_em(text: str) -> float:
    return sum(
        _EM_WIDE if unicodedata.east_asian_width(ch) in "WF" else _EM_NARROW
        for ch in text
    )


def _paragraph_lines(paragraph: str, capacity: float) -> int:
    """Count the lines of one paragraph wrapped at words into `capacity` em."""
    lines, used = 1, 0.0
    for word in _WORD.findall(paragraph):
        width = _width_em(word)
        needed = width if used == 0 else used + _EM_NARROW + width
        if needed <= capacity:
            used = needed
            continue
        if used > 0:
            lines += 1
        # A word wider than the line breaks inside itself.
        extra = max(math.ceil(width / capacity) - 1, 0)
        lines += extra
        used = width - extra * capacity
    return lines


def line_count(text: str, width_in: float, size_pt: float) -> int:
    """Estimate the lines `text` takes at `size_pt` in a box `width_in` inches wide."""
    capacity = max(width_in * 72 / size_pt, 1.0)
    return sum(_paragraph_lines(part, capacity) for part in text.split("\n"))


def cut_to_lines(text: str, width_in: float, size_pt: float, max_lines: int) -> str:
    """Return `text` whole if it fits in `max_lines`, else cut at a word with "…"."""
    if line_count(text, width_in, size_pt) <= max_lines:
        return text
    ends = [match.end() for match in _WORD.finditer(text)]
    fitting = ""
    for end in ends:
        candidate = text[:end].rstrip(",;:") + _ELLIPSIS
        if line_count(candidate, width_in, size_pt) > max_lines:
            break
        fitting = candidate
    if fitting:
        return fitting
    # The first word alone is too long, so cut inside it.
    cut = ""
    for index in range(1, len(text) + 1):
        candidate = text[:index].rstrip() + _ELLIPSIS
        if line_count(candidate, width_in, size_pt) > max_lines:
            break
        cut = candidate
    return cut or _ELLIPSIS


def _lines_height(lines: int, size_pt: float) -> float:
    """Return the height in inches of a cell with `lines` lines, margins included."""
    return lines * size_pt * _LINE_HEIGHT / 72 + _CELL_PAD_Y


def _row_height(row: Sequence[str], widths: Sequence[float], size_pt: float) -> float:
    lines = max(
        line_count(text, width - _CELL_PAD_X, size_pt)
        for text, width in zip(row, widths, strict=True)
    )
    return _lines_height(lines, size_pt)


@dataclass(frozen=True)
class TableFit:
    """A table laid out to its room: font size, heights in inches, cell texts."""

    size: int
    header_height: float
    row_heights: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]


def _share_room(needs: Sequence[float], room: float) -> list[float]:
    """Give each row its need, splitting what is left evenly among taller rows."""
    heights = list(needs)
    pending = set(range(len(needs)))
    left = room
    while pending:
        share = left / len(pending)
        small = {i for i in pending if needs[i] <= share}
        if not small:
            for i in pending:
                heights[i] = share
            break
        left -= sum(needs[i] for i in small)
        pending -= small
    return heights


def fit_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    room: float,
    *,
    min_row: float = 0.45,
) -> TableFit:
    """Lay a table out in `room` inches of height; widths are in inches.

    The table takes the largest size of `CELL_SIZES` at which every row fits
    whole. At the smallest size, rows that still do not fit share the room
    left by the others, and their cells are cut at a word to the lines that
    share holds.
    """
    for size in CELL_SIZES:
        header_height = max(_row_height(header, widths, size), 0.4)
        needs = [_row_height(row, widths, size) for row in rows]
        space = room - header_height
        if sum(needs) <= space:
            padded = [max(need, min_row) for need in needs]
            heights = padded if sum(padded) <= space else needs
            texts = tuple(tuple(row) for row in rows)
            return TableFit(size, header_height, tuple(heights), texts)
    heights = _share_room(needs, space)
    line_height = size * _LINE_HEIGHT / 72
    cut_rows = []
    for row, height in zip(rows, heights, strict=True):
        max_lines = max(int((height - _CELL_PAD_Y) / line_height), 1)
        cut_rows.append(
            tuple(
                cut_to_lines(text, width - _CELL_PAD_X, size, max_lines)
                for text, width in zip(row, widths, strict=True)
            )
        )
    return TableFit(size, header_height, tuple(heights), tuple(cut_rows))


# python-pptx's default text box insets: 0.1 inch left and right, 0.05 inch
# above and below.
_BOX_PAD_X: Final = 0.2
_BOX_PAD_Y: Final = 0.1
# Space after a paragraph, as a multiple of its font size.
_PARAGRAPH_GAP: Final = 0.35


def _paragraph_height(text: str, width_in: float, size_pt: float) -> float:
    lines = line_count(text, width_in - _BOX_PAD_X, size_pt)
    return (lines * _LINE_HEIGHT + _PARAGRAPH_GAP) * size_pt / 72


def fit_paragraphs(
    paragraphs: Sequence[tuple[str, str, bool]],
    width_in: float,
    height_in: float,
    sizes: Sequence[int],
) -> tuple[int, list[str]]:
    """Fit labelled paragraphs into a text box; return the font size and texts.

    Each paragraph is (label, text, may_cut). The box takes the largest of
    `sizes` at which every paragraph fits whole. At the smallest size the
    paragraphs that may be cut share the lines the others leave, in order,
    each taking what it needs while lines remain.
    """
    room = height_in - _BOX_PAD_Y
    for size in sizes:
        heights = [
            _paragraph_height(f"{label} {text}", width_in, size)
            for label, text, _ in paragraphs
        ]
        if sum(heights) <= room:
            return size, [text for _, text, _ in paragraphs]
    fixed = sum(
        height
        for height, (_, _, may_cut) in zip(heights, paragraphs, strict=True)
        if not may_cut
    )
    cuttable = sum(1 for _, _, may_cut in paragraphs if may_cut)
    pitch = size * _LINE_HEIGHT / 72
    gaps = cuttable * size * _PARAGRAPH_GAP / 72
    lines_left = int((room - fixed - gaps) / pitch)
    width = width_in - _BOX_PAD_X
    texts = []
    for label, text, may_cut in paragraphs:
        if not may_cut:
            texts.append(text)
            continue
        # The label shares the paragraph's first line, so the cut counts it.
        prefix = f"{label} "
        whole = prefix + text
        allowed = max(min(line_count(whole, width, size), lines_left), 1)
        cut_text = cut_to_lines(whole, width, size, allowed)
        if cut_text.startswith(prefix):
            texts.append(cut_text[len(prefix) :])
        else:
            texts.append(_ELLIPSIS)
        lines_left -= allowed
    return size, texts
