"""Measurement: baselines, direction-aware progress and verdicts, computed by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.catalog import Catalog, load_catalog
from boardloop.domain.model import (
    Baseline,
    ControlInterval,
    Direction,
    Initiative,
    KpiValue,
    LevelBound,
    Outcome,
    OutcomeResult,
    Owner,
    Status,
    Target,
    Unit,
)
from boardloop.evaluate import Evaluation, Verdict, evaluate, evaluate_all, summarise

GRR = "customers.gross_revenue_retention"
LOGO_CHURN = "customers.logo_churn_rate"
LOGO_RETENTION = "customers.logo_retention_rate"
NPS = "customers.nps_score"
EXPANSION = "customers.expansion_revenue"

LAUNCH = dt.date(2025, 1, 1)
DEADLINE = dt.date(2025, 12, 31)  # 364 days after launch

# GRR for the SMB cohort, as a KPI value file would hold it.
GRR_SMB = """
kpi_id,segment,period_end,value,n
customers.gross_revenue_retention,SMB,2024-09-30,87.0,
customers.gross_revenue_retention,SMB,2024-12-31,88.0,
customers.gross_revenue_retention,SMB,2025-03-31,89.0,
customers.gross_revenue_retention,SMB,2025-06-30,91.2,
customers.gross_revenue_retention,Enterprise,2025-06-30,99.0,
customers.nps_score,SMB,2025-06-30,50,
"""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def values(table: str) -> list[KpiValue]:
    """Read a small KPI value table written the way the CSV files are.

    An optional sixth column is `window_days`, and a blank cell means no window.
    """
    rows = [line for line in table.strip().splitlines()[1:] if line.strip()]
    result = []
    for row in rows:
        kpi_id, segment, period_end, value, n, *window = row.split(",")
        window_days = window[0] if window else ""
        result.append(
            KpiValue(
                kpi_id=kpi_id,
                segment=segment,
                period_end=dt.date.fromisoformat(period_end),
                value=Decimal(value),
                n=int(n) if n else None,
                window_days=int(window_days) if window_days else None,
            )
        )
    return result


def initiative(target: Target, **fields: Any) -> Initiative:
    """Build an initiative launched on 1 Jan 2025 and being measured."""
    fields.setdefault("status", Status.MEASURING)
    fields.setdefault("launched_on", LAUNCH)
    return Initiative(
        id="onboarding-revamp",
        name="Onboarding revamp",
        owner=Owner("Dana Whitfield", "CS"),
        target=target,
        **fields,
    )


def grr_lift(amount: str = "5", **fields: Any) -> Target:
    """The target "+5pp lift in GRR for the SMB cohort by end of 2025"."""
    fields.setdefault("deadline", DEADLINE)
    fields.setdefault("segment", "SMB")
    return Target(
        text=f"+{amount}pp lift in GRR for SMB cohort by end of 2025",
        kpi_id=GRR,
        direction=Direction.INCREASE,
        amount=Decimal(amount),
        unit=Unit.PP,
        **fields,
    )


def run(
    catalog: Catalog, item: Initiative, table: str, as_of: dt.date, **kwargs: Any
) -> Evaluation:
    return evaluate(item, values(table), as_of=as_of, catalog=catalog, **kwargs)


# Change targets, one verdict each


def test_on_track(catalog: Catalog) -> None:
    result = run(catalog, initiative(grr_lift()), GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.ON_TRACK
    assert result.baseline == Decimal("88.0")
    assert result.baseline_on == dt.date(2024, 12, 31)
    assert result.baseline_source == "series at launch"
    assert result.current == Decimal("91.2")
    assert result.current_on == dt.date(2025, 6, 30)
    assert result.movement == Decimal("3.2")
    assert result.attainment == Decimal("0.64")
    # The reading is dated 2025-06-30: 180 of 364 days after launch.
    assert result.expected_attainment == Decimal(180) / Decimal(364)
    assert result.unit is Unit.PP
    assert result.explanation == (
        "GRR +3.2pp against +5.0pp target (1.8pp short), "
        "64% of the way at 49% of the time."
    )


def test_behind(catalog: Catalog) -> None:
    # 180 / 364 = 0.495 of the time; 3.2pp of a 7pp target is 0.457.
    result = run(catalog, initiative(grr_lift("7")), GRR_SMB, dt.date(2025, 7, 20))
    assert result.attainment == Decimal("3.2") / Decimal(7)
    assert result.verdict is Verdict.BEHIND
    result = run(catalog, initiative(grr_lift("8")), GRR_SMB, dt.date(2025, 7, 20))
    assert result.attainment == Decimal("0.4")
    assert result.verdict is Verdict.BEHIND
    assert "4.8pp short" in result.explanation
    assert "40% of the way at 49% of the time" in result.explanation


def test_pace_read_at_reading_date(catalog: Catalog) -> None:
    # No value after 2025-06-30: a later report reads the same pace.
    early = run(catalog, initiative(grr_lift("7")), GRR_SMB, dt.date(2025, 7, 5))
    late = run(catalog, initiative(grr_lift("7")), GRR_SMB, dt.date(2025, 9, 25))
    assert early.expected_attainment == late.expected_attainment
    assert early.verdict is late.verdict


def test_achieved_before_deadline_uncapped(catalog: Catalog) -> None:
    result = run(catalog, initiative(grr_lift("2.5")), GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.ACHIEVED
    assert result.attainment == Decimal("1.28")
    assert result.explanation == (
        "GRR +3.2pp against +2.5pp target (0.7pp beyond), 128% of the way."
    )


def test_wrong_way_movement_is_negative(catalog: Catalog) -> None:
    table = GRR_SMB + "customers.gross_revenue_retention,SMB,2025-07-15,86.5,\n"
    result = run(catalog, initiative(grr_lift()), table, dt.date(2025, 7, 20))
    assert result.movement == Decimal("-1.5")
    assert result.attainment == Decimal("-0.3")
    assert result.verdict is Verdict.BEHIND


def test_too_early_inside_lag(catalog: Catalog) -> None:
    # GRR's typical lag is 90 days: the first reading counts from 1 Apr 2025.
    result = run(catalog, initiative(grr_lift()), GRR_SMB, dt.date(2025, 3, 31))
    assert result.verdict is Verdict.TOO_EARLY
    assert result.lag_days == 90
    assert "2025-04-01" in result.explanation
    after = run(catalog, initiative(grr_lift()), GRR_SMB, dt.date(2025, 4, 1))
    assert after.verdict is not Verdict.TOO_EARLY


def test_lag_override(catalog: Catalog) -> None:
    as_of = dt.date(2025, 7, 20)
    result = run(catalog, initiative(grr_lift()), GRR_SMB, as_of, lag_days=365)
    assert result.verdict is Verdict.TOO_EARLY
    assert result.lag_days == 365


def test_not_launched_is_too_early(catalog: Catalog) -> None:
    item = initiative(grr_lift(), status=Status.PLANNED, launched_on=None)
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.TOO_EARLY
    assert "no launch date yet" in result.explanation


def test_closed_measured_at_deadline(catalog: Catalog) -> None:
    # The 95.0 after the deadline would be an achievement; it must not count.
    table = GRR_SMB + "customers.gross_revenue_retention,SMB,2025-09-30,95.0,\n"
    item = initiative(
        grr_lift(deadline=dt.date(2025, 6, 30)),
        status=Status.CLOSED,
        outcome=Outcome(result=OutcomeResult.MISSED, closed_on=dt.date(2025, 7, 5)),
    )
    result = run(catalog, item, table, dt.date(2025, 10, 15))
    assert result.verdict is Verdict.MISSED
    assert result.current == Decimal("91.2")
    assert result.current_on == dt.date(2025, 6, 30)
    assert result.attainment == Decimal("0.64")
    assert result.explanation.endswith("measured at 2025-06-30.")


def test_closed_achieved(catalog: Catalog) -> None:
    item = initiative(
        grr_lift("3", deadline=dt.date(2025, 6, 30)), status=Status.CLOSED
    )
    result = run(catalog, item, GRR_SMB, dt.date(2025, 10, 15))
    assert result.verdict is Verdict.ACHIEVED


def test_closed_inside_lag_still_judged(catalog: Catalog) -> None:
    item = initiative(grr_lift(deadline=dt.date(2025, 3, 31)), status=Status.CLOSED)
    result = run(catalog, item, GRR_SMB, dt.date(2025, 3, 31))
    assert result.verdict is Verdict.MISSED
    assert result.attainment == Decimal("0.2")


def test_open_past_deadline_missed(catalog: Catalog) -> None:
    table = GRR_SMB + "customers.gross_revenue_retention,SMB,2025-09-30,95.0,\n"
    item = initiative(grr_lift(deadline=dt.date(2025, 6, 30)))
    result = run(catalog, item, table, dt.date(2025, 10, 15))
    assert result.verdict is Verdict.MISSED
    assert result.current_on == dt.date(2025, 6, 30)


def test_values_after_as_of_ignored(catalog: Catalog) -> None:
    table = GRR_SMB + "customers.gross_revenue_retention,SMB,2025-07-31,99.0,\n"
    result = run(catalog, initiative(grr_lift()), table, dt.date(2025, 7, 20))
    assert result.current == Decimal("91.2")
    assert result.verdict is Verdict.ON_TRACK


# Baselines and data selection


def test_stated_baseline_wins(catalog: Catalog) -> None:
    stated = Baseline(Decimal("90.0"), dt.date(2024, 12, 31), "board pack Q4")
    item = initiative(grr_lift(), baseline=stated)
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.baseline == Decimal("90.0")
    assert result.baseline_source == "stated (board pack Q4)"
    assert result.movement == Decimal("1.2")
    assert result.attainment == Decimal("0.24")


def test_baseline_frozen_at_launch(catalog: Catalog) -> None:
    item = initiative(grr_lift(), launched_on=dt.date(2025, 4, 15))
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.baseline == Decimal("89.0")
    assert result.baseline_on == dt.date(2025, 3, 31)
    assert result.movement == Decimal("2.2")


def test_segment_matches_case_insensitively(catalog: Catalog) -> None:
    item = initiative(grr_lift(segment="smb"))
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.current == Decimal("91.2")
    assert result.segment == "smb"


def test_target_without_segment_uses_all(catalog: Catalog) -> None:
    table = GRR_SMB + (
        "customers.gross_revenue_retention,all,2024-12-31,90.0,\n"
        "customers.gross_revenue_retention,ALL,2025-06-30,90.5,\n"
    )
    target = Target(
        kpi_id=GRR,
        direction=Direction.INCREASE,
        amount=Decimal(2),
        unit=Unit.PP,
        deadline=DEADLINE,
    )
    result = run(catalog, initiative(target), table, dt.date(2025, 7, 20))
    assert result.segment == "all"
    assert result.movement == Decimal("0.5")


def test_value_kpi_alias_matches(catalog: Catalog) -> None:
    table = GRR_SMB.replace("customers.gross_revenue_retention", "GRR")
    result = run(catalog, initiative(grr_lift()), table, dt.date(2025, 7, 20))
    assert result.current == Decimal("91.2")


def test_target_kpi_alias_resolves(catalog: Catalog) -> None:
    target = grr_lift()
    target = Target(**{**_fields(target), "kpi_id": "GRR"})
    result = run(catalog, initiative(target), GRR_SMB, dt.date(2025, 7, 20))
    assert result.kpi_id == GRR
    assert result.verdict is Verdict.ON_TRACK


def _fields(target: Target) -> dict[str, Any]:
    return {name: getattr(target, name) for name in Target.__slots__}


# No data


def test_no_target_kpi(catalog: Catalog) -> None:
    result = run(catalog, initiative(Target(text="improve onboarding")), "h\n", LAUNCH)
    assert result.verdict is Verdict.NO_DATA
    assert "No target KPI" in result.explanation


def test_no_number(catalog: Catalog) -> None:
    target = Target(text="improve GRR", kpi_id=GRR, direction=Direction.INCREASE)
    result = run(catalog, initiative(target), GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert "no number" in result.explanation


def test_no_values_for_segment(catalog: Catalog) -> None:
    item = initiative(grr_lift(segment="Mid-market"))
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert "'Mid-market'" in result.explanation


def test_no_value_at_launch(catalog: Catalog) -> None:
    item = initiative(grr_lift(), launched_on=dt.date(2024, 6, 1))
    result = run(catalog, item, GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert "freeze a baseline" in result.explanation


# Measurement windows

# GRR for SMB with no stated window (as in GRR_SMB) and over 90 and 365 days.
GRR_WINDOWS = """
kpi_id,segment,period_end,value,n,window_days
customers.gross_revenue_retention,SMB,2024-12-31,88.0,,
customers.gross_revenue_retention,SMB,2025-06-30,91.2,,
customers.gross_revenue_retention,SMB,2024-12-31,85.0,,90
customers.gross_revenue_retention,SMB,2025-06-30,89.0,,90
customers.gross_revenue_retention,SMB,2024-12-31,92.0,,365
customers.gross_revenue_retention,SMB,2025-06-30,92.5,,365
"""

# The same series without the values that state no window.
GRR_WINDOWED = "\n".join(
    line for line in GRR_WINDOWS.splitlines() if not line.endswith(",,")
)


def only_window(table: str, window_days: int) -> str:
    """Keep the header and the rows of one window."""
    header, *rows = table.strip().splitlines()
    window_rows = [row for row in rows if row.endswith(f",{window_days}")]
    return "\n".join([header, *window_rows])


def windowed_lift(window_days: int | None) -> Target:
    """The target "+5pp lift in N-day GRR for the SMB cohort by end of 2025"."""
    return grr_lift(window_days=window_days)


def test_target_window_uses_its_values(catalog: Catalog) -> None:
    for window_days, movement in ((90, "4.0"), (365, "0.5")):
        item = initiative(windowed_lift(window_days))
        result = run(catalog, item, GRR_WINDOWS, dt.date(2025, 7, 20))
        assert result.window_days == window_days
        assert result.movement == Decimal(movement)
        assert result.verdict is not Verdict.NO_DATA


def test_target_window_falls_back_to_unwindowed(catalog: Catalog) -> None:
    item = initiative(windowed_lift(180))
    result = run(catalog, item, GRR_WINDOWS, dt.date(2025, 7, 20))
    assert result.window_days is None
    assert result.baseline == Decimal("88.0")
    assert result.current == Decimal("91.2")
    assert result.verdict is Verdict.ON_TRACK


def test_target_window_missing_names_windows(catalog: Catalog) -> None:
    item = initiative(windowed_lift(180))
    result = run(catalog, item, GRR_WINDOWED, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert result.current is None
    assert result.explanation == (
        "No 180-day GRR value for segment 'SMB'. The values have windows of 90 "
        "and 365 days. Add 180-day values, or state one of those windows in the "
        "target."
    )


def test_unwindowed_target_prefers_unwindowed(catalog: Catalog) -> None:
    item = initiative(windowed_lift(None))
    result = run(catalog, item, GRR_WINDOWS, dt.date(2025, 7, 20))
    assert result.window_days is None
    assert result.movement == Decimal("3.2")
    assert result.verdict is Verdict.ON_TRACK


def test_unwindowed_target_uses_only_window(catalog: Catalog) -> None:
    item = initiative(windowed_lift(None))
    result = run(catalog, item, only_window(GRR_WINDOWS, 90), dt.date(2025, 7, 20))
    assert result.window_days == 90
    assert result.baseline == Decimal("85.0")
    assert result.current == Decimal("89.0")
    assert result.movement == Decimal("4.0")


def test_unwindowed_target_several_windows_no_data(catalog: Catalog) -> None:
    item = initiative(windowed_lift(None))
    result = run(catalog, item, GRR_WINDOWED, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert result.window_days is None
    assert result.movement is None
    assert result.explanation == (
        "GRR values for segment 'SMB' have windows of 90 and 365 days, but the "
        "target states none. State the window in the target, such as "
        "'90-day GRR'."
    )


def test_several_windows_still_too_early(catalog: Catalog) -> None:
    item = initiative(windowed_lift(None))
    result = run(catalog, item, GRR_WINDOWED, dt.date(2025, 3, 1))
    assert result.verdict is Verdict.TOO_EARLY


def test_windows_after_as_of_ignored(catalog: Catalog) -> None:
    # The 365-day values start after the as-of date, so 90 days is the only
    # window a target without one can be read in.
    table = only_window(GRR_WINDOWS, 90) + (
        "\ncustomers.gross_revenue_retention,SMB,2025-09-30,93.0,,365\n"
    )
    item = initiative(windowed_lift(None))
    result = run(catalog, item, table, dt.date(2025, 7, 20))
    assert result.window_days == 90
    assert result.current == Decimal("89.0")
    later = run(catalog, item, table, dt.date(2025, 10, 15))
    assert later.verdict is Verdict.NO_DATA
    assert "windows of 90 and 365 days" in later.explanation


def test_evaluate_all_picks_windows_like_evaluate(catalog: Catalog) -> None:
    initiatives = [
        Initiative(
            id=f"grr-{window}",
            name="GRR",
            target=windowed_lift(window),
            status=Status.MEASURING,
            launched_on=LAUNCH,
        )
        for window in (None, 30, 90, 365)
    ]
    as_of = dt.date(2025, 7, 20)
    for table in (GRR_WINDOWS, GRR_WINDOWED, only_window(GRR_WINDOWS, 365)):
        value_list = values(table)
        one_by_one = tuple(
            evaluate(item, value_list, as_of=as_of, catalog=catalog)
            for item in initiatives
        )
        assert evaluate_all(initiatives, value_list, as_of=as_of, catalog=catalog) == (
            one_by_one
        )


# Decrease targets on lower-is-better KPIs

CHURN = """
kpi_id,segment,period_end,value,n
customers.logo_churn_rate,all,2024-12-31,6.0,
customers.logo_churn_rate,all,2025-06-30,4.8,
"""


def churn_cut(**fields: Any) -> Target:
    """The target "reduce logo churn by 2pp by end of 2025"."""
    return Target(
        text="reduce logo churn by 2pp by end of 2025",
        kpi_id=LOGO_CHURN,
        direction=Direction.DECREASE,
        amount=Decimal(2),
        unit=Unit.PP,
        deadline=DEADLINE,
        **fields,
    )


def test_decrease_counts_fall_as_progress(catalog: Catalog) -> None:
    result = run(catalog, initiative(churn_cut()), CHURN, dt.date(2025, 7, 20))
    assert result.movement == Decimal("-1.2")
    assert result.attainment == Decimal("0.6")
    assert result.verdict is Verdict.ON_TRACK
    assert result.explanation.startswith(
        "Logo churn -1.2pp against -2.0pp target (0.8pp short), 60% of the way"
    )


def test_decrease_direction_from_polarity(catalog: Catalog) -> None:
    target = Target(**{**_fields(churn_cut()), "direction": None})
    result = run(catalog, initiative(target), CHURN, dt.date(2025, 7, 20))
    assert result.attainment == Decimal("0.6")


def test_relative_decrease(catalog: Catalog) -> None:
    target = Target(
        **{**_fields(churn_cut()), "amount": Decimal(25), "unit": Unit.PERCENT}
    )
    result = run(catalog, initiative(target), CHURN, dt.date(2025, 7, 20))
    # (4.8 - 6.0) / 6.0 = -20 %, against a 25 % cut.
    assert result.movement == Decimal(-20)
    assert result.relative_change == Decimal(-20)
    assert result.attainment == Decimal("0.8")
    assert "-20.0% against -25.0% target" in result.explanation


# Baseline 0

EXPANSION_ZERO = """
kpi_id,segment,period_end,value,n
customers.expansion_revenue,all,2024-12-31,0,
customers.expansion_revenue,all,2025-06-30,30000,
"""


def test_baseline_zero_percent_target_is_no_data(catalog: Catalog) -> None:
    target = Target(
        kpi_id=EXPANSION,
        direction=Direction.INCREASE,
        amount=Decimal(20),
        unit=Unit.PERCENT,
        deadline=DEADLINE,
    )
    result = run(catalog, initiative(target), EXPANSION_ZERO, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.NO_DATA
    assert result.relative_change is None
    assert result.movement is None
    assert "n/a" in result.explanation
    assert "Infinity" not in result.explanation


def test_baseline_zero_absolute_target(catalog: Catalog) -> None:
    target = Target(
        kpi_id=EXPANSION,
        direction=Direction.INCREASE,
        amount=Decimal(50000),
        unit=Unit.CURRENCY,
        currency="USD",
        deadline=DEADLINE,
    )
    result = run(catalog, initiative(target), EXPANSION_ZERO, dt.date(2025, 7, 20))
    assert result.movement == Decimal(30000)
    assert result.relative_change is None
    assert result.attainment == Decimal("0.6")
    assert result.verdict is Verdict.ON_TRACK
    assert result.explanation.startswith(
        "Expansion +30,000 USD against +50,000 USD target (20,000 USD short)"
    )


# Level targets

NPS_SERIES = """
kpi_id,segment,period_end,value,n
customers.nps_score,all,2024-12-31,38,
customers.nps_score,all,2025-06-30,41.5,
"""


def nps_level(level: str, **fields: Any) -> Target:
    """The target "NPS 45+ by end of 2025"."""
    fields.setdefault("level_bound", LevelBound.AT_LEAST)
    return Target(
        text=f"NPS {level}+ by end of 2025",
        kpi_id=NPS,
        level=Decimal(level),
        deadline=DEADLINE,
        **fields,
    )


def test_level_not_yet_met(catalog: Catalog) -> None:
    # Lag for NPS is 60 days; 3.5 of the 8 points from 38 to 46.
    result = run(catalog, initiative(nps_level("46")), NPS_SERIES, dt.date(2025, 7, 20))
    assert result.attainment == Decimal("0.4375")
    assert result.movement == Decimal("3.5")
    assert result.verdict is Verdict.BEHIND
    assert result.explanation == (
        "NPS 41.5 against a level of 46.0 or more (4.5 pts short), "
        "44% of the way from 38.0 at 49% of the time."
    )


def test_level_met(catalog: Catalog) -> None:
    result = run(catalog, initiative(nps_level("40")), NPS_SERIES, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.ACHIEVED
    assert "(level met)" in result.explanation


def test_level_at_most_on_churn(catalog: Catalog) -> None:
    # "logo churn 4% or less" from 6.0, now 4.8: 1.2 of the 2.0 points.
    target = Target(kpi_id=LOGO_CHURN, level=Decimal(4), deadline=DEADLINE)
    result = run(catalog, initiative(target), CHURN, dt.date(2025, 7, 20))
    assert result.attainment == Decimal("0.6")
    assert result.verdict is Verdict.ON_TRACK
    assert "4.8% against a level of 4.0% or less (0.8pp short)" in result.explanation


def test_level_closed_missed(catalog: Catalog) -> None:
    item = initiative(nps_level("45"), status=Status.CLOSED)
    result = run(catalog, item, NPS_SERIES, dt.date(2026, 1, 31))
    assert result.verdict is Verdict.MISSED


def test_level_start_level_is_baseline(catalog: Catalog) -> None:
    target = nps_level("45", start_level=Decimal(31))
    result = run(catalog, initiative(target), NPS_SERIES, dt.date(2025, 7, 20))
    assert result.baseline == Decimal(31)
    assert result.baseline_source == "target start level"
    assert result.attainment == Decimal("0.75")
    assert result.verdict is Verdict.ON_TRACK


# Hold targets

HOLD_SERIES = """
kpi_id,segment,period_end,value,n
customers.gross_revenue_retention,all,2024-12-31,92.0,
customers.gross_revenue_retention,all,2025-06-30,{current},
"""


def grr_hold() -> Target:
    """The target "hold GRR within 1pp through 2025"."""
    return Target(
        kpi_id=GRR,
        direction=Direction.HOLD,
        amount=Decimal(1),
        unit=Unit.PP,
        deadline=DEADLINE,
    )


def test_hold_inside_band(catalog: Catalog) -> None:
    table = HOLD_SERIES.format(current="92.6")
    result = run(catalog, initiative(grr_hold()), table, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.ACHIEVED
    assert result.attainment is None
    assert result.explanation == "GRR +0.6pp from baseline, inside the ±1.0pp band."


def test_hold_outside_band(catalog: Catalog) -> None:
    table = HOLD_SERIES.format(current="90.5")
    result = run(catalog, initiative(grr_hold()), table, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.BEHIND
    assert "outside the ±1.0pp band by 0.5pp" in result.explanation
    closed = initiative(grr_hold(), status=Status.CLOSED)
    assert run(catalog, closed, table, dt.date(2026, 1, 31)).verdict is Verdict.MISSED


# Noise

RETENTION = """
kpi_id,segment,period_end,value,n
customers.logo_retention_rate,all,2024-12-31,90.0,200
customers.logo_retention_rate,all,2025-06-30,91.0,200
"""


def retention_lift(amount: str) -> Target:
    return Target(
        kpi_id=LOGO_RETENTION,
        direction=Direction.INCREASE,
        amount=Decimal(amount),
        unit=Unit.PP,
        deadline=DEADLINE,
    )


def test_movement_inside_noise_inconclusive(catalog: Catalog) -> None:
    # 1.96 * sqrt(0.9 * 0.1 / 200 + 0.91 * 0.09 / 200) * 100 = 5.75pp.
    result = run(
        catalog, initiative(retention_lift("3")), RETENTION, dt.date(2025, 7, 20)
    )
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.margin is not None
    assert result.margin == pytest.approx(Decimal("5.746"), abs=Decimal("0.001"))
    assert result.n == 200
    assert "inside the noise of ±5.7pp (n=200)" in result.explanation


def test_target_reached_inside_noise_inconclusive(catalog: Catalog) -> None:
    # +1pp reached at the point estimate, inside the 5.75pp margin.
    target = retention_lift("1")
    result = run(catalog, initiative(target), RETENTION, dt.date(2025, 7, 20))
    assert result.attainment == 1
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "inside the noise of ±5.7pp" in result.explanation
    closed = initiative(target, status=Status.CLOSED)
    final = run(catalog, closed, RETENTION, dt.date(2026, 1, 31))
    assert final.verdict is Verdict.ACHIEVED


def test_no_sample_size_no_noise_check(catalog: Catalog) -> None:
    table = RETENTION.replace(",200", ",")
    result = run(catalog, initiative(retention_lift("3")), table, dt.date(2025, 7, 20))
    assert result.margin is None
    assert result.verdict is Verdict.BEHIND


def test_revenue_rates_get_no_binomial_margin(catalog: Catalog) -> None:
    table = GRR_SMB.replace(",\n", ",5000\n")
    result = run(catalog, initiative(grr_lift()), table, dt.date(2025, 7, 20))
    assert result.margin is None
    assert result.verdict is Verdict.ON_TRACK


def with_intervals(table: str, half_width: Decimal) -> list[KpiValue]:
    """The table's values, each with a 95 % interval of the given half-width."""
    return [
        dataclasses.replace(
            value, low=value.value - half_width, high=value.value + half_width
        )
        for value in values(table)
    ]


