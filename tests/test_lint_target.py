"""Target rules TG201-TG208."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from boardloop.domain.model import KpiValue, Severity
from test_lint_support import entry, found, lint_entries, lint_yaml


def _history_change(
    changes: dict[str, list[object]], reason: str = "", day: int = 20
) -> list[dict[str, object]]:
    return [
        *entry()["history"],
        {
            "at": dt.date(2027, 2, day),
            "actor": "dana",
            "kind": "edit",
            "changes": changes,
            "reason": reason,
        },
    ]


def test_good_target_passes_every_target_rule() -> None:
    report = lint_entries(entry())
    for rule_id in (
        "TG201",
        "TG202",
        "TG203",
        "TG204",
        "TG205",
        "TG206",
        "TG207",
        "TG208",
    ):
        assert found(report, rule_id) == [], rule_id


def test_missing_target_is_an_error_at_record_line() -> None:
    report = lint_yaml("- id: x\n  name: Success plan rollout\n  owner: Dana Ruiz\n")
    [item] = found(report, "TG201")
    assert item.severity is Severity.ERROR
    assert item.location == "register.yaml:1"
    assert "no target" in item.message


def test_unreadable_phrase_names_the_problem() -> None:
    report = lint_entries(entry(target__problems=["no deadline in 'soonish'"]))
    [item] = found(report, "TG201")
    assert "soonish" in item.message


def test_target_without_number_lists_missing_parts() -> None:
    report = lint_entries(entry(target__amount=None, target__deadline=None))
    [item] = found(report, "TG201")
    assert "amount or deadline" in item.message


def test_missing_segment_is_a_warning() -> None:
    [item] = found(lint_entries(entry(target__segment=None)), "TG201")
    assert item.severity is Severity.WARNING
    assert "segment" in item.message


def test_level_target_needs_no_direction() -> None:
    report = lint_entries(
        entry(
            target__amount=None,
            target__direction=None,
            target__unit=None,
            target__level=92,
            target__level_bound="at-least",
        )
    )
    assert found(report, "TG201") == []


def test_baseline_missing_is_error_when_active() -> None:
    [item] = found(lint_entries(entry(baseline=None)), "TG202")
    assert item.severity is Severity.ERROR


def test_baseline_missing_is_warning_when_planned() -> None:
    report = lint_entries(entry(baseline=None, status="planned", launched_on=None))
    [item] = found(report, "TG202")
    assert item.severity is Severity.WARNING


def test_baseline_without_date_fails() -> None:
    [item] = found(lint_entries(entry(baseline={"value": 88})), "TG202")
    assert "as-of date" in item.message


def test_zero_amount_is_no_change() -> None:
    assert len(found(lint_entries(entry(target__amount=0)), "TG203")) == 1


def test_hold_band_is_no_change() -> None:
    assert len(found(lint_entries(entry(target__direction="hold")), "TG203")) == 1


def test_level_met_at_baseline() -> None:
    report = lint_entries(
        entry(
            target__amount=None,
            target__direction=None,
            target__level=85,
            target__level_bound="at-least",
        )
    )
    [item] = found(report, "TG203")
    assert "already met at baseline 88" in item.message


def test_level_above_baseline_passes() -> None:
    report = lint_entries(
        entry(
            target__amount=None,
            target__direction=None,
            target__level=92,
            target__level_bound="at-least",
        )
    )
    assert found(report, "TG203") == []


def test_increase_on_lower_is_better_kpi() -> None:
    report = lint_entries(
        entry(target__kpi="customers.logo_churn_rate", target__kpi_label=None)
    )
    [item] = found(report, "TG204")
    assert "expected decrease" in item.message


def test_negative_amount_contradicts_direction() -> None:
    [item] = found(lint_entries(entry(target__amount=-2)), "TG204")
    assert "negative" in item.message


def test_start_and_level_contradict_direction() -> None:
    report = lint_entries(entry(target__start_level=88, target__level=86))
    assert len(found(report, "TG204")) == 1


def test_polarity_without_catalog_is_partly_checked() -> None:
    report = lint_entries(entry(), catalog=None)
    notes = found(report, "TG204", real=False)
    assert [item.severity for item in notes] == [Severity.INFO]
    assert notes[0].message.startswith("partly checked")


def test_currency_without_code() -> None:
    report = lint_entries(
        entry(
            target__kpi="customers.expansion_revenue",
            target__kpi_label=None,
            target__unit="currency",
            target__amount=50000,
        )
    )
    [item] = found(report, "TG205")
    assert "ISO 4217" in item.message


def test_points_on_revenue_kpi() -> None:
    report = lint_entries(
        entry(
            target__kpi="customers.expansion_revenue",
            target__kpi_label=None,
            target__unit="pts",
        )
    )
    [item] = found(report, "TG205")
    assert "does not fit" in item.message


def test_relative_decrease_of_100_percent() -> None:
    report = lint_entries(
        entry(
            target__kpi="customers.logo_churn_rate",
            target__kpi_label=None,
            target__direction="decrease",
            target__unit="%",
            target__amount=100,
        )
    )
    assert any("zero or below" in item.message for item in found(report, "TG205"))


def test_currency_with_code_passes() -> None:
    report = lint_entries(
        entry(
            target__kpi="customers.expansion_revenue",
            target__kpi_label=None,
            target__unit="currency",
            target__currency="EUR",
            target__amount=50000,
        )
    )
    assert found(report, "TG205") == []


def test_percent_on_rate_kpi_warns() -> None:
    [item] = found(lint_entries(entry(target__unit="%")), "TG206")
    assert item.severity is Severity.WARNING
    assert "2pp" in item.message


def test_percent_on_currency_kpi_passes() -> None:
    report = lint_entries(
        entry(
            target__kpi="customers.expansion_revenue",
            target__kpi_label=None,
            target__unit="%",
        )
    )
    assert found(report, "TG206") == []


def test_pp_vs_percent_not_checked_without_catalog() -> None:
    report = lint_entries(entry(target__unit="%"), catalog=None)
    assert "TG206" in report.not_checked


def test_window_without_deadline_starts_at_launch() -> None:
    report = lint_entries(entry(target__deadline=None, target__window_days=120))
    assert [i for i in found(report, "TG207") if "baseline" in i.message] == []


def test_window_too_long() -> None:
    [item] = found(lint_entries(entry(target__window_days=400)), "TG207")
    assert "35 above the maximum of 365" in item.message


def test_window_of_zero_days() -> None:
    assert len(found(lint_entries(entry(target__window_days=0)), "TG207")) == 1


def test_window_before_baseline() -> None:
    report = lint_entries(entry(target__deadline=dt.date(2027, 5, 1)))
    [item] = found(report, "TG207")
    assert "starts on 2027-01-01" in item.message
    assert "before the baseline date 2027-01-10" in item.message


def test_amount_eased_without_reason_is_error() -> None:
    report = lint_entries(entry(history=_history_change({"amount": [3, 2]})))
    [item] = found(report, "TG208")
    assert item.severity is Severity.ERROR
    assert "eases" in item.message


def test_amount_tightened_without_reason_is_warning() -> None:
    report = lint_entries(entry(history=_history_change({"amount": [2, 3]})))
    [item] = found(report, "TG208")
    assert item.severity is Severity.WARNING


def test_deadline_moved_with_reason_passes() -> None:
    change = {"deadline": ["2027-06-30", "2027-09-30"]}
    report = lint_entries(entry(history=_history_change(change, reason="data delay")))
    assert found(report, "TG208") == []


def test_two_goal_changes_in_one_quarter_warn() -> None:
    history = [
        *_history_change({"amount": [3, 2]}, reason="budget cut"),
        {
            "at": dt.date(2027, 2, 25),
            "actor": "dana",
            "kind": "edit",
            "changes": {"segment": ["SMB", "SMB EU"]},
            "reason": "scope",
        },
    ]
    [item] = found(lint_entries(entry(history=history)), "TG208")
    assert "2 times" in item.message


def test_goal_change_before_launch_passes() -> None:
    history = [
        {
            "at": dt.date(2027, 1, 5),
            "actor": "dana",
            "kind": "edit",
            "changes": {"amount": [3, 2]},
        }
    ]
    report = lint_entries(entry(history=history))
    assert found(report, "TG208") == []


def test_target_moves_not_checked_without_history() -> None:
    report = lint_entries(entry(history=None))
    assert "TG208" in report.not_checked


def test_incomplete_target_skips_segment_warning() -> None:
    report = lint_entries(entry(target__amount=None, target__segment=None))
    [item] = found(report, "TG201")
    assert item.severity is Severity.ERROR


def test_series_value_at_launch_is_the_baseline() -> None:
    values = [
        KpiValue(
            "customers.logo_retention_rate", "SMB", dt.date(2026, 12, 31), Decimal("88")
        ),
        KpiValue(
            "customers.logo_retention_rate",
            "SMB",
            dt.date(2027, 1, 31),
            Decimal("88.5"),
        ),
    ]
    report = lint_entries(entry(baseline=None), kpi_values=values)
    assert found(report, "TG202") == []


def test_series_after_launch_is_no_baseline() -> None:
    values = [
        KpiValue(
            "customers.logo_retention_rate",
            "SMB",
            dt.date(2027, 1, 31),
            Decimal("88.5"),
        ),
    ]
    report = lint_entries(entry(baseline=None), kpi_values=values)
    [item] = found(report, "TG202")
    assert item.severity is Severity.ERROR


def test_goal_revised_after_deadline_is_error() -> None:
    history = _history_change({"amount": [3, 2]}, reason="budget cut", day=20)
    report = lint_entries(entry(history=history, target__deadline=dt.date(2027, 2, 1)))
    [item] = found(report, "TG208")
    assert item.severity is Severity.ERROR
    assert "on 2027-02-20, after the deadline 2027-02-01" in item.message


def test_deadline_moved_after_old_deadline_is_error() -> None:
    change = {"deadline": ["2027-02-01", "2027-09-30"]}
    history = _history_change(change, reason="data delay")
    report = lint_entries(entry(history=history, target__deadline=dt.date(2027, 9, 30)))
    [item] = found(report, "TG208")
    assert "after the deadline 2027-02-01" in item.message


def test_goal_revised_before_deadline_passes() -> None:
    history = _history_change({"amount": [3, 2]}, reason="budget cut", day=20)
    report = lint_entries(entry(history=history, target__deadline=dt.date(2027, 6, 30)))
    assert found(report, "TG208") == []
