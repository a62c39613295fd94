"""docs/real-inputs.md gives the lint summaries the documented commands print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_cli import output_of, run
from test_real_inputs import (
    GITLAB,
    POSTHOG,
    SOURCEGRAPH_Q3,
    SOURCEGRAPH_Q4,
    UPSTACK,
    RealFile,
    path_of,
)

pytestmark = pytest.mark.real_data

DOCS = Path(__file__).resolve().parents[1] / "docs" / "real-inputs.md"
# The file column's label in the table of the three commands.
LABELS = {
    GITLAB: "GitLab",
    POSTHOG: "PostHog",
    SOURCEGRAPH_Q3: "Sourcegraph Q3",
    SOURCEGRAPH_Q4: "Sourcegraph Q4",
    UPSTACK: "UPSTACK",
}
SUMMARY_RE = re.compile(
    r"^(\d+ errors?, \d+ warnings?, \d+ info); readiness ([\d.]+)/100", re.MULTILINE
)


def documented_row(label: str) -> list[str]:
    """Return the cells of the file's row in the table of the three commands."""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == label and len(cells) == 4:
            return cells[1:]
    raise AssertionError(f"no row for {label} in {DOCS}")


def summary_of(stdout: str) -> str:
    """Return the lint summary as the table writes it: counts; score."""
    match = SUMMARY_RE.search(stdout)
    assert match is not None, stdout
    return f"{match[1]}; {match[2]}"


@pytest.mark.parametrize("real", list(LABELS), ids=list(LABELS.values()))
def test_documented_lint_summaries(
    real_data: Path, tmp_path: Path, real: RealFile
) -> None:
    source = path_of(real_data, real)
    folder = tmp_path / "rw"
    as_of = real.as_of.isoformat()
    month = str(real.fiscal_start_month)
    steps = [
        ("init", str(folder), "--company", real.company, "--fiscal-start-month", month),
        ("import", str(source), "-w", str(folder)),
    ]
    for step in steps:
        result = run(*step, cwd=tmp_path)
        assert result.exit_code == 0, output_of(result)
    on_file = run(
        "lint", str(source), "-w", str(folder), "--as-of", as_of, cwd=tmp_path
    )
    on_workspace = run("lint", "-w", str(folder), "--as-of", as_of, cwd=tmp_path)
    file_cell, workspace_cell, _ = documented_row(LABELS[real])
    assert summary_of(on_file.stdout) == file_cell
    assert summary_of(on_workspace.stdout) == workspace_cell


def test_shared_line_findings_distinct(real_data: Path, tmp_path: Path) -> None:
    # The Sourcegraph list gives every item the period on its line 3, so the
    # items' DT301 findings share one location and differ by initiative only.
    source = path_of(real_data, SOURCEGRAPH_Q3)
    result = run(
        "lint",
        str(source),
        "--fiscal-start-month",
        "2",
        "--as-of",
        "2022-01-31",
        cwd=tmp_path,
    )
    lines = [line for line in result.stdout.splitlines() if " DT301 " in line]
    assert len(lines) > 1, result.stdout
    assert len(set(lines)) == len(lines), lines
    assert all(" DT301 [" in line for line in lines), lines
