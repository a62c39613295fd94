"""Ownership rules OW101-OW104."""

from __future__ import annotations

import pytest

from boardloop.domain.model import Severity
from boardloop.lint import LintSettings
from test_lint_support import entry, found, lint_entries, lint_yaml


def test_good_initiative_has_no_ownership_findings() -> None:
    report = lint_entries(entry())
    for rule_id in ("OW101", "OW102", "OW103", "OW104"):
        assert found(report, rule_id) == []


def test_owner_missing_points_at_owner_line() -> None:
    report = lint_yaml(
        """\
- id: health
  name: Health score model update
  owner: "  "
  owner_function: CS
"""
    )
    [item] = found(report, "OW101")
    assert item.severity is Severity.ERROR
    assert item.location == "register.yaml:3"


def test_owner_absent_points_at_record_line() -> None:
    report = lint_yaml("- id: health\n  name: Health score model update\n")
    [item] = found(report, "OW101")
    assert item.location == "register.yaml:1"


@pytest.mark.parametrize(
    "owner",
    [
        "CS team",
        "All CS",
        "CS leadership",
        "Application engineers",
        "Dana & Lee",
        "Dana / Lee",
        "Dana and Lee",
        "Customer Success",
    ],
)
def test_group_owner_is_not_a_person(owner: str) -> None:
    report = lint_entries(entry(owner=owner))
    [item] = found(report, "OW102")
    assert owner in item.message
    assert item.severity is Severity.ERROR


@pytest.mark.parametrize(
    "owner", ["Dana Ruiz", "<Support lead>", "VP Customer Success"]
)
def test_person_or_role_placeholder_passes(owner: str) -> None:
    assert found(lint_entries(entry(owner=owner)), "OW102") == []


def test_owner_equal_to_function_fails() -> None:
    report = lint_entries(entry(owner="RevOps", owner_function="RevOps"))
    [item] = found(report, "OW102")
    assert "function" in item.message


def test_tbd_owner_is_a_placeholder_not_a_group() -> None:
    report = lint_entries(entry(owner="TBD"))
    assert found(report, "OW102") == []
    assert [item.rule_id for item in found(report, "WD804")] == ["WD804"]


def test_owner_off_roster_fails() -> None:
    report = lint_entries(entry(), roster={"Lee Park": "CS"})
    [item] = found(report, "OW102")
    assert "roster" in item.message


def test_owner_on_roster_passes() -> None:
    assert found(lint_entries(entry(), roster={"dana ruiz": "CS"}), "OW102") == []


def test_function_missing_warns() -> None:
    [item] = found(lint_entries(entry(owner_function=None)), "OW103")
    assert item.severity is Severity.WARNING
    assert "missing" in item.message


def test_function_unknown_warns() -> None:
    [item] = found(lint_entries(entry(owner_function="Wizards")), "OW103")
    assert "'Wizards'" in item.message


def test_function_disagrees_with_roster() -> None:
    report = lint_entries(entry(), roster={"Dana Ruiz": "Sales"})
    [item] = found(report, "OW103")
    assert "'Sales'" in item.message


def test_function_list_is_a_setting() -> None:
    settings = LintSettings(functions=("Wizards",))
    assert (
        found(lint_entries(entry(owner_function="Wizards"), settings=settings), "OW103")
        == []
    )


def test_owner_overloaded_over_cap() -> None:
    entries = [entry(id=f"i{n}", name=f"Program number {n} for SMB") for n in range(4)]
    report = lint_entries(*entries)
    items = found(report, "OW104")
    assert len(items) == 4
    assert "4 active initiatives, 1 above the cap of 3" in items[0].message


def test_owner_at_cap_passes() -> None:
    entries = [entry(id=f"i{n}", name=f"Program number {n} for SMB") for n in range(3)]
    assert found(lint_entries(*entries), "OW104") == []


def test_owner_cap_counts_only_active() -> None:
    entries = [entry(id=f"i{n}", name=f"Program number {n} for SMB") for n in range(3)]
    entries.append(entry(id="p", name="Planned program for SMB", status="planned"))
    assert found(lint_entries(*entries), "OW104") == []


@pytest.mark.parametrize(
    "function", ["VP Customer Success", "Director Enterprise CS", "CS Operations"]
)
def test_job_title_names_known_function(function: str) -> None:
    report = lint_entries(entry(owner_function=function))
    assert found(report, "OW103") == []


def test_unknown_function_still_flagged() -> None:
    report = lint_entries(entry(owner_function="Head of Vibes"))
    [item] = found(report, "OW103")
    assert "Head of Vibes" in item.message
