"""Edit forms: add, edit, revise target, checkpoint, status, close, live lint.

Each form is posted as a browser posts it, with the hidden csrf_token and
version fields. Every form has a success, a stale version and an invalid input
case; a stale post must save nothing and show the stored values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_web_support import (
    add_initiative,
    csrf_of,
    field_value,
    initiative_path,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from test_web_support import WebWorld

__all__ = ["web_world"]

STALE = "Nothing was saved: someone changed this initiative"


def form_fields(browser: TestClient, path: str, form_id: str) -> dict[str, str]:
    """Open a page and return the csrf_token and version of one of its forms."""
    page = browser.get(path)
    assert page.status_code == 200, page.text
    return {
        "csrf_token": field_value(page, form_id, "csrf_token"),
        "version": field_value(page, form_id, "version"),
    }


def stored(world: WebWorld, key: str) -> tuple[int, object]:
    from test_web_support import COMPANY

    item = world.store.get_initiative(COMPANY, key)
    return item.version, item.initiative


# --- add ----------------------------------------------------------------------------


def test_new_form_renders(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(register_path() + "/initiatives/new")
    assert page.status_code == 200
    assert 'hx-trigger="input changed delay:300ms"' in page.text
    assert 'name="csrf_token"' in page.text


def test_create_saves_and_redirects(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/initiatives",
        data={
            "csrf_token": csrf_of(page),
            "name": "Renewal desk",
            "owner_person": "Eli Novak",
            "target": "+3pp lift in 90-day GRR for SMB cohort by Q4 2027",
            "status": "planned",
            "next_checkpoint": "2027-02-01",
            "reason": "board asked",
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == initiative_path("renewal-desk")
    shown = browser.get(response.headers["location"])
    assert "Renewal desk" in shown.text
    assert "GRR +3pp for SMB (90-day)" in shown.text
    assert "board asked" in shown.text


def test_create_rejects_bad_date(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/initiatives",
        data={
            "csrf_token": csrf_of(page),
            "name": "Bad date desk",
            "next_checkpoint": "15/01/2027",
        },
    )
    assert response.status_code == 422
    assert "write the date as YYYY-MM-DD" in response.text
    assert 'value="Bad date desk"' in response.text
    assert browser.get(initiative_path("bad-date-desk")).status_code == 404


def test_create_rejects_blank_name(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/initiatives",
        data={"csrf_token": csrf_of(page), "name": "  ", "key": "blank-name"},
    )
    assert response.status_code == 400
    assert "it cannot be empty" in response.text


def test_create_rejects_taken_id(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "/initiatives/new")
    response = browser.post(
        register_path() + "/initiatives",
        data={
            "csrf_token": csrf_of(page),
            "name": "Another onboarding",
            "key": "onboarding-revamp",
        },
    )
    assert response.status_code == 409
    assert "onboarding-revamp" in response.text


def test_create_without_csrf(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.post(
        register_path() + "/initiatives", data={"name": "No token desk"}
    )
    assert response.status_code == 403
    assert browser.get(initiative_path("no-token-desk")).status_code == 404


def test_create_with_wrong_csrf(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.post(
        register_path() + "/initiatives",
        data={"name": "Forged desk", "csrf_token": "forged"},
    )
    assert response.status_code == 403


# --- edit fields --------------------------------------------------------------------


def test_edit_saves_fields(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-ok")
    browser = web_world.signed_in("eli")
    path = initiative_path("edit-ok")
    fields = form_fields(browser, path + "/edit", "edit-form")
    response = browser.post(
        path + "/edit",
        data={
            **fields,
            "name": "Edit ok, renamed",
            "owner_person": "Maya Okafor",
            "next_checkpoint": "2027-03-01",
            "reason": "clearer name",
        },
    )
    assert response.status_code == 303, response.text
    version, item = stored(web_world, "edit-ok")
    assert version == int(fields["version"]) + 1
    assert item.name == "Edit ok, renamed"  # type: ignore[attr-defined]
    page = browser.get(path)
    assert "clearer name" in page.text
    assert "Edit ok, renamed" in page.text


def test_edit_stale_saves_nothing(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-stale")
    editor = web_world.signed_in("eli")
    admin = web_world.signed_in("ada")
    path = initiative_path("edit-stale")
    old = form_fields(editor, path + "/edit", "edit-form")
    newer = form_fields(admin, path + "/edit", "edit-form")
    first = admin.post(
        path + "/edit",
        data={**newer, "name": "Saved first", "reason": "admin was first"},
    )
    assert first.status_code == 303
    response = editor.post(
        path + "/edit",
        data={**old, "name": "Saved second", "reason": "editor was late"},
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert "The values stored now:" in response.text
    assert "Saved first" in response.text
    assert 'value="Saved second"' in response.text
    _, item = stored(web_world, "edit-stale")
    assert item.name == "Saved first"  # type: ignore[attr-defined]
    resent = field_value(response, "edit-form", "version")
    assert resent == str(int(old["version"]) + 1)


def test_edit_requires_reason(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-reason")
    browser = web_world.signed_in("eli")
    path = initiative_path("edit-reason")
    fields = form_fields(browser, path + "/edit", "edit-form")
    response = browser.post(
        path + "/edit", data={**fields, "name": "No reason", "reason": ""}
    )
    assert response.status_code == 400
    assert "say why" in response.text
    version, _ = stored(web_world, "edit-reason")
    assert version == int(fields["version"])


def test_edit_rejects_missing_version(web_world: WebWorld) -> None:
    add_initiative(web_world, "edit-noversion")
    browser = web_world.signed_in("eli")
    path = initiative_path("edit-noversion")
    fields = form_fields(browser, path + "/edit", "edit-form")
    response = browser.post(
        path + "/edit",
        data={"csrf_token": fields["csrf_token"], "name": "x", "reason": "y"},
    )
    assert response.status_code == 422
    assert "invalid version" in response.text


# --- revise the target --------------------------------------------------------------


def test_revise_target(web_world: WebWorld) -> None:
    add_initiative(web_world, "target-ok")
    browser = web_world.signed_in("eli")
    path = initiative_path("target-ok")
    fields = form_fields(browser, path + "/edit", "target-form")
    response = browser.post(
        path + "/target",
        data={**fields, "target": "NPS 50+ by H2 2027", "reason": "new survey"},
    )
    assert response.status_code == 303, response.text
    page = browser.get(path)
    assert "NPS" in page.text
    assert "new survey" in page.text
    assert "+2pp lift in GRR by Q4 2027" in page.text


def test_revise_target_stale(web_world: WebWorld) -> None:
    add_initiative(web_world, "target-stale")
    browser = web_world.signed_in("eli")
    path = initiative_path("target-stale")
    fields = form_fields(browser, path + "/edit", "target-form")
    add_note(web_world, "target-stale")
    response = browser.post(
        path + "/target",
        data={**fields, "target": "NPS 50+ by H2 2027", "reason": "late"},
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert "The values stored now:" in response.text
    _, item = stored(web_world, "target-stale")
    assert item.target.text == "+2pp lift in GRR by Q4 2027"  # type: ignore[attr-defined]


def test_revise_target_requires_phrase(web_world: WebWorld) -> None:
    add_initiative(web_world, "target-blank")
    browser = web_world.signed_in("eli")
    path = initiative_path("target-blank")
    fields = form_fields(browser, path + "/edit", "target-form")
    response = browser.post(
        path + "/target", data={**fields, "target": " ", "reason": "why"}
    )
    assert response.status_code == 400
    assert "it cannot be empty" in response.text


def add_note(world: WebWorld, key: str) -> None:
    """Post a checkpoint note as the admin, moving the initiative's version on."""
    from boardloop import edits
    from test_web_support import ADMIN, COMPANY

    version = world.store.get_initiative(COMPANY, key).version
    edits.post_checkpoint(
        world.store, ADMIN, COMPANY, key, expected_version=version, note="admin note"
    )


