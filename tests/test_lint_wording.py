"""Wording rules WD801-WD805."""

from __future__ import annotations

import pytest

from boardloop.domain.model import Severity
from test_lint_support import entry, found, lint_entries, lint_yaml


def test_good_wording_passes() -> None:
    report = lint_entries(entry())
    for rule_id in ("WD801", "WD802", "WD803", "WD804", "WD805"):
        assert found(report, rule_id) == [], rule_id


def test_launch_milestone_is_binary() -> None:
    report = lint_entries(
        entry(name="Launch the customer portal", target__amount=1, target__unit="count")
    )
    [item] = found(report, "WD801")
    assert "'launch'" in item.message


def test_yes_no_unit_is_binary() -> None:
    assert len(found(lint_entries(entry(unit_text="yes/no")), "WD801")) == 1


def test_vague_name_without_number() -> None:
    report = lint_entries(entry(name="Improve onboarding for SMB", target__amount=None))
    [item] = found(report, "WD802")
    assert item.severity is Severity.WARNING
    assert "'improve'" in item.message


def test_vague_name_with_number_passes() -> None:
    assert found(lint_entries(entry(name="Improve onboarding for SMB")), "WD802") == []


def test_one_word_name_is_info() -> None:
    [item] = found(lint_entries(entry(name="Onboarding")), "WD802")
    assert item.severity is Severity.INFO


@pytest.mark.parametrize(
    "name", ["Maintain SMB logo retention", "Ongoing QBR program", "BAU renewals desk"]
)
def test_business_as_usual_names(name: str) -> None:
    assert len(found(lint_entries(entry(name=name)), "WD803")) == 1


@pytest.mark.parametrize(
    "value", ["TBD", "tbc", "TODO: fill", "n/a", "???", "xxx", "see above"]
)
def test_placeholders(value: str) -> None:
    [item] = found(lint_entries(entry(target__segment=value)), "WD804")
    assert item.severity is Severity.ERROR


def test_placeholder_points_at_its_line() -> None:
    report = lint_yaml("- id: x\n  name: Success plan rollout\n  owner: TBD\n")
    [item] = found(report, "WD804")
    assert item.location == "register.yaml:3"


def test_name_unit_disagrees_with_target() -> None:
    [item] = found(lint_entries(entry(name="Logo retention up 2% for SMB")), "WD805")
    assert "name says 2%, target says 2pp" in item.message


def test_name_amount_disagrees_with_target() -> None:
    [item] = found(lint_entries(entry(name="Lift SMB logo retention 3pp")), "WD805")
    assert "3pp" in item.message


def test_name_direction_disagrees_with_target() -> None:
    [item] = found(lint_entries(entry(name="Lower SMB logo retention fast")), "WD805")
    assert "name implies decrease" in item.message


def test_reduce_churn_on_retention_kpi_passes() -> None:
    assert found(lint_entries(entry(name="Reduce SMB churn by 2pp")), "WD805") == []
