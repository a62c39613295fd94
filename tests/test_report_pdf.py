"""The PDF board pack: real WeasyPrint layouts of the example and a hard register.

The hard register (`crowded_section`) is shared with the PPTX tests: 40
initiatives, names of 300 characters without a space, Japanese, Arabic,
Cyrillic and Greek text, and hostile strings.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes  # type: ignore[import-untyped]

from boardloop.domain.model import (
    Direction,
    Finding,
    Initiative,
    KpiValue,
    Outcome,
    OutcomeResult,
    Owner,
    Register,
    Severity,
    Status,
    Target,
    Unit,
)
from boardloop.evaluate import Evaluation, Verdict
from boardloop.report import BoardSection, BrandView, build_board_section, render_pdf
from boardloop.report._pdf import layout_pdf, print_html

if TYPE_CHECKING:
    from collections.abc import Iterator

AS_OF = dt.date(2027, 3, 31)
LONG_NAME = "Retention" + "ABCDEFGHIJ" * 29 + "X"
NON_LATIN = (
    "顧客オンボーディング改善",
    "برنامج الاحتفاظ بالعملاء",
    "Удержание клиентов",
    "Πρόγραμμα διατήρησης πελατών",
)
HOSTILE = "<script>alert(1)</script> =1+1 | a | `tick` \"dq\" 'sq'"
HOSTILE_TOKENS = (
    "<script>alert(1)</script>",
    "=1+1",
    "| a |",
    "`tick`",
    '"dq"',
    "'sq'",
)
BRAND = BrandView(primary="#1f4e79", accent="#c55a11")


def initiative_name(index: int) -> str:
    """Name the initiatives so that every script and a 300-character word appear."""
    if index == 0:
        return LONG_NAME
    if index == 1:
        return HOSTILE
    if index % 5 == 2:
        return f"{NON_LATIN[index % 4]} {index}"
    base = ("SMB", "Enterprise", "Mid-market")[index % 3]
    return f"Initiative {index} for the {base} base"


def grr(day: dt.date, value: str) -> KpiValue:
    number = Decimal(value)
    return KpiValue(
        kpi_id="customers.gross_revenue_retention",
        segment="SMB",
        period_end=day,
        value=number,
        window_days=90,
        low=number - 3,
        high=number + 3,
    )


def crowded_register() -> Register:
    """Forty initiatives: 32 open with charts on most, 8 closed."""
    initiatives = []
    for index in range(40):
        closed = index % 5 == 4
        status = (
            Status.IN_PROGRESS,
            Status.MEASURING,
            Status.LAUNCHED,
            Status.PLANNED,
        )[index % 4]
        initiatives.append(
            Initiative(
                id=f"initiative-{index:02d}",
                name=initiative_name(index),
                owner=Owner(
                    NON_LATIN[index % 4] if index % 3 == 0 else f"Owner {index}",
                    "CS",
                ),
                target=Target(
                    text=f"+3pp lift in 90-day GRR for SMB cohort by Q2 {HOSTILE}",
                    kpi_id="customers.gross_revenue_retention",
                    direction=Direction.INCREASE,
                    amount=Decimal(3),
                    unit=Unit.PP,
                    segment="SMB",
                    deadline=dt.date(2027, 6, 30),
                    deadline_label="Q2 FY27",
                ),
                status=Status.CLOSED if closed else status,
                program=f"Program {index % 3}",
                launched_on=dt.date(2026, 10, 1),
                next_checkpoint=dt.date(2027, 4, 14),
                progress_note=f"Progress {index}: {NON_LATIN[index % 4]} {HOSTILE}",
                outcome=Outcome(
                    result=OutcomeResult.MISSED
                    if index % 2
                    else OutcomeResult.ACHIEVED,
                    actual_movement=Decimal("1.5"),
                    actual_unit=Unit.PP,
                    lesson=f"Lesson {index}: " + "slow rollout " * 20 + HOSTILE,
                    closed_on=dt.date(2027, 2, 1),
                )
                if closed
                else None,
            )
        )
    return Register(
        company=f"Tallyfern {NON_LATIN[0]} {HOSTILE}", initiatives=tuple(initiatives)
    )


def crowded_evaluations(register: Register) -> dict[str, Evaluation]:
    """Evaluate the open initiatives; every third one has no series, so no chart."""
    months = [dt.date(2026, month, 28) for month in range(6, 13)]
    evaluations = {}
    for index, item in enumerate(register.initiatives):
        if item.status is Status.CLOSED or item.status is Status.PLANNED:
            continue
        series = (
            ()
            if index % 3 == 0
            else tuple(
                grr(day, f"{86 + step * 0.4 + index * 0.01:.2f}")
                for step, day in enumerate(months)
            )
        )
        evaluations[item.id] = Evaluation(
            initiative_id=item.id,
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            verdict=Verdict.BEHIND if index % 2 else Verdict.ON_TRACK,
            explanation=f"GRR up 1.2pp against 3pp target; {HOSTILE} "
            + "context " * 30,
            label="GRR",
            unit=Unit.PP,
            baseline=Decimal(86),
            current=Decimal("88.4"),
            movement=Decimal("1.2"),
            relative_change=Decimal("1.4"),
            attainment=Decimal("0.4"),
            window_days=90,
            series=series,
        )
    return evaluations


def crowded_findings(register: Register) -> list[Finding]:
    return [
        Finding(
            "DT303",
            Severity.WARNING,
            f"next checkpoint is past {HOSTILE}",
            "Set `next_checkpoint` to the next review.",
            item.id,
        )
        for item in register.initiatives[:12]
    ]


@cache
def crowded_section() -> BoardSection:
    register = crowded_register()
    return build_board_section(
        company=register.company,
        register=register,
        evaluations=crowded_evaluations(register),
        findings=crowded_findings(register),
        readiness_score=61.5,
        as_of=AS_OF,
        since=dt.date(2027, 1, 1),
        catalog_version="1.0.0",
        kpi_labels={"customers.gross_revenue_retention": "GRR"},
        format_target=lambda target: target.text,
        calendar_label="FY27 Q1",
        track_record=(dt.date(2026, 4, 1), "Q2 FY26 to Q1 FY27"),
    )


@cache
def example_section(folder: Path) -> tuple[BoardSection, BrandView]:
    """Build the bundled example company's section as `boardloop demo` does."""
    from boardloop.cli._demo import run_demo
    from boardloop.service import build_section, load_brand
    from boardloop.store import open_workspace

    run_demo(folder, force=True, actor="tests")
    workspace = open_workspace(folder)
    board_date = workspace.config.board_date
    assert board_date is not None
    section = build_section(workspace, as_of=board_date, since=workspace.config.since)
    return section, load_brand(workspace)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[BoardSection, BrandView]:
    return example_section(tmp_path_factory.mktemp("example"))


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text


def descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from descendants(child)


def overflowing_boxes(document: Any) -> list[str]:
    """List boxes that pass the page edge, or the content area for body boxes."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        page_right = page.width + 0.5
        content_right = page_box.content_box_x() + page_box.width + 0.5
        for child in page_box.children:
            limit = page_right if isinstance(child, boxes.MarginBox) else content_right
            for box in descendants(child):
                right = box.position_x + box.margin_width()
                if right > limit:
                    text = getattr(box, "text", "") or type(box).__name__
                    where = f"page {number}: {text[:40]!r}"
                    problems.append(f"{where} ends at {right:.1f} > {limit:.1f}")
    return problems


# The example company


def test_example_pdf_has_every_part(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    pages, text = pdf_text(render_pdf(section, brand))
    assert 2 <= pages <= 20
    assert "Customer Success Initiatives" in text
    assert section.company in text
    assert section.as_of_label in text
    flat = compact(text)
    for item in section.open_initiatives:
        assert compact(item.name) in flat, item.name
    for closed in section.closed_initiatives:
        assert compact(closed.name) in flat, closed.name
    assert "Track record" in text
    assert "Findings for the board" in text
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    footer = (
        f"generated by {section.generation.generator} from catalog "
        f"{section.catalog_version}"
    )
    assert text.count(footer) == pages


def test_example_pdf_charts_drawn(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    html = print_html(section, brand)
    charted = [item for item in section.open_initiatives if item.chart]
    assert charted
    assert html.count('<svg class="chart"') == len(charted)
    assert html.count('<section class="initiative">') == len(section.open_initiatives)


def test_example_pdf_inside_pages(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    assert overflowing_boxes(layout_pdf(section, brand)) == []


def test_example_pdf_is_a4_landscape(example: tuple[BoardSection, BrandView]) -> None:
    section, brand = example
    reader = PdfReader(io.BytesIO(render_pdf(section, brand)))
    box = reader.pages[0].mediabox
    # A4 landscape is 297 by 210 mm, 841.9 by 595.3 points.
    assert round(float(box.width)) == 842
    assert round(float(box.height)) == 595


# The crowded register


def compact(text: str) -> str:
    """Drop the line breaks and spaces that text extraction puts in wrapped text."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_crowded_pdf_text_present() -> None:
    section = crowded_section()
    pages, text = pdf_text(render_pdf(section, BRAND))
    assert 5 <= pages <= 60
    flat = compact(text)
    assert LONG_NAME in flat
    for name in NON_LATIN[0], NON_LATIN[2], NON_LATIN[3]:
        assert compact(name) in flat, name
    assert len(section.open_initiatives) == 32
    latin_or_cjk = [
        item.name for item in section.open_initiatives if NON_LATIN[1] not in item.name
    ]
    for name in latin_or_cjk:
        assert compact(name) in flat, name


