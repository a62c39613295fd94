"""Status rules ST401-ST405."""

from __future__ import annotations

import datetime as dt

from test_lint_support import entry, found, lint_entries, lint_yaml, series


def test_good_status_passes() -> None:
    report = lint_entries(entry(), kpi_values=series([88, 88.6, 89.1]))
    for rule_id in ("ST401", "ST402", "ST403", "ST404", "ST405"):
        assert found(report, rule_id) == [], rule_id


def test_unknown_status_names_the_text() -> None:
    report = lint_yaml("- id: x\n  name: Success plan rollout\n  status: 🚧\n")
    [item] = found(report, "ST401")
    assert "'🚧'" in item.message
    assert item.location == "register.yaml:3"


def test_unreadable_value_from_reader() -> None:
    report = lint_entries(entry(invalid={"next_checkpoint": "31/02/2027"}))
    [item] = found(report, "ST401")
    assert "'31/02/2027' could not be read" in item.message


def test_duplicate_id_points_at_second_row() -> None:
    report = lint_entries(entry(), entry(name="Another program for SMB"))
    [item] = found(report, "ST401")
    assert "already used at register.yaml:1" in item.message


def test_short_name_is_invalid() -> None:
    assert len(found(lint_entries(entry(name="QB")), "ST401")) == 1


def test_closed_without_outcome() -> None:
    [item] = found(lint_entries(entry(status="closed")), "ST402")
    assert "no outcome" in item.message


def test_outcome_on_open_initiative() -> None:
    report = lint_entries(
        entry(outcome={"result": "achieved", "actual": 2, "unit": "pp"})
    )
    [item] = found(report, "ST402")
    assert "in-progress" in item.message


def test_planned_but_launched() -> None:
    [item] = found(lint_entries(entry(status="planned")), "ST403")
    assert "launched on 2027-01-15" in item.message


def test_planned_with_window_started() -> None:
    report = lint_entries(
        entry(
            status="planned",
            launched_on=None,
            target__deadline=dt.date(2027, 5, 31),
            target__window_days=120,
            baseline={"value": 88, "as_of": dt.date(2027, 1, 1)},
        ),
    )
    [item] = found(report, "ST403")
    assert "window started on 2027-01-31" in item.message


def test_planned_in_future_passes() -> None:
    report = lint_entries(entry(status="planned", launched_on=None, history=None))
    assert found(report, "ST403") == []


def test_measuring_without_values_warns() -> None:
    report = lint_entries(entry(status="measuring"), kpi_values=[])
    [item] = found(report, "ST404")
    assert "no measurement" in item.message


def test_measuring_with_stale_values_warns() -> None:
    values = series([88], start=dt.date(2027, 1, 20))
    [item] = found(lint_entries(entry(status="measuring"), kpi_values=values), "ST404")
    assert "40 days old" in item.message


def test_measuring_not_checked_without_values() -> None:
    assert "ST404" in lint_entries(entry(status="measuring")).not_checked


def test_backward_move_without_reason() -> None:
    history = [
        *entry()["history"],
        {
            "at": dt.date(2027, 2, 21),
            "actor": "dana",
            "kind": "status",
            "changes": {"status": ["launched", "in-progress"]},
        },
    ]
    [item] = found(lint_entries(entry(history=history)), "ST405")
    assert "moved back from launched to in-progress" in item.message


def test_jump_to_achieved_without_launch() -> None:
    history = [
        {
            "at": dt.date(2027, 2, 20),
            "actor": "dana",
            "kind": "status",
            "changes": {"status": ["planned", "closed"]},
            "reason": "done",
        }
    ]
    closed = entry(
        status="closed",
        launched_on=None,
        history=history,
        outcome={"result": "achieved", "actual": 2, "unit": "pp"},
    )
    [item] = found(lint_entries(closed), "ST405")
    assert "without ever being launched" in item.message


def test_transitions_not_checked_without_history() -> None:
    assert "ST405" in lint_entries(entry(history=None)).not_checked


def test_backward_move_with_reason_passes() -> None:
    history = [
        *entry()["history"],
        {
            "at": dt.date(2027, 2, 21),
            "actor": "dana",
            "kind": "status",
            "changes": {"status": ["launched", "in-progress"]},
            "reason": "rollback",
        },
    ]
    assert found(lint_entries(entry(history=history)), "ST405") == []
