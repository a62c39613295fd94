"""The slide of one open initiative: its facts beside its native line chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pptx.util import Inches

from boardloop.report._format import date_label
from boardloop.report._pptx_chart import add_line_chart
from boardloop.report._pptx_shapes import (
    CONTENT_WIDTH,
    MARGIN,
    Line,
    add_text,
    add_title,
    clip,
    set_notes,
)

if TYPE_CHECKING:
    from pptx.slide import Slide

    from boardloop.report._brand import BrandView
    from boardloop.report._view import OpenInitiative

__all__ = ["add_initiative_slide", "open_note"]

# Maximum text lengths, in characters, that fit the boxes at their font sizes.
_TITLE: Final = 90
_EXPLANATION: Final = 600
_NOTE: Final = 240


def add_initiative_slide(slide: Slide, item: OpenInitiative, brand: BrandView) -> None:
    """Fill a blank slide with one open initiative: facts left, chart right."""
    add_title(slide, clip(item.name, _TITLE), brand, size=22)
    facts = [
        Line(clip(item.target.display, 200), label="Target", size=12),
        Line(clip(item.owner.display, 100), label="Owner", size=12),
        Line(
            clip(
                f"{item.status_label}; next checkpoint {item.next_checkpoint_label}",
                120,
            ),
            label="Status",
            size=12,
        ),
    ]
    verdict = item.verdict
    if verdict is None:
        facts.append(Line(item.verdict_label, label="Verdict", size=12))
    else:
        facts.append(
            Line(
                clip(f"{verdict.label}: {verdict.explanation}", _EXPLANATION),
                label="Verdict",
                size=12,
            )
        )
        movement = (
            f"{verdict.movement_label} ({verdict.relative_change_label} relative); "
            f"{verdict.attainment_label} of target"
        )
        facts.append(Line(movement, label="Movement", size=12))
    if item.progress_note:
        facts.append(Line(clip(item.progress_note, _NOTE), label="Progress", size=12))
    add_text(slide, (MARGIN, Inches(1.5), Inches(5.3), Inches(5.6)), facts, brand)

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
