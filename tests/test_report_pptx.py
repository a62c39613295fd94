"""The PPTX board pack: decks of the example and of a crowded, multilingual register."""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_AXIS_CROSSES, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE_TYPE

from boardloop.report import BoardSection, BrandView, logo_from_bytes, render_pptx
from boardloop.report._pptx_chart import SERIES_NAMES
from boardloop.report._pptx_slides import ROWS_PER_SLIDE
from test_report_pdf import (
    BRAND,
    HOSTILE_TOKENS,
    LONG_NAME,
    NON_LATIN,
    crowded_section,
    example_section,
)

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck
    from pptx.slide import Slide


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[BoardSection, BrandView]:
    return example_section(tmp_path_factory.mktemp("example"))


def open_deck(section: BoardSection, brand: BrandView) -> Deck:
    return Presentation(io.BytesIO(render_pptx(section, brand)))


def pages(count: int) -> int:
    return max(1, math.ceil(count / ROWS_PER_SLIDE))


def expected_slides(section: BoardSection) -> int:
    """Summary, open and closed tables, one slide per open initiative, track record."""
    record = section.track_record
    record_rows = 0
    if record is not None and record.total.closed:
        record_rows = len(record.by_program) + len(record.by_owner) + 1
    return (
        1
        + pages(len(section.open_initiatives))
        + pages(len(section.closed_initiatives))
        + len(section.open_initiatives)
        + (pages(record_rows) if record is not None else 0)
    )


def notes(slide: Slide) -> str:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None
    return frame.text