# --- checkpoint note ----------------------------------------------------------------


def test_checkpoint_posts_note(web_world: WebWorld) -> None:
    add_initiative(web_world, "note-ok")
    browser = web_world.signed_in("maya")
    path = initiative_path("note-ok")
    fields = form_fields(browser, path, "checkpoint-form")
    response = browser.post(
        path + "/checkpoints",
        data={
            **fields,
            "note": "Pilot running in two regions",
            "on": "2026-12-01",
            "next_checkpoint": "2027-02-15",
        },
    )
    assert response.status_code == 303, response.text
    page = browser.get(path)
    assert "Pilot running in two regions" in page.text
    assert "2027-02-15" in page.text


def test_checkpoint_stale(web_world: WebWorld) -> None:
    add_initiative(web_world, "note-stale")
    browser = web_world.signed_in("maya")
    path = initiative_path("note-stale")
    fields = form_fields(browser, path, "checkpoint-form")
    add_note(web_world, "note-stale")
    response = browser.post(
        path + "/checkpoints", data={**fields, "note": "my late note"}
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert "The values stored now:" in response.text
    assert "my late note</textarea>" in response.text
    _, item = stored(web_world, "note-stale")
    notes = [point.note for point in item.checkpoints]  # type: ignore[attr-defined]
    assert notes == ["admin note"]


def test_checkpoint_rejects_past_next(web_world: WebWorld) -> None:
    add_initiative(web_world, "note-bad")
    browser = web_world.signed_in("maya")
    path = initiative_path("note-bad")
    fields = form_fields(browser, path, "checkpoint-form")
    response = browser.post(
        path + "/checkpoints",
        data={
            **fields,
            "note": "n",
            "on": "2026-12-01",
            "next_checkpoint": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert "pick a date after the checkpoint" in response.text


def test_checkpoint_rejects_bad_date(web_world: WebWorld) -> None:
    add_initiative(web_world, "note-date")
    browser = web_world.signed_in("maya")
    path = initiative_path("note-date")
    fields = form_fields(browser, path, "checkpoint-form")
    response = browser.post(
        path + "/checkpoints", data={**fields, "note": "n", "on": "yesterday"}
    )
    assert response.status_code == 422
    assert "invalid date of the review" in response.text


# --- status -------------------------------------------------------------------------


def test_status_change(web_world: WebWorld) -> None:
    add_initiative(web_world, "status-ok")
    browser = web_world.signed_in("maya")
    path = initiative_path("status-ok")
    fields = form_fields(browser, path, "status-form")
    response = browser.post(
        path + "/status", data={**fields, "status": "launched", "reason": "live"}
    )
    assert response.status_code == 303, response.text
    _, item = stored(web_world, "status-ok")
    assert item.status.value == "launched"  # type: ignore[attr-defined]


def test_status_stale(web_world: WebWorld) -> None:
    add_initiative(web_world, "status-stale")
    browser = web_world.signed_in("maya")
    path = initiative_path("status-stale")
    fields = form_fields(browser, path, "status-form")
    add_note(web_world, "status-stale")
    response = browser.post(
        path + "/status", data={**fields, "status": "launched", "reason": "late"}
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert "The values stored now:" in response.text
    _, item = stored(web_world, "status-stale")
    assert item.status.value == "in-progress"  # type: ignore[attr-defined]


def test_status_rejects_disallowed_move(web_world: WebWorld) -> None:
    add_initiative(web_world, "status-bad")
    browser = web_world.signed_in("maya")
    path = initiative_path("status-bad")
    fields = form_fields(browser, path, "status-form")
    response = browser.post(
        path + "/status", data={**fields, "status": "measuring", "reason": "skip"}
    )
    assert response.status_code == 409
    assert "cannot move from in-progress to measuring" in response.text


def test_status_rejects_unknown(web_world: WebWorld) -> None:
    add_initiative(web_world, "status-unknown")
    browser = web_world.signed_in("maya")
    path = initiative_path("status-unknown")
    fields = form_fields(browser, path, "status-form")
    response = browser.post(
        path + "/status", data={**fields, "status": "done", "reason": "r"}
    )
    assert response.status_code == 400
    assert "done" in response.text


# --- close --------------------------------------------------------------------------


def test_close_with_outcome(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-ok")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-ok")
    fields = form_fields(browser, path + "/close", "close-form")
    response = browser.post(
        path + "/close",
        data={
            **fields,
            "result": "partially-achieved",
            "actual_movement": "+1.5pp",
            "lesson": "Start with the largest accounts",
            "closed_on": "2026-12-20",
            "reason": "quarter ended",
        },
    )
    assert response.status_code == 303, response.text
    _, item = stored(web_world, "close-ok")
    outcome = item.outcome  # type: ignore[attr-defined]
    assert str(outcome.actual_movement) == "1.5"
    page = browser.get(path)
    assert "Start with the largest accounts" in page.text
    assert 'id="status-form"' not in page.text
    assert f'href="{path}/close"' not in page.text


def test_close_stale(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-stale")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-stale")
    fields = form_fields(browser, path + "/close", "close-form")
    add_note(web_world, "close-stale")
    response = browser.post(
        path + "/close",
        data={**fields, "result": "missed", "actual_movement": "-1", "reason": "r"},
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert "The values stored now:" in response.text
    _, item = stored(web_world, "close-stale")
    assert item.outcome is None  # type: ignore[attr-defined]


def test_close_requires_movement(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-nomove")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-nomove")
    fields = form_fields(browser, path + "/close", "close-form")
    response = browser.post(
        path + "/close", data={**fields, "result": "achieved", "reason": "r"}
    )
    assert response.status_code == 400
    assert "actual movement" in response.text


def test_close_rejects_bad_number(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-nan")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-nan")
    fields = form_fields(browser, path + "/close", "close-form")
    for movement in ("lots", "NaN", "Infinity"):
        response = browser.post(
            path + "/close",
            data={
                **fields,
                "result": "achieved",
                "actual_movement": movement,
                "reason": "r",
            },
        )
        assert response.status_code == 422, movement
        assert "invalid movement" in response.text


def test_close_rejects_unknown_result(web_world: WebWorld) -> None:
    add_initiative(web_world, "close-result")
    browser = web_world.signed_in("eli")
    path = initiative_path("close-result")
    fields = form_fields(browser, path + "/close", "close-form")
    response = browser.post(
        path + "/close", data={**fields, "result": "won", "reason": "r"}
    )
    assert response.status_code == 422
    assert "invalid result &#39;won&#39;" in response.text


# --- live lint ----------------------------------------------------------------------


def test_preview_reads_target(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.get(
        register_path() + "/lint-preview",
        params={
            "target": "+5pp lift in 90-day GRR for SMB cohort by Q2 2027",
            "name": "Preview draft",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "GRR +5pp for SMB (90-day) by" in response.text
    assert "<html" not in response.text


def test_preview_lists_findings(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.get(
        register_path() + "/lint-preview",
        params={"target": "make customers happier", "name": "Vague draft"},
    )
    assert response.status_code == 200
    assert "not readable" in response.text
    assert 'class="rule"' in response.text
    assert "owner" in response.text.lower()


def test_preview_sees_duplicate_name(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.get(
        register_path() + "/lint-preview",
        params={"name": "Onboarding Revamp", "key": "onboarding-copy", "target": "x"},
    )
    assert response.status_code == 200
    assert "RG701" in response.text
    assert "the same as &#39;Onboarding revamp&#39;" in response.text


def test_csrf_header_accepted(web_world: WebWorld) -> None:
    add_initiative(web_world, "note-header")
    browser = web_world.signed_in("maya")
    path = initiative_path("note-header")
    page = browser.get(path)
    token = csrf_of(page)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text
    version = field_value(page, "checkpoint-form", "version")
    response = browser.post(
        path + "/checkpoints",
        data={"version": version, "note": "sent by htmx"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 303, response.text
    _, item = stored(web_world, "note-header")
    notes = [point.note for point in item.checkpoints]  # type: ignore[attr-defined]
    assert notes == ["sent by htmx"]
