"""JSON-ready forms of register objects, evaluations and KPI values for tool results.

Numbers are JSON numbers, dates and times ISO 8601 strings, and enums their
string values, so every result passes through `json.dumps`. Measured numbers
(KPI values, evaluations) become floats, which keep about 15 significant
digits. Numbers a user wrote (targets, baselines, outcomes) keep every digit,
as `decimal_to_json` gives them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from boardloop.domain.targets import target_to_json
from boardloop.domain.units import decimal_to_json

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping, Sequence
    from decimal import Decimal

    from boardloop.catalog import Kpi
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import (
        Checkpoint,
        Event,
        Finding,
        Initiative,
        KpiValue,
        Outcome,
        Owner,
    )
    from boardloop.evaluate import Evaluation

__all__ = [
    "encode_evaluation",
    "encode_event",
    "encode_finding",
    "encode_initiative",
    "encode_initiative_row",
    "encode_kpi",
    "encode_kpi_value",
    "encode_owner",
]


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: Decimal | None) -> int | float | None:
    """Return a measured number as a JSON number: an int when whole, else a float.

    A NaN or infinite value, which JSON cannot hold, becomes null.
    """
    if value is None or not value.is_finite():
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _value_of(member: StrEnum | None) -> str | None:
    return None if member is None else member.value


def encode_owner(owner: Owner) -> dict[str, Any]:
    """Return the owner's person, function and display form ("Name (Function)")."""
    display = owner.person or "no owner"
    if owner.person and owner.function:
        display = f"{owner.person} ({owner.function})"
    return {"person": owner.person, "function": owner.function, "display": display}


def encode_initiative_row(
    initiative: Initiative,
    evaluation: Evaluation | None,
    *,
    canonical_target: str | None,
) -> dict[str, Any]:
    """Return the fields a list of initiatives shows: owner, target, status, verdict."""
    return {
        "id": initiative.id,
        "name": initiative.name,
        "owner": encode_owner(initiative.owner),
        "status": None if initiative.status is None else initiative.status.value,
        "program": initiative.program,
        "target": canonical_target,
        "next_checkpoint": _day(initiative.next_checkpoint),
        "verdict": None if evaluation is None else evaluation.verdict.value,
        "verdict_explanation": None if evaluation is None else evaluation.explanation,
        "outcome": (
            None
            if initiative.outcome is None or initiative.outcome.result is None
            else initiative.outcome.result.value
        ),
    }


def encode_initiative(
    initiative: Initiative,
    *,
    kpi_labels: Mapping[str, str],
    calendar: FiscalCalendar,
) -> dict[str, Any]:
    """Return every field of an initiative, with its target in canonical words."""
    baseline = initiative.baseline
    return {
        "id": initiative.id,
        "name": initiative.name,
        "program": initiative.program,
        "owner": encode_owner(initiative.owner),
        "status": None if initiative.status is None else initiative.status.value,
        "status_text": initiative.status_text,
        "target": target_to_json(
            initiative.target, kpi_labels=kpi_labels, calendar=calendar
        ),
        "baseline": (
            None
            if baseline is None
            else {
                "value": decimal_to_json(baseline.value),
                "as_of": _day(baseline.as_of),
                "source": baseline.source,
            }
        ),
        "control_segment": initiative.control_segment,
        "created_on": _day(initiative.created_on),
        "launched_on": _day(initiative.launched_on),
        "next_checkpoint": _day(initiative.next_checkpoint),
        "checkpoints": [_encode_checkpoint(item) for item in initiative.checkpoints],
        "progress_note": initiative.progress_note,
        "notes": initiative.notes,
        "outcome": _encode_outcome(initiative.outcome),
        "source": None if initiative.source is None else str(initiative.source),
        "history": [encode_event(event) for event in initiative.history],
    }


def _encode_checkpoint(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "on": checkpoint.on.isoformat(),
        "note": checkpoint.note,
        "author": checkpoint.author,
    }


