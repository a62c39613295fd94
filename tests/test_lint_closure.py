"""Closure rules CL601-CL606."""

from __future__ import annotations

import datetime as dt
from typing import Any

from boardloop.domain.model import Severity
from test_lint_support import entry, found, lint_entries

LESSON = "Pairing each new SMB account with a named guide mattered more than content."


def closed(
    result: str, actual: float | None = 2.0, unit: str = "pp", **changes: Any
) -> dict[str, Any]:
    outcome: dict[str, Any] = {
        "result": result,
        "closed_on": dt.date(2027, 6, 1),
        "unit": unit,
    }
    if actual is not None:
        outcome["actual"] = actual
    history = [
        *entry()["history"],
        {
            "at": dt.date(2027, 6, 1),
            "actor": "dana",
            "kind": "status",
            "changes": {"status": ["measuring", "closed"]},
            "reason": "window ended",
        },
    ]
    fields: dict[str, Any] = {
        "status": "closed",
        "outcome": outcome,
        "lesson": LESSON,
        "history": history,
        "target__window_days": 90,
        "target__deadline": dt.date(2027, 5, 31),
        "next_checkpoint": None,
    }
    fields.update(changes)
    return entry(**fields)


AS_OF = dt.date(2027, 6, 10)


def lint_closed(*entries: dict[str, Any]) -> Any:
    return lint_entries(*entries, as_of=AS_OF)


def test_good_closure_passes() -> None:
    report = lint_closed(closed("achieved"))
    for rule_id in ("CL601", "CL602", "CL603", "CL604", "CL605"):
        assert found(report, rule_id) == [], rule_id


def test_achieved_without_actual() -> None:
    [item] = found(lint_closed(closed("achieved", actual=None)), "CL601")
    assert "no actual movement" in item.message


def test_actual_in_other_unit() -> None:
    [item] = found(lint_closed(closed("missed", actual=1.0, unit="%")), "CL601")
    assert "is in '%', but the target is in 'pp'" in item.message


def test_abandoned_needs_no_actual() -> None:
    assert found(lint_closed(closed("abandoned", actual=None)), "CL601") == []


def test_achieved_below_target_contradicts() -> None:
    [item] = found(lint_closed(closed("achieved", actual=1.2)), "CL602")
    assert "target +2pp, measured +1.2pp (0.8pp short, attainment 0.60)" in item.message


def test_missed_above_partial_floor_contradicts() -> None:
    assert len(found(lint_closed(closed("missed", actual=1.5)), "CL602")) == 1


def test_partial_at_full_attainment_contradicts() -> None:
    assert (
        len(found(lint_closed(closed("partially-achieved", actual=2.5)), "CL602")) == 1
    )


def test_partial_in_range_passes() -> None:
    assert found(lint_closed(closed("partially-achieved", actual=1.0)), "CL602") == []


def test_decrease_target_attainment_is_direction_aware() -> None:
    churn = closed(
        "achieved",
        actual=-1.0,
        target__kpi="customers.logo_churn_rate",
        target__kpi_label=None,
        target__direction="decrease",
        target__amount=1,
    )
    assert found(lint_closed(churn), "CL602") == []


def test_achieved_tolerance_is_a_setting() -> None:
    from boardloop.lint import LintSettings

    report = lint_entries(
        closed("achieved", actual=1.9),
        as_of=AS_OF,
        settings=LintSettings(achieved_tolerance=0.1),
    )
    assert found(report, "CL602") == []


def test_missing_lesson_is_error_for_missed() -> None:
    [item] = found(lint_closed(closed("missed", actual=0.2, lesson=None)), "CL603")
    assert item.severity is Severity.ERROR


def test_boilerplate_lesson_warns_for_achieved() -> None:
    [item] = found(lint_closed(closed("achieved", lesson="Went well")), "CL603")
    assert item.severity is Severity.WARNING
    assert "boilerplate" in item.message


def test_short_lesson_fails() -> None:
    [item] = found(
        lint_closed(closed("missed", actual=0.2, lesson="Too slow.")), "CL603"
    )
    assert "2 words; expected at least 8" in item.message


def test_abandoned_without_reason() -> None:
    item = closed("abandoned", actual=None)
    item["history"][-1]["reason"] = ""
    [finding] = found(lint_closed(item), "CL604")
    assert "no recorded reason" in finding.message


def test_abandoned_with_reason_passes() -> None:
    assert found(lint_closed(closed("abandoned", actual=None)), "CL604") == []


def test_abandoned_not_checked_without_history() -> None:
    report = lint_closed(closed("abandoned", actual=None, history=None))
    assert "CL604" in report.not_checked


def test_success_before_window_end() -> None:
    early = closed(
        "achieved", target__window_days=200, target__deadline=dt.date(2027, 12, 31)
    )
    [item] = found(lint_closed(early), "CL605")
    assert "before the measurement window ended on 2027-12-31" in item.message


def test_calibration_flags_sandbagging() -> None:
    entries = [
        closed("achieved", actual=2.5, id=f"c{n}", name=f"Program number {n} for SMB")
        for n in range(4)
    ]
    items = found(lint_closed(*entries), "CL606")
    assert len(items) == 2  # register-wide and for the one owner
    assert "too easy" in items[0].message


def test_calibration_flags_over_reach() -> None:
    entries = [
        closed("missed", actual=0.2, id=f"c{n}", name=f"Program number {n} for SMB")
        for n in range(4)
    ]
    assert "out of reach" in found(lint_closed(*entries), "CL606")[0].message


def test_calibration_balanced_passes() -> None:
    entries = [
        closed("achieved", actual=2.0, id="a", name="Program alpha for SMB"),
        closed("missed", actual=0.4, id="b", name="Program beta for SMB"),
        closed("partially-achieved", actual=1.2, id="c", name="Program gamma for SMB"),
        closed("missed", actual=0.0, id="d", name="Program delta for SMB"),
    ]
    assert found(lint_closed(*entries), "CL606") == []


def test_calibration_not_checked_with_few_closed() -> None:
    assert "CL606" in lint_closed(closed("achieved")).not_checked