def test_crowded_pdf_arabic_glyphs_present() -> None:
    _, text = pdf_text(render_pdf(crowded_section(), BRAND))
    # Arabic is shaped into presentation forms and may come back in visual
    # order, so compare letters after NFKC normalisation, order aside.
    letters = {
        char
        for char in unicodedata.normalize("NFKC", text)
        if "\u0600" <= char <= "\u06ff"
    }
    assert set("برنامجالاحتفاظبالعملاء") <= letters


def test_crowded_pdf_hostile_text_literal() -> None:
    _, text = pdf_text(render_pdf(crowded_section(), BRAND))
    for token in HOSTILE_TOKENS:
        assert token in text, token


def test_crowded_pdf_inside_pages() -> None:
    assert overflowing_boxes(layout_pdf(crowded_section(), BRAND)) == []


def test_crowded_pdf_rows_not_split() -> None:
    """No body row of a table starts on one page and ends on the next."""
    document = layout_pdf(crowded_section(), BRAND)
    rows: list[int] = []
    for page in document.pages:
        for box in descendants(page._page_box):
            element = getattr(box, "element", None)
            if not isinstance(box, boxes.TableRowBox) or element is None:
                continue
            # Header rows repeat on every page by design; body rows must not.
            if any(cell.tag == "td" for cell in element):
                rows.append(id(element))
    assert rows
    assert len(rows) == len(set(rows))


def test_pdf_brand_colours_and_logo() -> None:
    from PIL import Image

    from boardloop.report import logo_from_bytes

    picture = io.BytesIO()
    Image.new("RGB", (120, 40), "#c55a11").save(picture, format="PNG")
    logo = logo_from_bytes(picture.getvalue(), "logo.png")
    brand = BrandView(primary="#1f4e79", accent="#c55a11", logo=logo)
    html = print_html(crowded_section(), brand)
    assert "color: #1f4e79" in html
    assert "stroke: #c55a11" in html
    assert 'src="data:image/png;base64,' in html
    document = layout_pdf(crowded_section(), brand)
    images = [
        box
        for box in descendants(document.pages[0]._page_box)
        if isinstance(box, boxes.InlineReplacedBox)
    ]
    assert len(images) == 1


def test_pdf_fetches_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An SVG logo that points at a local file is drawn without reading it."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    from boardloop.report import logo_from_bytes

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        f'<image href="file://{secret}" width="40" height="20"/></svg>'
    ).encode()
    brand = BrandView(logo=logo_from_bytes(svg, "logo.svg"))
    original = URLFetcher.fetch
    requested: list[str] = []
    fetched: list[str] = []

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        requested.append(url)
        response = original(self, url, headers)
        fetched.append(url)
        return response

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    render_pdf(crowded_section(), brand)
    assert any(url.startswith("file:") for url in requested)
    assert all(url.startswith("data:") for url in fetched)
