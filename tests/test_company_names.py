"""Company names that the pages and the API could not serve are rejected."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import URL

from boardloop.store import InvalidCompanyNameError, Store, WorkspaceError
from boardloop.store._errors import company_name_problem
from boardloop.store._workspace import init_workspace
from test_cli import output_of, run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

BAD_NAMES = ["Acme/EU", "Evil <b>Co</b>", "Acme\tLtd", "Acme\nLtd", "Acme\x00", " "]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(URL.create("sqlite", database=str(tmp_path / "boardloop.db")))
    opened.migrate()
    yield opened
    opened.close()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_problem_found_for_bad_name(name: str) -> None:
    assert company_name_problem(name) is not None


@pytest.mark.parametrize("name", ["Acme Ltd", "Évian & Fils", "R&D <EU>", "A.B-C"])
def test_good_name_has_no_problem(name: str) -> None:
    assert company_name_problem(name) is None


@pytest.mark.parametrize("name", ["Acme/EU", "Evil <b>Co</b>", "Acme\tLtd"])
def test_cli_init_rejects_name(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "workspace"
    result = run("init", str(folder), "--company", name)
    assert result.exit_code == 2, output_of(result)
    assert "invalid company name" in result.stderr
    assert 'without "/" or control characters' in result.stderr
    assert not (folder / "boardloop.toml").exists()


def test_init_workspace_rejects_slash(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="cannot route"):
        init_workspace(tmp_path / "workspace", company="Acme/EU")


def test_ensure_company_rejects_slash(store: Store) -> None:
    with pytest.raises(InvalidCompanyNameError, match="'Acme/EU'"):
        store.ensure_company("Acme/EU")
    assert store.companies() == []


def test_ensure_company_rejects_control_character(store: Store) -> None:
    with pytest.raises(InvalidCompanyNameError, match="U\\+000A"):
        store.ensure_company("Acme\nLtd")
    assert store.companies() == []


def test_ensure_company_accepts_markup(store: Store) -> None:
    store.ensure_company("R&D <EU>")
    assert store.companies() == ["R&D <EU>"]
