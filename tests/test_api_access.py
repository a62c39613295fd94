"""Every endpoint with every role, against the caller's company and a foreign one.

A foreign company's data is never returned, and its existence is never
confirmed: each response about it is the 404 that a company that does not
exist gets, word for word apart from the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from test_api_support import COMPANY, FOREIGN, api_world, backend, company_path

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["api_world", "backend"]

MISSING = "Nowhere Holdings"
KEY = "onboarding-revamp"
FOREIGN_KEY = "secret-pricing-pilot"
ROLES = ("ada", "eli", "maya", "bo")
EDITORS = {"ada", "eli"}


@dataclass(frozen=True)
class Endpoint:
    """One route, with the logins that may call it in their own company."""

    name: str
    method: str
    path: str
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    ok: int = 200

    def url(self, company: str, key: str) -> str:
        return company_path(company) + self.path.format(key=key)


READERS = frozenset(ROLES)
ENDPOINTS = (
    Endpoint("list initiatives", "GET", "/initiatives", READERS),
    Endpoint("get initiative", "GET", "/initiatives/{key}", READERS),
    Endpoint("initiative history", "GET", "/initiatives/{key}/history", READERS),
    Endpoint("history", "GET", "/history", READERS),
    Endpoint("findings", "GET", "/findings", READERS),
    Endpoint("evaluations", "GET", "/evaluations", READERS),
    Endpoint("KPI values", "GET", "/kpis", READERS),
    Endpoint("catalog", "GET", "/catalog", READERS),
    Endpoint("catalog KPI", "GET", "/catalog/GRR", READERS),
    Endpoint("board section", "GET", "/board-section?format=md", READERS),
    Endpoint(
        "update",
        "PATCH",
        "/initiatives/{key}",
        frozenset(EDITORS),
        {"progress_note": "walk", "reason": "walk"},
    ),
    Endpoint(
        "status",
        "POST",
        "/initiatives/{key}/status",
        frozenset({*EDITORS, "maya"}),
        {"status": "STATUS"},
    ),
    Endpoint(
        "checkpoint",
        "POST",
        "/initiatives/{key}/checkpoints",
        frozenset({*EDITORS, "maya"}),
        {"note": "walk"},
    ),
    Endpoint(
        "revise target",
        "POST",
        "/initiatives/{key}/target",
        frozenset(EDITORS),
        {"target": "+4pp lift in GRR for SMB by Q2 2026", "reason": "walk"},
    ),
)
CLOSE = Endpoint(
    "close",
    "POST",
    "/initiatives/{key}/close",
    frozenset(EDITORS),
    {"result": "abandoned", "lesson": "walk", "reason": "walk"},
)
CREATE = Endpoint(
    "create", "POST", "/initiatives", frozenset(EDITORS), {"name": "N"}, ok=201
)


def call(
    api_world: ApiWorld, login: str, endpoint: Endpoint, company: str, key: str
) -> Any:
    """Call an endpoint as `login`, with the initiative's current ETag for writes."""
    headers = api_world.headers(login)
    body = endpoint.body
    if endpoint.method != "GET" and endpoint.path != "/initiatives":
        current = api_world.client.get(
            company_path(company) + f"/initiatives/{key}",
            headers=api_world.headers("ada" if company != FOREIGN else "quinn"),
        )
        headers["If-Match"] = current.headers.get("ETag", '"1"')
        if body is not None and body.get("status") == "STATUS":
            status = current.json().get("status", "in-progress")
            body = {"status": next_status(status), "reason": "walk"}
    return api_world.client.request(
        endpoint.method, endpoint.url(company, key), json=body, headers=headers
    )


def next_status(current: str) -> str:
    """Pick an open status the lifecycle allows after `current`."""
    return {"in-progress": "launched", "launched": "in-progress"}[current]


def test_walk_own_company(api_world: ApiWorld) -> None:
    for login in ROLES:
        for endpoint in ENDPOINTS:
            response = call(api_world, login, endpoint, COMPANY, KEY)
            expected = endpoint.ok if login in endpoint.allowed else 403
            assert response.status_code == expected, (
                login,
                endpoint.name,
                response.text,
            )
            if expected == 403:
                assert response.json()["code"] == "forbidden"


def test_walk_close_and_create(api_world: ApiWorld) -> None:
    keys = {"ada": "ebr-cadence", "eli": "health-score-v2", "maya": KEY, "bo": KEY}
    for login in ROLES:
        response = call(api_world, login, CLOSE, COMPANY, keys[login])
        expected = 200 if login in CLOSE.allowed else 403
        assert response.status_code == expected, (login, response.text)
        created = api_world.client.post(
            company_path() + "/initiatives",
            json={"name": f"Created by {login}"},
            headers=api_world.headers(login),
        )
        expected = 201 if login in CREATE.allowed else 403
        assert created.status_code == expected, (login, created.text)


def test_walk_foreign_company(api_world: ApiWorld) -> None:
    for login in ROLES:
        for endpoint in (*ENDPOINTS, CLOSE, CREATE):
            foreign = call(api_world, login, endpoint, FOREIGN, FOREIGN_KEY)
            missing = call(api_world, login, endpoint, MISSING, FOREIGN_KEY)
            assert foreign.status_code == 404, (login, endpoint.name, foreign.text)
            assert missing.status_code == 404, (login, endpoint.name)
            assert same_answer(foreign.json(), missing.json()), endpoint.name
            assert "Pricing pilot" not in foreign.text
            assert FOREIGN_KEY not in foreign.text


def test_foreign_initiative_key_in_own_company(api_world: ApiWorld) -> None:
    response = api_world.client.get(
        company_path() + f"/initiatives/{FOREIGN_KEY}", headers=api_world.headers("ada")
    )
    assert response.status_code == 404
    missing = api_world.client.get(
        company_path() + "/initiatives/no-such-key", headers=api_world.headers("ada")
    )
    assert response.json()["message"].replace(FOREIGN_KEY, "?") == missing.json()[
        "message"
    ].replace("no-such-key", "?")


def test_foreign_admin_sees_only_own(api_world: ApiWorld) -> None:
    response = api_world.client.get(
        company_path(FOREIGN) + "/initiatives", headers=api_world.headers("quinn")
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [FOREIGN_KEY]
    own = api_world.client.get(
        company_path() + "/initiatives", headers=api_world.headers("quinn")
    )
    assert own.status_code == 404


def test_foreign_history_not_listed(api_world: ApiWorld) -> None:
    response = api_world.client.get(
        company_path() + "/history?limit=500", headers=api_world.headers("ada")
    )
    assert FOREIGN_KEY not in response.text


def same_answer(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Compare two error bodies, ignoring the request id and the company name."""

    def normalised(body: dict[str, Any]) -> str:
        text = str({key: value for key, value in body.items() if key != "request_id"})
        return text.replace(FOREIGN, "<company>").replace(MISSING, "<company>")

    return normalised(first) == normalised(second)
