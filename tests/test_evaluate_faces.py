"""Every face gives the demo's initiatives the same verdict and interval."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from boardloop.store import open_workspace
from test_mcp_support import BEHIND_ID, BOARD_DATE, copy_demo

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from boardloop.store import Workspace

AS_OF = dt.date.fromisoformat(BOARD_DATE)
# The joint bootstrap interval's wording; the four values' interval reads
# "from the four values' intervals" instead.
RESAMPLED = "resampled together"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Copy the demo workspace, with its board section and stored intervals."""
    yield copy_demo(tmp_path_factory.mktemp("faces"))


@pytest.fixture
def workspace(demo: Path) -> Iterator[Workspace]:
    opened = open_workspace(demo)
    yield opened
    opened.close()


def section_explanations(demo: Path) -> dict[str, str]:
    document = json.loads((demo / "board-section.json").read_text(encoding="utf-8"))
    return {
        item["id"]: item["verdict"]["explanation"]
        for item in document["openInitiatives"]
    }


def test_section_uses_joint_interval(demo: Path) -> None:
    explanation = section_explanations(demo)[BEHIND_ID]
    assert RESAMPLED in explanation
    assert "four values' intervals" not in explanation


def test_api_evaluations_match_section(demo: Path, workspace: Workspace) -> None:
    from fastapi.testclient import TestClient

    from boardloop.access import Role, Scope
    from boardloop.api import ApiSettings, create_app

    company = workspace.config.company
    store = workspace.store
    store.add_user("faces", "Faces Reader")
    store.grant_role("faces", company, Role.BOARD)
    token = store.issue_token("faces", "faces test", scopes=(Scope.READ,)).token
    app = create_app(ApiSettings(workspace=demo))
    path = f"/api/v1/companies/{quote(company, safe='')}/evaluations"
    with TestClient(app) as client:
        response = client.get(
            path,
            params={"as_of": BOARD_DATE, "initiative": BEHIND_ID},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["explanation"] == section_explanations(demo)[BEHIND_ID]
    assert RESAMPLED in item["explanation"]


def test_mcp_queries_match_section(demo: Path, workspace: Workspace) -> None:
    from boardloop.mcp._queries import list_initiatives, read_initiative
    from boardloop.service import load_workspace_catalog

    catalog = load_workspace_catalog(workspace)
    expected = section_explanations(demo)
    listed = list_initiatives(workspace, as_of=AS_OF, catalog=catalog)
    rows: dict[str, Any] = {row["id"]: row for row in listed["initiatives"]}
    for key, explanation in expected.items():
        assert rows[key]["verdict_explanation"] == explanation, key
    document = read_initiative(workspace, BEHIND_ID, as_of=AS_OF, catalog=catalog)
    one = document["evaluation"]
    assert one["explanation"] == expected[BEHIND_ID]
    control = one["control"]
    assert control["low_pp"] < control["estimate_pp"] < control["high_pp"]


def test_digest_verdicts_match_company(workspace: Workspace) -> None:
    from boardloop.service import evaluate_company, load_workspace_catalog

    evaluations = evaluate_company(workspace, as_of=AS_OF)
    assert RESAMPLED in evaluations[BEHIND_ID].explanation
    only = evaluate_company(
        workspace,
        as_of=AS_OF,
        catalog=load_workspace_catalog(workspace),
        initiatives=[
            workspace.store.get_initiative(
                workspace.config.company, BEHIND_ID
            ).initiative
        ],
    )
    assert list(only) == [BEHIND_ID]
    assert only[BEHIND_ID].explanation == evaluations[BEHIND_ID].explanation
