"""Board section builder: summary, initiative rows, changes and findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from boardloop.domain.model import (
    Direction,
    Event,
    Finding,
    Initiative,
    KpiValue,
    Outcome,
    OutcomeResult,
    Owner,
    Register,
    Severity,
    Status,
    Target,
    Unit,
)
from boardloop.evaluate import Evaluation, Verdict
from boardloop.report import BoardSection, build_board_section, render_markdown

AS_OF = dt.date(2027, 3, 31)
SINCE = dt.date(2027, 1, 1)


def phrase(target: Target) -> str:
    """Stand in for the target formatter with an easy-to-check phrase."""
    return f"canonical {target.text}"


def pp_target(amount: str = "5", direction: Direction = Direction.INCREASE) -> Target:
    return Target(
        text=f"{amount}pp GRR",
        kpi_id="customers.gross_revenue_retention",
        direction=direction,
        amount=Decimal(amount),
        unit=Unit.PP,
    )


def evaluation(initiative_id: str, verdict: Verdict, **numbers: Any) -> Evaluation:
    return Evaluation(
        initiative_id=initiative_id,
        kpi_id="customers.gross_revenue_retention",
        segment="all",
        verdict=verdict,
        explanation=f"{verdict} explanation",
        **numbers,
    )


def section(
    *initiatives: Initiative,
    evaluations: dict[str, Evaluation] | None = None,
    findings: list[Finding] | None = None,
    readiness: float = 78.0,
    since: dt.date | None = SINCE,
) -> BoardSection:
    register = Register(company="Tallyfern Ltd", initiatives=initiatives)
    return build_board_section(
        company=register.company,
        register=register,
        evaluations=evaluations or {},
        findings=findings or [],
        readiness_score=readiness,
        as_of=AS_OF,
        since=since,
        catalog_version="1.0.0",
        kpi_labels={"customers.gross_revenue_retention": "GRR"},
        format_target=phrase,
    )


def initiative(number: int, status: Status | None, **fields: Any) -> Initiative:
    fields.setdefault("owner", Owner("Dana Reyes", "CS"))
    fields.setdefault("target", pp_target())
    return Initiative(
        id=f"i{number}", name=f"Initiative {number}", status=status, **fields
    )


def closed(
    number: int, result: OutcomeResult | None, movement: str | None
) -> Initiative:
    outcome = Outcome(
        result=result,
        actual_movement=Decimal(movement) if movement is not None else None,
        lesson="Lesson learned about onboarding calls and their timing.",
        closed_on=dt.date(2027, 2, 1),
    )
    return initiative(number, Status.CLOSED, outcome=outcome)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T10:00:00")


# Summary line


def twelve_initiative_register() -> BoardSection:
    """Build the twelve-initiative register of the documented summary example."""
    active = [initiative(n, Status.IN_PROGRESS) for n in range(1, 9)]
    planned = [initiative(n, Status.PLANNED) for n in (9, 10)]
    done = [
        closed(11, OutcomeResult.ACHIEVED, "5"),
        closed(12, OutcomeResult.MISSED, "1"),
    ]
    verdicts = [Verdict.ON_TRACK] * 3 + [Verdict.BEHIND] * 2 + [Verdict.TOO_EARLY] * 3
    evaluations = {
        item.id: evaluation(item.id, verdict)
        for item, verdict in zip(active, verdicts, strict=True)
    }
    findings = [
        Finding("OW101", Severity.ERROR, "no owner", initiative_id="i1"),
        Finding("DT302", Severity.ERROR, "no checkpoint", initiative_id="i2"),
        Finding("DT303", Severity.WARNING, "stale", initiative_id="i3"),
        Finding("DT304", Severity.WARNING, "silent", initiative_id="i3"),
        Finding("RG704", Severity.WARNING, "too many"),
        Finding("MS507", Severity.INFO, "no guardrail", initiative_id="i4"),
    ]
    return section(*active, *planned, *done, evaluations=evaluations, findings=findings)


def test_summary_line_matches_example() -> None:
    assert twelve_initiative_register().summary.text == (
        "12 initiatives: 8 active, 2 planned, 2 closed (1 achieved, 1 missed). "
        "3 on track, 2 behind, 3 too early to judge. "
        "5 findings for the board (2 errors). 10 of 12 initiatives are "
        "board-ready (no error-level finding); 78/100 of the register's lint "
        "checks pass, warnings counting half."
    )


def test_summary_counts_raw() -> None:
    summary = twelve_initiative_register().summary
    assert (summary.total, summary.active, summary.planned) == (12, 8, 2)
    assert summary.closed_by_outcome.missed == 1
    assert summary.verdicts.too_early == 3
    assert summary.findings.info == 1
    assert summary.readiness_score == 78.0


def test_summary_no_findings_singular() -> None:
    text = section(initiative(1, Status.PLANNED)).summary.text
    assert text.startswith("1 initiative: 0 active, 1 planned, 0 closed.")
    assert "No findings for the board." in text


def test_summary_counts_unevaluated_and_unknown_status() -> None:
    text = section(
        initiative(1, Status.LAUNCHED),
        initiative(2, None, status_text="wip"),
    ).summary.text
    assert (
        "2 initiatives: 1 active, 0 planned, 0 closed, 1 with no readable status."
        in text
    )
    assert "1 not evaluated." in text


def test_readiness_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="readiness score 130"):
        section(initiative(1, Status.PLANNED), readiness=130)


def test_readiness_nan_raises() -> None:
    with pytest.raises(ValueError, match="readiness score nan"):
        section(initiative(1, Status.PLANNED), readiness=float("nan"))


def test_evaluation_for_unknown_initiative_raises() -> None:
    with pytest.raises(ValueError, match="not in the register: ghost"):
        section(
            initiative(1, Status.LAUNCHED),
            evaluations={"ghost": evaluation("ghost", Verdict.ON_TRACK)},
        )


def test_since_after_as_of_raises() -> None:
    with pytest.raises(ValueError, match="since date 2027-04-01 is after"):
        section(initiative(1, Status.PLANNED), since=dt.date(2027, 4, 1))


# Open initiatives


def test_open_order_active_then_planned() -> None:
    built = section(
        initiative(1, Status.PLANNED),
        initiative(2, None),
        initiative(3, Status.MEASURING),
        initiative(4, Status.IN_PROGRESS),
    )
    assert [i.id for i in built.open_initiatives] == ["i3", "i4", "i1", "i2"]


def test_open_row_display_values() -> None:
    row = section(
        initiative(1, Status.IN_PROGRESS, next_checkpoint=dt.date(2027, 4, 14)),
        evaluations={"i1": evaluation("i1", Verdict.BEHIND, movement=Decimal("1.25"))},
    ).open_initiatives[0]
    assert row.target.display == "canonical 5pp GRR"
    assert row.target.kpi_label == "GRR"
    assert row.owner.display == "Dana Reyes (CS)"
    assert row.status_label == "In progress"
    assert row.next_checkpoint_label == "14 Apr 2027"
    assert row.verdict_label == "Behind"
    assert row.verdict is not None
    assert row.verdict.explanation == "behind explanation"
    assert row.verdict.movement_label == "+1.25pp"


def test_open_row_unreadable_target_kept() -> None:
    target = Target(text="grow a lot", problems=("no number", "no KPI"))
    row = section(initiative(1, Status.PLANNED, target=target)).open_initiatives[0]
    assert row.target.display == "grow a lot (not readable: no number; no KPI)"
    assert row.target.canonical is None
    assert not row.target.readable


def test_open_row_missing_checkpoint_flagged() -> None:
    row = section(initiative(1, Status.LAUNCHED)).open_initiatives[0]
    assert row.next_checkpoint_label == "none"
    assert row.next_checkpoint_missing


def test_open_row_overdue_checkpoint_flagged() -> None:
    row = section(
        initiative(1, Status.LAUNCHED, next_checkpoint=dt.date(2027, 3, 1))
    ).open_initiatives[0]
    assert row.next_checkpoint_label == "1 Mar 2027 (overdue)"
    assert row.next_checkpoint_overdue


def test_open_row_owner_missing_flagged() -> None:
    row = section(
        initiative(1, Status.LAUNCHED, owner=Owner(None, "CS"))
    ).open_initiatives[0]
    assert row.owner.display == "no named owner (CS)"
    assert row.owner.missing


def test_open_row_unknown_status_text_shown() -> None:
    row = section(initiative(1, None, status_text="wip")).open_initiatives[0]
    assert row.status_label == "wip (not a known status)"


def test_progress_note_blank_is_none() -> None:
    row = section(initiative(1, Status.LAUNCHED, progress_note="  ")).open_initiatives[
        0
    ]
    assert row.progress_note is None


def test_relative_change_in_percent() -> None:
    row = section(
        initiative(1, Status.LAUNCHED),
        evaluations={
            "i1": evaluation("i1", Verdict.ON_TRACK, relative_change=Decimal("2.09"))
        },
    ).open_initiatives[0]
    assert row.verdict is not None
    assert row.verdict.relative_change_label == "+2.1%"


# Closed initiatives


def test_closed_miss_shown_like_win() -> None:
    built = section(
        closed(1, OutcomeResult.ACHIEVED, "6"),
        closed(2, OutcomeResult.MISSED, "3.1"),
    )
    win, miss = built.closed_initiatives
    assert win.movement_label == "+6pp against +5pp target: 120% attained"
    assert miss.movement_label == "+3.1pp against +5pp target: 62% attained"
    assert miss.outcome_label == "Missed"
    assert miss.attainment == Decimal("0.62")


def test_closed_decrease_target_attainment() -> None:
    item = initiative(
        1,
        Status.CLOSED,
        target=pp_target("2", Direction.DECREASE),
        outcome=Outcome(
            result=OutcomeResult.PARTIALLY_ACHIEVED, actual_movement=Decimal("-1")
        ),
    )
    row = section(item).closed_initiatives[0]
    assert row.target_amount == Decimal(-2)
    assert row.movement_label == "-1pp against -2pp target: 50% attained"


def test_closed_wrong_way_negative_attainment() -> None:
    row = section(closed(1, OutcomeResult.MISSED, "-1.5")).closed_initiatives[0]
    assert row.movement_label == "-1.5pp against +5pp target: -30% attained"


def test_closed_without_actual() -> None:
    row = section(closed(1, OutcomeResult.MISSED, None)).closed_initiatives[0]
    assert row.movement_label == "no actual movement recorded (+5pp target)"
    assert row.attainment is None


def test_closed_without_outcome() -> None:
    item = initiative(1, Status.CLOSED)
    built = section(item)
    row = built.closed_initiatives[0]
    assert row.outcome_label == "No outcome recorded"
    assert row.lesson == ""
    assert "1 closed (1 with no outcome recorded)" in built.summary.text


def test_closed_unit_mismatch_not_divided() -> None:
    item = initiative(
        1,
        Status.CLOSED,
        outcome=Outcome(
            result=OutcomeResult.MISSED,
            actual_movement=Decimal("3"),
            actual_unit=Unit.PERCENT,
        ),
    )
    row = section(item).closed_initiatives[0]
    assert row.attainment is None
    assert (
        row.movement_label
        == "+3% against +5pp target: units differ, attainment not computed"
    )


# What changed since


def changed_register() -> tuple[Initiative, ...]:
    new = initiative(
        1,
        Status.PLANNED,
        history=(Event(at("2027-01-20"), "dana", "created"),),
    )
    imported = initiative(2, Status.PLANNED, created_on=dt.date(2027, 2, 2))
    closing = initiative(
        3,
        Status.CLOSED,
        outcome=Outcome(result=OutcomeResult.MISSED, actual_movement=Decimal(1)),
        history=(
            Event(
                at("2027-03-01"), "dana", "status", {"status": ("measuring", "closed")}
            ),
        ),
    )
    moving = initiative(
        4,
        Status.LAUNCHED,
        history=(
            Event(
                at("2026-12-01"),
                "dana",
                "status",
                {"status": ("planned", "in-progress")},
            ),
            Event(
                at("2027-02-03"),
                "dana",
                "updated",
                {"status": ("in-progress", "launched")},
                "Rolled out to all regions",
            ),
            Event(
                at("2027-04-02"),
                "dana",
                "status",
                {"status": ("launched", "measuring")},
            ),
        ),
    )
    slipping = initiative(
        5,
        Status.MEASURING,
        history=(
            Event(
                at("2027-02-10"),
                "dana",
                "checkpoint",
                {"next_checkpoint": ("2027-03-01", "2027-04-12")},
                "Data late",
            ),
            Event(
                at("2027-02-11"),
                "dana",
                "checkpoint",
                {"next_checkpoint": ("2027-04-12", "2027-04-01")},
            ),
            Event(
                at("2027-03-15"),
                "dana",
                "checkpoint",
                {"next_checkpoint": ("2027-04-01", None)},
            ),
        ),
    )
    revised = initiative(
        6,
        Status.MEASURING,
        history=(
            Event(
                at("2027-03-05"),
                "dana",
                "target-revised",
                {"target": ("+5pp", "+3pp")},
                "Smaller cohort",
            ),
            Event(at("2027-03-06"), "dana", "target-revised", {"amount": (3, 2)}),
        ),
    )
    return (new, imported, closing, moving, slipping, revised)


def changes_by_kind() -> dict[str, list[str]]:
    built = section(*changed_register())
    assert built.changes is not None
    return {
        group.kind: [f"{item.initiative_name}: {item.text}" for item in group.items]
        for group in built.changes.groups
    }


def test_changes_new_initiatives() -> None:
    assert changes_by_kind()["new"] == [
        "Initiative 1: added on 20 Jan 2027",
        "Initiative 2: added on 2 Feb 2027",
    ]


def test_changes_closed() -> None:
    assert changes_by_kind()["closed"] == [
        "Initiative 3: closed on 1 Mar 2027 as missed",
    ]


def test_changes_status_inside_window_only() -> None:
    assert changes_by_kind()["status"] == [
        "Initiative 4: status moved from in progress to launched on 3 Feb 2027: "
        "Rolled out to all regions",
    ]


def test_changes_slipped_checkpoints() -> None:
    assert changes_by_kind()["checkpoint-slipped"] == [
        "Initiative 5: next checkpoint moved from 1 Mar 2027 to 12 Apr 2027 "
        "(42 days later) on 10 Feb 2027: Data late",
        "Initiative 5: next checkpoint 1 Apr 2027 removed on 15 Mar 2027 "
        "(no reason given)",
    ]


def test_changes_revised_targets() -> None:
    assert changes_by_kind()["target-revised"] == [
        "Initiative 6: target revised from “+5pp” to “+3pp” on 5 Mar 2027: "
        "Smaller cohort",
        "Initiative 6: target revised (amount) on 6 Mar 2027 (no reason given)",
    ]


def test_changes_group_order_and_total() -> None:
    built = section(*changed_register())
    assert built.changes is not None
    assert [g.kind for g in built.changes.groups] == [
        "new",
        "closed",
        "status",
        "checkpoint-slipped",
        "target-revised",
    ]
    assert built.changes.total == 8


def test_changes_absent_without_since() -> None:
    built = section(*changed_register(), since=None)
    assert built.changes is None
    assert "What changed" not in render_markdown(built)


def test_changes_empty_window_says_so() -> None:
    built = section(initiative(1, Status.PLANNED))
    assert built.changes is not None
    assert built.changes.groups == ()
    assert "No changes recorded in this period." in render_markdown(built)


# Findings


def test_findings_grouped_in_register_order() -> None:
    findings = [
        Finding("RG704", Severity.WARNING, "too many"),
        Finding("DT303", Severity.WARNING, "stale", initiative_id="i2"),
        Finding("OW101", Severity.ERROR, "no owner", initiative_id="i2"),
        Finding("TG201", Severity.ERROR, "no number", initiative_id="i1"),
        Finding("ST401", Severity.ERROR, "bad row", initiative_id="ghost"),
        Finding("MS507", Severity.INFO, "no guardrail", initiative_id="i1"),
    ]
    built = section(
        initiative(1, Status.LAUNCHED),
        initiative(2, Status.LAUNCHED),
        findings=findings,
    ).findings
    assert [g.title for g in built.groups] == [
        "Initiative 1",
        "Initiative 2",
        "ghost (not in the register)",
        "Whole register",
    ]
    assert [i.rule_id for i in built.groups[1].items] == ["OW101", "DT303"]
    assert built.counts.info == 1
    assert built.summary == (
        "5 findings for the board: 3 errors, 2 warnings. 1 info finding not listed."
    )


def test_findings_info_not_listed() -> None:
    findings = [Finding("MS507", Severity.INFO, "no guardrail", initiative_id="i1")]
    built = section(initiative(1, Status.LAUNCHED), findings=findings).findings
    assert built.groups == ()
    assert (
        built.summary
        == "No errors or warnings for the board. 1 info finding not listed."
    )


# Metadata


def test_metadata_fields() -> None:
    register = Register(
        company="Tallyfern Ltd", initiatives=(initiative(1, Status.PLANNED),)
    )
    built = build_board_section(
        company="Tallyfern Ltd",
        register=register,
        evaluations={},
        findings=[],
        readiness_score=100,
        as_of=AS_OF,
        since=None,
        catalog_version="2.3.1",
        kpi_labels={},
        format_target=phrase,
        calendar_label="FY27 Q1",
    )
    assert built.catalog_version == "2.3.1"
    assert built.fiscal_period == "FY27 Q1"
    assert built.as_of_label == "31 Mar 2027"
    assert built.generation.generator.startswith("boardloop ")
    assert built.generation.generated_at is None


def test_changes_old_initiative_imported_late_is_not_new() -> None:
    old = initiative(
        1,
        Status.LAUNCHED,
        created_on=dt.date(2026, 6, 1),
        history=(Event(at("2027-02-10"), "importer", "created"),),
    )
    built = section(old)
    kinds = [group.kind for group in built.changes.groups] if built.changes else []
    assert "new" not in kinds


def test_changes_closed_by_import_names_result_and_date() -> None:
    outcome = Outcome(
        result=OutcomeResult.MISSED,
        actual_movement=Decimal(3),
        closed_on=dt.date(2027, 2, 2),
    )
    event = Event(
        at("2027-02-10"),
        "importer",
        "updated",
        {
            "status": ("measuring", "closed"),
            "outcome": (None, {"result": "missed", "actual_movement": "3"}),
        },
    )
    built = section(initiative(1, Status.CLOSED, outcome=outcome, history=(event,)))
    assert built.changes is not None
    [item] = [i for g in built.changes.groups if g.kind == "closed" for i in g.items]
    assert item.text == "closed on 2 Feb 2027 as missed"


# Track record


def closed_on(
    number: int,
    result: OutcomeResult | None,
    movement: str | None,
    day: dt.date | None,
    **fields: Any,
) -> Initiative:
    outcome = Outcome(
        result=result,
        actual_movement=Decimal(movement) if movement is not None else None,
        closed_on=day,
    )
    return initiative(number, Status.CLOSED, outcome=outcome, **fields)


def track_record_section(*initiatives: Initiative) -> BoardSection:
    register = Register(company="Tallyfern Ltd", initiatives=initiatives)
    return build_board_section(
        company=register.company,
        register=register,
        evaluations={},
        findings=[],
        readiness_score=78.0,
        as_of=AS_OF,
        since=None,
        catalog_version="1.0.0",
        kpi_labels={},
        format_target=phrase,
        track_record=(dt.date(2026, 5, 1), "Q2 FY26 to Q1 FY27"),
    )


def test_track_record_counts_window_only() -> None:
    built = track_record_section(
        # +5pp targets: +5 is 100 %, +2 is 40 %, -1 is -20 %.
        closed_on(1, OutcomeResult.ACHIEVED, "5", dt.date(2026, 6, 1), program="A"),
        closed_on(2, OutcomeResult.PARTIALLY_ACHIEVED, "2", dt.date(2026, 9, 1)),
        closed_on(3, OutcomeResult.MISSED, "-1", dt.date(2027, 1, 15), program="A"),
        # Closed before the window, and with no closing date.
        closed_on(4, OutcomeResult.MISSED, "0", dt.date(2026, 4, 30)),
        closed_on(5, OutcomeResult.ABANDONED, None, None),
    )
    record = built.track_record
    assert record is not None
    total = record.total
    assert (total.closed, total.achieved, total.partially_achieved) == (3, 1, 1)
    assert (total.missed, total.abandoned, total.no_outcome) == (1, 0, 0)
    assert total.median_attainment == Decimal("0.4")
    assert total.median_attainment_label == "40%"
    assert record.undated == 1
    programs = {row.group: row for row in record.by_program}
    assert set(programs) == {"A", "no program named"}
    assert programs["A"].closed == 2
    # Median of 100 % and -20 %.
    assert programs["A"].median_attainment == Decimal("0.4")
    assert [row.group for row in record.by_owner] == ["Dana Reyes (CS)"]
    assert record.text == (
        "3 initiatives closed in Q2 FY26 to Q1 FY27: 1 achieved, 1 partially "
        "achieved, 1 missed. Median attainment 40%. 1 closed initiative has no "
        "closing date and is left out."
    )


def test_track_record_empty_window() -> None:
    built = track_record_section(initiative(1, Status.LAUNCHED))
    record = built.track_record
    assert record is not None
    assert record.total.closed == 0
    assert record.total.median_attainment is None
    assert record.text == "No initiative closed in Q2 FY26 to Q1 FY27."
    markdown = render_markdown(built)
    assert "### Track record, Q2 FY26 to Q1 FY27" in markdown
    assert "| Program |" not in markdown


def test_track_record_left_out_without_window() -> None:
    built = section(closed(1, OutcomeResult.ACHIEVED, "5"))
    assert built.track_record is None
    assert "Track record" not in render_markdown(built)


@pytest.mark.parametrize(
    ("start_month", "as_of", "first_day", "label"),
    [
        (2, dt.date(2026, 11, 16), dt.date(2026, 2, 1), "Q1 FY27 to Q4 FY27"),
        (1, dt.date(2027, 3, 31), dt.date(2026, 4, 1), "Q2 FY26 to Q1 FY27"),
        (1, dt.date(2027, 12, 1), dt.date(2027, 1, 1), "Q1 FY27 to Q4 FY27"),
    ],
)
def test_track_record_window_four_quarters(
    start_month: int, as_of: dt.date, first_day: dt.date, label: str
) -> None:
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.service import track_record_window

    calendar = FiscalCalendar(start_month=start_month)
    assert track_record_window(calendar, as_of) == (first_day, label)


# Charts


def chart_series(*values: str) -> list[KpiValue]:
    return [
        KpiValue(
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            period_end=dt.date(2027, month, 28),
            value=Decimal(value),
            low=Decimal(value) - 2,
            high=Decimal(value) + 2,
        )
        for month, value in enumerate(values, start=1)
    ]


@pytest.mark.parametrize(
    ("target", "level"),
    [
        (pp_target("5"), Decimal("93")),
        (pp_target("2", Direction.DECREASE), Decimal("86")),
        (Target(kpi_id="customers.gross_revenue_retention", level=Decimal("95")), 95),
    ],
)
def test_chart_target_level(target: Target, level: Decimal) -> None:
    from boardloop.report._chart import build_chart

    item = initiative(
        1, Status.LAUNCHED, target=target, launched_on=dt.date(2027, 1, 5)
    )
    chart = build_chart(
        item, chart_series("88", "89"), title="GRR", baseline=Decimal(88), lag_days=90
    )
    assert chart is not None
    assert chart.target_level == level
    assert chart.lag_until == dt.date(2027, 4, 5)
    assert [point.low for point in chart.points] == [86, 87]


def test_chart_needs_two_values() -> None:
    from boardloop.report._chart import build_chart

    item = initiative(1, Status.LAUNCHED)
    assert (
        build_chart(item, chart_series("88"), title="GRR", baseline=None, lag_days=None)
        is None
    )


def test_chart_drawn_in_html() -> None:
    from boardloop.report import render_html

    item = initiative(1, Status.LAUNCHED, launched_on=dt.date(2027, 1, 5))
    evaluated = dataclasses.replace(
        evaluation("i1", Verdict.TOO_EARLY),
        series=tuple(chart_series("88", "89", "91")),
        label="GRR",
        segment="SMB",
    )
    html = render_html(section(item, evaluations={"i1": evaluated}))
    assert '<svg class="chart"' in html
    assert 'aria-label="GRR, SMB"' in html
    assert "<caption>GRR, SMB</caption>" in html
    assert "<td>89</td><td>87 to 91</td>" in html


def test_chart_draws_control_series() -> None:
    from boardloop.report import render_html

    item = initiative(1, Status.LAUNCHED, launched_on=dt.date(2027, 1, 5))
    control = [
        dataclasses.replace(value, segment="Mid-market", value=value.value + 4)
        for value in chart_series("88", "88", "88")
    ]
    evaluated = dataclasses.replace(
        evaluation("i1", Verdict.TOO_EARLY),
        series=tuple(chart_series("88", "89", "91")),
        label="GRR",
        segment="SMB",
        control_segment="Mid-market",
        control_series=tuple(control),
    )
    built = section(item, evaluations={"i1": evaluated})
    chart = built.open_initiatives[0].chart
    assert chart is not None
    assert chart.control_title == "Mid-market"
    assert [point.value for point in chart.control_points] == [92, 92, 92]
    html = render_html(built)
    assert '<polyline class="control"' in html
    assert "<caption>Control: Mid-market</caption>" in html
    assert "grey dashed line: Mid-market (control)" in html


def charted_html(item: Initiative, series: list[KpiValue], **numbers: Any) -> str:
    from boardloop.report import render_html

    evaluated = dataclasses.replace(
        evaluation(item.id, Verdict.TOO_EARLY, **numbers),
        series=tuple(series),
        label="GRR",
        segment="SMB",
    )
    return render_html(section(item, evaluations={item.id: evaluated}))


def caption_of(html: str) -> str:
    start = html.index("<figcaption>")
    return html[start : html.index("</figcaption>", start)]


def drawn_marks(html: str) -> set[str]:
    """Return the classes of the chart's SVG elements, leaving out the series."""
    svg = html[html.index('<svg class="chart"') : html.index("</svg>")]
    classes = set(re.findall(r'<(?:line|rect|polygon|polyline) class="([a-z-]+)"', svg))
    return classes - {"series"}


