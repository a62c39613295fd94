"""Dates outside 1990-01-01 to 2199-12-31 are rejected on import and in edits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from boardloop.access import Principal, Role
from boardloop.cli.main import main
from boardloop.domain.dates import (
    FIRST_PLAUSIBLE_DATE,
    LAST_PLAUSIBLE_DATE,
    is_plausible_date,
)
from boardloop.edits import (
    InitiativeDraft,
    InvalidEditError,
    create_initiative,
    post_checkpoint,
    revise_target,
    update_fields,
)
from boardloop.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Maya Okafor (Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 2026
    status: launched
    launched_on: 2026-01-15
    next_checkpoint: 2026-04-14
"""


def test_window_bounds_are_included() -> None:
    assert is_plausible_date(FIRST_PLAUSIBLE_DATE)
    assert is_plausible_date(LAST_PLAUSIBLE_DATE)
    assert not is_plausible_date(dt.date(1989, 12, 31))
    assert not is_plausible_date(dt.date(2200, 1, 1))


@pytest.mark.parametrize(
    ("line", "replacement", "field"),
    [
        (8, "    next_checkpoint: 9999-12-31", "next checkpoint 9999-12-31"),
        (8, "    next_checkpoint: 0001-01-01", "next checkpoint 0001-01-01"),
        (7, "    launched_on: 1900-01-01", "launched on 1900-01-01"),
    ],
)
def test_import_rejects_implausible_date(
    tmp_path: Path, line: int, replacement: str, field: str
) -> None:
    workspace = tmp_path / "tallyfern"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(workspace), "--company", COMPANY]).exit_code
        == 0
    )
    lines = REGISTER.splitlines()
    lines[line - 1] = replacement
    path = workspace / "register.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = runner.invoke(main, ["import", str(path), "-w", str(workspace)])

    assert result.exit_code == 2, result.output
    assert f"{path}:{line}:" in result.stderr
    assert f"'onboarding-revamp' has {field}" in result.stderr
    assert "1990-01-01 to 2199-12-31" in result.stderr
    assert "nothing was imported" in result.stderr


def test_import_accepts_window_edges(tmp_path: Path) -> None:
    workspace = tmp_path / "tallyfern"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(workspace), "--company", COMPANY]).exit_code
        == 0
    )
    path = workspace / "register.yaml"
    text = REGISTER.replace("launched_on: 2026-01-15", "launched_on: 1990-01-01")
    path.write_text(
        text.replace("next_checkpoint: 2026-04-14", "next_checkpoint: 2199-12-31"),
        encoding="utf-8",
    )

    result = runner.invoke(main, ["import", str(path), "-w", str(workspace)])

    assert result.exit_code == 0, result.output


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'boardloop.db'}")
    store.migrate()
    store.ensure_company(COMPANY)
    create_initiative(
        store,
        EDITOR,
        COMPANY,
        InitiativeDraft(
            key=KEY,
            name="Onboarding revamp",
            target="+5pp lift in 90-day GRR for SMB cohort by Q4 2026",
        ),
        at=MONDAY,
    )
    yield store
    store.close()


def test_edit_rejects_far_checkpoint(store: Store) -> None:
    with pytest.raises(InvalidEditError) as caught:
        update_fields(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"next_checkpoint": "9999-12-31"},
            reason="Typo test.",
        )
    assert caught.value.field == "next_checkpoint"
    assert caught.value.value == "9999-12-31"
    assert "1990-01-01 to 2199-12-31" in str(caught.value)
    assert store.get_initiative(COMPANY, KEY).version == 1


def test_edit_rejects_old_checkpoint_note(store: Store) -> None:
    with pytest.raises(InvalidEditError) as caught:
        post_checkpoint(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            note="Backdated by mistake.",
            on=dt.date(1900, 1, 1),
        )
    assert caught.value.field == "checkpoint"
    assert store.get_initiative(COMPANY, KEY).version == 1


def test_edit_rejects_far_target_deadline(store: Store) -> None:
    with pytest.raises(InvalidEditError) as caught:
        revise_target(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            target="+5pp lift in 90-day GRR for SMB cohort by 2300-06-30",
            reason="Typo test.",
            at=MONDAY,
        )
    assert caught.value.field == "deadline"


def test_create_rejects_far_checkpoint(store: Store) -> None:
    with pytest.raises(InvalidEditError):
        create_initiative(
            store,
            EDITOR,
            COMPANY,
            InitiativeDraft(
                key="ebr-program",
                name="EBR program",
                next_checkpoint=dt.date(2500, 1, 1),
            ),
        )
    assert [item.id for item in store.load_register(COMPANY).initiatives] == [KEY]


def test_edit_keeps_window_dates(store: Store) -> None:
    written = update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        changes={"next_checkpoint": "2199-12-31"},
        reason="Long horizon.",
    )
    assert written.initiative.next_checkpoint == LAST_PLAUSIBLE_DATE
