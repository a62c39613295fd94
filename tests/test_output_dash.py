"""`-o -` writes to stdout, and binary output refuses a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import GOOD_REGISTER, make_workspace, output_of, run

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = make_workspace(tmp_path)
    register = folder / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    result = run("import", str(register), cwd=folder)
    assert result.exit_code == 0, output_of(result)
    return folder


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["export", "register"], b"id,"),
        (["calendar"], b"BEGIN:VCALENDAR"),
        (["digest", "--as-of", "2026-11-16"], b"onboarding-revamp"),
        (["report", "--as-of", "2026-11-16"], b"# "),
        (["report", "--as-of", "2026-11-16", "--format", "pdf"], b"%PDF"),
        (["export", "register", "--format", "xlsx"], b"PK"),
    ],
)
def test_dash_output_is_stdout(
    workspace: Path, command: list[str], expected: bytes
) -> None:
    result = run(*command, "-o", "-", cwd=workspace)
    assert result.exit_code == 0, output_of(result)
    assert expected in result.stdout_bytes[:2000]
    assert not (workspace / "-").exists()
    assert "Wrote" not in result.stderr


def run_on_terminal(workspace: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in a subprocess whose stdout is a pseudo-terminal."""
    controller, terminal = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "boardloop", *args],
            cwd=workspace,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=environment,
            check=False,
            timeout=120,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    return completed.returncode, completed.stderr.decode("utf-8")


@pytest.mark.parametrize(
    "command",
    [
        ["export", "register", "--format", "xlsx", "-o", "-"],
        ["report", "--format", "pdf", "-o", "-"],
    ],
)
def test_binary_dash_refuses_terminal(workspace: Path, command: list[str]) -> None:
    code, stderr = run_on_terminal(workspace, *command)
    assert code == 2, stderr
    assert "binary" in stderr
    assert not (workspace / "-").exists()
