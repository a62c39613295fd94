"""The `boardloop` command end to end, on real files and a real SQLite store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from boardloop.cli.main import main

VAGUE_REGISTER = """\
initiatives:
  - id: wishlist-one
    name: Better onboarding
    target: improve retention
    status: in-progress
  - id: wishlist-two
    name: Customer advocacy push
    owner: ""
    target: TBD
    status: launched
"""

GOOD_REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp for SMB
    owner: Maya Okafor (Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 FY27
    status: planned
    next_checkpoint: 2026-12-10
"""


def run(*args: str, cwd: Path | None = None) -> Result:
    """Run the CLI in-process, inside `cwd` when given."""
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def make_workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "acme"
    result = run(
        "init", str(workspace), "--company", "Acme Ltd", "--fiscal-start-month", "2"
    )
    assert result.exit_code == 0, output_of(result)
    return workspace


def test_demo_writes_the_board_pack(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = run("demo", str(folder))
    assert result.exit_code == 0, output_of(result)

    markdown = (folder / "board-section.md").read_text(encoding="utf-8")
    html = (folder / "board-section.html").read_text(encoding="utf-8")
    document = json.loads((folder / "board-section.json").read_text(encoding="utf-8"))
    assert "Customer Success Initiatives" in markdown
    assert "Onboarding revamp" in markdown
    # The onboarding revamp names Mid-market as its control segment.
    assert "SMB and" in markdown
    assert "Mid-market customers of either period's cohort" in markdown
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<script" not in html.lower()
    assert document["company"] == "Tallyfern Software"
    names = {entry["name"] for entry in document["kpiField"]}
    assert "Onboarding revamp for new SMB accounts" in names
    assert "Infinity" not in markdown + html
    assert (folder / "board-section.pdf").read_bytes().startswith(b"%PDF-")
    # A PPTX file is a ZIP archive.
    assert (folder / "board-section.pptx").read_bytes().startswith(b"PK\x03\x04")

    # An earlier board date reads the values measured up to it, and the later
    # computed values are not flagged as mis-keyed dates.
    earlier = run(
        "report", "-w", str(folder), "--as-of", "2026-09-30", "--since", "2026-07-01"
    )
    assert earlier.exit_code == 0, output_of(earlier)
    assert "measurement is dated" not in earlier.output


def test_demo_refuses_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    assert run("demo", str(folder)).exit_code == 0
    again = run("demo", str(folder))
    assert again.exit_code == 2, output_of(again)
    assert "--force" in again.stderr
    assert run("demo", str(folder), "--force").exit_code == 0


def test_target_phrase_reads_as_expected() -> None:
    result = run(
        "target",
        "+5pp lift in 90-day GRR for SMB cohort by Q2",
        "--as-of",
        "2026-12-04",
        "--fiscal-start-month",
        "2",
        "--format",
        "json",
    )
    assert result.exit_code == 0, output_of(result)
    document = json.loads(result.stdout)
    assert document["kpi"] == "customers.gross_revenue_retention"
    assert document["direction"] == "increase"
    assert document["amount"] == 5
    assert document["unit"] == "pp"
    assert document["segment"] == "SMB"
    assert document["window_days"] == 90
    assert document["deadline"] == "2027-07-31"
    assert document["canonical"]


def test_target_unreadable_phrase_exits_one() -> None:
    result = run("target", "GRR +5pp by someday", "--as-of", "2026-12-04")
    assert result.exit_code == 1, output_of(result)
    assert "problem" in result.stdout


def test_lint_vague_register_points_at_lines(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(VAGUE_REGISTER, encoding="utf-8")
    result = run("lint", str(register), "--as-of", "2026-12-04", cwd=tmp_path)
    assert result.exit_code == 1, output_of(result)

    lines = result.stdout.splitlines()
    path = str(register)
    assert any(re.match(rf"{re.escape(path)}:[23]: OW101", line) for line in lines), (
        output_of(result)
    )
    assert any(re.match(rf"{re.escape(path)}:8: OW101", line) for line in lines), (
        output_of(result)
    )
    assert any(re.match(rf"{re.escape(path)}:4: TG201", line) for line in lines)
    assert any(re.match(rf"{re.escape(path)}:9: WD804", line) for line in lines)
    assert sum("DT302" in line for line in lines) == 2


def test_lint_json_is_parseable(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(VAGUE_REGISTER, encoding="utf-8")
    result = run(
        "lint", str(register), "--as-of", "2026-12-04", "--format", "json", cwd=tmp_path
    )
    assert result.exit_code == 1, output_of(result)
    document = json.loads(result.stdout)
    rules = {finding["rule"] for finding in document["findings"]}
    assert {"OW101", "TG201", "DT302", "WD804"} <= rules
    assert 0 <= document["score"] <= 100


def test_lint_clean_register_exits_zero(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    result = run("lint", str(register), "--as-of", "2026-11-20", cwd=tmp_path)
    assert result.exit_code == 0, output_of(result)


def test_lint_bad_date_is_usage_error(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    result = run("lint", str(register), "--as-of", "14/03/2027", cwd=tmp_path)
    assert result.exit_code == 2, output_of(result)
    assert "YYYY-MM-DD" in result.stderr


def test_lint_missing_file_is_usage_error(tmp_path: Path) -> None:
    result = run("lint", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert result.exit_code == 2, output_of(result)
    assert "nope.yaml" in result.stderr


def test_import_twice_never_duplicates(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    register = workspace / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")

    first = run("import", str(register), "--workspace", str(workspace))
    second = run("import", str(register), "--workspace", str(workspace))
    assert first.exit_code == 0, output_of(first)
    assert second.exit_code == 0, output_of(second)
    assert "1 created" in first.stderr
    assert "0 created, 0 updated, 1 unchanged" in second.stderr

    report = run(
        "report",
        "--workspace",
        str(workspace),
        "--as-of",
        "2026-11-20",
        "--format",
        "json",
    )
    assert report.exit_code == 0, output_of(report)
    assert len(json.loads(report.stdout)["kpiField"]) == 1


def test_failed_import_leaves_nothing(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    good = workspace / "register.yaml"
    good.write_text(GOOD_REGISTER, encoding="utf-8")
    broken = workspace / "broken.yaml"
    broken.write_text(
        "initiatives:\n  - id: x\n    name: [unclosed\n", encoding="utf-8"
    )

    result = run("import", str(broken), "--workspace", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "broken.yaml" in result.stderr

    report = run(
        "report",
        "--workspace",
        str(workspace),
        "--as-of",
        "2026-11-20",
        "--format",
        "json",
    )
    assert json.loads(report.stdout)["kpiField"] == []


def test_report_writes_file(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    register = workspace / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    assert run("import", str(register), "--workspace", str(workspace)).exit_code == 0

    for output_format in ("md", "html", "json"):
        path = tmp_path / f"out.{output_format}"
        result = run(
            "report",
            "--workspace",
            str(workspace),
            "--as-of",
            "2026-11-20",
            "--format",
            output_format,
            "-o",
            str(path),
        )
        assert result.exit_code == 0, output_of(result)
        assert "Onboarding revamp for SMB" in path.read_text(encoding="utf-8")


def test_console_script_runs_help() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "boardloop", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for command in ("init", "import", "lint", "target", "report", "demo"):
        assert command in completed.stdout


@pytest.mark.parametrize(
    "command", ["init", "import", "lint", "target", "report", "demo"]
)
def test_every_command_documented_in_readme(command: str) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert f"boardloop {command}" in readme


def test_lint_fiscal_start_month_sets_deadlines(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(
        GOOD_REGISTER.replace("by Q4 FY27", "by Q2 FY27"), encoding="utf-8"
    )
    as_of = ("--as-of", "2026-09-15", "--format", "json")
    february = run(
        "lint", str(register), *as_of, "--fiscal-start-month", "2", cwd=tmp_path
    )
    january = run("lint", str(register), *as_of, cwd=tmp_path)

    def rules(result: Result) -> set[str]:
        return {item["rule"] for item in json.loads(result.stdout)["findings"]}

    # Q2 FY27 ended on 2026-07-31 in a February year, and ends on 2027-06-30 in a
    # calendar year, so only the February reading is past its deadline.
    assert "DT301" in rules(february), output_of(february)
    assert "DT301" not in rules(january), output_of(january)


def test_bad_lint_setting_is_usage_error(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    config = workspace / "boardloop.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[lint]\n", '[lint]\ndisable = ["WD802"]\n', 1),
        encoding="utf-8",
    )
    result = run("lint", "--workspace", str(workspace), "--as-of", "2026-11-20")
    assert result.exit_code == 2, output_of(result)
    assert "boardloop.toml: [lint] disable" in result.stderr
    assert "did you mean 'disabled'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_since_after_as_of_is_usage_error(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run(
        "report",
        "--workspace",
        str(workspace),
        "--as-of",
        "2026-12-04",
        "--since",
        "2027-01-01",
    )
    assert result.exit_code == 2, output_of(result)
    assert "--since" in result.stderr


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_as_of_outside_range_is_usage_error(tmp_path: Path, day: str) -> None:
    workspace = make_workspace(tmp_path)
    result = run("report", "--workspace", str(workspace), "--as-of", day)
    assert result.exit_code == 2, output_of(result)
    assert "supported range" in result.stderr


def test_lint_reads_kpi_values_beside_register(tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    values = tmp_path / "kpi_values.csv"
    values.write_text(
        "kpi,segment,period_end,value,n\nGRR,SMB,2026-10-31,88.0,240\n",
        encoding="utf-8",
    )
    result = run(
        "lint",
        str(register),
        str(values),
        "--as-of",
        "2026-11-20",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, output_of(result)
    not_checked = json.loads(result.stdout)["not_checked"]
    assert "ST404" not in not_checked


def test_report_into_missing_folder_is_usage_error(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    target = tmp_path / "no-such-folder" / "section.md"
    result = run(
        "report",
        "--workspace",
        str(workspace),
        "--as-of",
        "2026-11-20",
        "-o",
        str(target),
    )
    assert result.exit_code == 2, output_of(result)
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


def test_demo_under_a_file_is_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run("demo", str(blocker / "sub"))
    assert result.exit_code == 2, output_of(result)
    assert "Traceback" not in result.stderr


def test_partial_import_says_what_was_kept(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    good = workspace / "register.yaml"
    good.write_text(GOOD_REGISTER, encoding="utf-8")
    broken = workspace / "broken.yaml"
    broken.write_text(
        "initiatives:\n  - id: x\n    name: [unclosed\n", encoding="utf-8"
    )

    result = run("import", str(good), str(broken), "--workspace", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "1 created" in result.stderr
    assert "the 1 file(s) before it were imported and kept" in result.stderr


def test_removed_initiative_reported_as_absent(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    register = workspace / "register.yaml"
    second = GOOD_REGISTER + (
        "  - id: advocacy\n"
        "    name: Advocacy program for Enterprise\n"
        "    owner: Aisha Bello (Marketing)\n"
        "    target: NPS +5pts for Enterprise by Q4 FY27\n"
        "    status: planned\n"
        "    next_checkpoint: 2026-12-10\n"
    )
    register.write_text(second, encoding="utf-8")
    assert run("import", str(register), "--workspace", str(workspace)).exit_code == 0
    register.write_text(GOOD_REGISTER, encoding="utf-8")
    result = run("import", str(register), "--workspace", str(workspace))
    assert result.exit_code == 0, output_of(result)
    assert "no longer in it and were kept: advocacy" in result.stderr


def test_empty_target_phrase_is_usage_error() -> None:
    result = run("target", "  ")
    assert result.exit_code == 2, output_of(result)
    assert "empty" in result.stderr


def test_report_under_a_file_says_so(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run(
        "report",
        "--workspace",
        str(workspace),
        "--as-of",
        "2026-11-20",
        "-o",
        str(blocker / "x.md"),
    )
    assert result.exit_code == 2, output_of(result)
    assert "is a file, not a folder" in result.stderr
