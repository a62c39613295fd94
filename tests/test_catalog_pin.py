"""A company's catalog pin selects the catalog its lint, evaluation and report use."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from boardloop.catalog import (
    CatalogPinError,
    available_catalogs,
    load_catalog,
    select_pinned_catalog,
)
from boardloop.cli.main import main
from boardloop.service import company_catalog_pin, load_workspace_catalog
from boardloop.store import CompanySettings, Store, open_workspace
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from pathlib import Path

COMPANY = "Tallyfern Software"
BUNDLED_VERSION = load_catalog().version
WORKSPACE_CATALOG = {
    "version": "2.0.0",
    "releasedAt": "2026-06-01",
    "kpis": [
        {
            "rogueId": "customers.onboarding_completion",
            "defaultLabel": "Onboarding completion",
            "fieldType": "percentage",
            "unit": "%",
        }
    ],
}
REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Maya Okafor (Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 2026
    status: in-progress
    next_checkpoint: 2026-04-14
"""


def make_workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "tallyfern"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(workspace), "--company", COMPANY]).exit_code
        == 0
    )
    (workspace / "catalog.json").write_text(
        json.dumps(WORKSPACE_CATALOG), encoding="utf-8"
    )
    config = workspace / "boardloop.toml"
    config.write_text(
        'catalog = "catalog.json"\n' + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    register = workspace / "register.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    result = runner.invoke(main, ["import", str(register), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    return workspace


def pin(workspace: Path, version: str | None) -> None:
    opened = open_workspace(workspace)
    opened.store.set_company_settings(COMPANY, CompanySettings(catalog_pin=version))
    opened.store.close()


def report_json(workspace: Path) -> Result:
    return CliRunner().invoke(
        main,
        ["report", "-w", str(workspace), "--as-of", "2026-03-10", "--format", "json"],
    )


def test_bundled_version_is_known() -> None:
    assert BUNDLED_VERSION == "1.0.0"


def test_select_names_pin_and_versions() -> None:
    with pytest.raises(CatalogPinError) as caught:
        select_pinned_catalog(COMPANY, "9.9.9", available_catalogs(None))
    message = str(caught.value)
    assert "catalog_pin '9.9.9'" in message
    assert f"available: {BUNDLED_VERSION}" in message
    assert COMPANY in message
    assert caught.value.available == (BUNDLED_VERSION,)


def test_without_pin_workspace_catalog(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)

    result = report_json(workspace)

    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout)["catalogVersion"]
    assert version == f"2.0.0 over {BUNDLED_VERSION}"


def test_pin_to_bundled_version(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    pin(workspace, BUNDLED_VERSION)

    result = report_json(workspace)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["catalogVersion"] == BUNDLED_VERSION
    catalog = load_workspace_catalog(open_workspace(workspace))
    assert catalog.get("customers.onboarding_completion") is None


def test_pin_to_workspace_version(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    pin(workspace, "2.0.0")

    catalog = load_workspace_catalog(open_workspace(workspace))

    assert catalog.get("customers.onboarding_completion") is not None
    assert catalog.version == "2.0.0"


@pytest.mark.parametrize("command", ["report", "lint"])
def test_unknown_pin_fails_clearly(tmp_path: Path, command: str) -> None:
    workspace = make_workspace(tmp_path)
    pin(workspace, "9.9.9")

    result = CliRunner().invoke(
        main, [command, "-w", str(workspace), "--as-of", "2026-03-10"]
    )

    assert result.exit_code == 2, result.output
    assert "catalog_pin '9.9.9'" in result.stderr
    assert f"available: {BUNDLED_VERSION}, 2.0.0" in result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_pin_read_from_store(tmp_path: Path, backend: str) -> None:
    with backend_url(backend, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        try:
            assert company_catalog_pin(store, COMPANY) is None
            store.ensure_company(COMPANY)
            assert company_catalog_pin(store, COMPANY) is None
            store.set_company_settings(COMPANY, CompanySettings(catalog_pin="1.0.0"))
            assert company_catalog_pin(store, COMPANY) == "1.0.0"
        finally:
            store.close()
