"""The API rejects KPI numbers beyond the typed-number bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from test_api_edits import close_as_achieved, etag, history, onboarding, send
from test_api_support import edit_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["edit_world", "onboarding"]

OUT_OF_RANGE = ["1e400", "1e25", "-1e30", "1000000000000.5", "0.0000001"]


@pytest.mark.parametrize("movement", OUT_OF_RANGE)
def test_correction_out_of_range_is_422(
    edit_world: ApiWorld, onboarding: str, movement: str
) -> None:
    closed_etag = close_as_achieved(edit_world, onboarding)
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/outcome-correction",
        {"result": "achieved", "actual_movement": movement, "reason": "Typo."},
        if_match=closed_etag,
    )
    assert response.status_code == 422, response.text
    assert "decimal places" in response.text or "bound" in response.text
    assert history(edit_world, onboarding)[-1]["kind"] != "outcome-corrected"


def test_close_rate_beyond_million_is_400(
    edit_world: ApiWorld, onboarding: str
) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/close",
        {"result": "achieved", "actual_movement": "2000000", "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "invalid_edit"
    assert "actual movement" in body["message"]
    assert "2000000" in body["message"]


def test_close_huge_movement_is_422(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/close",
        {"result": "achieved", "actual_movement": "1e25", "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "target",
    [
        "+0.0000000000000000000000001pp lift in 90-day GRR by Q2 2026",
        "+10000000pp lift in 90-day GRR by Q2 2026",
    ],
)
def test_revise_target_out_of_range_is_400(
    edit_world: ApiWorld, onboarding: str, target: str
) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/target",
        {"target": target, "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 400, response.text
    assert "target" in response.json()["message"]


def test_baseline_out_of_range_is_422(edit_world: ApiWorld, onboarding: str) -> None:
    body: dict[str, Any] = {"baseline": {"value": "1e30"}, "reason": "r"}
    response = send(
        edit_world, "PATCH", onboarding, body, if_match=etag(edit_world, onboarding)
    )
    assert response.status_code == 422, response.text


def test_correction_in_range_accepted(edit_world: ApiWorld, onboarding: str) -> None:
    closed_etag = close_as_achieved(edit_world, onboarding)
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/outcome-correction",
        {"result": "achieved", "actual_movement": "999999", "reason": "Typo."},
        if_match=closed_etag,
    )
    assert response.status_code == 200, response.text
