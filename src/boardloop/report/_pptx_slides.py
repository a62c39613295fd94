"""The slides of the PPTX deck: summary, tables, one per initiative, track record.

Slides, in order: a summary, the active and planned initiatives table, the
closed initiatives table, one slide per open initiative with its chart, and
the track record. Each table has at most `ROWS_PER_SLIDE` rows a slide,
spread evenly over the slides it needs. Table rows grow into the room the slide has,
and a text is cut at a word with "…" only when it cannot fit. The speaker
notes carry the full text of every initiative on the slide.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Final, TypeVar

from pptx import Presentation as open_presentation
from pptx.util import Emu, Inches

from boardloop.report._pptx_initiative import add_initiative_slide, open_note
from boardloop.report._pptx_shapes import (
    CONTENT_WIDTH,
    MARGIN,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Line,
    add_fitted_table,
    add_table,
    add_text,
    add_title,
    clip,
    set_notes,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pptx.presentation import Presentation
    from pptx.slide import Slide

    from boardloop.report._brand import BrandView
    from boardloop.report._view import (
        BoardSection,
        ClosedInitiative,
        OpenInitiative,
        TrackRecord,
        TrackRecordRow,
    )

__all__ = ["ROWS_PER_SLIDE", "build_deck"]

Row = TypeVar("Row")

# Maximum table rows on a slide. At eight rows each has room for three
# lines of 10 pt text, and fewer rows get taller.
ROWS_PER_SLIDE: Final = 8
# Maximum length, in characters, of a slide title.
_TITLE = 90


def build_deck(section: BoardSection, brand: BrandView) -> bytes:
    """Build the deck and return the bytes of its .pptx file."""
    deck = open_presentation()
    deck.slide_width = SLIDE_WIDTH
    deck.slide_height = SLIDE_HEIGHT
    _summary_slide(deck, section, brand)
    _open_table_slides(deck, section.open_initiatives, brand)
    _closed_table_slides(deck, section.closed_initiatives, brand)
    for item in section.open_initiatives:
        add_initiative_slide(_new_slide(deck), item, brand)
    if section.track_record is not None:
        _track_record_slides(deck, section.track_record, brand)
    output = io.BytesIO()
    deck.save(output)
    return output.getvalue()


def _new_slide(deck: Presentation) -> Slide:
    # Layout 6 of the default template is the blank one.
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[6])
    return slide


def _pages(rows: Sequence[Row]) -> list[Sequence[Row]]:
    """Split table rows into as few slides as `ROWS_PER_SLIDE` allows, balanced.

    The slides' row counts differ by at most one, larger first, so 9 rows
    make 5 and 4 rather than 8 and 1. No rows give one empty page.
    """
    count = max(1, math.ceil(len(rows) / ROWS_PER_SLIDE))
    base, extra = divmod(len(rows), count)
    pages: list[Sequence[Row]] = []
    start = 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        pages.append(rows[start : start + size])
        start += size
    return pages


def _page_title(title: str, index: int, count: int) -> str:
    return title if count == 1 else f"{title} ({index} of {count})"


def _summary_slide(deck: Presentation, section: BoardSection, brand: BrandView) -> None:

    slide = _new_slide(deck)
    logo = brand.logo
    title_width = int(CONTENT_WIDTH)
    add_title(slide, "Customer Success Initiatives", brand, size=30)
    # NOTE: python-pptx embeds raster images only, so the deck leaves out an
    # SVG logo. The PDF pack shows it.
    if logo is not None and logo.width and logo.height:
        title_width = CONTENT_WIDTH - Inches(2.2)
        scale = min(Inches(2.0) / logo.width, Inches(0.9) / logo.height)
        width, height = int(logo.width * scale), int(logo.height * scale)
        left = MARGIN + CONTENT_WIDTH - width
        slide.shapes.add_picture(
            io.BytesIO(logo.data), Emu(left), Inches(0.3), Emu(width), Emu(height)
        )
    masthead = f"{section.company} · as of {section.as_of_label}"
    if section.fiscal_period:
        masthead += f" · {section.fiscal_period}"
    add_text(
        slide,
        (MARGIN, Inches(1.4), title_width, Inches(0.5)),
        [Line(clip(masthead, 110), size=16, muted=True)],
        brand,
    )
    verdicts = section.summary.verdicts
    counts = [
        ("On track", verdicts.on_track),
        ("Behind", verdicts.behind),
        ("Achieved", verdicts.achieved),
        ("Missed", verdicts.missed),
        ("Too early", verdicts.too_early),
        ("No data", verdicts.no_data),
        ("Inconclusive", verdicts.inconclusive),
        ("Not evaluated", verdicts.not_evaluated),
        ("Closed", section.summary.closed),
    ]
    add_table(
        slide,
        Inches(2.05),
        [12.4 / len(counts)] * len(counts),
        [label for label, _ in counts],
        [[str(number) for _, number in counts]],
        brand,
        row_height=0.55,
        size=12,
    )
    headlines = [Line(clip(section.summary.text, 700), size=14)]
    headlines.append(Line(clip(section.findings.summary, 300), size=14))
    if section.track_record is not None:
        headlines.append(Line(clip(section.track_record.text, 300), size=14))
    if section.changes is not None:
        changes = section.changes
        headlines.append(
            Line(f"{changes.total} changes since {changes.since_label}.", size=14)
        )
    add_text(
        slide, (MARGIN, Inches(3.25), CONTENT_WIDTH, Inches(3.9)), headlines, brand
    )
    set_notes(
        slide,
        [
            section.company,
            section.summary.text,
            section.findings.summary,
            f"generated by {section.generation.generator} from catalog "
            f"{section.catalog_version}",
        ],
    )


def _open_table_slides(
    deck: Presentation, items: Sequence[OpenInitiative], brand: BrandView
) -> None:

    pages = _pages(items)
    for index, page in enumerate(pages, start=1):
        slide = _new_slide(deck)
        add_title(
            slide,
            _page_title("Active and planned initiatives", index, len(pages)),
            brand,
        )
        rows = [
            [
                item.name,
                item.target.display,
                item.owner.display,
                item.status_label,
                item.next_checkpoint_label,
                item.verdict.label if item.verdict else item.verdict_label,
            ]
            for item in page
        ]
        if rows:
            add_fitted_table(
                slide,
                Inches(1.5),
                [3.3, 3.0, 2.0, 1.3, 1.3, 1.5],
                [
                    "Initiative",
                    "Target",
                    "Owner",
                    "Status",
                    "Next checkpoint",
                    "Verdict",
                ],
                rows,
                brand,
            )
        else:
            add_text(
                slide,
                (MARGIN, Inches(1.6), CONTENT_WIDTH, Inches(0.6)),
                [Line("No active or planned initiatives.")],
                brand,
            )
        set_notes(slide, [open_note(item) for item in page])


def _closed_table_slides(
    deck: Presentation, items: Sequence[ClosedInitiative], brand: BrandView
) -> None:

    pages = _pages(items)
    for index, page in enumerate(pages, start=1):
        slide = _new_slide(deck)
        add_title(slide, _page_title("Closed initiatives", index, len(pages)), brand)
        rows = [
            [
                item.name,
                item.outcome_label,
                item.movement_label,
                item.lesson or "no lesson recorded",
            ]
            for item in page
        ]
        if rows:
            add_fitted_table(
                slide,
                Inches(1.5),
                [3.3, 1.7, 3.0, 4.4],
                ["Initiative", "Outcome", "Actual against target", "Lesson"],
                rows,
                brand,
            )
        else:
            add_text(
                slide,
                (MARGIN, Inches(1.6), CONTENT_WIDTH, Inches(0.6)),
                [Line("No closed initiatives.")],
                brand,
            )
        notes = [
            f"{item.name} | {item.outcome_label} | {item.movement_label} | "
            f"lesson: {item.lesson or 'none recorded'}"
            for item in page
        ]
        set_notes(slide, notes)


def _track_record_slides(
    deck: Presentation, record: TrackRecord, brand: BrandView
) -> None:
    """Add the track record: its sentence, then programs, owners and the total."""
    rows = [
        [f"Program: {row.group}", *_record_counts(row)] for row in record.by_program
    ]
    rows += [[f"Owner: {row.group}", *_record_counts(row)] for row in record.by_owner]
    if record.total.closed:
        rows.append(["All", *_record_counts(record.total)])
    else:
        rows = []
    pages = _pages(rows)
    for index, page in enumerate(pages, start=1):
        slide = _new_slide(deck)
        title = f"Track record, {record.window_label}"
        add_title(slide, _page_title(clip(title, _TITLE), index, len(pages)), brand)
        add_text(
            slide,
            (MARGIN, Inches(1.45), CONTENT_WIDTH, Inches(0.75)),
            [Line(clip(record.text, 300), size=13)],
            brand,
        )
        if page:
            add_fitted_table(
                slide,
                Inches(2.25),
                [3.6, 1.1, 1.1, 1.1, 1.1, 1.2, 1.2, 2.0],
                [
                    "Program or owner",
                    "Closed",
                    "Achieved",
                    "Partially",
                    "Missed",
                    "Abandoned",
                    "No outcome",
                    "Median attainment",
                ],
                page,
                brand,
            )
        set_notes(slide, [record.text, *(row[0] for row in page)])


def _record_counts(row: TrackRecordRow) -> list[str]:
    counts = (
        row.closed,
        row.achieved,
        row.partially_achieved,
        row.missed,
        row.abandoned,
        row.no_outcome,
    )
    return [*(str(number) for number in counts), row.median_attainment_label]