def test_revenue_rate_interval_gives_margin(catalog: Catalog) -> None:
    # GRR moves from 88.0 to 91.2, +3.2pp. With half-widths of 2.5 at both
    # ends the change's margin is sqrt(2.5^2 + 2.5^2) = 3.54pp.
    result = evaluate(
        initiative(grr_lift()),
        with_intervals(GRR_SMB, Decimal("2.5")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.margin == pytest.approx(Decimal("3.536"), abs=Decimal("0.001"))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "inside the noise of ±3.5pp" in result.explanation


def test_stated_baseline_takes_series_interval(catalog: Catalog) -> None:
    # The stated baseline 88.0 on 2024-12-31 has the series value's interval
    # there (half-width 2.0), the current value half-width 1.0: the margin is
    # sqrt(2^2 + 1^2) = 2.24pp, not sqrt(2) x 1.0.
    table = values(GRR_SMB)
    widths = {dt.date(2024, 12, 31): Decimal(2)}
    table = [
        dataclasses.replace(
            value,
            low=value.value - widths.get(value.period_end, Decimal(1)),
            high=value.value + widths.get(value.period_end, Decimal(1)),
        )
        for value in table
    ]
    stated = initiative(
        grr_lift(), baseline=Baseline(Decimal("88.0"), dt.date(2024, 12, 31))
    )
    result = evaluate(stated, table, as_of=dt.date(2025, 7, 20), catalog=catalog)
    assert result.margin == pytest.approx(Decimal("2.236"), abs=Decimal("0.001"))


def test_narrow_interval_keeps_verdict(catalog: Catalog) -> None:
    # Half-widths of 1.0 give a margin of 1.41pp, below the +3.2pp movement.
    result = evaluate(
        initiative(grr_lift()),
        with_intervals(GRR_SMB, Decimal("1.0")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.margin == pytest.approx(Decimal("1.414"), abs=Decimal("0.001"))
    assert result.verdict is Verdict.ON_TRACK
    assert result.explanation.endswith("the data can detect about 1.4pp.")


def test_shortfall_inside_noise_on_track(catalog: Catalog) -> None:
    # +7pp by year end: the path is at +3.46pp on 2025-06-30 (180 of 364
    # days), the movement +3.2pp, 0.26pp short, inside the 1.41pp margin.
    result = evaluate(
        initiative(grr_lift("7")),
        with_intervals(GRR_SMB, Decimal("1.0")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.verdict is Verdict.ON_TRACK
    assert "a shortfall from the expected pace inside the noise" in (result.explanation)


def test_shortfall_beyond_noise_behind(catalog: Catalog) -> None:
    # +10pp by year end: the path is at +4.95pp, 1.75pp above the movement,
    # beyond the 1.41pp margin.
    result = evaluate(
        initiative(grr_lift("10")),
        with_intervals(GRR_SMB, Decimal("1.0")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.verdict is Verdict.BEHIND
    assert "inside the noise" not in result.explanation


def test_level_shortfall_inside_noise_on_track(catalog: Catalog) -> None:
    # GRR 95%+ from 88.0: the path is at 88 + 0.4945 x 7 = 91.46 on
    # 2025-06-30, 0.26pp above 91.2, inside the 1.41pp margin.
    target = Target(
        kpi_id=GRR,
        level=Decimal(95),
        level_bound=LevelBound.AT_LEAST,
        segment="SMB",
        deadline=DEADLINE,
    )
    result = evaluate(
        initiative(target),
        with_intervals(GRR_SMB, Decimal("1.0")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.verdict is Verdict.ON_TRACK
    wider = dataclasses.replace(target, level=Decimal(98))
    result = evaluate(
        initiative(wider),
        with_intervals(GRR_SMB, Decimal("1.0")),
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
    )
    assert result.verdict is Verdict.BEHIND


def test_no_deadline_inconclusive(catalog: Catalog) -> None:
    target = Target(**{**_fields(grr_lift()), "deadline": None})
    result = run(catalog, initiative(target), GRR_SMB, dt.date(2025, 7, 20))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.expected_attainment is None
    assert "no deadline" in result.explanation


# Summary


def test_summarise_counts_every_verdict(catalog: Catalog) -> None:
    results = [
        run(catalog, initiative(grr_lift()), GRR_SMB, dt.date(2025, 7, 20)),
        run(catalog, initiative(grr_lift("8")), GRR_SMB, dt.date(2025, 7, 20)),
        run(catalog, initiative(grr_lift()), GRR_SMB, dt.date(2025, 2, 1)),
    ]
    counts = summarise(results)
    assert list(counts) == list(Verdict)
    assert counts[Verdict.ON_TRACK] == 1
    assert counts[Verdict.BEHIND] == 1
    assert counts[Verdict.TOO_EARLY] == 1
    assert counts[Verdict.MISSED] == 0


# Properties

rates = st.decimals(min_value=0, max_value=100, places=1)
amounts = st.decimals(min_value=Decimal("0.1"), max_value=50, places=1)


@given(baseline=rates, current=rates, amount=amounts)
def test_decrease_mirrors_increase(
    catalog: Catalog, baseline: Decimal, current: Decimal, amount: Decimal
) -> None:
    table = (
        "kpi_id,segment,period_end,value,n\n"
        f"{GRR},all,2024-12-31,{baseline},\n{GRR},all,2025-06-30,{current},\n"
        f"{LOGO_CHURN},all,2024-12-31,{baseline},\n"
        f"{LOGO_CHURN},all,2025-06-30,{current},\n"
    )
    up = Target(
        kpi_id=GRR,
        direction=Direction.INCREASE,
        amount=amount,
        unit=Unit.PP,
        deadline=DEADLINE,
    )
    down = Target(
        kpi_id=LOGO_CHURN,
        direction=Direction.DECREASE,
        amount=amount,
        unit=Unit.PP,
        deadline=DEADLINE,
    )
    as_of = dt.date(2025, 7, 20)
    rise = run(catalog, initiative(up), table, as_of)
    fall = run(catalog, initiative(down), table, as_of)
    assert rise.attainment is not None
    assert fall.attainment is not None
    assert rise.attainment == -fall.attainment
    assert rise.attainment == (current - baseline) / amount


@given(
    baseline=st.decimals(min_value=-100, max_value=1000, places=2),
    current=st.decimals(min_value=-100, max_value=1000, places=2),
    unit=st.sampled_from(list(Unit)),
)
def test_never_infinite(
    catalog: Catalog, baseline: Decimal, current: Decimal, unit: Unit
) -> None:
    target = Target(
        kpi_id=NPS,
        direction=Direction.INCREASE,
        amount=Decimal(5),
        unit=unit,
        deadline=DEADLINE,
    )
    table = (
        "kpi_id,segment,period_end,value,n\n"
        f"{NPS},all,2024-12-31,{baseline},\n{NPS},all,2025-06-30,{current},\n"
    )
    result = run(catalog, initiative(target), table, dt.date(2025, 7, 20))
    for number in (result.movement, result.relative_change, result.attainment):
        assert number is None or number.is_finite()
    assert (result.relative_change is None) == (baseline == 0)
    assert "Infinity" not in result.explanation
    assert "NaN" not in result.explanation
    assert result.explanation.endswith(".")


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        ("-0.001", "0%"),
        ("-0.004", "0%"),
        ("0.005", "1%"),
        ("0.64", "64%"),
        ("-0.3", "-30%"),
    ],
)
def test_share_never_prints_negative_zero(fraction: str, text: str) -> None:
    from boardloop.evaluate._wording import share

    assert share(Decimal(fraction)) == text


def test_final_reading_names_last_value_date() -> None:
    from boardloop.evaluate._judge import _final_reading

    deadline = dt.date(2026, 10, 31)
    assert _final_reading(dt.date(2026, 6, 30), deadline) == (
        "last value 2026-06-30, for the deadline 2026-10-31"
    )
    assert _final_reading(deadline, deadline) == "measured at 2026-10-31"


# Control segment


def segment_series(
    segment: str, values: list[str], half_width: str = "0.5"
) -> list[KpiValue]:
    """Monthly GRR values ending each month from 2024-10 on, with intervals."""
    width = Decimal(half_width)
    ends = [
        dt.date(2024, 10, 31), dt.date(2024, 11, 30), dt.date(2024, 12, 31),
        dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31),
        dt.date(2025, 4, 30), dt.date(2025, 5, 31), dt.date(2025, 6, 30),
    ]  # fmt: skip
    return [
        KpiValue(
            kpi_id=GRR,
            segment=segment,
            period_end=end,
            value=Decimal(value),
            low=Decimal(value) - width,
            high=Decimal(value) + width,
        )
        for end, value in zip(ends, values, strict=False)
    ]


def with_control(control: str | None = "Mid-market") -> Initiative:
    return dataclasses.replace(initiative(grr_lift()), control_segment=control)


def test_control_difference_in_differences(catalog: Catalog) -> None:
    # Launch 2025-01-01. SMB: 88 flat, then 90 by June (+2pp). Mid-market: 92
    # flat, then 92.5 (+0.5pp). The estimate is 2 - 0.5 = 1.5pp, with a
    # margin of sqrt(4 x 0.5^2) = 1.0pp; both were flat before launch.
    values = segment_series(
        "SMB", ["88"] * 3 + ["88.5", "89", "89.5", "90", "90", "90"]
    )
    values += segment_series("Mid-market", ["92"] * 3 + ["92.5"] * 6)
    result = evaluate(
        with_control(), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_segment == "Mid-market"
    assert result.control_estimate == Decimal("1.5")
    assert result.control_margin == Decimal(1)
    assert result.control_parallel is True
    assert (
        "Against Mid-market (control), the difference in differences is +1.5pp "
        "±1.0pp (from the four values' intervals); the trends before launch were "
        "parallel." in result.explanation
    )


def resampled(before_end: dt.date, window_days: int | None = None) -> ControlInterval:
    return ControlInterval(
        kpi_id=GRR,
        segment="SMB",
        control="mid-market",
        window_days=window_days,
        before_end=before_end,
        after_end=dt.date(2025, 6, 30),
        low=Decimal("0.2"),
        high=Decimal("2.6"),
        n_treated=410,
        n_control=380,
        resamples=1000,
    )


def test_control_interval_from_resampling(catalog: Catalog) -> None:
    values = segment_series(
        "SMB", ["88"] * 3 + ["88.5", "89", "89.5", "90", "90", "90"]
    )
    values += segment_series("Mid-market", ["92"] * 3 + ["92.5"] * 6)
    result = evaluate(
        with_control(),
        values,
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
        control_intervals=[resampled(dt.date(2024, 12, 31))],
    )
    assert result.control_estimate == Decimal("1.5")
    assert (result.control_low, result.control_high) == (Decimal("0.2"), Decimal("2.6"))
    assert result.control_margin == Decimal("1.2")
    assert (
        "is +1.5pp (95 % interval +0.2pp to +2.6pp, from 410 SMB and 380 "
        "Mid-market customers of either period's cohort, resampled together)"
        in result.explanation
    )


def test_control_interval_for_other_dates_unused(catalog: Catalog) -> None:
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    values += segment_series("Mid-market", ["92"] * 9)
    intervals = [
        resampled(dt.date(2024, 11, 30)),
        resampled(dt.date(2024, 12, 31), window_days=90),
    ]
    result = evaluate(
        with_control(),
        values,
        as_of=dt.date(2025, 7, 20),
        catalog=catalog,
        control_intervals=intervals,
    )
    assert result.control_low is None
    assert result.control_margin == Decimal(1)
    assert "from the four values' intervals" in result.explanation


def test_control_interval_including_zero_said(catalog: Catalog) -> None:
    # SMB +2pp, Mid-market +1.5pp: the estimate +0.5pp is inside its 1.0pp margin.
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    values += segment_series("Mid-market", ["92"] * 3 + ["93.5"] * 6)
    result = evaluate(
        with_control(), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_estimate == Decimal("0.5")
    assert "an interval that includes 0" in result.explanation


def test_control_equal_to_segment_refused(catalog: Catalog) -> None:
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    result = evaluate(
        with_control(" smb "), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_estimate is None
    assert "is the initiative's own segment" in result.explanation


def test_control_without_intervals_says_no_margin(catalog: Catalog) -> None:
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    values += segment_series("Mid-market", ["92"] * 3 + ["92.5"] * 6)
    bare = [dataclasses.replace(value, low=None, high=None) for value in values]
    result = evaluate(with_control(), bare, as_of=dt.date(2025, 7, 20), catalog=catalog)
    assert result.control_estimate == Decimal("1.5")
    assert result.control_margin is None
    assert "+1.5pp (no margin: not every value has an interval)" in result.explanation


def test_control_estimate_uses_series_baseline(catalog: Catalog) -> None:
    # A stated baseline of 87.5 on the series' own date: the estimate still
    # compares the series' values, 88 -> 90 against 92 -> 92.5.
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    values += segment_series("Mid-market", ["92"] * 3 + ["92.5"] * 6)
    stated = dataclasses.replace(
        with_control(),
        baseline=Baseline(value=Decimal("87.5"), as_of=dt.date(2024, 12, 31)),
    )
    result = evaluate(stated, values, as_of=dt.date(2025, 7, 20), catalog=catalog)
    assert result.baseline == Decimal("87.5")
    assert result.control_estimate == Decimal("1.5")


def test_control_trends_not_parallel(catalog: Catalog) -> None:
    # SMB rose 1pp a month before launch, Mid-market stayed flat.
    values = segment_series(
        "SMB", ["86", "87", "88", "89", "90", "91", "92", "93", "94"]
    )
    values += segment_series("Mid-market", ["92"] * 9)
    result = evaluate(
        with_control(), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_parallel is False
    assert "before launch the trends were not parallel" in result.explanation
    assert "+1.0pp a month against the control" in result.explanation


def test_control_without_values_said(catalog: Catalog) -> None:
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    result = evaluate(
        with_control("Enterprise"), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_estimate is None
    assert "control segment 'Enterprise' has no value" in result.explanation


def test_no_control_no_estimate(catalog: Catalog) -> None:
    values = segment_series("SMB", ["88"] * 3 + ["90"] * 6)
    result = evaluate(
        with_control(None), values, as_of=dt.date(2025, 7, 20), catalog=catalog
    )
    assert result.control_segment is None
    assert "difference in differences" not in result.explanation


def test_register_lag_beats_catalog(catalog: Catalog) -> None:
    item = initiative(grr_lift())
    item = dataclasses.replace(item, extra={**item.extra, "lag_days": 30})
    # 30 days instead of GRR's 90: measured on 2025-03-31, no longer too early.
    result = run(catalog, item, GRR_SMB, dt.date(2025, 3, 31))
    assert result.lag_days == 30
    assert result.verdict is not Verdict.TOO_EARLY
