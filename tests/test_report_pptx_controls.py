"""Control characters in user text reach the PPTX deck as visible `[U+XXXX]` marks."""

from __future__ import annotations

import dataclasses
import io
import zipfile

from boardloop.report import build_board_section, render_pptx
from test_report_pdf import (
    AS_OF,
    BRAND,
    crowded_evaluations,
    crowded_findings,
    crowded_register,
)

CONTROLS = "esc\x1b bel\x07 rlo\u202e"
MARKS = ("[U+001B]", "[U+0007]", "[U+202E]")


def deck_xml() -> str:
    """Render a deck whose names, notes, lessons and company carry controls."""
    register = crowded_register()
    initiatives = []
    for initiative in register.initiatives:
        outcome = initiative.outcome
        if outcome is not None:
            outcome = dataclasses.replace(outcome, lesson=f"Lesson {CONTROLS}")
        initiatives.append(
            dataclasses.replace(
                initiative,
                name=f"{initiative.name} {CONTROLS}",
                progress_note=f"Progress {CONTROLS}",
                outcome=outcome,
            )
        )
    register = dataclasses.replace(
        register,
        company=f"Tallyfern {CONTROLS}",
        initiatives=tuple(initiatives),
    )
    section = build_board_section(
        company=register.company,
        register=register,
        evaluations=crowded_evaluations(register),
        findings=crowded_findings(register),
        readiness_score=61.5,
        as_of=AS_OF,
        since=AS_OF.replace(month=1, day=1),
        catalog_version="1.0.0",
        kpi_labels={"customers.gross_revenue_retention": "GRR"},
        format_target=lambda target: target.text,
        calendar_label="FY27 Q1",
    )
    with zipfile.ZipFile(io.BytesIO(render_pptx(section, BRAND))) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def test_pptx_controls_shown_as_marks() -> None:
    xml = deck_xml()

    for mark in MARKS:
        assert mark in xml, mark


def test_pptx_controls_never_in_xml() -> None:
    xml = deck_xml()

    assert "_x001B_" not in xml
    assert "_x0007_" not in xml
    assert "\x1b" not in xml
    assert "\x07" not in xml
    assert "\u202e" not in xml
