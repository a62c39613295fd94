"""One number syntax on the web forms: the close and correction forms, and previews."""

from __future__ import annotations

import html
import zlib
from typing import TYPE_CHECKING

import pytest

from test_web_forms import form_fields, stored
from test_web_measure import close_as_achieved
from test_web_support import add_initiative, initiative_path, web_world

if TYPE_CHECKING:
    from test_web_support import WebWorld

__all__ = ["web_world"]

TARGET = "-1pp logo churn for SMB by Q4 2027"


@pytest.mark.parametrize(
    ("movement", "message"),
    [
        ("1e25", "write a signed number with a decimal point"),
        ("1e1", "write a signed number with a decimal point"),
        ("1,5", "write it with a decimal point, such as 1.234"),
        ("1,234", "write it with a decimal point, such as 1.234"),
        ("1.234,5", "write it with a decimal point, such as 1.234"),
        ("+10pts", "or +3.2pp"),
        ("2000000", "beyond the bound"),
        ("0.0000001", "more than 6 decimal places"),
    ],
)
def test_close_rejects_number(web_world: WebWorld, movement: str, message: str) -> None:
    key = f"close-number-{zlib.crc32(movement.encode())}"
    add_initiative(web_world, key, target=TARGET)
    browser = web_world.signed_in("eli")
    path = initiative_path(key)
    fields = form_fields(browser, path + "/close", "close-form")

    response = browser.post(
        path + "/close",
        data={**fields, "result": "missed", "actual_movement": movement, "reason": "r"},
    )
    preview = browser.post(
        path + "/outcome-preview",
        data={"result": "missed", "actual_movement": movement},
        headers={"X-CSRF-Token": fields["csrf_token"], "HX-Request": "true"},
    )

    assert response.status_code == 422, response.text
    page = html.unescape(response.text)
    assert f"'{movement}'" in page
    assert message in page
    assert stored(web_world, key)[1].outcome is None  # type: ignore[attr-defined]
    assert preview.status_code == 200, preview.text
    assert f"'{movement}'" in html.unescape(preview.text)
    assert "CL601" not in preview.text


@pytest.mark.parametrize(("movement", "saved"), [("+3.2pp", "3.2"), ("-0.5", "-0.5")])
def test_close_accepts_unit_suffix(
    web_world: WebWorld, movement: str, saved: str
) -> None:
    key = f"close-suffix-{saved.replace('.', '-')}"
    add_initiative(web_world, key, target=TARGET)
    browser = web_world.signed_in("eli")
    path = initiative_path(key)
    fields = form_fields(browser, path + "/close", "close-form")

    preview = browser.post(
        path + "/outcome-preview",
        data={"result": "missed", "actual_movement": movement},
        headers={"X-CSRF-Token": fields["csrf_token"], "HX-Request": "true"},
    )
    response = browser.post(
        path + "/close",
        data={**fields, "result": "missed", "actual_movement": movement, "reason": "r"},
    )

    assert "CL601" not in preview.text
    assert response.status_code == 303, response.text
    outcome = stored(web_world, key)[1].outcome  # type: ignore[attr-defined]
    assert str(outcome.actual_movement) == saved


@pytest.mark.parametrize(
    ("movement", "message"),
    [
        ("1,234", "write it with a decimal point, such as 1.234"),
        ("1,5", "write it with a decimal point, such as 1.234"),
        ("1.234,5", "write it with a decimal point, such as 1.234"),
        ("1e400", "write a signed number with a decimal point"),
        ("1e25", "write a signed number with a decimal point"),
    ],
)
def test_correction_rejects_number(
    web_world: WebWorld, movement: str, message: str
) -> None:
    key = f"correct-number-{zlib.crc32(movement.encode())}"
    close_as_achieved(web_world, key)
    browser = web_world.signed_in("eli")
    path = initiative_path(key)
    fields = form_fields(browser, path + "/outcome", "correct-form")

    response = browser.post(
        path + "/outcome",
        data={
            **fields,
            "result": "achieved",
            "actual_movement": movement,
            "reason": "Typo in the movement.",
        },
    )

    assert response.status_code == 422, response.text
    page = html.unescape(response.text)
    assert f"'{movement}'" in page
    assert message in page
    assert "1.234.5" not in page
    outcome = stored(web_world, key)[1].outcome  # type: ignore[attr-defined]
    assert str(outcome.actual_movement) == "-0.4"


def test_correction_accepts_hint_syntax(web_world: WebWorld) -> None:
    close_as_achieved(web_world, "correct-hint")
    browser = web_world.signed_in("eli")
    path = initiative_path("correct-hint")
    fields = form_fields(browser, path + "/outcome", "correct-form")

    response = browser.post(
        path + "/outcome",
        data={
            **fields,
            "result": "achieved",
            "actual_movement": "-1.2pp",
            "reason": "The final figure came in.",
        },
    )

    assert response.status_code == 303, response.text
    outcome = stored(web_world, "correct-hint")[1].outcome  # type: ignore[attr-defined]
    assert str(outcome.actual_movement) == "-1.2"


@pytest.mark.parametrize("movement", ["1E+400", "1E+25"])
def test_pages_render_stored_huge_movement(web_world: WebWorld, movement: str) -> None:
    """A movement stored before the bounds existed still renders every page."""
    import datetime as dt
    from dataclasses import replace
    from decimal import Decimal

    from boardloop.domain.model import Event
    from test_web_support import COMPANY, register_path

    key = f"stored-huge-{len(movement)}-{movement[-2:]}"
    close_as_achieved(web_world, key)
    current = web_world.store.get_initiative(COMPANY, key)
    outcome = current.initiative.outcome
    assert outcome is not None
    huge = replace(outcome, actual_movement=Decimal(movement))
    web_world.store.apply_edit(
        COMPANY,
        replace(current.initiative, outcome=huge),
        expected_version=current.version,
        event=Event(
            at=dt.datetime(2026, 12, 21, tzinfo=dt.UTC),
            actor="ada",
            kind="outcome-corrected",
            reason="A value from before the number bounds.",
        ),
    )
    browser = web_world.signed_in("eli")
    register = register_path()
    paths = [
        "/",
        register,
        initiative_path(key),
        register + "/board",
        register + "/downloads/board-section.md",
        register + "/downloads/board-section.json",
    ]

    for path in paths:
        response = browser.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
    board = browser.get(register + "/downloads/board-section.md").text
    assert "attainment out of range" in board
