"""Date rules DT301-DT305."""

from __future__ import annotations

import datetime as dt

from boardloop.domain.model import Severity
from test_lint_support import GOOD, entry, found, lint_entries, lint_yaml, series


def test_good_dates_pass() -> None:
    report = lint_entries(entry())
    for rule_id in ("DT301", "DT302", "DT303", "DT304", "DT305"):
        assert found(report, rule_id) == [], rule_id


def test_past_deadline_inside_grace_warns() -> None:
    report = lint_entries(entry(), as_of=dt.date(2027, 10, 5))
    [item] = found(report, "DT301")
    assert item.severity is Severity.WARNING
    assert "5 days ago" in item.message


def test_past_deadline_after_grace_is_error() -> None:
    [item] = found(lint_entries(entry(), as_of=dt.date(2027, 10, 20)), "DT301")
    assert item.severity is Severity.ERROR


def test_deadline_finding_points_at_deadline_line() -> None:
    report = lint_yaml(
        """\
- id: x
  name: Onboarding revamp for SMB
  target:
    kpi: customers.logo_retention_rate
    deadline: 2027-01-31
"""
    )
    [item] = found(report, "DT301")
    assert item.location == "register.yaml:5"


def test_closed_past_deadline_passes() -> None:
    closed = entry(status="closed", outcome={"result": "abandoned"})
    assert found(lint_entries(closed, as_of=dt.date(2027, 12, 1)), "DT301") == []


def test_active_without_checkpoint_is_error() -> None:
    [item] = found(lint_entries(entry(next_checkpoint=None)), "DT302")
    assert item.severity is Severity.ERROR


def test_planned_without_checkpoint_warns() -> None:
    report = lint_entries(
        entry(next_checkpoint=None, status="planned", launched_on=None)
    )
    [item] = found(report, "DT302")
    assert item.severity is Severity.WARNING


def test_checkpoint_after_deadline_warns() -> None:
    report = lint_entries(
        entry(next_checkpoint=dt.date(2027, 10, 15)), as_of=dt.date(2027, 9, 20)
    )
    assert any("after the deadline" in item.message for item in found(report, "DT302"))


def test_checkpoint_beyond_horizon_warns() -> None:
    [item] = found(lint_entries(entry(next_checkpoint=dt.date(2027, 5, 1))), "DT302")
    assert "61 days away, 16 beyond the horizon of 45" in item.message


def test_checkpoint_overdue_inside_grace_warns() -> None:
    [item] = found(lint_entries(entry(next_checkpoint=dt.date(2027, 2, 27))), "DT303")
    assert item.severity is Severity.WARNING
    assert "2 days overdue" in item.message


def test_checkpoint_overdue_after_grace_is_error() -> None:
    [item] = found(lint_entries(entry(next_checkpoint=dt.date(2027, 2, 1))), "DT303")
    assert item.severity is Severity.ERROR


def test_silent_for_a_month_warns() -> None:
    [item] = found(lint_entries(entry(), as_of=dt.date(2027, 3, 28)), "DT304")
    assert item.severity is Severity.WARNING
    assert "36 days" in item.message


def test_silent_for_a_quarter_is_error() -> None:
    [item] = found(lint_entries(entry(), as_of=dt.date(2027, 6, 1)), "DT304")
    assert item.severity is Severity.ERROR


def test_silence_not_checked_without_history() -> None:
    report = lint_entries(entry(history=None, checkpoints=None))
    assert "DT304" in report.not_checked


def test_future_history_entry_is_inconsistent() -> None:
    history = [
        *entry()["history"],
        {"at": dt.date(2027, 4, 1), "actor": "dana", "kind": "note"},
    ]
    [item] = found(lint_entries(entry(history=history)), "DT305")
    assert "after 2027-03-01" in item.message


def test_future_measurement_is_inconsistent() -> None:
    values = series([88, 89], start=dt.date(2027, 2, 20), step=20)
    [item] = found(lint_entries(entry(), kpi_values=values), "DT305")
    assert "measurement is dated 2027-03-12" in item.message


def test_launch_before_creation_is_inconsistent() -> None:
    report = lint_entries(entry(created_on=dt.date(2027, 2, 1)))
    assert any("before creation" in item.message for item in found(report, "DT305"))


def test_deadline_before_launch_is_inconsistent() -> None:
    report = lint_entries(
        entry(target__deadline=dt.date(2027, 1, 1)), as_of=dt.date(2026, 12, 20)
    )
    assert any("before launch" in item.message for item in found(report, "DT305"))


def test_closing_after_deadline_is_consistent() -> None:
    closing = {
        "at": dt.date(2027, 10, 15),
        "actor": "dana",
        "kind": "closed",
        "changes": {"status": ["measuring", "closed"]},
        "reason": "measured after the deadline",
    }
    report = lint_entries(
        entry(history=[*GOOD["history"], closing]), as_of=dt.date(2027, 11, 1)
    )
    assert [item for item in found(report, "DT305") if "deadline" in item.message] == []


def test_deadline_before_creation_flagged() -> None:
    report = lint_entries(entry(created_on=dt.date(2027, 10, 1)))
    messages = [item.message for item in found(report, "DT305")]
    assert any("before the initiative was created on 2027-10-01" in m for m in messages)


def test_import_events_after_as_of_ignored() -> None:
    imported = {
        "at": dt.date(2027, 12, 1),
        "actor": "importer",
        "kind": "created",
        "changes": {},
    }
    report = lint_entries(entry(history=[*GOOD["history"], imported]))
    assert found(report, "DT305") == []


def test_typed_event_after_as_of_flagged() -> None:
    typed = {
        "at": dt.date(2027, 12, 1),
        "actor": "dana",
        "kind": "status",
        "changes": {"status": ["in-progress", "launched"]},
        "reason": "go-live",
    }
    report = lint_entries(entry(history=[*GOOD["history"], typed]))
    [item] = found(report, "DT305")
    assert "dated 2027-12-01" in item.message


def test_import_day_is_not_creation_day() -> None:
    imported = {
        "at": dt.date(2028, 1, 5),
        "actor": "importer",
        "kind": "created",
        "changes": {},
    }
    report = lint_entries(
        entry(created_on=None, history=[imported]), as_of=dt.date(2028, 2, 1)
    )
    assert [i for i in found(report, "DT305") if "created" in i.message] == []


def test_import_events_do_not_count_as_activity() -> None:
    reimported = {
        "at": dt.date(2027, 2, 28),
        "actor": "importer",
        "kind": "updated",
        "changes": {"notes": ["", "re-imported"]},
    }
    quiet = entry(
        history=[reimported],
        checkpoints=[{"on": dt.date(2026, 10, 1), "note": "kick-off held"}],
        launched_on=dt.date(2026, 10, 1),
        created_on=dt.date(2026, 9, 1),
        baseline={"value": 88, "as_of": dt.date(2026, 9, 30)},
    )
    [item] = found(lint_entries(quiet), "DT304")
    assert "last on 2026-10-01" in item.message
