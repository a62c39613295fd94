"""Web pages of a closed initiative without an outcome, and history rows of extra."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import TYPE_CHECKING

from boardloop.access import Principal, Role
from boardloop.domain.model import OutcomeResult, Status
from test_web_support import (
    COMPANY,
    add_initiative,
    csrf_of,
    field_value,
    initiative_path,
    web_world,
)

if TYPE_CHECKING:
    from test_web_support import WebWorld

__all__ = ["web_world"]

EDITOR = Principal("eli", "Eli Editor", {COMPANY: Role.EDITOR})
IMPORTED_AT = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)


def import_closed_without_outcome(world: WebWorld, key: str) -> None:
    """Store an initiative closed with no outcome, as an import of a register would."""
    add_initiative(world, key, target="+5pts NPS for SMB by Q4 2027")
    initiative = world.store.get_initiative(COMPANY, key).initiative
    closed = replace(initiative, status=Status.CLOSED, outcome=None, history=())
    world.store.import_initiatives(
        COMPANY,
        [closed],
        source_path="register.yaml",
        actor="eli",
        at=IMPORTED_AT,
        overwrite_edits=True,
    )


def test_missing_outcome_page_renders(web_world: WebWorld) -> None:
    import_closed_without_outcome(web_world, "forum-page")
    browser = web_world.signed_in("eli")
    path = initiative_path("forum-page")

    initiative_page = browser.get(path)
    page = browser.get(path + "/outcome")

    assert initiative_page.status_code == 200, initiative_page.text
    assert "Record the missing outcome" in initiative_page.text
    assert page.status_code == 200, page.text
    assert "Record the missing outcome of" in page.text
    assert "closed without an outcome" in page.text
    assert "unit (pts)" in page.text
    assert 'id="correct-form"' in page.text


def test_missing_outcome_recorded_from_page(web_world: WebWorld) -> None:
    import_closed_without_outcome(web_world, "forum-save")
    browser = web_world.signed_in("eli")
    path = initiative_path("forum-save")
    page = browser.get(path + "/outcome")

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "correct-form", "version"),
            "result": "missed",
            "actual_movement": "1",
            "lesson": "Few customers posted.",
            "reason": "The outcome was left out when it closed.",
        },
    )

    assert response.status_code == 303, response.text
    item = web_world.store.get_initiative(COMPANY, "forum-save").initiative
    assert item.outcome is not None
    assert item.outcome.result is OutcomeResult.MISSED
    assert item.history[-1].kind == "outcome-recorded"
    after = browser.get(path)
    assert "Record the missing outcome" not in after.text
    assert "Correct the outcome" in after.text


def test_history_shows_extra_keys(web_world: WebWorld) -> None:
    from boardloop import edits

    add_initiative(web_world, "extra-rows")
    edits.update_fields(
        web_world.store,
        EDITOR,
        COMPANY,
        "extra-rows",
        expected_version=1,
        changes={
            "attribution": "Tours drive the lift.",
            "guardrails": ["NRR", "churn"],
        },
        reason="Recorded at launch.",
    )
    browser = web_world.signed_in("eli")

    page = html.unescape(browser.get(initiative_path("extra-rows")).text)

    assert '<td data-label="Field">attribution</td>' in page
    assert '<td data-label="Field">guardrails</td>' in page
    assert '<td data-label="After">Tours drive the lift.</td>' in page
    # The edit stores guardrails as catalog KPI ids.
    guardrails = "customers.net_revenue_retention; customers.logo_churn_rate"
    assert f'<td data-label="After">{guardrails}</td>' in page
    assert '<td data-label="Field">extra</td>' not in page
    assert '{"attribution"' not in page