def test_chart_caption_without_launch_or_level() -> None:
    target = dataclasses.replace(pp_target(), deadline=dt.date(2027, 6, 30))
    item = initiative(1, Status.IN_PROGRESS, target=target)
    html = charted_html(item, chart_series("88", "89", "91"))
    caption = caption_of(html)
    assert "Line: measured values; band: 95% interval" in caption
    assert "solid rule: deadline, 30 Jun 2027" in caption
    assert "dashed" not in caption
    assert "launch" not in caption
    assert "shaded" not in caption
    assert drawn_marks(html) == {"band", "deadline"}


def test_chart_caption_names_every_mark() -> None:
    target = dataclasses.replace(pp_target(), deadline=dt.date(2027, 6, 30))
    item = initiative(
        1, Status.LAUNCHED, target=target, launched_on=dt.date(2027, 1, 5)
    )
    html = charted_html(
        item, chart_series("88", "89", "91"), baseline=Decimal(88), lag_days=30
    )
    caption = caption_of(html)
    assert "dashed line: target level" in caption
    assert "solid rule: launch, 5 Jan 2027" in caption
    assert "shaded: lag after launch" in caption
    assert "dotted rule: end of lag, 4 Feb 2027" in caption
    assert "solid rule: deadline, 30 Jun 2027" in caption
    assert drawn_marks(html) == {
        "band",
        "target",
        "launch",
        "lag",
        "lag-end",
        "deadline",
    }


