"""The REST API's read routes over a real store: companies, initiatives, history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from test_api_support import COMPANY, FOREIGN, company_path, read_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["read_world"]


def test_companies_lists_own_roles(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        "/api/v1/companies", headers=read_world.headers("eli")
    )
    assert response.status_code == 200
    assert response.json() == {"items": [{"name": COMPANY, "role": "editor"}]}
    quinn = read_world.client.get(
        "/api/v1/companies", headers=read_world.headers("quinn")
    )
    assert quinn.json() == {"items": [{"name": FOREIGN, "role": "admin"}]}


def test_expired_token_is_401(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        "/api/v1/companies", headers=read_world.headers("expired")
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_initiatives_listed_by_id(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives", headers=read_world.headers("bo")
    )
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [
        "ebr-cadence",
        "health-score-v2",
        "onboarding-revamp",
    ]
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first["version"] == 1
    assert first["target"]["kpi_id"] == "customers.nps_score"
    assert first["next_checkpoint"] == "2026-05-20"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=planned", ["health-score-v2"]),
        ("status=planned&status=launched", ["ebr-cadence", "health-score-v2"]),
        ("owner=maya%20okafor", ["onboarding-revamp"]),
        ("kpi=GRR", ["onboarding-revamp"]),
        ("kpi=customers.logo_churn_rate", ["health-score-v2"]),
        ("stale=true&as_of=2026-03-01", ["health-score-v2"]),
        ("stale=false&as_of=2026-03-01", ["ebr-cadence", "onboarding-revamp"]),
        ("stale=true&as_of=2026-05-01", ["health-score-v2", "onboarding-revamp"]),
        ("verdict=no-data&as_of=2026-03-01", ["ebr-cadence"]),
        (
            "verdict=too-early&as_of=2026-03-01",
            ["health-score-v2", "onboarding-revamp"],
        ),
    ],
)
def test_initiative_filters(
    read_world: ApiWorld, query: str, expected: list[str]
) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives?{query}", headers=read_world.headers("bo")
    )
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=paused", "query.status.0"),
        ("verdict=great", "verdict"),
        ("kpi=not-a-kpi", "kpi"),
        ("as_of=2026-13-01", "query.as_of"),
        ("as_of=1800-01-01", "as_of"),
        ("limit=0", "query.limit"),
        ("limit=501", "query.limit"),
    ],
)
def test_invalid_filters_are_422(
    read_world: ApiWorld, query: str, parameter: str
) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives?{query}", headers=read_world.headers("bo")
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_failed"
    assert parameter in body["message"]


def test_pagination_round_trip(read_world: ApiWorld) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = "limit=1" + (f"&cursor={cursor}" if cursor else "")
        response = read_world.client.get(
            f"{company_path()}/initiatives?{query}", headers=read_world.headers("bo")
        )
        assert response.status_code == 200
        body = response.json()
        seen.extend(item["id"] for item in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == ["ebr-cadence", "health-score-v2", "onboarding-revamp"]


def test_foreign_cursor_is_400(read_world: ApiWorld) -> None:
    history = read_world.client.get(
        f"{company_path()}/history?limit=1", headers=read_world.headers("bo")
    ).json()
    response = read_world.client.get(
        f"{company_path()}/initiatives?cursor={history['next_cursor']}",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    garbage = read_world.client.get(
        f"{company_path()}/initiatives?cursor=%%%", headers=read_world.headers("bo")
    )
    assert garbage.status_code == 400


def test_get_initiative_has_etag(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives/onboarding-revamp",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    body = response.json()
    assert body["owner"] == {"person": "Maya Okafor", "function": "CS"}
    assert body["target"]["amount"] == "5"
    assert body["target"]["unit"] == "pp"
    assert body["created_at"].startswith("2026-03-02T09:00:00")


def test_missing_initiative_is_404(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives/nope", headers=read_world.headers("bo")
    )
    assert response.status_code == 404
    assert response.json()["details"] == {"initiative": "nope", "company": COMPANY}


def test_history_lists_created_events(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/history", headers=read_world.headers("bo")
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert sorted(item["initiative"] for item in items) == [
        "ebr-cadence",
        "health-score-v2",
        "onboarding-revamp",
    ]
    assert {item["kind"] for item in items} == {"created"}
    assert all(item["actor"] == "setup" for item in items)


def test_history_pages_keep_order(read_world: ApiWorld) -> None:
    everything = read_world.client.get(
        f"{company_path()}/history", headers=read_world.headers("bo")
    ).json()["items"]
    paged: list[dict[str, object]] = []
    cursor = None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = read_world.client.get(
            f"{company_path()}/history?{query}", headers=read_world.headers("bo")
        ).json()
        paged.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == everything


def test_initiative_history_filters_by_key(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/initiatives/ebr-cadence/history",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["initiative"] for item in items] == ["ebr-cadence"]


def test_history_filters(read_world: ApiWorld) -> None:
    headers = read_world.headers("bo")
    one = read_world.client.get(
        f"{company_path()}/history?initiative=ebr-cadence", headers=headers
    )
    assert [item["initiative"] for item in one.json()["items"]] == ["ebr-cadence"]
    before = read_world.client.get(
        f"{company_path()}/history?since=2026-03-02", headers=headers
    )
    assert len(before.json()["items"]) == 3
    after = read_world.client.get(
        f"{company_path()}/history?since=2026-03-03", headers=headers
    )
    assert after.json()["items"] == []
