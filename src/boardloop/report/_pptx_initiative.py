"""The slide of one open initiative: its facts beside its native line chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pptx.util import Inches

from boardloop.report._format import date_label
from boardloop.report._pptx_chart import add_line_chart
from boardloop.report._pptx_fit import fit_paragraphs
from boardloop.report._pptx_shapes import (
    CONTENT_WIDTH,
    MARGIN,
    Line,
    add_text,
    add_title,
    clip,
    set_notes,
)
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from pptx.slide import Slide

    from boardloop.report._brand import BrandView
    from boardloop.report._view import OpenInitiative

__all__ = ["add_initiative_slide", "open_note"]

# Maximum length, in characters, of the slide title.
_TITLE: Final = 90
# Maximum length of a fact before fitting. A target, owner or status longer
# than this is cut here, because only the verdict and the progress note are
# cut to fit the box.
_FACT: Final = 300
# Font sizes, in points, the facts box tries in turn; the last is the floor.
_FACT_SIZES: Final = (12, 11, 10)


def add_initiative_slide(slide: Slide, item: OpenInitiative, brand: BrandView) -> None:
    """Fill a blank slide with one open initiative: facts left, chart right."""
    add_title(slide, clip(item.name, _TITLE), brand, size=22)
    # (label, full text, whether the text may be cut to fit the box)
    facts: list[tuple[str, str, bool]] = [
        ("Target", item.target.display, False),
        ("Owner", item.owner.display, False),
        (
            "Status",
            f"{item.status_label}; next checkpoint {item.next_checkpoint_label}",
            False,
        ),
    ]
    verdict = item.verdict
    if verdict is None:
        facts.append(("Verdict", item.verdict_label, False))
    else:
        facts.append(("Verdict", f"{verdict.label}: {verdict.explanation}", True))
        movement = (
            f"{verdict.movement_label} ({verdict.relative_change_label} relative); "
            f"{verdict.attainment_label} of target"
        )
        facts.append(("Movement", movement, False))
    if item.progress_note:
        facts.append(("Progress", item.progress_note, True))
    visible = [
        (label, show_controls(text) if cut else clip(text, _FACT), cut)
        for label, text, cut in facts
    ]
    size, texts = fit_paragraphs(visible, 5.3, 5.6, _FACT_SIZES)
    lines = [
        Line(text, label=label, size=size)
        for (label, _, _), text in zip(visible, texts, strict=True)
    ]
    add_text(slide, (MARGIN, Inches(1.5), Inches(5.3), Inches(5.6)), lines, brand)

    chart = item.chart
    left = MARGIN + Inches(5.6)
    width = CONTENT_WIDTH - Inches(5.6)
    if chart is None:
        add_text(
            slide,
            (left, Inches(1.5), width, Inches(0.6)),
            [Line("No chart: fewer than two values measured.", muted=True)],
            brand,
        )
    else:
        add_line_chart(slide, (left, Inches(1.5), width, Inches(4.7)), chart, brand)
        add_text(
            slide,
            (left, Inches(6.3), width, Inches(0.85)),
            [Line(clip(_chart_caption(item), 260), size=10, muted=True)],
            brand,
        )
    notes = [item.name, open_note(item)]
    if verdict is not None:
        notes.append(verdict.explanation)
    if item.progress_note:
        notes.append(f"Progress: {item.progress_note}")
    set_notes(slide, notes)


def _chart_caption(item: OpenInitiative) -> str:
    """Name the chart and the dates the native chart cannot draw as rules."""
    chart = item.chart
    if chart is None:
        return ""
    parts = [chart.title + (f" ({chart.unit})" if chart.unit else "")]
    if chart.launched_on is not None:
        parts.append(f"launched {date_label(chart.launched_on)}")
    if chart.lag_until is not None:
        parts.append(f"lag until {date_label(chart.lag_until)}")
    if chart.deadline is not None:
        parts.append(f"deadline {date_label(chart.deadline)}")
    return "; ".join(parts) + "."


def open_note(item: OpenInitiative) -> str:
    """Return the initiative's row in full, for the speaker notes."""
    return (
        f"{item.name} | target: {item.target.display} | owner: "
        f"{item.owner.display} | {item.status_label} | next checkpoint: "
        f"{item.next_checkpoint_label} | {item.verdict_label}"
    )
