"""The web forms' baseline, guardrails and attribution, live lint and outcome fixes.

Every field the draft lint reads sends the draft to the preview, the close form
lints its outcome before saving, and a closed initiative's outcome can be
corrected with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.model import Baseline, OutcomeResult
from test_web_support import (
    COMPANY,
    add_initiative,
    csrf_of,
    field_value,
    initiative_path,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from boardloop.domain.model import Initiative
    from test_web_support import WebWorld

__all__ = ["web_world"]

# Inputs of the add form that lint reads, so each must send the draft to lint.
LINTED_NEW_FIELDS = (
    "name",
    "key",
    "owner_person",
    "owner_function",
    "target",
    "status",
    "program",
    "next_checkpoint",
    "control_segment",
    "baseline_value",
    "baseline_as_of",
    "baseline_source",
    "guardrails",
    "attribution",
    "notes",
)
FIELD_TAG = re.compile(r"<(?:input|select|textarea)\b[^>]*>")


def stored(world: WebWorld, key: str) -> tuple[int, Initiative]:
    item = world.store.get_initiative(COMPANY, key)
    return item.version, item.initiative


def form_tags(page_text: str, form_id: str) -> dict[str, str]:
    """Return each named input, select and textarea tag of one form, by name."""
    start = page_text.index(f'id="{form_id}"')
    end = page_text.index("</form>", start)
    tags = {}
    for tag in FIELD_TAG.findall(page_text[start:end]):
        name = re.search(r'name="([^"]+)"', tag)
        if name is not None:
            tags[name.group(1)] = tag
    return tags


def preview(browser: TestClient, fields: dict[str, str]) -> str:
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/lint-preview",
        data=fields,
        headers={"X-CSRF-Token": csrf_of(page), "HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    assert "<html" not in response.text
    return response.text


# --- the forms offer every fix ------------------------------------------------------


def test_new_form_lints_every_field(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(register_path() + "/initiatives/new")
    tags = form_tags(page.text, "new-form")

    for name in LINTED_NEW_FIELDS:
        assert name in tags, name
        assert 'hx-post="/companies/' in tags[name], name
        assert "/lint-preview" in tags[name], name
        assert 'hx-trigger="input changed delay:300ms"' in tags[name], name
    assert "hx-post" not in tags["reason"]
    assert "hx-post" not in tags["csrf_token"]


def test_edit_form_lints_every_field(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-linted")
    page = web_world.signed_in("eli").get(initiative_path("edit-linted") + "/edit")
    fields = form_tags(page.text, "edit-form")
    target = form_tags(page.text, "target-form")

    for name in (*LINTED_NEW_FIELDS, "progress_note"):
        if name in ("key", "status", "target"):
            continue
        assert "/lint-preview" in fields[name], name
        assert 'hx-include="#target-form"' in fields[name], name
    assert 'hx-include="#edit-form"' in target["target"]
    assert 'id="lint-preview"' in page.text


def test_preview_reads_status_and_checkpoint(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    draft = {
        "name": "Renewal desk draft",
        "owner_person": "Maya Okafor",
        "owner_function": "CS",
        "target": "+2pp lift in GRR by Q4 2027",
        "status": "in-progress",
    }

    without = preview(browser, draft)
    with_date = preview(browser, {**draft, "next_checkpoint": "2027-01-15"})

    assert "DT302" in without
    assert "DT302" not in with_date


def test_preview_reads_status(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    draft = {
        "name": "Old window draft",
        "owner_person": "Maya Okafor",
        "target": "+2pp lift in 90-day GRR by Q1 2020",
        "next_checkpoint": "2027-01-15",
    }

    planned = preview(browser, {**draft, "status": "planned"})
    running = preview(browser, {**draft, "status": "in-progress"})

    assert "ST403" in planned
    assert "ST403" not in running


def test_preview_reads_baseline_and_guardrails(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    draft = {
        "name": "Baseline draft",
        "owner_person": "Maya Okafor",
        "target": "+2pp lift in GRR by Q4 2027",
        "status": "in-progress",
        "next_checkpoint": "2027-01-15",
    }

    bare = preview(browser, draft)
    fixed = preview(
        browser,
        {
            **draft,
            "baseline_value": "88.5",
            "baseline_as_of": "2026-01-31",
            "guardrails": "NRR",
        },
    )

    assert "TG202" in bare
    assert "MS507" in bare
    assert "TG202" not in fixed
    assert "MS507" not in fixed


def test_preview_skips_unreadable_baseline(web_world: WebWorld) -> None:
    text = preview(
        web_world.signed_in("eli"),
        {
            "name": "Unreadable draft",
            "target": "+2pp lift in GRR by Q4 2027",
            "status": "in-progress",
            "baseline_value": "about 88",
        },
    )

    assert "TG202" in text


def test_preview_post_needs_csrf(web_world: WebWorld) -> None:
    response = web_world.signed_in("eli").post(
        register_path() + "/lint-preview", data={"target": "x"}
    )

    assert response.status_code == 403


# --- saving the fixes ---------------------------------------------------------------


def test_create_with_baseline(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/initiatives",
        data={
            "csrf_token": csrf_of(page),
            "name": "Renewal desk",
            "key": "renewal-desk",
            "owner_person": "Maya Okafor",
            "owner_function": "CS",
            "target": "+2pp lift in GRR by Q4 2027",
            "status": "in-progress",
            "next_checkpoint": "2027-01-15",
            "baseline_value": "88.5",
            "baseline_as_of": "2026-01-31",
            "baseline_source": "Finance export",
            "guardrails": "NRR, logo churn",
            "attribution": "Split with the pricing change by cohort.",
        },
    )

    assert response.status_code == 303, response.text
    version, item = stored(web_world, "renewal-desk")
    assert version == 1
    assert item.baseline == Baseline(
        Decimal("88.5"), as_of=dt.date(2026, 1, 31), source="Finance export"
    )
    assert item.extra["guardrails"] == [
        "customers.net_revenue_retention",
        "customers.logo_churn_rate",
    ]
    assert item.extra["attribution"] == "Split with the pricing change by cohort."
    page = browser.get(initiative_path("renewal-desk"))
    assert "TG202" not in page.text


def test_edit_sets_baseline_in_one_event(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-baseline")
    browser = web_world.signed_in("eli")
    path = initiative_path("edit-baseline")
    assert "TG202" in browser.get(path).text
    page = browser.get(path + "/edit")
    tags = form_tags(page.text, "edit-form")
    assert 'value=""' in tags["baseline_value"]

    response = browser.post(
        path + "/edit",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "edit-form", "version"),
            "name": "Edit baseline",
            "owner_person": "Maya Okafor",
            "owner_function": "CS",
            "next_checkpoint": "2027-01-15",
            "baseline_value": "88.5",
            "baseline_as_of": "2026-01-31",
            "guardrails": "NRR",
            "attribution": "Shared with pricing.",
            "reason": "Recorded the launch value.",
        },
    )

    assert response.status_code == 303, response.text
    version, item = stored(web_world, "edit-baseline")
    assert version == 2
    assert item.baseline == Baseline(Decimal("88.5"), as_of=dt.date(2026, 1, 31))
    assert len(item.history) == 2
    assert item.history[-1].reason == "Recorded the launch value."
    after = browser.get(path)
    assert "TG202" not in after.text
    assert "MS507" not in after.text
    again = browser.get(path + "/edit")
    assert 'value="88.5"' in form_tags(again.text, "edit-form")["baseline_value"]
    assert 'value="customers.net_revenue_retention"' in again.text


@pytest.mark.parametrize(
    ("fields", "message", "status"),
    [
        ({"baseline_value": "lots", "baseline_as_of": ""}, "baseline value", 422),
        ({"baseline_value": "88,55", "baseline_as_of": ""}, "decimal point", 422),
        ({"baseline_value": "1e300000", "baseline_as_of": ""}, "1e300000", 422),
        ({"baseline_value": "", "baseline_as_of": "2026-01-31"}, "baseline value", 400),
        (
            {"baseline_value": "1", "baseline_as_of": "31.01.2026"},
            "baseline as_of",
            400,
        ),
    ],
)
def test_edit_rejects_bad_baseline(
    web_world: WebWorld, fields: dict[str, str], message: str, status: int
) -> None:
    sizes = (len(fields["baseline_value"]), len(fields["baseline_as_of"]))
    key = f"bad-baseline-{sizes[0]}-{sizes[1]}"
    add_initiative(web_world, key)
    browser = web_world.signed_in("eli")
    path = initiative_path(key)
    page = browser.get(path + "/edit")

    response = browser.post(
        path + "/edit",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "edit-form", "version"),
            "name": "Bad baseline",
            **fields,
            "reason": "r",
        },
    )

    assert response.status_code == status, response.text
    assert message in response.text
    assert stored(web_world, key)[0] == 1
    assert f'value="{fields["baseline_value"]}"' in response.text


# --- the outcome: live lint and correction -----------------------------------------


def close_as_achieved(world: WebWorld, key: str) -> None:
    add_initiative(world, key, target="-1pp logo churn for SMB by Q4 2027")
    browser = world.signed_in("eli")
    path = initiative_path(key)
    page = browser.get(path + "/close")
    response = browser.post(
        path + "/close",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "close-form", "version"),
            "result": "achieved",
            "actual_movement": "-0.4",
            "lesson": "Churn fell less than planned.",
            "closed_on": "2026-12-20",
            "reason": "quarter ended",
        },
    )
    assert response.status_code == 303, response.text


def test_close_form_lints_outcome(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-lint", target="-1pp logo churn for SMB by Q4 2027")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-lint")
    page = browser.get(path + "/close")
    tags = form_tags(page.text, "close-form")
    for name in ("result", "actual_movement", "actual_unit", "lesson", "closed_on"):
        assert f'hx-post="{path}/outcome-preview"' in tags[name], name
        assert 'hx-target="#outcome-preview"' in tags[name], name

    short = browser.post(
        path + "/outcome-preview",
        data={"result": "achieved", "actual_movement": "-0.4"},
        headers={"X-CSRF-Token": csrf_of(page), "HX-Request": "true"},
    )
    met = browser.get(
        path + "/outcome-preview",
        params={
            "result": "achieved",
            "actual_movement": "-1.2",
            "lesson": "Start the save desk calls in the first week of the renewal.",
        },
    )

    assert short.status_code == 200, short.text
    assert "CL602" in short.text
    assert "0.6pp short" in short.text
    assert "CL602" not in met.text
    assert "No closure findings" in met.text
    assert stored(web_world, "close-lint")[0] == 1


def test_close_form_shows_findings_again(web_world: WebWorld) -> None:
    add_initiative(
        web_world, "close-again", target="-1pp logo churn for SMB by Q4 2027"
    )
    browser = web_world.signed_in("eli")
    path = initiative_path("close-again")
    page = browser.get(path + "/close")

    response = browser.post(
        path + "/close",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "close-form", "version"),
            "result": "achieved",
            "actual_movement": "-0.4",
            "reason": "",
        },
    )

    assert response.status_code == 400, response.text
    assert "CL602" in response.text


def test_correct_outcome_relabels(web_world: WebWorld) -> None:
    close_as_achieved(web_world, "correct-ok")
    browser = web_world.signed_in("eli")
    path = initiative_path("correct-ok")
    closed_page = browser.get(path)
    assert "CL602" in closed_page.text
    assert f'href="{path}/outcome"' in closed_page.text
    page = browser.get(path + "/outcome")
    assert "CL602" in page.text
    tags = form_tags(page.text, "correct-form")
    assert 'value="-0.4"' in tags["actual_movement"]

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "correct-form", "version"),
            "result": "partially-achieved",
            "actual_movement": "-0.4",
            "lesson": "Churn fell by 0.4pp of the 1pp planned.",
            "reason": "The movement is 0.6pp short of the target.",
        },
    )

    assert response.status_code == 303, response.text
    version, item = stored(web_world, "correct-ok")
    assert version == 3
    assert item.outcome is not None
    assert item.outcome.result is OutcomeResult.PARTIALLY_ACHIEVED
    assert item.outcome.closed_on == dt.date(2026, 12, 20)
    assert item.history[-1].kind == "outcome-corrected"
    after = browser.get(path)
    assert "CL602" not in after.text
    assert "The movement is 0.6pp short of the target." in after.text


def test_correct_outcome_needs_reason(web_world: WebWorld) -> None:
    close_as_achieved(web_world, "correct-reason")
    browser = web_world.signed_in("eli")
    path = initiative_path("correct-reason")
    page = browser.get(path + "/outcome")

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": field_value(page, "correct-form", "version"),
            "result": "missed",
            "actual_movement": "-0.4",
            "reason": " ",
        },
    )

    assert response.status_code == 400, response.text
    assert "reason" in response.text
    assert stored(web_world, "correct-reason")[0] == 2


def test_correct_outcome_stale(web_world: WebWorld) -> None:
    close_as_achieved(web_world, "correct-stale")
    browser = web_world.signed_in("eli")
    path = initiative_path("correct-stale")
    page = browser.get(path + "/outcome")

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": "1",
            "result": "missed",
            "actual_movement": "-0.4",
            "reason": "relabel",
        },
    )

    assert response.status_code == 409, response.text
    assert "Nothing was saved" in response.text
    assert stored(web_world, "correct-stale")[0] == 2


def test_correct_open_initiative_rejected(web_world: WebWorld) -> None:
    add_initiative(web_world, "correct-open")
    browser = web_world.signed_in("eli")
    path = initiative_path("correct-open")
    page = browser.get(path + "/outcome")
    assert "not closed" in page.text
    assert 'id="correct-form"' not in page.text

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": "1",
            "result": "missed",
            "actual_movement": "0",
            "reason": "relabel",
        },
    )

    assert response.status_code == 409, response.text
    assert stored(web_world, "correct-open")[0] == 1


@pytest.mark.parametrize("login", ["maya", "bo"])
def test_correct_outcome_needs_edit_role(web_world: WebWorld, login: str) -> None:
    close_as_achieved(web_world, f"correct-role-{login}")
    browser = web_world.signed_in(login)
    path = initiative_path(f"correct-role-{login}")
    page = browser.get(path)

    response = browser.post(
        path + "/outcome",
        data={
            "csrf_token": csrf_of(page),
            "version": "2",
            "result": "missed",
            "actual_movement": "-0.4",
            "reason": "relabel",
        },
    )

    assert browser.get(path + "/outcome").status_code == 403
    assert response.status_code == 403
    assert f'href="{path}/outcome"' not in page.text
    assert stored(web_world, f"correct-role-{login}")[0] == 2
