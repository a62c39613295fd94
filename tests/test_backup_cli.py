"""The backup and restore commands, run in-process on SQLite workspaces."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from boardloop.access import Role
from boardloop.cli.main import main
from boardloop.store import open_workspace

if TYPE_CHECKING:
    from collections.abc import Iterator

COMPANY = "Tallyfern Software"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "backup.md"

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Maya Okafor (VP Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q2
    status: in-progress
    next_checkpoint: 2026-04-14
  - id: health-score-v2
    name: Health score model v2
    owner: Jon Reyes (RevOps)
    target: reduce logo churn from 6% to 4% by end of FY27
    status: planned
    next_checkpoint: 2026-05-02
"""


def run(*args: str, database: Path | None = None) -> Result:
    """Run the CLI; `database` sets BOARDLOOP_DATABASE_URL to that SQLite file."""
    env = {"BOARDLOOP_DATABASE_URL": f"sqlite:///{database}" if database else ""}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def explain(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """A workspace with two imported initiatives and one member."""
    folder = tmp_path / "acme"
    result = run("init", str(folder), "--company", COMPANY)
    assert result.exit_code == 0, explain(result)
    (folder / "initiatives.yaml").write_text(REGISTER, encoding="utf-8")
    result = run("import", str(folder / "initiatives.yaml"), "-w", str(folder))
    assert result.exit_code == 0, explain(result)
    with open_workspace(folder) as opened:
        opened.store.add_user("maya", "Maya Okafor", password="correct horse battery")
        opened.store.grant_role("maya", COMPANY, Role.OWNER)
    yield folder


@pytest.fixture
def backup_file(workspace: Path, tmp_path: Path) -> Path:
    path = tmp_path / "acme.jsonl"
    result = run("backup", "-w", str(workspace), "--output", str(path))
    assert result.exit_code == 0, explain(result)
    return path


def test_backup_writes_file(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "acme.jsonl.gz"

    result = run("backup", "-w", str(workspace), "-o", str(path))

    assert result.exit_code == 0, explain(result)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert path.stat().st_mode & 0o777 == 0o600
    assert f"Wrote {path}: company 'Tallyfern Software', 2 initiatives" in result.stderr
    assert "no password hashes, API tokens or token hashes" in result.stderr
    assert result.stdout == ""


def test_backup_json_summary(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "acme.jsonl"

    result = run("backup", "-w", str(workspace), "-o", str(path), "--format", "json")

    assert result.exit_code == 0, explain(result)
    summary = json.loads(result.stdout)
    assert summary["company"] == COMPANY
    assert summary["format_version"] == 1
    assert summary["counts"]["initiative"] == 2
    assert summary["counts"]["membership"] == 1
    assert summary["excluded"] == ["password hashes", "API tokens", "API token hashes"]


def test_backup_missing_folder(workspace: Path, tmp_path: Path) -> None:
    result = run("backup", "-w", str(workspace), "-o", str(tmp_path / "no" / "b.jsonl"))

    assert result.exit_code == 2, explain(result)
    assert "folder" in result.stderr
    assert "does not exist" in result.stderr


def test_backup_unknown_company(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"

    result = run("backup", "-w", str(workspace), "--company", "Nobody", "-o", str(path))

    assert result.exit_code == 2, explain(result)
    assert "company 'Nobody' not found" in result.stderr
    assert not path.exists()


def test_backup_outside_workspace_needs_company(
    workspace: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    path = tmp_path / "b.jsonl"
    database = workspace / "boardloop.db"

    without = run("backup", "-w", str(empty), "-o", str(path), database=database)
    named = run(
        "backup",
        "-w",
        str(empty),
        "-o",
        str(path),
        "--company",
        COMPANY,
        database=database,
    )

    assert without.exit_code == 2, explain(without)
    assert "pass --company NAME" in without.stderr
    assert "'Tallyfern Software'" in without.stderr
    assert named.exit_code == 0, explain(named)


def test_no_workspace_and_no_url(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"

    result = run("backup", "-w", str(tmp_path), "-o", str(path))

    assert result.exit_code == 2, explain(result)
    assert "BOARDLOOP_DATABASE_URL" in result.stderr


def test_restore_into_new_database(backup_file: Path, tmp_path: Path) -> None:
    database = tmp_path / "restored.db"

    result = run("restore", str(backup_file), "-w", str(tmp_path), database=database)

    assert result.exit_code == 0, explain(result)
    assert "Restored company 'Tallyfern Software'" in result.stderr
    assert "2 initiatives, 2 events" in result.stderr
    assert "Created 1 user(s) without a password: maya" in result.stderr
    assert "no password hashes" in result.stderr


def test_restore_existing_company_exits_2(backup_file: Path, tmp_path: Path) -> None:
    database = tmp_path / "restored.db"
    first = run("restore", str(backup_file), "-w", str(tmp_path), database=database)

    again = run("restore", str(backup_file), "-w", str(tmp_path), database=database)

    assert first.exit_code == 0, explain(first)
    assert again.exit_code == 2, explain(again)
    assert "company 'Tallyfern Software' already exists" in again.stderr
    assert "--company NEW_NAME" in again.stderr
    assert "--replace" in again.stderr


def test_restore_replace_and_new_name(backup_file: Path, tmp_path: Path) -> None:
    database = tmp_path / "restored.db"
    run("restore", str(backup_file), "-w", str(tmp_path), database=database)
    where = ("-w", str(tmp_path))

    replaced = run(
        "restore",
        str(backup_file),
        *where,
        "--replace",
        "--format",
        "json",
        database=database,
    )
    renamed = run(
        "restore",
        str(backup_file),
        *where,
        "--company",
        "Tallyfern Copy",
        database=database,
    )

    assert replaced.exit_code == 0, explain(replaced)
    summary = json.loads(replaced.stdout)
    assert summary["removed"]["initiative"] == 2
    assert summary["existing_users"] == ["maya"]
    assert "removed 2 initiatives, 2 events" in replaced.stderr
    assert renamed.exit_code == 0, explain(renamed)
    assert "Restored company 'Tallyfern Copy'" in renamed.stderr


def test_restore_into_workspace(backup_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    run("init", str(folder), "--company", "Brightwell Labs")

    result = run("restore", str(backup_file), "-w", str(folder))

    assert result.exit_code == 0, explain(result)
    with open_workspace(folder) as opened:
        assert opened.store.companies() == ["Brightwell Labs", COMPANY]


def test_restore_damaged_file(backup_file: Path, tmp_path: Path) -> None:
    lines = backup_file.read_bytes().splitlines(keepends=True)
    backup_file.write_bytes(b"".join(lines[:-1]))
    database = tmp_path / "restored.db"

    result = run("restore", str(backup_file), "-w", str(tmp_path), database=database)

    assert result.exit_code == 2, explain(result)
    assert f"{backup_file}:{len(lines) - 1}: the backup is incomplete" in result.stderr
    assert not database.exists()


def test_restore_missing_file(tmp_path: Path) -> None:
    result = run("restore", str(tmp_path / "none.jsonl"), "-w", str(tmp_path))

    assert result.exit_code == 2, explain(result)
    assert "file not found" in result.stderr


def test_restore_empty_company_name(backup_file: Path, tmp_path: Path) -> None:
    result = run("restore", str(backup_file), "-w", str(tmp_path), "--company", " ")

    assert result.exit_code == 2, explain(result)
    assert "--company is empty" in result.stderr


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_options_documented(command: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    help_text = run(command, "--help").stdout
    options = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}

    assert f"boardloop {command}" in docs
    for option in sorted(options):
        assert f"`{option}" in docs, f"docs/backup.md does not document {option}"
