"""Each company of one database is served with the catalog its own pin selects.

The workspace's catalog file is version 2.0.0: it labels GRR as "GDR" and adds
an onboarding KPI that the bundled catalog (1.0.0) lacks. The workspace's
company has no pin, so it uses the workspace's catalog; the other company is
pinned to 1.0.0. The API, the pages and the MCP tools must each use the
catalog of the company they serve.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client

from boardloop.access import Role, Scope
from boardloop.api import ApiSettings, create_app
from boardloop.api._settings import open_api_workspace
from boardloop.catalog import load_catalog
from boardloop.mcp import ToolContext, build_server
from boardloop.store import CompanySettings
from test_api_support import (
    COMPANY,
    FOREIGN,
    add_users,
    backend,
    build_workspace,
    company_path,
)
from test_mcp_support import data_of, error_of
from test_web_support import HTTPS, register_path

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from mcp.types import CallToolResult

    from boardloop.store import Store

__all__ = ["backend"]

BUNDLED = load_catalog().version
WORKSPACE_VERSION = "2.0.0"
WORKSPACE_LABEL = f"{WORKSPACE_VERSION} over {BUNDLED}"
ONBOARDING = "customers.onboarding_completion"
WORKSPACE_CATALOG = {
    "version": WORKSPACE_VERSION,
    "releasedAt": "2026-06-01",
    "kpis": [
        {
            "rogueId": "customers.gross_revenue_retention",
            "defaultLabel": "Gross Dollar Retention",
            "fieldType": "percentage",
            "unit": "%",
            "boardloop": {"shortLabel": "GDR", "aliases": ["GRR"]},
        },
        {
            "rogueId": ONBOARDING,
            "defaultLabel": "Onboarding completion",
            "fieldType": "percentage",
            "unit": "%",
            "boardloop": {
                "shortLabel": "Onboarding",
                "aliases": ["onboarding"],
                "higherIsBetter": True,
                "nativeUnit": "pp",
            },
        },
    ],
}
AS_OF = "2026-03-10"
BOARD_MEMBER = "bo"
PASSWORD = "bo-correct-horse"


class PinWorld:
    """A served workspace whose two companies use different catalogs."""

    def __init__(self, root: Path, client: TestClient, token: str) -> None:
        self.root = root
        self.client = client
        self.token = token

    @property
    def store(self) -> Store:
        store: Store = self.client.app.state.boardloop.workspace.store  # type: ignore[attr-defined]
        return store

    def get(self, path: str, **params: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.get(path, params=params, headers=headers)

    def pin(self, company: str, version: str | None) -> None:
        self.store.set_company_settings(company, CompanySettings(catalog_pin=version))


def add_workspace_catalog(root: Path) -> None:
    """Write the 2.0.0 catalog into the workspace and name it in boardloop.toml."""
    (root / "catalog.json").write_text(json.dumps(WORKSPACE_CATALOG), "utf-8")
    config = root / "boardloop.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text('catalog = "catalog.json"\n' + text, encoding="utf-8")


@pytest.fixture
def world(tmp_path: Path, backend: str) -> Iterator[PinWorld]:
    """Serve the workspace with FOREIGN pinned to the bundled catalog."""
    root = tmp_path / "workspace"
    build_workspace(root)
    add_workspace_catalog(root)
    settings = ApiSettings(workspace=root)
    tokens = add_users(root, settings)
    with open_api_workspace(settings) as workspace:
        store = workspace.store
        store.grant_role(BOARD_MEMBER, FOREIGN, Role.BOARD)
        store.grant_role("eli", FOREIGN, Role.EDITOR)
        store.set_password(BOARD_MEMBER, PASSWORD)
        store.set_company_settings(FOREIGN, CompanySettings(catalog_pin=BUNDLED))
    app = create_app(settings)
    with TestClient(app, base_url=HTTPS, raise_server_exceptions=False) as client:
        yield PinWorld(root, client, tokens[BOARD_MEMBER])


def call_tool(root: Path, tool: str, arguments: dict[str, Any]) -> CallToolResult:
    """Call one MCP tool on a fresh server over the workspace, as its local user."""
    with open_api_workspace(ApiSettings(workspace=root)) as workspace:
        server = build_server(ToolContext(workspace))

        async def result() -> CallToolResult:
            async with Client(server) as client:
                return await client.call_tool(tool, arguments)

        return anyio.run(result)


# --- REST API --------------------------------------------------------------------


def test_catalog_route_per_company(world: PinWorld) -> None:
    own = world.get(f"{company_path(COMPANY)}/catalog", limit="100")
    pinned = world.get(f"{company_path(FOREIGN)}/catalog", limit="100")

    assert own.status_code == 200, own.text
    assert pinned.status_code == 200, pinned.text
    assert own.json()["version"] == WORKSPACE_LABEL
    assert pinned.json()["version"] == BUNDLED
    assert ONBOARDING in {item["id"] for item in own.json()["items"]}
    assert ONBOARDING not in {item["id"] for item in pinned.json()["items"]}


def test_catalog_kpi_route_per_company(world: PinWorld) -> None:
    own = world.get(f"{company_path(COMPANY)}/catalog/onboarding")
    pinned = world.get(f"{company_path(FOREIGN)}/catalog/onboarding")

    assert own.status_code == 200, own.text
    assert own.json()["id"] == ONBOARDING
    assert pinned.status_code == 404, pinned.text


def test_initiative_list_labels_per_company(world: PinWorld) -> None:
    own = world.get(f"{company_path(COMPANY)}/initiatives")
    pinned = world.get(f"{company_path(FOREIGN)}/initiatives")

    assert own.status_code == 200, own.text
    assert pinned.status_code == 200, pinned.text
    own_targets = {item["id"]: item["target"] for item in own.json()["items"]}
    pinned_targets = {item["id"]: item["target"] for item in pinned.json()["items"]}
    assert "GDR" in own_targets["onboarding-revamp"]["canonical"]
    assert "GRR" in pinned_targets["secret-pricing-pilot"]["canonical"]
    assert "GDR" not in pinned_targets["secret-pricing-pilot"]["canonical"]


def test_initiative_kpi_filter_per_company(world: PinWorld) -> None:
    own = world.get(f"{company_path(COMPANY)}/initiatives", kpi="onboarding")
    pinned = world.get(f"{company_path(FOREIGN)}/initiatives", kpi="onboarding")

    assert own.status_code == 200, own.text
    assert own.json()["items"] == []
    assert pinned.status_code == 422, pinned.text
    assert pinned.json()["details"]["parameter"] == "kpi"


def test_board_section_per_company(world: PinWorld) -> None:
    own = world.get(f"{company_path(COMPANY)}/board-section", as_of=AS_OF)
    pinned = world.get(f"{company_path(FOREIGN)}/board-section", as_of=AS_OF)

    assert own.status_code == 200, own.text
    assert pinned.status_code == 200, pinned.text
    assert own.json()["catalogVersion"] == WORKSPACE_LABEL
    assert pinned.json()["catalogVersion"] == BUNDLED


def test_pin_change_rebuilds_section(world: PinWorld) -> None:
    path = f"{company_path(FOREIGN)}/board-section"
    before = world.get(path, as_of=AS_OF)
    world.pin(FOREIGN, WORKSPACE_VERSION)

    after = world.get(path, as_of=AS_OF)
    catalog = world.get(f"{company_path(FOREIGN)}/catalog/onboarding")

    assert before.json()["catalogVersion"] == BUNDLED
    assert after.status_code == 200, after.text
    assert after.json()["catalogVersion"] == WORKSPACE_LABEL
    assert catalog.status_code == 200, catalog.text


def test_pin_change_relabels_list(world: PinWorld) -> None:
    path = f"{company_path(FOREIGN)}/initiatives"
    before = world.get(path)
    world.pin(FOREIGN, WORKSPACE_VERSION)

    after = world.get(path)

    assert before.status_code == 200, before.text
    assert after.status_code == 200, after.text
    assert "GRR" in before.json()["items"][0]["target"]["canonical"]
    assert "GDR" in after.json()["items"][0]["target"]["canonical"]
    assert before.headers["etag"] != after.headers["etag"]


def test_edit_parses_with_company_catalog(world: PinWorld) -> None:
    headers = editor_token(world)
    body = {
        "name": "Onboarding checklist",
        "owner_person": "Eli Novak",
        "target": "Onboarding 80%+ by Q4 2027",
        "reason": "new initiative",
    }

    own = world.client.post(
        f"{company_path(COMPANY)}/initiatives", json=body, headers=headers
    )
    pinned = world.client.post(
        f"{company_path(FOREIGN)}/initiatives", json=body, headers=headers
    )

    assert own.status_code == 201, own.text
    assert pinned.status_code == 201, pinned.text
    assert own.json()["target"]["kpi_id"] == ONBOARDING
    assert "Onboarding" in own.json()["target"]["canonical"]
    assert pinned.json()["target"]["kpi_id"] is None


def editor_token(world: PinWorld) -> dict[str, str]:
    """Issue a write token for eli, an editor in both companies."""
    issued = world.store.issue_token("eli", "pin test", scopes=[Scope.WRITE])
    return {"Authorization": f"Bearer {issued.token}"}


def test_unknown_pin_is_clear_error(world: PinWorld) -> None:
    world.pin(FOREIGN, "9.9.9")

    response = world.get(f"{company_path(FOREIGN)}/catalog")
    section = world.get(f"{company_path(FOREIGN)}/board-section", as_of=AS_OF)
    own = world.get(f"{company_path(COMPANY)}/catalog")

    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "catalog_pin_unavailable"
    assert "'9.9.9'" in body["message"]
    assert f"available: {BUNDLED}, {WORKSPACE_VERSION}" in body["message"]
    assert "catalog_pin" in body["message"]
    assert body["details"]["catalog_pin"] == "9.9.9"
    assert body["details"]["company"] == FOREIGN
    assert body["details"]["available_versions"] == [BUNDLED, WORKSPACE_VERSION]
    assert section.status_code == 409, section.text
    assert section.json()["code"] == "catalog_pin_unavailable"
    assert own.status_code == 200, own.text


# --- web pages -------------------------------------------------------------------


def signed_in(world: PinWorld) -> TestClient:
    browser = TestClient(
        world.client.app,
        base_url=HTTPS,
        raise_server_exceptions=False,
        follow_redirects=False,
    )
    response = browser.post(
        "/sign-in", data={"login": BOARD_MEMBER, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    return browser


def test_register_page_kpi_filter(world: PinWorld) -> None:
    browser = signed_in(world)

    own = browser.get(register_path(COMPANY), params={"kpi": "onboarding"})
    pinned = browser.get(register_path(FOREIGN), params={"kpi": "onboarding"})

    assert own.status_code == 200, own.text
    assert "unknown KPI" not in own.text
    assert pinned.status_code == 422, pinned.text
    assert "unknown KPI &#39;onboarding&#39;" in pinned.text


def test_board_page_names_catalog(world: PinWorld) -> None:
    browser = signed_in(world)

    own = browser.get(f"{register_path(COMPANY)}/board")
    pinned = browser.get(f"{register_path(FOREIGN)}/board")

    assert own.status_code == 200, own.text
    assert pinned.status_code == 200, pinned.text
    assert WORKSPACE_LABEL in own.text
    assert WORKSPACE_LABEL not in pinned.text
    assert f"catalog {BUNDLED}" in pinned.text


def test_unknown_pin_page_is_clear(world: PinWorld) -> None:
    world.pin(FOREIGN, "9.9.9")
    browser = signed_in(world)

    page = browser.get(register_path(FOREIGN))

    assert page.status_code == 409, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "&#39;9.9.9&#39;" in page.text
    assert f"available: {BUNDLED}, {WORKSPACE_VERSION}" in page.text


# --- MCP tools -------------------------------------------------------------------


def test_mcp_kpi_definition_per_company(world: PinWorld) -> None:
    own = call_tool(world.root, "get_kpi_definition", {"kpi": "onboarding"})
    pinned = call_tool(
        world.root, "get_kpi_definition", {"kpi": "onboarding", "company": FOREIGN}
    )

    assert data_of(own)["catalog_version"] == WORKSPACE_LABEL
    assert data_of(own)["kpi"]["id"] == ONBOARDING
    assert error_of(pinned)["type"] == "UnknownKpiError"


def test_mcp_board_summary_per_company(world: PinWorld) -> None:
    own = call_tool(world.root, "get_board_summary", {"as_of": AS_OF})
    pinned = call_tool(
        world.root, "get_board_summary", {"as_of": AS_OF, "company": FOREIGN}
    )

    assert data_of(own)["catalog_version"] == WORKSPACE_LABEL
    assert data_of(pinned)["catalog_version"] == BUNDLED


def test_mcp_unknown_pin_is_clear(world: PinWorld) -> None:
    world.pin(FOREIGN, "9.9.9")

    result = call_tool(
        world.root, "list_initiatives", {"as_of": AS_OF, "company": FOREIGN}
    )

    error = error_of(result)
    assert error["type"] == "CatalogPinError"
    assert error["status"] == 409
    assert "catalog_pin '9.9.9'" in error["message"]
    assert f"available: {BUNDLED}, {WORKSPACE_VERSION}" in error["message"]
