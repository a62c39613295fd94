"""XLSX registers: number formats, date systems, merged headers, formulas, sheets."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # type: ignore[import-untyped]

from boardloop.catalog import load_catalog
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Register, Status
from boardloop.io import ImportResult, ReadError, read_register_file
from boardloop.lint import LintContext, LintSettings, run_lint

if TYPE_CHECKING:
    from pathlib import Path

Worksheet = Any

AS_OF = dt.date(2026, 1, 15)


def read(path: Path, sheet: str | None = None) -> ImportResult:
    return read_register_file(
        path,
        calendar=FiscalCalendar(1, "end"),
        as_of=AS_OF,
        kpi_aliases=load_catalog().aliases(),
        sheet=sheet,
    )


def sheet_of(workbook: Workbook) -> Worksheet:
    sheet = workbook.active
    assert sheet is not None
    return sheet


def save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def test_columns_read_like_csv(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.title = "Plan"
    sheet.append(["Initiative", "DRI", "Team", "Status", "KR", "Next review"])
    sheet.append(
        [
            "Onboarding revamp",
            "Dana Reyes",
            "CS",
            "🚧",
            "+5pp lift in 90-day GRR by Q2",
            dt.date(2026, 3, 14),
        ]
    )
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert result.format == "XLSX"
    assert initiative.id == "plan.xlsx/onboarding-revamp"
    assert initiative.owner.person == "Dana Reyes"
    assert initiative.owner.function == "CS"
    assert initiative.status is Status.IN_PROGRESS
    assert initiative.next_checkpoint == dt.date(2026, 3, 14)
    assert initiative.target.amount == Decimal(5)
    assert str(initiative.source).endswith("plan.xlsx:Plan!A2")
    assert str(initiative.source_of("next_checkpoint")).endswith("plan.xlsx:Plan!F2")
    assert ("Plan", "sheet") in result.summary.recognised


def test_percent_cells_are_percent(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Baseline", "Target", "Actual"])
    sheet.append(["Renewal playbook", 0.915, 0.05, -2])
    sheet["B2"].number_format = "0.0%"
    sheet["C2"].number_format = "0%"
    sheet.append(["Literal percent sign", 91.5])
    sheet["B3"].number_format = '0.0"%"'
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    initiative, literal = result.initiatives
    assert initiative.baseline is not None
    assert initiative.baseline.value == Decimal("91.5")
    assert initiative.target.text == "5%"
    assert literal.baseline is not None
    assert literal.baseline.value == Decimal("91.5")
    assert initiative.outcome is not None
    assert initiative.outcome.actual_movement == Decimal(-2)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_date_serials_follow_the_date_system(tmp_path: Path, epoch: str) -> None:
    workbook = Workbook()
    if epoch == "1904":
        workbook.epoch = CALENDAR_MAC_1904
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Next checkpoint", "Launched"])
    # A date cell is stored as a serial number in the workbook's date system.
    # A plain number in a date column is read as a serial in that system too.
    serial = 46095 if epoch == "1900" else 44633
    sheet.append(["Renewal playbook", dt.date(2026, 3, 14), serial])
    result = read(save(workbook, tmp_path / f"plan{epoch}.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.next_checkpoint == dt.date(2026, 3, 14)
    assert initiative.launched_on == dt.date(2026, 3, 14)
    guesses = [str(notice) for notice in result.summary.guessed]
    assert any(f"{epoch} date system" in text for text in guesses)


def test_text_dates_use_date_parsing(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Next checkpoint", "Closed"])
    sheet.append(["Renewal playbook", "14 Mar 2026", "2026-02-30"])
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.next_checkpoint == dt.date(2026, 3, 14)
    assert initiative.extra["invalid"] == {"closed_on": "2026-02-30"}
    dropped = [str(notice) for notice in result.summary.dropped]
    assert any("February 2026 has 28 days" in text for text in dropped)


def test_merged_header_over_second_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Initiative", "Baseline", None, "Dates", None])
    sheet.append([None, "Value", "Date", "Next review", "Notes2"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    sheet.append(["Renewal playbook", 88.5, dt.date(2026, 1, 1), "2026-03-14", "x"])
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.name == "Renewal playbook"
    assert initiative.baseline is not None
    assert initiative.baseline.value == Decimal("88.5")
    assert initiative.baseline.as_of == dt.date(2026, 1, 1)
    assert initiative.next_checkpoint == dt.date(2026, 3, 14)
    assert initiative.extra == {"Dates Notes2": "x"}
    assert initiative.source is not None
    assert initiative.source.line == 3


def test_title_rows_above_header(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["FY27 customer success plan"])
    sheet.append(["Owner: CS leadership", None, "Updated weekly"])
    sheet.append(["Initiative", "Owner"])
    sheet.append(["Renewal playbook", "Dana Reyes"])
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.owner.person == "Dana Reyes"
    dropped = [str(notice) for notice in result.summary.dropped]
    assert any(
        text.endswith(
            ":1: row above the header not read: 'FY27 customer success "
            "plan' (the header is the first row with a name column)"
        )
        for text in dropped
    ), dropped
    assert any("'Owner: CS leadership | Updated weekly'" in text for text in dropped)


def test_merged_title_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["FY27 plan", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["Initiative", "Owner", "Next review"])
    sheet.append(["Renewal playbook", "Dana Reyes", "2026-03-14"])
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.owner.person == "Dana Reyes"
    assert initiative.next_checkpoint == dt.date(2026, 3, 14)
    assert str(initiative.source).endswith("plan.xlsx:Sheet!A3")


def test_merged_data_cells_fill_down(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Program", "Initiative", "Notes", "Status"])
    sheet.append(["Retention", "Renewal playbook", "Shared note", "Done"])
    sheet.append([None, "Health score v2", None, "Done"])
    sheet.append([None, "Onboarding revamp", None, None])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("C2:D2")
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    assert [item.program for item in result.initiatives] == ["Retention"] * 3
    first, second, third = result.initiatives
    assert first.notes == "Shared note"
    assert second.notes == ""
    # The status cell that the notes range covers sideways stays empty.
    assert first.status is Status.PLANNED
    assert second.status is Status.CLOSED
    assert third.status is Status.PLANNED


def test_formula_reads_cached_value(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Baseline", "Notes"])
    sheet.append(["Renewal playbook", "=80+8.5", "=CONCAT(1,2)"])
    path = save(workbook, tmp_path / "plan.xlsx")
    # openpyxl writes formulas without a cached value; store one for B2 as a
    # spreadsheet program does when it saves.
    cache_value(path, "B2", "88.5")
    result = read(path)

    (initiative,) = result.initiatives
    assert initiative.baseline is not None
    assert initiative.baseline.value == Decimal("88.5")
    assert initiative.notes == ""
    dropped = [str(notice) for notice in result.summary.dropped]
    assert any("C2" in text and "no cached value" in text for text in dropped)
    assert not any("B2" in text for text in dropped)


def cache_value(path: Path, cell: str, value: str) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?')
    xml, count = pattern.subn(rf"\1\2<v>{value}</v>", xml)
    assert count == 1, xml
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def test_empty_rows_skipped_and_counted(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Owner"])
    sheet.append(["Renewal playbook", "Dana Reyes"])
    sheet.append([None, None])
    sheet.append(["Health score v2", "Sam Ortiz"])
    sheet["A7"] = "Onboarding revamp"
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    assert [item.name for item in result.initiatives] == [
        "Renewal playbook",
        "Health score v2",
        "Onboarding revamp",
    ]
    assert result.summary.counts["empty rows"] == 3
    assert ("rows 3, 5, 6", "empty rows, skipped") in result.summary.recognised


def test_sheet_option_chooses_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet_of(workbook).append(["Roster"])
    second = workbook.create_sheet("FY27 plan")
    second.append(["Name", "Status"])
    second.append(["Renewal playbook", "Done"])
    path = save(workbook, tmp_path / "plan.xlsx")

    with pytest.raises(ReadError, match="no name column on sheet 'Sheet'"):
        read(path)
    (initiative,) = read(path, sheet="FY27 plan").initiatives
    assert initiative.status is Status.CLOSED
    assert str(initiative.source).endswith("plan.xlsx:'FY27 plan'!A2")
    with pytest.raises(ReadError, match=r"sheet 'Plan' not found.*'FY27 plan'"):
        read(path, sheet="Plan")


def test_sheet_option_rejected_for_csv(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("name\nRenewal playbook\n", encoding="utf-8")
    with pytest.raises(ReadError, match="applies only to XLSX"):
        read(path, sheet="Plan")


def test_not_a_workbook_is_read_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("name\nRenewal playbook\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a readable XLSX workbook"):
        read(path)


def test_empty_sheet_is_read_error(tmp_path: Path) -> None:
    path = save(Workbook(), tmp_path / "plan.xlsx")
    with pytest.raises(ReadError, match="sheet 'Sheet' is empty"):
        read(path)


def test_error_cell_is_dropped(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Owner"])
    sheet.append(["Renewal playbook", "#N/A"])
    sheet["B2"].data_type = "e"
    result = read(save(workbook, tmp_path / "plan.xlsx"))

    (initiative,) = result.initiatives
    assert initiative.owner.person is None
    dropped = [str(notice) for notice in result.summary.dropped]
    assert any("cell B2 holds the error value #N/A" in text for text in dropped)


def test_lint_finding_points_at_cell(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = sheet_of(workbook)
    sheet.append(["Name", "Owner", "Target", "Status"])
    sheet.append(["Renewal playbook for SMB", None, "+5pp GRR by Q2", "In progress"])
    result = read(save(workbook, tmp_path / "plan.xlsx"))
    context = LintContext(
        as_of=AS_OF,
        catalog=load_catalog(),
        calendar=FiscalCalendar(1, "end"),
        settings=LintSettings(),
        kpi_values=None,
        roster=None,
    )
    report = run_lint(Register("Acme", result.initiatives), context)

    locations = {finding.rule_id: finding.location for finding in report.findings}
    missing_owner = [rule for rule in locations if rule.startswith("OW")]
    assert missing_owner, locations
    assert locations[missing_owner[0]].endswith("plan.xlsx:Sheet!A2")
    assert any(location.endswith("Sheet!C2") for location in locations.values())
