"""Register and findings exports: round trips and inert formula text in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook  # type: ignore[import-untyped]

from boardloop.catalog import load_catalog
from boardloop.cli.main import main
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import (
    Baseline,
    Finding,
    Initiative,
    Register,
    Severity,
    Source,
)
from boardloop.io import (
    FINDING_COLUMNS,
    findings_table,
    is_formula_like,
    read_register_file,
    register_table,
    table_to_csv,
    table_to_xlsx,
)
from boardloop.io._csv import read_csv_text
from boardloop.io._export_files import csv_cell
from boardloop.io._fields import ReadContext
from boardloop.io._summary import ImportSummary
from test_api_support import company_path, read_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

AS_OF = dt.date(2026, 1, 15)

HOSTILE = (
    '=HYPERLINK("http://127.0.0.1/x","click")',
    "+1",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    'line one\nline two, with "quotes"',
    "<script>alert(1)</script>",
)

# Rows of a ';' register, one tuple of cells per row; the cells are joined as written.
REGISTER_ROWS = (
    (
        "Initiative",
        "DRI",
        "Team",
        "Status",
        "KR",
        "KPI",
        "Cohort",
        "Baseline",
        "Baseline date",
        "Due",
        "Next review",
        "Program",
        "Launched",
        "Notes",
        "Outcome",
        "Actual",
        "Lesson",
        "Closed",
        "Notes2",
    ),
    (
        "Onboarding revamp",
        "Dana Reyes",
        "CS",
        "🚧",
        "+5pp lift in 90-day GRR",
        "GRR",
        "SMB",
        "88,5",
        "01/01/2026",
        "30/06/2026",
        "14/03/2026",
        "Retention",
        "10/01/2026",
        "Pilot first",
        "",
        "",
        "",
        "",
        "kept",
    ),
    (
        "Health score v2",
        "Sam Ortiz",
        "CS Ops",
        "",
        "reduce logo churn from 6% to 4% by end of FY27",
        "",
        "",
        "-2",
        "",
        "",
        "2026-02-30",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        "Renewal desk",
        "<Support lead>",
        "",
        "Done",
        "+3pp GRR by Q4",
        "",
        "",
        "",
        "",
        "Q4",
        "",
        "",
        "",
        "",
        "missed",
        "-0,5",
        "The desk started too late to change renewals.",
        "05/10/2026",
        "",
    ),
    (
        "Escalation retro",
        "CS Ops",
        "",
        "TBD",
        "=1+1",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        '"=HYPERLINK(""http://127.0.0.1"")"',
        "",
        "",
        "",
        "",
        "+1",
    ),
)
REGISTER_CSV = "".join(";".join(row) + "\n" for row in REGISTER_ROWS)


def read(path: Path) -> tuple[Initiative, ...]:
    result = read_register_file(
        path,
        calendar=FiscalCalendar(1, "end"),
        as_of=AS_OF,
        kpi_aliases=load_catalog().aliases(),
    )
    return result.initiatives


def without_sources(initiatives: tuple[Initiative, ...]) -> list[Initiative]:
    return [
        replace(item, source=None, field_lines={}, field_columns={})
        for item in initiatives
    ]


def original(tmp_path: Path) -> tuple[Initiative, ...]:
    path = tmp_path / "register.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    return read(path)


def test_csv_export_round_trips(tmp_path: Path) -> None:
    first = original(tmp_path)
    exported = tmp_path / "export.csv"
    exported.write_text(
        table_to_csv(register_table(Register("Acme", first))), encoding="utf-8"
    )
    second = read(exported)
    assert without_sources(second) == without_sources(first)
    assert second[1].extra["invalid"] == {"next_checkpoint": "2026-02-30"}


def test_xlsx_export_round_trips(tmp_path: Path) -> None:
    first = original(tmp_path)
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(table_to_xlsx(register_table(Register("Acme", first))))
    second = read(exported)
    assert without_sources(second) == without_sources(first)
    assert str(second[0].source).endswith("export.xlsx:'Acme register'!B2")


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    first = original(tmp_path)
    onboarding, health, renewal, retro = first
    assert onboarding.baseline is not None
    assert onboarding.baseline.value == Decimal("88.5")
    assert onboarding.baseline.as_of == dt.date(2026, 1, 1)
    assert onboarding.launched_on == dt.date(2026, 1, 10)
    assert onboarding.extra == {"Notes2": "kept"}
    assert health.baseline is not None
    assert health.baseline.value == Decimal(-2)
    assert renewal.outcome is not None
    assert renewal.outcome.actual_movement == Decimal("-0.5")
    assert renewal.target.deadline_label is not None
    assert retro.name == "Escalation retro"
    assert retro.notes == '=HYPERLINK("http://127.0.0.1")'
    assert retro.status is None


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cell_is_inert(text: str) -> None:
    table = register_table(Register("Acme", (Initiative(id="x", name=text),)))
    rows = list(csv.reader(io.StringIO(table_to_csv(table).removeprefix("\ufeff"))))
    cell = rows[1][1]
    if text.startswith(("=", "+", "-", "@", "\t")):
        assert cell == "'" + text
    else:
        assert cell == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_cell_is_string(text: str) -> None:
    table = register_table(Register("Acme", (Initiative(id="x", name=text),)))
    sheet = load_workbook(io.BytesIO(table_to_xlsx(table))).active
    cell = sheet["B2"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix is is_formula_like(text)


def test_numbers_stay_numbers() -> None:
    initiative = Initiative(
        id="-2", name="-1", baseline=Baseline(Decimal(-2)), notes="2"
    )
    register = register_table(Register("Acme", (initiative,)))
    text = table_to_csv(register).removeprefix("\ufeff")
    header, row = list(csv.reader(io.StringIO(text)))
    assert row[header.index("id")] == "'-2"
    assert row[header.index("name")] == "'-1"
    assert row[header.index("baseline")] == "-2"
    assert row[header.index("notes")] == "2"
    sheet = load_workbook(io.BytesIO(table_to_xlsx(register))).active
    assert sheet.cell(2, header.index("baseline") + 1).value == -2
    assert sheet.cell(2, header.index("baseline") + 1).data_type == "n"


def test_findings_cells_inert() -> None:
    finding = Finding("DT303", Severity.WARNING, "-1+1", initiative_id="@x")
    table = findings_table([finding], "Acme")
    text = table_to_csv(table).removeprefix("\ufeff")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[2] == "'@x"
    assert row[4] == "'-1+1"
    assert is_formula_like("+1")
    assert not is_formula_like("1+1")


def test_xlsx_numbers_and_dates_typed(tmp_path: Path) -> None:
    first = original(tmp_path)
    sheet = load_workbook(
        io.BytesIO(table_to_xlsx(register_table(Register("Acme", first))))
    ).active
    header = [cell.value for cell in sheet[1]]
    baseline = sheet.cell(3, header.index("baseline") + 1)
    launched = sheet.cell(2, header.index("launched on") + 1)
    assert baseline.data_type == "n"
    assert baseline.value == -2
    assert launched.value == dt.datetime(2026, 1, 10)


def test_findings_table_columns() -> None:
    finding = Finding(
        "OW101",
        Severity.ERROR,
        "no owner",
        hint="Name a person.",
        initiative_id="plan.csv/x",
        source=Source("plan.xlsx", 7, "Plan", "B"),
    )
    table = findings_table([finding], "Acme")
    assert table.header == (
        "rule",
        "severity",
        "initiative",
        "location",
        "message",
        "hint",
    )
    assert table.rows == (
        (
            "OW101",
            "error",
            "plan.csv/x",
            "plan.xlsx:Plan!B7",
            "no owner",
            "Name a person.",
        ),
    )


def test_xlsx_shows_control_characters() -> None:
    register = Register("Acme", (Initiative(id="x", name="bell\x07 \x1b[31mred\t"),))
    sheet = load_workbook(io.BytesIO(table_to_xlsx(register_table(register)))).active
    name = sheet.cell(2, 2)
    assert sheet.cell(1, 2).value == "name"
    assert name.value == "bell[U+0007] [U+001B][31mred\t"
    assert name.data_type == "s"


# --- the command ------------------------------------------------------------


def run(*args: str, cwd: Path) -> Result:
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def workspace_with(tmp_path: Path, name: str, register: Path) -> Path:
    folder = tmp_path / name
    result = run("init", str(folder), "--company", "Acme", cwd=tmp_path)
    assert result.exit_code == 0, output_of(result)
    result = run("import", "-w", str(folder), str(register), cwd=tmp_path)
    assert result.exit_code == 0, output_of(result)
    return folder


def test_export_command_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    source.write_text(REGISTER_CSV, encoding="utf-8")
    first = workspace_with(tmp_path, "first", source)
    exported = tmp_path / "register.xlsx"
    result = run(
        "export", "register", "-w", str(first), "-o", str(exported), cwd=tmp_path
    )
    assert result.exit_code == 0, output_of(result)
    second = workspace_with(tmp_path, "second", exported)

    from boardloop.store import open_workspace

    with open_workspace(first) as one, open_workspace(second) as two:
        before = one.store.load_register("Acme").initiatives
        after = two.store.load_register("Acme").initiatives
    assert [item.id for item in after] == [item.id for item in before]
    assert stored_fields(after) == stored_fields(before)


def stored_fields(initiatives: tuple[Initiative, ...]) -> list[Initiative]:
    """Drop what records where and when an initiative was imported."""
    return [replace(item, history=()) for item in without_sources(initiatives)]


def test_export_command_findings_csv(tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    source.write_text(REGISTER_CSV, encoding="utf-8")
    folder = workspace_with(tmp_path, "acme", source)
    result = run(
        "export", "findings", "-w", str(folder), "--as-of", "2026-03-20", cwd=tmp_path
    )
    assert result.exit_code == 0, output_of(result)
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0] == ["rule", "severity", "initiative", "location", "message", "hint"]
    assert len(rows) > 1
    assert all(not row[4].startswith(("=", "+", "@")) for row in rows[1:])


def test_export_xlsx_to_redirected_stdout(tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    source.write_text(REGISTER_CSV, encoding="utf-8")
    folder = workspace_with(tmp_path, "acme", source)
    result = run(
        "export", "register", "-w", str(folder), "--format", "xlsx", cwd=tmp_path
    )
    assert result.exit_code == 0, output_of(result)
    assert result.stdout_bytes.startswith(b"PK")


# --- the API ----------------------------------------------------------------

__all__ = ["read_world"]


def test_api_exports_register_xlsx(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/exports/register?format=xlsx",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "register.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    ids = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert ids == ["ebr-cadence", "health-score-v2", "onboarding-revamp"]


def test_api_exports_findings_csv(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/exports/findings?format=csv&as_of=2026-03-01",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert rows[0] == list(FINDING_COLUMNS)
    assert any(row[2] == "health-score-v2" for row in rows[1:])


def test_api_exports_need_access(read_world: ApiWorld) -> None:
    path = f"{company_path()}/exports/register"
    assert read_world.client.get(path).status_code == 401
    foreign = read_world.client.get(path, headers=read_world.headers("quinn"))
    assert foreign.status_code == 404
    unknown = read_world.client.get(
        f"{company_path()}/exports/users", headers=read_world.headers("bo")
    )
    assert unknown.status_code == 422


# --- properties -------------------------------------------------------------


@given(st.text())
def test_csv_cell_never_starts_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, "'" + text)


@settings(max_examples=200)
@example("'=SUM(A1)")
@example("''+1")
@example("'plain")
@given(st.text(alphabet=st.characters(codec="utf-8")).map(str.strip))
def test_csv_name_round_trips(name: str) -> None:
    if not name:
        return
    table = register_table(Register("Acme", (Initiative(id="x", name=name),)))
    summary = ImportSummary("export.csv", "CSV")
    context = ReadContext("export.csv", FiscalCalendar(1, "end"), AS_OF, {}, summary)
    (initiative,) = read_csv_text(table_to_csv(table), context)
    assert initiative.name == name
