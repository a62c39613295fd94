"""The REST API's write routes: each edit, If-Match, version conflicts, history.

The tests share one served workspace per database, so each test that changes an
initiative first creates its own copy of the onboarding initiative.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from test_api_support import COMPANY, company_path, edit_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["edit_world"]


def etag(world: ApiWorld, path: str) -> str:
    response = world.client.get(path, headers=world.headers("eli"))
    assert response.status_code == 200
    return response.headers["ETag"]


def send(
    world: ApiWorld,
    method: str,
    path: str,
    body: dict[str, Any],
    *,
    login: str = "eli",
    if_match: str | None = None,
) -> Any:
    headers = world.headers(login)
    if if_match is not None:
        headers["If-Match"] = if_match
    return world.client.request(method, path, json=body, headers=headers)


def history(world: ApiWorld, path: str) -> list[Any]:
    response = world.client.get(
        f"{path}/history?limit=500", headers=world.headers("bo")
    )
    assert response.status_code == 200
    items: list[Any] = response.json()["items"]
    return items


@pytest.fixture
def onboarding(edit_world: ApiWorld) -> str:
    """Create a fresh onboarding initiative owned by Maya Okafor; return its path."""
    key = f"onboarding-{uuid.uuid4().hex[:12]}"
    response = send(
        edit_world,
        "POST",
        f"{company_path()}/initiatives",
        {
            "key": key,
            "name": f"Onboarding revamp {key}",
            "owner_person": "Maya Okafor",
            "owner_function": "CS",
            "target": "+5pp lift in 90-day GRR for SMB cohort by Q2 2026",
            "status": "in-progress",
            "next_checkpoint": "2026-04-14",
        },
    )
    assert response.status_code == 201, response.text
    return f"{company_path()}/initiatives/{key}"


def test_create_initiative(edit_world: ApiWorld) -> None:
    response = send(
        edit_world,
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
    events = history(
        edit_world, f"{company_path()}/initiatives/renewal-desk-for-mid-market"
    )
    assert [event["kind"] for event in events] == ["created"]
    assert events[0]["actor"] == "eli"


def test_create_taken_key_is_409(edit_world: ApiWorld) -> None:
    response = send(
        edit_world,
        "POST",
        f"{company_path()}/initiatives",
        {"name": "Again", "key": "onboarding-revamp"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_initiative"


def test_create_rejects_unknown_field(edit_world: ApiWorld) -> None:
    response = send(
        edit_world,
        "POST",
        f"{company_path()}/initiatives",
        {"name": "Typo", "ownr": "Ana Lima"},
    )
    assert response.status_code == 422
    assert "ownr" in response.json()["message"]


def test_malformed_json_is_400(edit_world: ApiWorld, onboarding: str) -> None:
    response = edit_world.client.patch(
        onboarding,
        content=b'{"notes": "unterminated',
        headers={
            **edit_world.headers("eli"),
            "Content-Type": "application/json",
            "If-Match": '"1"',
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_update_changes_only_given_fields(
    edit_world: ApiWorld, onboarding: str
) -> None:
    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {"progress_note": "Tours rewritten.", "reason": "Monthly update."},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["progress_note"] == "Tours rewritten."
    assert body["owner"]["person"] == "Maya Okafor"
    assert body["version"] == 2
    assert response.headers["ETag"] == '"2"'
    last = history(edit_world, onboarding)[-1]
    assert last["kind"] == "updated"
    assert last["reason"] == "Monthly update."
    assert last["changes"]["progress_note"] == [None, "Tours rewritten."]


def test_write_without_if_match_is_428(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(edit_world, "PATCH", onboarding, {"notes": "x", "reason": "r"})
    assert response.status_code == 428
    body = response.json()
    assert body["code"] == "precondition_required"
    assert etag(edit_world, onboarding) == '"1"'


@pytest.mark.parametrize("value", ["*", '"1", "2"', "one", '"-1"'])
def test_unusable_if_match_is_400(
    edit_world: ApiWorld, onboarding: str, value: str
) -> None:
    response = send(
        edit_world, "PATCH", onboarding, {"notes": "x", "reason": "r"}, if_match=value
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_if_match"


def test_stale_if_match_is_409(edit_world: ApiWorld, onboarding: str) -> None:
    first = etag(edit_world, onboarding)
    accepted = send(
        edit_world,
        "PATCH",
        onboarding,
        {"notes": "first writer", "reason": "r"},
        if_match=first,
    )
    assert accepted.status_code == 200
    stale = send(
        edit_world,
        "PATCH",
        onboarding,
        {"notes": "second writer", "reason": "r"},
        if_match=first,
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["details"]["current_version"] == 2
    assert body["details"]["expected_version"] == 1
    current = edit_world.client.get(onboarding, headers=edit_world.headers("bo"))
    assert current.json()["notes"] == "first writer"


def test_weak_etag_accepted(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {"notes": "weak", "reason": "r"},
        if_match='W/"1"',
    )
    assert response.status_code == 200


def test_status_change_recorded(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/status",
        {"status": "launched", "reason": "Live for every SMB signup."},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "launched"
    last = history(edit_world, onboarding)[-1]
    assert last["kind"] == "status"
    assert last["changes"]["status"] == ["in-progress", "launched"]


def test_forbidden_transition_is_409(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/status",
        {"status": "measuring", "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 409, response.text
    assert "launched" in response.json()["message"]


def test_checkpoint_note_posted(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/checkpoints",
        {
            "note": "March cohort renews at plan.",
            "on": "2026-03-20",
            "next_checkpoint": "2026-05-15",
        },
        login="maya",
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["checkpoints"][-1]["note"] == "March cohort renews at plan."
    assert body["checkpoints"][-1]["on"] == "2026-03-20"
    assert body["next_checkpoint"] == "2026-05-15"


def test_close_with_outcome(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/close",
        {
            "result": "partially-achieved",
            "actual_movement": "3.2",
            "lesson": "Tours help; pricing pages matter more.",
            "closed_on": "2026-07-01",
            "reason": "Measurement window over.",
        },
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"]["result"] == "partially-achieved"
    assert body["outcome"]["actual_movement"] == "3.2"
    assert body["outcome"]["actual_unit"] == "pp"
    again = send(
        edit_world,
        "PATCH",
        onboarding,
        {"notes": "after closing", "reason": "r"},
        if_match=response.headers["ETag"],
    )
    assert again.status_code == 409


def test_close_without_movement_is_400(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/close",
        {"result": "achieved", "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_edit"


def test_revise_target_keeps_previous(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/target",
        {
            "target": "+3pp lift in 90-day GRR for SMB cohort by Q2 2026",
            "reason": "Annual plans left the cohort.",
        },
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 200, response.text
    assert response.json()["target"]["amount"] == "3"
    last = history(edit_world, onboarding)[-1]
    before, after = last["changes"]["target"]
    assert "+5pp" in str(before)
    assert "+3pp" in str(after)
    assert last["reason"] == "Annual plans left the cohort."


def test_revise_target_needs_reason(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "POST",
        f"{onboarding}/target",
        {"target": "+3pp lift in GRR by Q2 2026"},
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 422


def test_read_only_token_cannot_write(edit_world: ApiWorld, onboarding: str) -> None:
    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {"notes": "x", "reason": "r"},
        login="eli-read",
        if_match=etag(edit_world, onboarding),
    )
    assert response.status_code == 403
    assert "read scope" in response.json()["message"]


def test_owner_limited_to_own_initiatives(edit_world: ApiWorld) -> None:
    other = f"{company_path()}/initiatives/ebr-cadence"
    response = send(
        edit_world,
        "POST",
        f"{other}/checkpoints",
        {"note": "Not mine."},
        login="maya",
        if_match=etag(edit_world, other),
    )
    assert response.status_code == 403
    assert response.json()["details"] == {"action": "checkpoint", "company": COMPANY}


def test_history_is_read_only(edit_world: ApiWorld) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = edit_world.client.request(
            method, f"{company_path()}/history", headers=edit_world.headers("ada")
        )
        assert response.status_code == 405, method
        assert response.json()["code"] == "method_not_allowed"


def rules_of(world: ApiWorld, path: str) -> set[str]:
    key = path.rsplit("/", 1)[1]
    response = world.client.get(
        f"{company_path()}/findings?initiative={key}&limit=500",
        headers=world.headers("eli"),
    )
    assert response.status_code == 200, response.text
    return {item["rule"] for item in response.json()["items"]}


def test_patch_baseline_clears_tg202(edit_world: ApiWorld, onboarding: str) -> None:
    assert "TG202" in rules_of(edit_world, onboarding)
    before = len(history(edit_world, onboarding))

    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {
            "baseline": {"value": "81.5", "as_of": "2026-01-31", "source": "BI"},
            "guardrails": ["NRR"],
            "attribution": "Shared with the pricing change, split by cohort.",
            "reason": "Recorded at launch.",
        },
        if_match=etag(edit_world, onboarding),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["baseline"] == {"value": "81.5", "as_of": "2026-01-31", "source": "BI"}
    assert body["guardrails"] == ["customers.net_revenue_retention"]
    assert body["attribution"] == "Shared with the pricing change, split by cohort."
    assert "TG202" not in rules_of(edit_world, onboarding)
    assert "MS507" not in rules_of(edit_world, onboarding)
    assert len(history(edit_world, onboarding)) == before + 1


@pytest.mark.parametrize(
    "body",
    [
        {"baseline": {"value": "lots"}},
        {"baseline": {"value": "1", "when": "2026-01-31"}},
        {"baseline": {"as_of": "2026-01-31"}},
        {"guardrails": [""]},
        {"guardrails": "NRR"},
    ],
)
def test_patch_invalid_baseline_is_422(
    edit_world: ApiWorld, onboarding: str, body: dict[str, Any]
) -> None:
    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {**body, "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )

    assert response.status_code == 422, response.text


def test_patch_null_clears_baseline(edit_world: ApiWorld, onboarding: str) -> None:
    first = send(
        edit_world,
        "PATCH",
        onboarding,
        {"baseline": {"value": "81.5", "as_of": "2026-01-31"}, "reason": "r"},
        if_match=etag(edit_world, onboarding),
    )
    assert first.status_code == 200, first.text

    response = send(
        edit_world,
        "PATCH",
        onboarding,
        {"baseline": None, "guardrails": [], "reason": "Measured wrongly."},
        if_match=first.headers["ETag"],
    )

    assert response.status_code == 200, response.text
    assert response.json()["baseline"] is None
    assert response.json()["guardrails"] == []


def test_create_with_baseline(edit_world: ApiWorld) -> None:
    key = f"renewals-{uuid.uuid4().hex[:12]}"
    response = send(
        edit_world,
        "POST",
        f"{company_path()}/initiatives",
        {
            "key": key,
            "name": f"Renewal desk {key}",
            "target": "+2pp NRR for Enterprise by Q3 2026",
            "status": "in-progress",
            "baseline": {"value": "104.5", "as_of": "2026-01-31"},
            "guardrails": ["logo churn"],
            "attribution": "Shared with pricing.",
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["baseline"]["value"] == "104.5"
    assert body["guardrails"] == ["customers.logo_churn_rate"]
    path = f"{company_path()}/initiatives/{key}"
    assert "TG202" not in rules_of(edit_world, path)
    assert len(history(edit_world, path)) == 1


def close_as_achieved(world: ApiWorld, path: str) -> str:
    response = send(
        world,
        "POST",
        f"{path}/close",
        {
            "result": "achieved",
            "actual_movement": "3.2",
            "lesson": "Tours help.",
            "closed_on": "2026-07-01",
            "reason": "Measurement window over.",
        },
        if_match=etag(world, path),
    )
    assert response.status_code == 200, response.text
    etag_value: str = response.headers["ETag"]
    return etag_value


def test_outcome_correction(edit_world: ApiWorld, onboarding: str) -> None:
    closed_etag = close_as_achieved(edit_world, onboarding)
    assert "CL602" in rules_of(edit_world, onboarding)

    response = send(
        edit_world,
        "POST",
        f"{onboarding}/outcome-correction",
        {
            "result": "partially-achieved",
            "actual_movement": "3.2",
            "lesson": "Tours help; 1.8pp short.",
            "reason": "The movement is short of the +5pp target.",
        },
        if_match=closed_etag,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"]["result"] == "partially-achieved"
    assert body["outcome"]["closed_on"] == "2026-07-01"
    assert body["target"]["text"] == "+5pp lift in 90-day GRR for SMB cohort by Q2 2026"
    assert "CL602" not in rules_of(edit_world, onboarding)
    event = history(edit_world, onboarding)[-1]
    assert event["kind"] == "outcome-corrected"
    assert event["reason"] == "The movement is short of the +5pp target."
    assert event["changes"]["outcome"][0]["result"] == "achieved"


def test_outcome_correction_rules(edit_world: ApiWorld, onboarding: str) -> None:
    path = f"{onboarding}/outcome-correction"
    body = {"result": "missed", "actual_movement": "1", "reason": "Relabelled."}

    open_response = send(
        edit_world, "POST", path, body, if_match=etag(edit_world, onboarding)
    )
    closed_etag = close_as_achieved(edit_world, onboarding)
    no_reason = send(
        edit_world, "POST", path, {**body, "reason": ""}, if_match=closed_etag
    )
    no_if_match = send(edit_world, "POST", path, body)
    owner = send(edit_world, "POST", path, body, login="maya", if_match=closed_etag)

    assert open_response.status_code == 409, open_response.text
    assert no_reason.status_code == 422, no_reason.text
    assert no_if_match.status_code == 428, no_if_match.text
    assert owner.status_code == 403, owner.text


def test_openapi_lists_new_fields(edit_world: ApiWorld) -> None:
    document = edit_world.client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    assert "/api/v1" + INITIATIVE_PATH + "/outcome-correction" in document["paths"]
    for name in ("UpdateInitiativeIn", "CreateInitiativeIn"):
        assert {"baseline", "guardrails", "attribution"} <= set(
            schemas[name]["properties"]
        )
    assert {"guardrails", "attribution"} <= set(schemas["InitiativeOut"]["properties"])


INITIATIVE_PATH = "/companies/{company}/initiatives/{key}"
