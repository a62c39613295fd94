"""CSV registers: delimiters, BOM, decimal commas, date order, ids, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Owner, Status
from boardloop.io import ImportResult, ReadError, read_register_file

if TYPE_CHECKING:
    from pathlib import Path

ALIASES = {"grr": "customers.gross_revenue_retention"}


def read(tmp_path: Path, text: str, name: str = "register.csv") -> ImportResult:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_register_file(
        path,
        calendar=FiscalCalendar(1, "end"),
        as_of=dt.date(2026, 1, 15),
        kpi_aliases=ALIASES,
    )


def test_comma_file_with_synonym_headers(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "Initiative,DRI,Team,Status,Next Review\n"
        "Onboarding revamp,Dana Reyes,CS,In progress,2026-03-14\n"
        "Health score v2,Sam Ortiz,CS Ops,Planned,2026-04-01\n",
    )
    first, second = result.initiatives
    assert result.format == "CSV"
    assert first.name == "Onboarding revamp"
    assert first.owner == Owner("Dana Reyes", "CS")
    assert first.status is Status.IN_PROGRESS
    assert first.next_checkpoint == dt.date(2026, 3, 14)
    assert first.source is not None
    assert first.source.line == 2
    assert second.source is not None
    assert second.source.line == 3
    assert first.field_lines["next_checkpoint"] == 2
    assert ("DRI", "owner") in result.summary.recognised


def test_bom_is_stripped(tmp_path: Path) -> None:
    result = read(tmp_path, "\ufeffname,owner\nOnboarding revamp,Dana Reyes\n")
    assert result.initiatives[0].name == "Onboarding revamp"
    assert "name" in result.initiatives[0].field_lines


def test_semicolon_file_with_decimal_comma(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "name;owner;baseline;due\nOnboarding revamp;Dana Reyes;91,5;31/03/2026\n",
    )
    initiative = result.initiatives[0]
    assert initiative.baseline is not None
    assert initiative.baseline.value == Decimal("91.5")
    assert initiative.target.deadline == dt.date(2026, 3, 31)


def test_tab_file(tmp_path: Path) -> None:
    result = read(
        tmp_path, "name\towner\tstatus\nOnboarding revamp\tDana Reyes\tDone\n", "r.tsv"
    )
    initiative = result.initiatives[0]
    assert initiative.owner.person == "Dana Reyes"
    assert initiative.status is Status.CLOSED
    assert initiative.status_text == "Done"
    assert "status 'Done' read as closed" in result.summary.format_text()


def test_day_first_column_proven_by_one_value(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "name,next checkpoint\nA one,03/04/2026\nB two,25/04/2026\n",
    )
    first, second = result.initiatives
    assert first.next_checkpoint == dt.date(2026, 4, 3)
    assert second.next_checkpoint == dt.date(2026, 4, 25)
    assert not any(
        "read as" in n.what for n in result.summary.guessed if "dates" in n.what
    )


def test_ambiguous_date_column_is_noticed(tmp_path: Path) -> None:
    result = read(
        tmp_path, "name,next checkpoint\nA one,03/04/2026\nB two,05/06/2026\n"
    )
    first = result.initiatives[0]
    assert first.next_checkpoint == dt.date(2026, 3, 4)
    texts = [notice.what for notice in result.summary.guessed]
    assert "dates in column 'next checkpoint' read as month-first" in texts


def test_ambiguous_dates_in_semicolon_file_read_day_first(tmp_path: Path) -> None:
    result = read(tmp_path, "name;next checkpoint\nA one;03/04/2026\n")
    assert result.initiatives[0].next_checkpoint == dt.date(2026, 4, 3)
    texts = [notice.what for notice in result.summary.guessed]
    assert "dates in column 'next checkpoint' read as day-first" in texts


def test_row_without_name_is_dropped_with_line(tmp_path: Path) -> None:
    result = read(tmp_path, "name,owner\nA one,Dana\n,Sam Ortiz\n")
    assert len(result.initiatives) == 1
    dropped = result.summary.dropped
    assert any(n.location.endswith(":3") and "no name" in n.what for n in dropped)


def test_unknown_column_kept_in_extra(tmp_path: Path) -> None:
    result = read(tmp_path, "name,Notes2\nA one,see slide 4\n")
    assert result.initiatives[0].extra["Notes2"] == "see slide 4"
    text = result.summary.format_text()
    assert "column 'Notes2' is not a register field, kept in extra" in text


def test_bad_date_kept_as_text_and_flagged(tmp_path: Path) -> None:
    result = read(tmp_path, "name,next checkpoint\nA one,mid March\n")
    initiative = result.initiatives[0]
    assert initiative.next_checkpoint is None
    assert initiative.extra["invalid"] == {"next_checkpoint": "mid March"}
    assert any("mid March" in n.what for n in result.summary.dropped)


def test_missing_status_is_planned_with_notice(tmp_path: Path) -> None:
    result = read(tmp_path, "name\nA one\n")
    assert result.initiatives[0].status is Status.PLANNED
    assert result.initiatives[0].status_text is None
    assert any("no status given" in n.what for n in result.summary.guessed)


def test_unreadable_status_is_none(tmp_path: Path) -> None:
    result = read(tmp_path, "name,status\nA one,❌\n")
    assert result.initiatives[0].status is None
    assert result.initiatives[0].status_text == "❌"
    assert any("'❌' cannot be read" in n.what for n in result.summary.dropped)


def test_ids_given_derived_and_deduplicated(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "id,name\nOB-1,Onboarding revamp\n,Health score v2\n,Health score v2\n",
    )
    ids = [initiative.id for initiative in result.initiatives]
    assert ids == [
        "OB-1",
        "register.csv/health-score-v2",
        "register.csv/health-score-v2-2",
    ]
    assert any("health-score-v2-2" in n.what for n in result.summary.guessed)
    assert list(result.summary.derived_ids) == [
        "register.csv/health-score-v2",
        "register.csv/health-score-v2-2",
    ]


def test_reading_twice_gives_same_ids(tmp_path: Path) -> None:
    text = "name,owner\nOnboarding revamp,Dana\nOnboarding revamp,Sam\nNPS push,Lee\n"
    first = read(tmp_path, text)
    second = read(tmp_path, text)
    assert [i.id for i in first.initiatives] == [i.id for i in second.initiatives]
    assert first.initiatives == second.initiatives


def test_target_and_kpi_columns(tmp_path: Path) -> None:
    result = read(tmp_path, "name,target,kpi,segment\nA one,+5pp by Q2,GRR,SMB\n")
    target = result.initiatives[0].target
    assert target.text == "+5pp by Q2"
    assert target.kpi_id == "customers.gross_revenue_retention"
    assert target.segment == "SMB"


def test_no_name_column_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read(tmp_path, "owner,status\nDana,planned\n")
    assert error.value.line == 1
    assert "name" in error.value.hint


def test_summary_text_lists_everything(tmp_path: Path) -> None:
    result = read(tmp_path, "name,status,Notes2\nA one,🚧,x\n,planned,\n")
    text = result.summary.format_text()
    assert text.startswith("Read 1 initiative from register.csv (CSV).")
    assert "Recognised: " in text
    assert "line 2: status '🚧' read as in-progress" in text
    assert "line 3: row has no name; not read" in text


# --- cells beyond the header ------------------------------------------------


def test_cells_beyond_header_kept_and_dropped(tmp_path: Path) -> None:
    result = read(
        tmp_path, "name,owner,status\nA thing to do now,Dana,planned,extra1,extra2\n"
    )
    (initiative,) = result.initiatives
    assert initiative.status is Status.PLANNED
    assert initiative.extra["unnamed_cells"] == ["extra1", "extra2"]
    (notice,) = result.summary.dropped
    assert notice.location.endswith("register.csv:2")
    assert notice.what == (
        "cells 'extra1', 'extra2' beyond the header's 3 columns, kept in "
        "extra['unnamed_cells']"
    )


def test_empty_cells_beyond_header_are_ignored(tmp_path: Path) -> None:
    result = read(tmp_path, "name,owner\nA one,Dana,,\n")
    assert "unnamed_cells" not in result.initiatives[0].extra
    assert result.summary.dropped == []


# --- ids ----------------------------------------------------------------------


def test_id_column_kept_as_written(tmp_path: Path) -> None:
    for header in ("id", "Key", "ref"):
        result = read(tmp_path, f"{header},name\nOB-1,Onboarding revamp\n")
        assert result.initiatives[0].id == "OB-1"
        assert result.summary.derived_ids == {}


def test_row_number_column_qualified(tmp_path: Path) -> None:
    result = read(
        tmp_path, "#,name\n1,Onboarding revamp\n2,NPS push\n", "CS Plan FY27.csv"
    )
    ids = [initiative.id for initiative in result.initiatives]
    assert ids == ["CS Plan FY27.csv/1", "CS Plan FY27.csv/2"]
    recognised = dict(result.summary.recognised)
    assert recognised["row numbers in column #"] == (
        "derived ids CS Plan FY27.csv/1, CS Plan FY27.csv/2"
    )


def test_two_files_do_not_collide(tmp_path: Path) -> None:
    text = "no,name\n1,Onboarding revamp\n2,NPS push\n"
    first = read(tmp_path, text, "smb.csv")
    second = read(tmp_path, text, "enterprise.csv")
    first_ids = {initiative.id for initiative in first.initiatives}
    second_ids = {initiative.id for initiative in second.initiatives}
    assert first_ids == {"smb.csv/1", "smb.csv/2"}
    assert first_ids.isdisjoint(second_ids)


@pytest.mark.parametrize(
    ("first_name", "second_name"),
    [
        ("plan.csv", "plan.tsv"),
        ("Plan.csv", "plan.csv"),
        ("q3 plan.csv", "q3-plan.csv"),
        ("plan.csv", "plan.csv.txt"),
    ],
)
def test_names_sharing_a_slug_do_not_collide(
    tmp_path: Path, first_name: str, second_name: str
) -> None:
    text = "name\nOnboarding revamp\n"
    first = read(tmp_path, text, first_name)
    second = read(tmp_path, text, second_name)
    assert first.initiatives[0].id == f"{first_name}/onboarding-revamp"
    assert second.initiatives[0].id == f"{second_name}/onboarding-revamp"


def test_folder_does_not_change_ids(tmp_path: Path) -> None:
    text = "name\nOnboarding revamp\n"
    first = read(tmp_path / "a", text, "plan.csv")
    second = read(tmp_path / "b", text, "plan.csv")
    assert first.initiatives[0].id == "plan.csv/onboarding-revamp"
    assert second.initiatives[0].id == first.initiatives[0].id


def test_long_derived_id_list_is_shortened(tmp_path: Path) -> None:
    rows = "".join(f"Goal {n}\n" for n in range(1, 13))
    result = read(tmp_path, f"name\n{rows}", "plan.csv")
    recognised = dict(result.summary.recognised)
    assert recognised["names"] == (
        "derived ids plan.csv/goal-1, plan.csv/goal-2, plan.csv/goal-3, ... "
        "plan.csv/goal-12 (12 ids)"
    )
    assert len(result.summary.derived_ids) == 12


def test_impossible_date_names_reason(tmp_path: Path) -> None:
    result = read(tmp_path, "name,next checkpoint\nA one,2026-02-30\n")
    initiative = result.initiatives[0]
    assert initiative.next_checkpoint is None
    assert initiative.extra["invalid"] == {"next_checkpoint": "2026-02-30"}
    (notice,) = result.summary.dropped
    assert notice.location.endswith(":2")
    assert notice.what.startswith(
        "next_checkpoint '2026-02-30' is not a date: February 2026 has 28 days"
    )
