"""The readers drop KPI numbers beyond the typed-number bounds, naming file and line."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

import pytest

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.io import ImportResult, read_register_file

if TYPE_CHECKING:
    from pathlib import Path


def read(tmp_path: Path, text: str, name: str) -> ImportResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return read_register_file(
        path, calendar=FiscalCalendar(1, "end"), as_of=dt.date(2026, 1, 15)
    )


@pytest.mark.parametrize("movement", ["1e30", "1e400", "2000000000000", "0.0000001"])
def test_yaml_movement_out_of_range(tmp_path: Path, movement: str) -> None:
    text = f"""\
    - name: Big move
      status: closed
      outcome:
        result: achieved
        actual_movement: {movement}
    """
    result = read(tmp_path, text, "register.yaml")
    item = result.initiatives[0]
    assert item.outcome is not None
    assert item.outcome.actual_movement is None
    assert "actual_movement" in item.extra["invalid"]
    notices = [n for n in result.summary.dropped if "actual_movement" in n.what]
    assert len(notices) == 1
    assert notices[0].location.endswith("register.yaml:3")
    # YAML reads 1e400 as a float infinity, reported as "not a finite number".
    reasons = ("bound", "decimal places", "finite")
    assert any(reason in notices[0].what for reason in reasons)


def test_yaml_baseline_out_of_range(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Big baseline\n  baseline: 1e30\n", "register.yaml")
    item = result.initiatives[0]
    assert item.baseline is None
    assert item.extra["invalid"] == {"baseline": "1e+30"}


def test_yaml_target_amount_out_of_range(tmp_path: Path) -> None:
    text = """\
    - name: Tiny amount
      target:
        kpi: GRR
        direction: increase
        amount: 0.0000000000000000000000001
        unit: pp
    """
    item = read(tmp_path, text, "register.yaml").initiatives[0]
    assert item.target.amount is None
    assert any("decimal places" in problem for problem in item.target.problems)


def test_yaml_target_phrase_out_of_range(tmp_path: Path) -> None:
    text = "- name: Tiny\n  target: +0.0000000000000000000000001pp GRR by Q4 2026\n"
    item = read(tmp_path, text, "register.yaml").initiatives[0]
    assert item.target.amount is None
    assert any("decimal places" in problem for problem in item.target.problems)


def test_csv_movement_out_of_range(tmp_path: Path) -> None:
    text = (
        "name,status,outcome,actual_movement,baseline\n"
        "Big move,closed,achieved,10000000000000000000000000,99999999999999\n"
    )
    result = read(tmp_path, text, "register.csv")
    item = result.initiatives[0]
    assert item.outcome is not None
    assert item.outcome.actual_movement is None
    assert item.baseline is None
    assert set(item.extra["invalid"]) == {"actual_movement", "baseline"}
    located = [n.location for n in result.summary.dropped if "bound" in n.what]
    assert len(located) == 2
    assert all(location.endswith("register.csv:2") for location in located)


def test_yaml_in_range_numbers_kept(tmp_path: Path) -> None:
    text = """\
    - name: Normal
      status: closed
      baseline: 91.5
      outcome:
        result: achieved
        actual_movement: 3.2
    """
    item = read(tmp_path, text, "register.yaml").initiatives[0]
    assert item.baseline is not None
    assert str(item.baseline.value) == "91.5"
    assert item.outcome is not None
    assert str(item.outcome.actual_movement) == "3.2"