def test_chart_caption_lag_end_off_chart() -> None:
    item = initiative(1, Status.LAUNCHED, launched_on=dt.date(2027, 1, 5))
    values = [
        dataclasses.replace(value, low=None, high=None)
        for value in chart_series("88", "89")
    ]
    html = charted_html(item, values, lag_days=365)
    caption = caption_of(html)
    assert "shaded: lag after launch" in caption
    assert "end of lag" not in caption
    assert "band" not in caption
    assert drawn_marks(html) == {"launch", "lag"}


def test_chart_title_controls_shown() -> None:
    from boardloop.report import render_html

    item = initiative(1, Status.IN_PROGRESS)
    evaluated = dataclasses.replace(
        evaluation(item.id, Verdict.TOO_EARLY),
        series=tuple(chart_series("88", "89")),
        label="GRR",
        segment="Ent\u202eprise\x1b[31m",
    )
    html = render_html(section(item, evaluations={item.id: evaluated}))
    assert "\u202e" not in html
    assert "\x1b" not in html
    assert 'aria-label="GRR, Ent[U+202E]prise[U+001B][31m"' in html
    assert "<caption>GRR, Ent[U+202E]prise[U+001B][31m</caption>" in html


def test_chart_table_same_decimals() -> None:
    item = initiative(1, Status.IN_PROGRESS)
    values = chart_series("86", "86.94")
    values[1] = dataclasses.replace(
        values[1], low=Decimal("82.6"), high=Decimal("89.7")
    )
    html = charted_html(item, values)
    assert "<td>86.0</td><td>84.0 to 88.0</td>" in html
    assert "<td>86.9</td><td>82.6 to 89.7</td>" in html


def test_chart_table_whole_numbers_stay_whole() -> None:
    item = initiative(1, Status.IN_PROGRESS)
    html = charted_html(item, chart_series("88", "89.96"))
    assert "<td>88</td><td>86 to 90</td>" in html
    assert "<td>90</td><td>88 to 92</td>" in html