def _encode_outcome(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "result": None if outcome.result is None else outcome.result.value,
        "actual_movement": decimal_to_json(outcome.actual_movement),
        "actual_unit": _value_of(outcome.actual_unit),
        "lesson": outcome.lesson,
        "closed_on": _day(outcome.closed_on),
    }


def encode_event(event: Event) -> dict[str, Any]:
    """Return one history event: when, who, what kind, what changed and why."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "changes": {
            name: {"before": before, "after": after}
            for name, (before, after) in event.changes.items()
        },
        "reason": event.reason,
    }


def encode_evaluation(evaluation: Evaluation) -> dict[str, Any]:
    """Return an evaluation's verdict and the measured numbers behind it.

    The series the evaluation read is left out; `read_kpi_series` returns it.
    """
    return {
        "verdict": evaluation.verdict.value,
        "label": evaluation.label,
        "explanation": evaluation.explanation,
        "as_of": _day(evaluation.as_of),
        "kpi": evaluation.kpi_id,
        "segment": evaluation.segment,
        "unit": None if evaluation.unit is None else evaluation.unit.value,
        "window_days": evaluation.window_days,
        "baseline": _number(evaluation.baseline),
        "baseline_on": _day(evaluation.baseline_on),
        "baseline_source": evaluation.baseline_source,
        "current": _number(evaluation.current),
        "current_on": _day(evaluation.current_on),
        "movement": _number(evaluation.movement),
        "relative_change_percent": _number(evaluation.relative_change),
        "attainment": _number(evaluation.attainment),
        "expected_attainment": _number(evaluation.expected_attainment),
        "margin": _number(evaluation.margin),
        "n": evaluation.n,
        "lag_days": evaluation.lag_days,
        "values_read": len(evaluation.series),
        "control": (
            None
            if evaluation.control_segment is None
            else {
                "segment": evaluation.control_segment,
                "estimate_pp": _number(evaluation.control_estimate),
                "margin_pp": _number(evaluation.control_margin),
                "low_pp": _number(evaluation.control_low),
                "high_pp": _number(evaluation.control_high),
                "parallel_trends": evaluation.control_parallel,
            }
        ),
    }


def encode_finding(finding: Finding, rule_names: Mapping[str, str]) -> dict[str, Any]:
    """Return a lint finding with its rule id and name, severity and location."""
    return {
        "rule_id": finding.rule_id,
        "rule_name": rule_names.get(finding.rule_id),
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "location": finding.location,
        "initiative_id": finding.initiative_id,
    }


def encode_kpi(kpi: Kpi) -> dict[str, Any]:
    """Return a catalog entry's boardloop reading next to its catalog object as read."""
    return {
        "id": kpi.id,
        "label": kpi.label,
        "short_label": kpi.short_label,
        "aliases": list(kpi.aliases),
        "description": kpi.description,
        "field_type": kpi.field_type,
        "unit": kpi.unit,
        "native_unit": None if kpi.native_unit is None else kpi.native_unit.value,
        "higher_is_better": kpi.higher_is_better,
        "formula": kpi.formula,
        "refresh_frequency": kpi.refresh_frequency,
        "typical_lag_days": kpi.lag_days,
        "related_ids": list(kpi.related_ids),
        "guardrail_ids": list(kpi.guardrail_ids),
        "owning_functions": list(kpi.owning_functions),
        "definition": kpi.raw,
    }


def encode_kpi_value(value: KpiValue) -> dict[str, Any]:
    """Return one measured value with its count and 95 % interval (null when none)."""
    interval = (
        None
        if value.low is None or value.high is None
        else {
            "low": _number(value.low),
            "high": _number(value.high),
            "level": 0.95,
        }
    )
    return {
        "period_end": value.period_end.isoformat(),
        "value": _number(value.value),
        "n": value.n,
        "interval": interval,
    }


def encode_series_key(values: Sequence[KpiValue]) -> dict[str, Any]:
    """Return the segment, window and latest definition shared by a series."""
    latest = values[-1]
    return {
        "segment": latest.segment,
        "window_days": latest.window_days,
        "definition": latest.definition,
    }
