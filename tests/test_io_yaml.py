"""YAML registers: line numbers per key, structured fields, errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Direction, OutcomeResult, Owner, Status, Unit
from boardloop.io import ImportResult, ReadError, read_register_file

if TYPE_CHECKING:
    from pathlib import Path

ALIASES = {"grr": "customers.gross_revenue_retention"}

REGISTER = """\
company: Example Co
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Dana Reyes (VP Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q2
    status: in-progress
    baseline:
      value: 88.5
      as_of: 2026-01-01
      source: warehouse
    launched_on: 2026-01-10
    next_checkpoint: 2026-03-14
    checkpoints:
      - on: 2026-02-14
        note: first cohort live
        author: Dana Reyes
    history:
      - at: 2026-01-10T09:00:00
        actor: Dana Reyes
        kind: status
        changes:
          status: [planned, in-progress]
        reason: kickoff
  - name: Health score v2
    owner:
      person: Sam Ortiz
      function: CS Ops
    target:
      kpi: GRR
      direction: increase
      amount: 2
      unit: pp
      segment: Enterprise
      window_days: 90
      deadline: 2026-09-30
    status: closed
    outcome:
      result: missed
      actual_movement: 0.8
      actual_unit: pp
      lesson: The model flagged risk too late for CSMs to act before renewal.
      closed_on: 2026-10-05
    sponsor: CFO
"""


def write(tmp_path: Path, text: str, name: str = "register.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def read(tmp_path: Path, text: str, name: str = "register.yaml") -> ImportResult:
    return read_register_file(
        write(tmp_path, text, name),
        calendar=FiscalCalendar(1, "end"),
        as_of=dt.date(2026, 1, 15),
        kpi_aliases=ALIASES,
    )


def test_line_numbers_per_key(tmp_path: Path) -> None:
    first, second = read(tmp_path, REGISTER).initiatives
    assert first.source is not None
    assert first.source.line == 3
    assert first.field_lines["name"] == 4
    assert first.field_lines["owner"] == 5
    assert first.field_lines["target"] == 6
    assert first.field_lines["status"] == 7
    assert first.field_lines["next_checkpoint"] == 13
    assert second.source is not None
    assert second.source.line == 25
    assert second.field_lines["owner_function"] == 28
    assert second.field_lines["lesson"] == 42


def test_fields_read(tmp_path: Path) -> None:
    first, second = read(tmp_path, REGISTER).initiatives
    assert first.id == "onboarding-revamp"
    assert first.owner == Owner("Dana Reyes", "VP Customer Success")
    assert first.target.text == "+5pp lift in 90-day GRR for SMB cohort by Q2"
    assert first.status is Status.IN_PROGRESS
    assert first.baseline is not None
    assert first.baseline.value == Decimal("88.5")
    assert first.baseline.as_of == dt.date(2026, 1, 1)
    assert first.launched_on == dt.date(2026, 1, 10)
    assert first.checkpoints[0].on == dt.date(2026, 2, 14)
    assert first.history[0].changes == {"status": ("planned", "in-progress")}
    assert first.history[0].reason == "kickoff"
    assert second.id == "health-score-v2"
    assert second.owner == Owner("Sam Ortiz", "CS Ops")
    assert second.outcome is not None
    assert second.outcome.result is OutcomeResult.MISSED
    assert second.outcome.actual_movement == Decimal("0.8")
    assert second.outcome.actual_unit is Unit.PP


def test_structured_target(tmp_path: Path) -> None:
    target = read(tmp_path, REGISTER).initiatives[1].target
    assert target.kpi_id == "customers.gross_revenue_retention"
    assert target.direction is Direction.INCREASE
    assert target.amount == Decimal("2")
    assert target.unit is Unit.PP
    assert target.segment == "Enterprise"
    assert target.window_days == 90
    assert target.deadline == dt.date(2026, 9, 30)
    assert target.text
    assert target.problems == ()


def test_unknown_keys_kept_and_listed(tmp_path: Path) -> None:
    result = read(tmp_path, REGISTER)
    assert result.initiatives[1].extra["sponsor"] == "CFO"
    text = result.summary.format_text()
    assert "line 44: key 'sponsor' is not a register field, kept in extra" in text
    assert "line 1: top-level key 'company' is not read" in text


def test_bare_list(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Onboarding revamp\n- name: NPS push\n")
    assert [i.id for i in result.initiatives] == ["onboarding-revamp", "nps-push"]


def test_bad_date_is_kept_and_flagged(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Onboarding revamp\n  next_checkpoint: mid March\n")
    initiative = result.initiatives[0]
    assert initiative.next_checkpoint is None
    assert initiative.extra["invalid"] == {"next_checkpoint": "mid March"}
    assert any(n.location.endswith(":2") for n in result.summary.dropped)


def test_missing_name_is_dropped(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: A one\n- owner: Dana\n")
    assert len(result.initiatives) == 1
    assert any(
        "no name" in n.what and n.location.endswith(":2")
        for n in result.summary.dropped
    )


def test_status_emoji_guessed(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: A one\n  status: 🚧\n")
    assert result.initiatives[0].status is Status.IN_PROGRESS
    assert result.initiatives[0].status_text == "🚧"
    assert "line 2: status '🚧' read as in-progress" in result.summary.format_text()


def test_negative_amount_without_direction(tmp_path: Path) -> None:
    text = "- name: Churn cut\n  target: {kpi: GRR, amount: -2, unit: pp}\n"
    target = read(tmp_path, text).initiatives[0].target
    assert target.direction is Direction.DECREASE
    assert target.amount == Decimal("2")


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read(tmp_path, "initiatives:\n  - name: A\n    owner: [Dana\n  - name: B\n")
    assert error.value.line is not None
    assert error.value.line >= 3
    assert "invalid YAML" in str(error.value)


def test_not_a_list_is_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="expected a list"):
        read(tmp_path, "name: Onboarding revamp\n")


def test_reading_twice_gives_same_result(tmp_path: Path) -> None:
    first = read(tmp_path, REGISTER)
    second = read(tmp_path, REGISTER)
    assert first.initiatives == second.initiatives
    assert first.summary.format_text() == second.summary.format_text()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.json", b"[]", "unknown file type"),
        ("register.yaml", b"", "empty"),
        ("register.yaml", b"- name: caf\xe9\n", "not UTF-8"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_register_file(path, calendar=FiscalCalendar(1, "end"), kpi_aliases={})
