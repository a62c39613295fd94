"""Measurement rules MS501-MS507."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from boardloop.catalog import Catalog
from boardloop.domain.model import KpiValue, Severity
from test_lint_support import CATALOG, entry, found, lint_entries, series


def _catalog_with(kpi_id: str, **cleared: object) -> Catalog:
    kpis = tuple(
        dataclasses.replace(kpi, **cleared) if kpi.id == kpi_id else kpi
        for kpi in CATALOG.kpis
    )
    return Catalog(CATALOG.version, CATALOG.released_at, kpis)


def test_good_measurement_passes() -> None:
    report = lint_entries(entry(), kpi_values=series([88, 88.6, 89.1]))
    for rule_id in ("MS501", "MS502", "MS503", "MS504", "MS505", "MS506", "MS507"):
        assert found(report, rule_id, real=False) == [], rule_id


def test_kpi_not_in_catalog() -> None:
    [item] = found(lint_entries(entry(target__kpi="customers.happiness")), "MS501")
    assert "'customers.happiness' is not in the catalog" in item.message


def test_kpi_label_names_another_kpi() -> None:
    [item] = found(lint_entries(entry(target__kpi_label="NPS")), "MS501")
    assert "'NPS'" in item.message


def test_alias_in_longer_label_passes() -> None:
    assert (
        found(lint_entries(entry(target__kpi_label="90-day logo retention")), "MS501")
        == []
    )


def test_kpi_unknown_not_checked_without_catalog() -> None:
    assert "MS501" in lint_entries(entry(), catalog=None).not_checked


def test_definition_incomplete() -> None:
    catalog = _catalog_with(
        "customers.logo_retention_rate", data_owner=None, formula=None
    )
    [item] = found(lint_entries(entry(), catalog=catalog), "MS502")
    assert "no formula, data owner" in item.message


def test_definition_not_checked_without_catalog() -> None:
    assert "MS502" in lint_entries(entry(), catalog=None).not_checked


def test_activity_kpi_from_catalog() -> None:
    report = lint_entries(
        entry(target__kpi="customers.ebr_coverage", target__kpi_label=None)
    )
    [item] = found(report, "MS503")
    assert "as activity" in item.message


def test_activity_words_in_target() -> None:
    report = lint_entries(
        entry(target__text="Run 12 webinars for SMB admins"), catalog=None
    )
    [item] = found(report, "MS503")
    assert "'webinars'" in item.message


def test_cumulative_words_in_target() -> None:
    report = lint_entries(entry(target__text="total customers registered to date"))
    assert len(found(report, "MS503")) == 1


def test_refresh_longer_than_window() -> None:
    catalog = _catalog_with("customers.logo_retention_rate", refresh_days=91)
    report = lint_entries(entry(target__window_days=60), catalog=catalog)
    messages = [item.message for item in found(report, "MS504")]
    assert any("every 91 days, longer than the 60-day window" in m for m in messages)


def test_lag_longer_than_room_before_deadline() -> None:
    catalog = _catalog_with("customers.logo_retention_rate", lag_days=90)
    report = lint_entries(entry(target__deadline=dt.date(2027, 6, 30)), catalog=catalog)
    [item] = found(report, "MS504")
    assert "opens 46 days after launch (2027-03-02)" in item.message
    assert "44 days too early" in item.message


def test_unmeasurable_not_checked_without_timing_fields() -> None:
    catalog = _catalog_with(
        "customers.logo_retention_rate", refresh_days=None, lag_days=None
    )
    report = lint_entries(entry(), catalog=catalog)
    [item] = found(report, "MS504", real=False)
    assert item.message.startswith("not checked")
    assert item.initiative_id == "onboarding"


def test_flat_series_is_stalled() -> None:
    report = lint_entries(entry(), kpi_values=series([88.5, 88.52, 88.55]))
    [item] = found(report, "MS505")
    assert "within the stall tolerance" in item.message


def test_series_below_baseline_is_wrong_way() -> None:
    report = lint_entries(entry(), kpi_values=series([88, 87.5, 87.0]))
    [item] = found(report, "MS505")
    assert "1 below the baseline 88" in item.message


def test_stall_not_checked_without_values() -> None:
    assert "MS505" in lint_entries(entry()).not_checked


def test_slow_trend_is_off_trajectory() -> None:
    report = lint_entries(entry(), kpi_values=series([88.0, 88.1, 88.2]))
    [item] = found(report, "MS506")
    assert item.severity is Severity.INFO
    assert "89.73% at the deadline 2027-09-30" in item.message
    assert "86% of the target" in item.message


def test_falling_trend_is_a_warning() -> None:
    report = lint_entries(entry(), kpi_values=series([88.0, 87.8, 87.7]))
    [item] = found(report, "MS506")
    assert item.severity is Severity.WARNING


def test_trajectory_needs_three_points() -> None:
    report = lint_entries(entry(), kpi_values=series([88.0, 88.5]))
    [item] = found(report, "MS506", real=False)
    assert "2 measurements since launch" in item.message


def test_guardrail_missing() -> None:
    [item] = found(lint_entries(entry(guardrails=None)), "MS507")
    assert item.severity is Severity.INFO
    assert "customers.gross_revenue_retention" in item.message


def test_guardrail_named_in_notes_passes() -> None:
    report = lint_entries(
        entry(guardrails=None, notes="Watch customers.gross_revenue_retention.")
    )
    assert found(report, "MS507") == []


def test_window_opening_before_launch_worded() -> None:
    catalog = _catalog_with("customers.logo_retention_rate", lag_days=90)
    report = lint_entries(entry(target__deadline=dt.date(2027, 4, 30)), catalog=catalog)
    [item] = found(report, "MS504")
    assert "opens 15 days before launch (2026-12-31)" in item.message
    assert "105 days too early" in item.message


def test_product_name_is_not_a_metric() -> None:
    report = lint_entries(entry(name="Total product training rollout"))
    assert found(report, "MS503") == []


def test_name_read_when_target_empty() -> None:
    report = lint_entries(
        entry(name="Total logins to date", target={"text": "", "kpi": None})
    )
    [item] = found(report, "MS503")
    assert "cumulative" in item.message


def test_no_trajectory_past_deadline() -> None:
    report = lint_entries(
        entry(target__deadline=dt.date(2027, 2, 28)),
        kpi_values=series([88.0, 87.8, 87.7]),
    )
    assert found(report, "MS506") == []


def noisy_series(half_width: str) -> list[KpiValue]:
    """Logo retention values with a 95 % interval of the given half-width."""
    width = Decimal(half_width)
    return [
        dataclasses.replace(
            value, low=value.value - width, high=value.value + width, n=240
        )
        for value in series([88, 88.4])
    ]


def test_planned_target_below_noise() -> None:
    # The +2pp target against half-widths of 2.5: sqrt(2) x 2.5 = 3.54pp.
    report = lint_entries(entry(status="planned"), kpi_values=noisy_series("2.5"))
    [item] = found(report, "MS508")
    assert item.severity is Severity.WARNING
    assert "target of 2pp is below the 3.54pp the data can detect with n=240" in (
        item.message
    )


def test_planned_target_above_noise_passes() -> None:
    report = lint_entries(entry(status="planned"), kpi_values=noisy_series("1"))
    assert found(report, "MS508") == []


def level_entry(level: int, bound: str = "at-least", **changes: object) -> dict:
    """A planned level target on logo retention, baseline 88."""
    return entry(
        status="planned",
        target__text=f"logo retention {level}%+ for SMB by 2027-09-30",
        target__direction=None,
        target__amount=None,
        target__unit=None,
        target__level=level,
        target__level_bound=bound,
        **changes,
    )


def test_planned_level_below_noise() -> None:
    # Level 90 from baseline 88 plans +2pp, below sqrt(2) x 2.5 = 3.54pp.
    report = lint_entries(level_entry(90), kpi_values=noisy_series("2.5"))
    [item] = found(report, "MS508")
    assert "target level 90 is 2pp from the baseline 88" in item.message
    assert "below the 3.54pp the data can detect with n=240" in item.message


def test_planned_level_above_noise_passes() -> None:
    report = lint_entries(level_entry(95), kpi_values=noisy_series("2.5"))
    assert found(report, "MS508") == []


def test_reached_level_not_judged_for_noise() -> None:
    # An at-most level of 90 from a baseline of 88 is already reached.
    report = lint_entries(level_entry(90, "at-most"), kpi_values=noisy_series("2.5"))
    assert found(report, "MS508") == []


def test_level_without_baseline_uses_latest_value() -> None:
    # The latest value is 88.4, so level 90 plans 1.6pp.
    report = lint_entries(
        level_entry(90, baseline=None), kpi_values=noisy_series("2.5")
    )
    [item] = found(report, "MS508")
    assert "1.6pp from the latest value 88.4" in item.message


def test_launched_target_not_judged_for_noise() -> None:
    report = lint_entries(entry(), kpi_values=noisy_series("2.5"))
    assert found(report, "MS508") == []


def segment_values(*segments: str) -> list[KpiValue]:
    """Logo retention values for each segment."""
    return [
        dataclasses.replace(value, segment=segment)
        for segment in segments
        for value in series([88, 88.4])
    ]


def test_control_equal_to_segment() -> None:
    report = lint_entries(entry(control_segment="smb"))
    [item] = found(report, "MS509")
    assert item.severity is Severity.ERROR
    assert "control segment 'smb' is the initiative's own segment" in item.message


def test_control_without_values_suggests_spelling() -> None:
    report = lint_entries(
        entry(control_segment="Midmarket"),
        kpi_values=segment_values("SMB", "Mid-market", "Enterprise"),
    )
    [item] = found(report, "MS509")
    assert item.severity is Severity.WARNING
    assert "segments with values: Enterprise, Mid-market, SMB" in item.message
    assert "did you mean 'Mid-market'?" in item.message


def test_control_with_values_passes() -> None:
    report = lint_entries(
        entry(control_segment="mid-market"),
        kpi_values=segment_values("SMB", "Mid-market"),
    )
    assert found(report, "MS509") == []


def test_control_not_checked_for_values_without_any() -> None:
    assert found(lint_entries(entry(control_segment="Mid-market")), "MS509") == []
