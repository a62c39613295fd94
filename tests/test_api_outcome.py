"""The API on the demo: a missing outcome recorded, and the evaluation's interval."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from boardloop.access import Role, Scope
from boardloop.store import open_workspace
from test_mcp_support import BEHIND_ID, BOARD_DATE, copy_demo

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fastapi.testclient import TestClient

OUTCOME = {
    "result": "missed",
    "actual_movement": "1",
    "lesson": "Few SMB customers posted.",
    "reason": "The outcome was left out when the forum closed.",
}


class Demo:
    """A served copy of the demo workspace with an editor's write token."""

    def __init__(self, root: Path, client: TestClient, token: str, company: str):
        self.root = root
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.company_path = f"/api/v1/companies/{quote(company, safe='')}"
        self.forum = f"{self.company_path}/initiatives/community-forum"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        etag = self.client.get(self.forum, headers=self.headers).headers["ETag"]
        return self.client.post(
            path, json=body, headers={**self.headers, "If-Match": etag}
        )


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    from fastapi.testclient import TestClient

    from boardloop.api import ApiSettings, create_app

    root = copy_demo(tmp_path)
    workspace = open_workspace(root)
    company = workspace.config.company
    store = workspace.store
    store.add_user("fixer", "Fix Er")
    store.grant_role("fixer", company, Role.EDITOR)
    token = store.issue_token("fixer", "outcome test", scopes=(Scope.WRITE,)).token
    workspace.close()
    with TestClient(create_app(ApiSettings(workspace=root))) as client:
        yield Demo(root, client, token, company)


def test_missing_outcome_recorded(demo: Demo) -> None:
    response = demo.post(f"{demo.forum}/outcome-correction", OUTCOME)

    assert response.status_code == 200, response.text
    outcome = response.json()["outcome"]
    assert outcome["result"] == "missed"
    assert outcome["actual_unit"] == "pts"
    assert outcome["closed_on"] is not None
    history = demo.client.get(
        f"{demo.forum}/history?limit=500", headers=demo.headers
    ).json()["items"]
    assert history[-1]["kind"] == "outcome-recorded"
    assert history[-1]["reason"] == OUTCOME["reason"]
    assert history[-1]["changes"]["outcome"][0] is None


def test_second_close_names_correction(demo: Demo) -> None:
    body = {"result": "missed", "actual_movement": "1", "reason": "Closing."}

    response = demo.post(f"{demo.forum}/close", body)

    assert response.status_code == 409, response.text
    assert "outcome correction" in response.text
    assert "second outcome" not in response.text


def section_verdict(root: Path, key: str) -> dict[str, Any]:
    document = json.loads((root / "board-section.json").read_text(encoding="utf-8"))
    items = {item["id"]: item for item in document["openInitiatives"]}
    found: dict[str, Any] = items[key]["verdict"]
    return found


def test_evaluation_interval_matches_section(demo: Demo) -> None:
    response = demo.client.get(
        f"{demo.company_path}/evaluations",
        params={"as_of": BOARD_DATE, "initiative": BEHIND_ID},
        headers=demo.headers,
    )

    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    section = section_verdict(demo.root, BEHIND_ID)
    assert item["control_low"] is not None
    assert item["control_high"] is not None
    assert float(item["control_low"]) == section["controlLow"]
    assert float(item["control_high"]) == section["controlHigh"]
    estimate = Decimal(item["control_estimate"])
    low = Decimal(item["control_low"])
    high = Decimal(item["control_high"])
    assert low < estimate < high
    assert estimate - low != high - estimate


def test_openapi_lists_control_interval(demo: Demo) -> None:
    document = demo.client.get("/api/v1/openapi.json").json()

    properties = document["components"]["schemas"]["EvaluationOut"]["properties"]
    assert "control_low" in properties
    assert "control_high" in properties
