"""`boardloop history`: who changed what, when and why, through click's CliRunner."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click
from click.testing import CliRunner, Result

from boardloop.access import Principal, Role
from boardloop.cli.main import main
from boardloop.edits import (
    InitiativeDraft,
    change_status,
    create_initiative,
    revise_target,
)
from boardloop.store import open_workspace

if TYPE_CHECKING:
    from pathlib import Path

COMPANY = "Tallyfern Software"
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
MAYA = Principal("maya", "Maya Okafor", {COMPANY: Role.ADMIN})
MARCH_1 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
MARCH_3 = dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)
MARCH_10 = dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC)

ONBOARDING = InitiativeDraft(
    key="onboarding-revamp",
    name="Onboarding revamp",
    owner_person="Maya Okafor",
    target="+5pp lift in 90-day GRR for SMB cohort by Q2",
    status="in-progress",
)
HEALTH_SCORE = InitiativeDraft(
    key="health-score-v2",
    name="Health score model v2",
    owner_person="Jon Reyes",
    target="reduce logo churn from 6% to 4% by end of FY27",
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def make_history(tmp_path: Path) -> Path:
    """Create a workspace with two initiatives and two edits a week apart."""
    folder = tmp_path / "tallyfern"
    result = run("init", str(folder), "--company", COMPANY)
    assert result.exit_code == 0, output_of(result)

    with open_workspace(folder) as workspace:
        store = workspace.store
        for draft in (ONBOARDING, HEALTH_SCORE):
            create_initiative(
                store, MAYA, COMPANY, draft, reason="Q1 plan.", at=MARCH_1
            )
        change_status(
            store,
            EDITOR,
            COMPANY,
            "onboarding-revamp",
            expected_version=1,
            status="launched",
            reason="All SMB accounts moved to the new flow.",
            at=MARCH_3,
        )
        revise_target(
            store,
            EDITOR,
            COMPANY,
            "onboarding-revamp",
            expected_version=2,
            target="+3pp lift in 90-day GRR for SMB cohort by Q2",
            reason="The pilot cohort was half the planned size.",
            at=MARCH_10,
        )
    return folder


def test_history_text_shows_who_what_why(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "onboarding-revamp", "-w", str(folder))

    assert result.exit_code == 0, output_of(result)
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[0] == (
        "2026-03-01 08:00 UTC  onboarding-revamp  created by maya\n  why: Q1 plan."
    )
    assert blocks[1] == (
        "2026-03-03 09:30 UTC  onboarding-revamp  status by jon\n"
        "  status: in-progress -> launched\n"
        "  why: All SMB accounts moved to the new flow."
    )
    assert blocks[2].startswith(
        "2026-03-10 16:00 UTC  onboarding-revamp  target-revised by jon\n"
        "  target: +5pp lift in 90-day GRR for SMB cohort by Q2 -> "
        "+3pp lift in 90-day GRR for SMB cohort by Q2\n"
    )
    assert "  target.amount: " in blocks[2]
    assert blocks[2].endswith("  why: The pilot cohort was half the planned size.")


def test_history_without_key_lists_all(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "-w", str(folder))

    assert result.exit_code == 0, output_of(result)
    assert "health-score-v2  created by maya" in result.stdout
    assert "onboarding-revamp  status by jon" in result.stdout


def test_history_since_date(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "--since", "2026-03-04", "-w", str(folder))

    assert result.exit_code == 0, output_of(result)
    assert "target-revised by jon" in result.stdout
    assert "status by jon" not in result.stdout
    assert "created" not in result.stdout


def test_history_json(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "onboarding-revamp", "--format", "json", "-w", str(folder))

    assert result.exit_code == 0, output_of(result)
    events = json.loads(result.stdout)
    assert [event["kind"] for event in events] == [
        "created",
        "status",
        "target-revised",
    ]
    status = events[1]
    assert status == {
        "initiative": "onboarding-revamp",
        "at": "2026-03-03T09:30:00+00:00",
        "actor": "jon",
        "kind": "status",
        "changes": {"status": {"before": "in-progress", "after": "launched"}},
        "reason": "All SMB accounts moved to the new flow.",
    }
    assert events[2]["changes"]["target"]["after"] == (
        "+3pp lift in 90-day GRR for SMB cohort by Q2"
    )


def test_history_unknown_key_is_usage_error(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "no-such-initiative", "-w", str(folder))

    assert result.exit_code == 2, output_of(result)
    assert "'no-such-initiative' not found" in result.stderr


def test_history_bad_since_is_usage_error(tmp_path: Path) -> None:
    folder = make_history(tmp_path)

    result = run("history", "--since", "March", "-w", str(folder))

    assert result.exit_code == 2, output_of(result)
    assert "--since 'March' is not a date" in result.stderr


def test_history_reading_changes_nothing(tmp_path: Path) -> None:
    folder = make_history(tmp_path)
    with open_workspace(folder) as workspace:
        before = workspace.store.events(COMPANY)

    run("history", "-w", str(folder))
    run("history", "--format", "json", "-w", str(folder))

    with open_workspace(folder) as workspace:
        assert workspace.store.events(COMPANY) == before


def test_no_command_edits_events() -> None:
    # The event log is append-only: no command or subcommand may edit or
    # delete events. Walk the whole command tree.
    forbidden = {"delete", "remove", "purge", "edit", "amend", "rewrite", "prune"}
    names: list[str] = []

    def walk(command: click.Command, path: str) -> None:
        names.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")

    walk(main, "boardloop")

    assert "boardloop history" in names
    assert [name for name in names if set(name.split()) & forbidden] == []
