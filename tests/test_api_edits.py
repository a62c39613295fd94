"""The REST API's write routes: each edit, If-Match, version conflicts, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from test_api_support import COMPANY, api_world, backend, company_path

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["api_world", "backend"]

ONBOARDING = f"{company_path()}/initiatives/onboarding-revamp"


def etag(api_world: ApiWorld, path: str = ONBOARDING) -> str:
    response = api_world.client.get(path, headers=api_world.headers("eli"))
    assert response.status_code == 200
    return response.headers["ETag"]


def send(
    api_world: ApiWorld,
    method: str,
    path: str,
    body: dict[str, Any],
    *,
    login: str = "eli",
    if_match: str | None = None,
) -> Any:
    headers = api_world.headers(login)
    if if_match is not None:
        headers["If-Match"] = if_match
    return api_world.client.request(method, path, json=body, headers=headers)


def history(api_world: ApiWorld, key: str = "onboarding-revamp") -> list[Any]:
    response = api_world.client.get(
        f"{company_path()}/initiatives/{key}/history?limit=500",
        headers=api_world.headers("bo"),
    )
    assert response.status_code == 200
    items: list[Any] = response.json()["items"]
    return items


def test_create_initiative(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{company_path()}/initiatives",
        {
            "name": "Renewal desk for Mid-market",
            "owner_person": "Ana Lima",
            "owner_function": "CS",
            "target": "+2pp lift in GRR for Mid-market by Q4 2026",
            "next_checkpoint": "2026-06-30",
            "reason": "Agreed at the March review.",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "renewal-desk-for-mid-market"
    assert body["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(
        "/initiatives/renewal-desk-for-mid-market"
    )
    assert body["target"]["kpi_id"] == "customers.gross_revenue_retention"
    assert body["target"]["amount"] == "2"
    events = history(api_world, "renewal-desk-for-mid-market")
    assert [event["kind"] for event in events] == ["created"]
    assert events[0]["actor"] == "eli"


def test_create_taken_key_is_409(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{company_path()}/initiatives",
        {"name": "Again", "key": "onboarding-revamp"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_initiative"


def test_create_rejects_unknown_field(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{company_path()}/initiatives",
        {"name": "Typo", "ownr": "Ana Lima"},
    )
    assert response.status_code == 422
    assert "ownr" in response.json()["message"]


def test_malformed_json_is_400(api_world: ApiWorld) -> None:
    response = api_world.client.patch(
        ONBOARDING,
        content=b'{"notes": "unterminated',
        headers={
            **api_world.headers("eli"),
            "Content-Type": "application/json",
            "If-Match": '"1"',
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_update_changes_only_given_fields(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"progress_note": "Tours rewritten.", "reason": "Monthly update."},
        if_match=etag(api_world),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["progress_note"] == "Tours rewritten."
    assert body["owner"]["person"] == "Maya Okafor"
    assert body["version"] == 2
    assert response.headers["ETag"] == '"2"'
    last = history(api_world)[-1]
    assert last["kind"] == "updated"
    assert last["reason"] == "Monthly update."
    assert last["changes"]["progress_note"] == [None, "Tours rewritten."]


def test_write_without_if_match_is_428(api_world: ApiWorld) -> None:
    response = send(api_world, "PATCH", ONBOARDING, {"notes": "x", "reason": "r"})
    assert response.status_code == 428
    body = response.json()
    assert body["code"] == "precondition_required"
    assert etag(api_world) == '"1"'


@pytest.mark.parametrize("value", ["*", '"1", "2"', "one", '"-1"'])
def test_unusable_if_match_is_400(api_world: ApiWorld, value: str) -> None:
    response = send(
        api_world, "PATCH", ONBOARDING, {"notes": "x", "reason": "r"}, if_match=value
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_if_match"


def test_stale_if_match_is_409(api_world: ApiWorld) -> None:
    first = etag(api_world)
    accepted = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"notes": "first writer", "reason": "r"},
        if_match=first,
    )
    assert accepted.status_code == 200
    stale = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"notes": "second writer", "reason": "r"},
        if_match=first,
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["details"]["current_version"] == 2
    assert body["details"]["expected_version"] == 1
    current = api_world.client.get(ONBOARDING, headers=api_world.headers("bo"))
    assert current.json()["notes"] == "first writer"


def test_weak_etag_accepted(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"notes": "weak", "reason": "r"},
        if_match='W/"1"',
    )
    assert response.status_code == 200


def test_status_change_recorded(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/status",
        {"status": "launched", "reason": "Live for every SMB signup."},
        if_match=etag(api_world),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "launched"
    last = history(api_world)[-1]
    assert last["kind"] == "status"
    assert last["changes"]["status"] == ["in-progress", "launched"]


def test_forbidden_transition_is_409(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/status",
        {"status": "measuring", "reason": "r"},
        if_match=etag(api_world),
    )
    assert response.status_code == 409, response.text
    assert "launched" in response.json()["message"]


def test_checkpoint_note_posted(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/checkpoints",
        {
            "note": "March cohort renews at plan.",
            "on": "2026-03-20",
            "next_checkpoint": "2026-05-15",
        },
        login="maya",
        if_match=etag(api_world),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["checkpoints"][-1]["note"] == "March cohort renews at plan."
    assert body["checkpoints"][-1]["on"] == "2026-03-20"
    assert body["next_checkpoint"] == "2026-05-15"


def test_close_with_outcome(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/close",
        {
            "result": "partially-achieved",
            "actual_movement": "3.2",
            "lesson": "Tours help; pricing pages matter more.",
            "closed_on": "2026-07-01",
            "reason": "Measurement window over.",
        },
        if_match=etag(api_world),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"]["result"] == "partially-achieved"
    assert body["outcome"]["actual_movement"] == "3.2"
    assert body["outcome"]["actual_unit"] == "pp"
    again = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"notes": "after closing", "reason": "r"},
        if_match=response.headers["ETag"],
    )
    assert again.status_code == 409


def test_close_without_movement_is_400(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/close",
        {"result": "achieved", "reason": "r"},
        if_match=etag(api_world),
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_edit"


def test_revise_target_keeps_previous(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/target",
        {
            "target": "+3pp lift in 90-day GRR for SMB cohort by Q2 2026",
            "reason": "Annual plans left the cohort.",
        },
        if_match=etag(api_world),
    )
    assert response.status_code == 200, response.text
    assert response.json()["target"]["amount"] == "3"
    last = history(api_world)[-1]
    before, after = last["changes"]["target"]
    assert "+5pp" in str(before)
    assert "+3pp" in str(after)
    assert last["reason"] == "Annual plans left the cohort."


def test_revise_target_needs_reason(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "POST",
        f"{ONBOARDING}/target",
        {"target": "+3pp lift in GRR by Q2 2026"},
        if_match=etag(api_world),
    )
    assert response.status_code == 422


def test_read_only_token_cannot_write(api_world: ApiWorld) -> None:
    response = send(
        api_world,
        "PATCH",
        ONBOARDING,
        {"notes": "x", "reason": "r"},
        login="eli-read",
        if_match=etag(api_world),
    )
    assert response.status_code == 403
    assert "read scope" in response.json()["message"]


def test_owner_limited_to_own_initiatives(api_world: ApiWorld) -> None:
    other = f"{company_path()}/initiatives/ebr-cadence"
    response = send(
        api_world,
        "POST",
        f"{other}/checkpoints",
        {"note": "Not mine."},
        login="maya",
        if_match=etag(api_world, other),
    )
    assert response.status_code == 403
    assert response.json()["details"] == {"action": "checkpoint", "company": COMPANY}


def test_history_is_read_only(api_world: ApiWorld) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = api_world.client.request(
            method, f"{company_path()}/history", headers=api_world.headers("ada")
        )
        assert response.status_code == 405, method
        assert response.json()["code"] == "method_not_allowed"