def slide_text(slide: Slide) -> str:
    """All text of a slide's text boxes and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def initiative_slides(deck: Deck, section: BoardSection) -> list[Slide]:
    first = (
        1
        + pages(len(section.open_initiatives))
        + pages(len(section.closed_initiatives))
    )
    return list(deck.slides)[first : first + len(section.open_initiatives)]


def outside_shapes(deck: Deck) -> list[str]:
    width, height = deck.slide_width, deck.slide_height
    assert width is not None
    assert height is not None
    problems = []
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            left, top = shape.left or 0, shape.top or 0
            right, bottom = left + (shape.width or 0), top + (shape.height or 0)
            if left < 0 or top < 0 or right > width or bottom > height:
                problems.append(
                    f"slide {number}: {shape.name} at {left},{top} to {right},{bottom}"
                )
    return problems


def chart_series(slide: Slide) -> dict[str, list[float | None]]:
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    return {series.name: list(series.values) for series in charts[0].plots[0].series}


# The example company


def test_example_deck_slide_count(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    deck = open_deck(section, brand)
    assert len(deck.slides) == expected_slides(section)


def test_example_deck_is_16_by_9(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    deck = open_deck(section, brand)
    assert deck.slide_width is not None
    assert deck.slide_height is not None
    assert deck.slide_width * 9 == pytest.approx(deck.slide_height * 16, rel=1e-3)


def test_example_deck_summary_counts(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    summary = open_deck(section, brand).slides[0]
    tables = [shape.table for shape in summary.shapes if shape.has_table]
    assert len(tables) == 1
    header = [cell.text for cell in tables[0].rows[0].cells]
    values = [cell.text for cell in tables[0].rows[1].cells]
    counts = dict(zip(header, values, strict=True))
    verdicts = section.summary.verdicts
    assert counts["On track"] == str(verdicts.on_track)
    assert counts["Too early"] == str(verdicts.too_early)
    assert counts["Inconclusive"] == str(verdicts.inconclusive)
    assert counts["Closed"] == str(section.summary.closed)
    assert section.summary.text in slide_text(summary)


def test_example_chart_values_match(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    deck = open_deck(section, brand)
    slides = initiative_slides(deck, section)
    charted = 0
    for item, slide in zip(section.open_initiatives, slides, strict=True):
        assert item.name in notes(slide)
        if item.chart is None:
            assert not any(shape.has_chart for shape in slide.shapes)
            continue
        charted += 1
        series = chart_series(slide)
        main = [value for value in series[item.chart.title] if value is not None]
        assert main == [float(point.value) for point in item.chart.points]
        if item.chart.target_level is not None:
            level = float(item.chart.target_level)
            assert set(series[SERIES_NAMES["target"]]) == {level}
        if item.chart.control_points:
            control = next(name for name in series if name.startswith("Control: "))
            shown = [value for value in series[control] if value is not None]
            assert shown == [float(point.value) for point in item.chart.control_points]
    assert charted >= 3


def test_example_shapes_inside_slides(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    assert outside_shapes(open_deck(section, brand)) == []


# The crowded register


def test_crowded_deck_slide_count() -> None:
    section = crowded_section()
    deck = open_deck(section, BRAND)
    assert len(section.open_initiatives) == 32
    assert len(section.closed_initiatives) == 8
    assert len(deck.slides) == expected_slides(section)


def test_crowded_shapes_inside_slides() -> None:
    assert outside_shapes(open_deck(crowded_section(), BRAND)) == []


def test_crowded_table_rows_bounded() -> None:
    deck = open_deck(crowded_section(), BRAND)
    tables = [
        shape.table
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
    ]
    assert len(tables) >= 6
    for table in tables:
        assert len(table.rows) <= ROWS_PER_SLIDE + 1


def test_crowded_open_table_continues() -> None:
    deck = open_deck(crowded_section(), BRAND)
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert "Active and planned initiatives (1 of 4)" in titles
    assert "Active and planned initiatives (4 of 4)" in titles


def test_crowded_notes_keep_full_names() -> None:
    section = crowded_section()
    deck = open_deck(section, BRAND)
    all_notes = "\n".join(notes(slide) for slide in deck.slides)
    for item in (*section.open_initiatives, *section.closed_initiatives):
        assert item.name in all_notes, item.name
    for item, slide in zip(
        section.open_initiatives, initiative_slides(deck, section), strict=True
    ):
        assert item.name in notes(slide)


def test_crowded_long_name_cut_in_title() -> None:
    section = crowded_section()
    deck = open_deck(section, BRAND)
    slides = initiative_slides(deck, section)
    index = next(
        i for i, item in enumerate(section.open_initiatives) if item.name == LONG_NAME
    )
    title = slides[index].shapes[0].text_frame.text
    assert title.endswith("…")
    assert len(title) < len(LONG_NAME)
    assert LONG_NAME.startswith(title[:-1])


def test_crowded_long_name_whole_in_table() -> None:
    # The table has room for eight lines in the name's row, so the name stays whole.
    deck = open_deck(crowded_section(), BRAND)
    cells = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert LONG_NAME in cells


def test_crowded_non_latin_text_kept() -> None:
    deck = open_deck(crowded_section(), BRAND)
    text = "\n".join(slide_text(slide) for slide in deck.slides)
    for name in NON_LATIN:
        assert name in text, name


def test_crowded_hostile_text_literal() -> None:
    deck = open_deck(crowded_section(), BRAND)
    text = "\n".join(slide_text(slide) + notes(slide) for slide in deck.slides)
    for token in HOSTILE_TOKENS:
        assert token in text, token


def test_crowded_chart_values_match() -> None:
    section = crowded_section()
    deck = open_deck(section, BRAND)
    for item, slide in zip(
        section.open_initiatives, initiative_slides(deck, section), strict=True
    ):
        if item.chart is None:
            continue
        series = chart_series(slide)
        assert series[item.chart.title] == [float(p.value) for p in item.chart.points]
        low = [float(p.low) for p in item.chart.points if p.low is not None]
        assert series[SERIES_NAMES["low"]] == low


# Branding


def png_logo(width: int, height: int) -> bytes:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (width, height), "#1f4e79").save(picture, format="PNG")
    return picture.getvalue()


def first_run_colour(slide: Slide) -> Any:
    return slide.shapes[0].text_frame.paragraphs[0].runs[0].font.color.rgb


def test_brand_colours_and_logo_in_deck() -> None:
    logo = logo_from_bytes(png_logo(300, 100), "logo.png")
    brand = BrandView(primary="#1f4e79", accent="#c55a11", logo=logo)
    deck = open_deck(crowded_section(), brand)
    summary = deck.slides[0]
    assert str(first_run_colour(summary)) == "1F4E79"
    pictures = [
        shape for shape in summary.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == 1
    # The logo keeps its 3:1 shape.
    assert pictures[0].width == pytest.approx(3 * pictures[0].height, rel=0.01)
    assert outside_shapes(deck) == []


def test_svg_logo_left_out_of_deck() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    brand = BrandView(logo=logo_from_bytes(svg, "logo.svg"))
    summary = open_deck(crowded_section(), brand).slides[0]
    assert not any(
        shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in summary.shapes
    )


# Tables that fit their text


def table_cells(slide: Slide) -> list[list[str]]:
    tables = [shape.table for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1
    return [[cell.text for cell in row.cells] for row in tables[0].rows]


def slides_titled(deck: Deck, title: str) -> list[Slide]:
    return [
        slide
        for slide in deck.slides
        if slide.shapes[0].text_frame.text.startswith(title)
    ]


def test_example_lessons_whole(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    (slide,) = slides_titled(open_deck(section, brand), "Closed initiatives")
    lessons = [row[3] for row in table_cells(slide)[1:]]
    expected = [
        item.lesson or "no lesson recorded" for item in section.closed_initiatives
    ]
    assert lessons == expected
    assert any(len(lesson) > 120 for lesson in lessons)


def test_crowded_lessons_cut_at_word() -> None:
    section = crowded_section()
    deck = open_deck(section, BRAND)
    (slide,) = slides_titled(deck, "Closed initiatives")
    cut = 0
    for item, row in zip(
        section.closed_initiatives, table_cells(slide)[1:], strict=True
    ):
        lesson, shown = item.lesson or "", row[3]
        assert lesson in notes(slide)
        if shown == lesson:
            continue
        cut += 1
        assert shown.endswith("…")
        kept = shown[:-1]
        assert lesson.startswith(kept)
        # The cut falls where a word ends: a space follows in the full text.
        assert lesson[len(kept)] == " "
    assert cut == len(section.closed_initiatives)


def test_single_long_lesson_gets_room() -> None:
    section = crowded_section()
    item = section.closed_initiatives[0]
    lesson = "The renewal desk now starts work at 120 days out. " * 12
    alone = section.model_copy(
        update={"closed_initiatives": (item.model_copy(update={"lesson": lesson}),)}
    )
    (slide,) = slides_titled(open_deck(alone, BRAND), "Closed initiatives")
    assert table_cells(slide)[1][3] == lesson


def test_huge_lesson_cut_to_slide() -> None:
    section = crowded_section()
    item = section.closed_initiatives[0]
    lesson = "The renewal desk now starts work at 120 days out. " * 200
    alone = section.model_copy(
        update={"closed_initiatives": (item.model_copy(update={"lesson": lesson}),)}
    )
    deck = open_deck(alone, BRAND)
    (slide,) = slides_titled(deck, "Closed initiatives")
    shown = table_cells(slide)[1][3]
    assert shown.endswith("…")
    assert lesson.startswith(shown[:-1])
    assert lesson[len(shown) - 1] == " "
    assert lesson.strip() in notes(slide)
    assert outside_shapes(deck) == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, [1]), (8, [8]), (9, [5, 4]), (17, [6, 6, 5]), (32, [8, 8, 8, 8])],
)
def test_open_table_rows_balanced(count: int, expected: list[int]) -> None:
    section = crowded_section()
    subset = section.model_copy(
        update={"open_initiatives": section.open_initiatives[:count]}
    )
    deck = open_deck(subset, BRAND)
    slides = slides_titled(deck, "Active and planned initiatives")
    assert [len(table_cells(slide)) - 1 for slide in slides] == expected
    shown = [row[0] for slide in slides for row in table_cells(slide)[1:]]
    assert len(shown) == count


# Chart axes


def chart_of(slide: Slide) -> Any:
    (chart,) = [shape.chart for shape in slide.shapes if shape.has_chart]
    return chart


def drawn_values(item: Any) -> list[float]:
    chart = item.chart
    values = []
    for point in (*chart.points, *chart.control_points):
        bounds = (point.value, point.low, point.high)
        values += [float(value) for value in bounds if value is not None]
    if chart.target_level is not None:
        values.append(float(chart.target_level))
    return values


def charted(section: BoardSection, deck: Deck) -> list[tuple[Any, Any]]:
    pairs = zip(section.open_initiatives, initiative_slides(deck, section), strict=True)
    return [(item, chart_of(slide)) for item, slide in pairs if item.chart is not None]


def test_example_axes_fit_data(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    pairs = charted(section, open_deck(section, brand))
    assert len(pairs) >= 3
    for item, chart in pairs:
        values = drawn_values(item)
        low, high = min(values), max(values)
        axis = chart.value_axis
        step = axis.major_unit
        assert axis.minimum_scale is not None, item.name
        assert axis.maximum_scale is not None, item.name
        assert axis.minimum_scale <= low, item.name
        assert axis.maximum_scale >= high, item.name
        # At most a tenth of the spread of padding, then one gridline step.
        slack = (high - low) * 0.1 + step + 1e-9
        assert axis.minimum_scale >= low - slack, item.name
        assert axis.maximum_scale <= high + slack, item.name


def test_example_rate_axis_not_zero(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    pairs = charted(section, open_deck(section, brand))
    nrr = [chart for item, chart in pairs if "NRR" in item.chart.title]
    assert nrr
    for chart in nrr:
        assert chart.value_axis.minimum_scale > 50


def test_example_date_labels_low(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    pairs = charted(section, open_deck(section, brand))
    below_zero = [chart for _, chart in pairs if chart.value_axis.minimum_scale < 0]
    assert below_zero
    for _, chart in pairs:
        labels = chart.category_axis.tick_label_position
        assert labels == XL_TICK_LABEL_POSITION.LOW
        assert chart.value_axis.crosses == XL_AXIS_CROSSES.MINIMUM


# The facts on an initiative slide


def with_explanation(explanation: str) -> BoardSection:
    section = crowded_section()
    item = next(item for item in section.open_initiatives if item.verdict is not None)
    assert item.verdict is not None
    verdict = item.verdict.model_copy(update={"explanation": explanation})
    changed = item.model_copy(update={"verdict": verdict, "progress_note": None})
    return section.model_copy(update={"open_initiatives": (changed,)})


def verdict_paragraph(section: BoardSection, deck: Deck) -> str:
    (slide,) = initiative_slides(deck, section)
    facts = next(
        shape
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text.startswith("Target ")
    )
    paragraphs = [paragraph.text for paragraph in facts.text_frame.paragraphs]
    return next(text for text in paragraphs if text.startswith("Verdict "))


def test_long_explanation_whole_with_room() -> None:
    explanation = "The control segment moved the same way during the lag. " * 15
    section = with_explanation(explanation)
    shown = verdict_paragraph(section, open_deck(section, BRAND))
    assert len(explanation) > 600
    assert shown.endswith(explanation)


def test_huge_explanation_cut_at_word() -> None:
    explanation = "The control segment moved the same way during the lag. " * 80
    section = with_explanation(explanation)
    deck = open_deck(section, BRAND)
    shown = verdict_paragraph(section, deck)
    assert shown.endswith("…")
    kept = shown.removeprefix("Verdict ")[:-1]
    item = section.open_initiatives[0]
    assert item.verdict is not None
    full = f"{item.verdict.label}: {explanation}"
    assert full.startswith(kept)
    assert full[len(kept)] == " "
    (slide,) = initiative_slides(deck, section)
    assert explanation.strip() in notes(slide)
