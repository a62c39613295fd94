"""The API's section and register caches never serve data older than the last write."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest

from boardloop.api._cache import clear_caches, company_fingerprint
from boardloop.api._settings import ApiSettings, open_api_workspace
from boardloop.report import render
from boardloop.service import build_section, import_files
from boardloop.store import Store
from test_api_support import COMPANY, api_world, backend, company_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from test_api_support import ApiWorld

__all__ = ["api_world", "backend"]

AS_OF = "2026-03-01"
NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
SECTION = f"{company_path()}/board-section?as_of={AS_OF}"
INITIATIVE = f"{company_path()}/initiatives/onboarding-revamp"

NEW_REGISTER = """\
initiatives:
  - id: advocacy-program
    name: Customer advocacy program
    owner: {person: Ana Lima, function: CS}
    target: NPS 50+ by H2 2026
    status: planned
    next_checkpoint: 2026-04-01
"""

NEW_KPI_VALUES = """\
kpi,segment,period_end,value,n
GRR,SMB,2026-01-31,70.0,60
GRR,SMB,2026-02-28,71.5,61
"""


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def section(world: ApiWorld, output_format: str = "md") -> str:
    response = world.client.get(
        f"{SECTION}&format={output_format}", headers=world.headers("bo")
    )
    assert response.status_code == 200, response.text
    return response.text


def patch_name(world: ApiWorld, name: str) -> None:
    current = world.client.get(INITIATIVE, headers=world.headers("eli"))
    response = world.client.patch(
        INITIATIVE,
        json={"name": name, "reason": "clearer name for the board"},
        headers=world.headers("eli", **{"If-Match": current.headers["ETag"]}),
    )
    assert response.status_code == 200, response.text


def test_section_shows_api_edit(api_world: ApiWorld) -> None:
    before = section(api_world)
    assert "Onboarding revamp" in before
    assert section(api_world) == before

    patch_name(api_world, "Guided onboarding")
    after = section(api_world)
    assert after != before
    assert "Guided onboarding" in after


def test_section_shows_each_of_many_edits(api_world: ApiWorld) -> None:
    for number in range(5):
        name = f"Onboarding revamp, round {number}"
        patch_name(api_world, name)
        assert name in section(api_world, "md")
        assert name in section(api_world, "json")
        assert name in section(api_world, "html")


def test_section_shows_write_from_another_store(api_world: ApiWorld) -> None:
    section(api_world)
    settings = ApiSettings(workspace=api_world.root)
    with open_api_workspace(settings) as workspace:
        path = api_world.root / "advocacy.yaml"
        path.write_text(NEW_REGISTER, encoding="utf-8")
        import_files(workspace, [path], actor="another worker", at=NOW)
    assert "Customer advocacy program" in section(api_world)


def test_section_shows_new_kpi_values(api_world: ApiWorld) -> None:
    before = json.loads(section(api_world, "json"))
    settings = ApiSettings(workspace=api_world.root)
    with open_api_workspace(settings) as workspace:
        path = api_world.root / "grr.csv"
        path.write_text(NEW_KPI_VALUES, encoding="utf-8")
        import_files(workspace, [path], actor="warehouse", at=NOW)
    after = json.loads(section(api_world, "json"))
    assert after != before
    assert "71.5" in json.dumps(after)
    assert "71.5" not in json.dumps(before)


def test_cached_section_equals_fresh_build(api_world: ApiWorld) -> None:
    section(api_world, "md")
    cached = section(api_world, "md")
    settings = ApiSettings(workspace=api_world.root)
    with open_api_workspace(settings) as workspace:
        fresh = render(
            build_section(
                workspace,
                as_of=dt.date.fromisoformat(AS_OF),
                since=workspace.config.since,
            ),
            "md",
        )
    assert cached == fresh


def test_list_shows_edit_and_new_version(api_world: ApiWorld) -> None:
    path = f"{company_path()}/initiatives"
    before = api_world.client.get(path, headers=api_world.headers("bo")).json()
    patch_name(api_world, "Guided onboarding")
    after = api_world.client.get(path, headers=api_world.headers("bo")).json()
    old = {item["id"]: item for item in before["items"]}["onboarding-revamp"]
    new = {item["id"]: item for item in after["items"]}["onboarding-revamp"]
    assert old["name"] == "Onboarding revamp"
    assert new["name"] == "Guided onboarding"
    assert new["version"] == old["version"] + 1


def test_list_version_matches_single_read(api_world: ApiWorld) -> None:
    patch_name(api_world, "Guided onboarding")
    path = f"{company_path()}/initiatives"
    listed = api_world.client.get(path, headers=api_world.headers("bo")).json()
    single = api_world.client.get(INITIATIVE, headers=api_world.headers("bo"))
    version = {item["id"]: item["version"] for item in listed["items"]}
    assert single.headers["ETag"] == f'"{version["onboarding-revamp"]}"'


def test_fingerprint_changes_on_each_write(api_world: ApiWorld) -> None:
    settings = ApiSettings(workspace=api_world.root)
    with open_api_workspace(settings) as workspace:
        url = workspace.store.engine.url
    store = Store(url)
    try:
        first = company_fingerprint(store, COMPANY)
        assert company_fingerprint(store, COMPANY) == first
        patch_name(api_world, "Guided onboarding")
        second = company_fingerprint(store, COMPANY)
        assert second != first
        patch_name(api_world, "Guided onboarding, again")
        assert company_fingerprint(store, COMPANY) != second
    finally:
        store.close()
